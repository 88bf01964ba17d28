package training

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Subsidy claims (SUB-3, 第十二条; DELIV-1..3; SUB-2; SUB-5, 第十六条): an
// institution builds a claim from the approved passes of its classes; the
// rules below say which people are proposed, which are left out and why,
// what each line is paid, and which steps the claim may take.

// ClaimStatus is a claim's status.
type ClaimStatus string

// Claim statuses, in the order of the flow.
const (
	ClaimDraft           ClaimStatus = "draft"
	ClaimSubmitted       ClaimStatus = "submitted"
	ClaimReturned        ClaimStatus = "returned"
	ClaimReviewed        ClaimStatus = "reviewed"
	ClaimNotice          ClaimStatus = "notice"     // approved, on public notice (公示)
	ClaimObjections      ClaimStatus = "objections" // notice over, objections to decide
	ClaimPayable         ClaimStatus = "payable"    // notice over, objections decided
	ClaimPaymentRecorded ClaimStatus = "payment_recorded"
	ClaimPaymentFailed   ClaimStatus = "payment_failed"
	ClaimPaid            ClaimStatus = "paid"
	ClaimWithdrawn       ClaimStatus = "withdrawn"
)

// ClaimStatuses lists the statuses in the order of the flow.
var ClaimStatuses = []ClaimStatus{ClaimDraft, ClaimSubmitted, ClaimReturned, ClaimReviewed, ClaimNotice, ClaimObjections,
	ClaimPayable, ClaimPaymentRecorded, ClaimPaymentFailed, ClaimPaid, ClaimWithdrawn}

// Label is the Chinese name.
func (s ClaimStatus) Label() string {
	switch s {
	case ClaimDraft:
		return "草稿"
	case ClaimSubmitted:
		return "待审核"
	case ClaimReturned:
		return "已退回"
	case ClaimReviewed:
		return "已初审，待审批"
	case ClaimNotice:
		return "公示中"
	case ClaimObjections:
		return "公示期满，待处理异议"
	case ClaimPayable:
		return "待拨付"
	case ClaimPaymentRecorded:
		return "已登记拨付"
	case ClaimPaymentFailed:
		return "拨付失败，待重新拨付"
	case ClaimPaid:
		return "已拨付"
	case ClaimWithdrawn:
		return "已撤回"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s ClaimStatus) Valid() bool { return slices.Contains(ClaimStatuses, s) }

// Editable reports whether the institution may rebuild or submit the claim.
func (s ClaimStatus) Editable() bool { return s == ClaimDraft || s == ClaimReturned }

// Settled reports whether the money has gone out (or is going): a live
// line of such a claim means the person was subsidised; of any other
// live claim, that the person is on an open claim.
func (s ClaimStatus) Settled() bool {
	return s == ClaimPaid || s == ClaimPaymentRecorded || s == ClaimPaymentFailed
}

// OnNotice reports whether the claim shows on the public notice page and
// takes objections.
func (s ClaimStatus) OnNotice() bool { return s == ClaimNotice }

// ClaimAction is a step on a claim.
type ClaimAction string

// Claim actions.
const (
	ActClaimSubmit        ClaimAction = "submit"
	ActClaimWithdraw      ClaimAction = "withdraw"
	ActClaimReview        ClaimAction = "review"
	ActClaimReturn        ClaimAction = "return"
	ActClaimApprove       ClaimAction = "approve"
	ActClaimCloseNotice   ClaimAction = "close_notice"
	ActClaimSettle        ClaimAction = "settle" // the last pending objection decided
	ActClaimRecordPayment ClaimAction = "record_payment"
	ActClaimConfirmPaid   ClaimAction = "confirm_paid"
	ActClaimPaymentFailed ClaimAction = "payment_failed"
)

// Label is the Chinese name.
func (a ClaimAction) Label() string {
	switch a {
	case ActClaimSubmit:
		return "提交"
	case ActClaimWithdraw:
		return "撤回"
	case ActClaimReview:
		return "初审通过"
	case ActClaimReturn:
		return "退回"
	case ActClaimApprove:
		return "审批并公示"
	case ActClaimCloseNotice:
		return "结束公示"
	case ActClaimSettle:
		return "异议处理完毕"
	case ActClaimRecordPayment:
		return "登记拨付"
	case ActClaimConfirmPaid:
		return "确认到账"
	case ActClaimPaymentFailed:
		return "登记拨付失败"
	}
	return string(a)
}

// Role is who takes the action (the system's close_notice and settle run
// as the bureau).
func (a ClaimAction) Role() Role {
	if a == ActClaimSubmit || a == ActClaimWithdraw {
		return RoleInstitution
	}
	return RoleBureau
}

// Claim is a subsidy claim as its pages show it.
type Claim struct {
	ID              int64
	ClaimNo         string
	InstitutionID   int64
	InstitutionName string
	Status          ClaimStatus
	ClassIDs        []int64
	Lines           int
	Total           int64 // fen
	Excluded        int
	ReturnReason    string
	CreatedBy       string
	CreatedAt       time.Time
	SubmittedBy     string
	SubmittedAt     *time.Time
	ReviewedByID    int64
	ReviewedBy      string
	ReviewedAt      *time.Time
	ReviewNote      string
	TouchedBy       []int64
	ApprovedBy      string
	ApprovedAt      *time.Time
	NoticeFrom      *time.Time
	NoticeUntil     *time.Time
	PaidAt          *time.Time
	Version         int
	Pending         int // objections not decided
}

// Rules of claims.
var (
	RuleClaimStep        = NewRule("SUB-3", "第十二条", "补贴申领当前状态为「%s」，不能%s")
	RuleClaimFourEyes    = NewRule("SUB-3", "第十二条", "审批须由初审人以外的其他工作人员进行：您已初审或处理过该申领，不能审批")
	RuleClaimNoLines     = NewRule("SUB-3", "第十二条", "申领中没有可补贴的学员，不能提交")
	RuleClaimAllRemoved  = NewRule("SUB-3", "第十二条", "申领中的人员已全部移出（异议成立或已撤回），没有可补贴的学员，不能%s")
	RuleClaimReturnNote  = NewRule("SUB-3", "", "请填写退回理由")
	RuleClaimNoticeOpen  = NewRule("SUB-3", "第十二条", "公示期至%s结束，公示期满后才能结束公示")
	RuleClaimPending     = NewRule("SUB-3", "第十二条", "还有%d条异议未处理")
	RuleClaimNoCalendar  = NewRule("SUB-3", "第十二条", "%d年的节假日安排尚未录入，无法计算5个工作日的公示期")
	RuleClaimChooseClass = NewRule("SUB-3", "第十二条", "请选择至少一个已公布考核结果的培训班")
	RuleClaimClassNotOK  = NewRule("SUB-3", "第十二条", "培训班%s尚未公布考核结果，不能申领补贴")
	RuleClaimClassOpen   = NewRule("SUB-3", "第十二条", "培训班%s已在申领%s中（%s），请在该申领中处理")
	RuleClaimNoteLen     = NewRule("SUB-3", "", "内容过长（最多500字）")

	// Exclusions: why a person with an approved pass is not proposed.
	RuleClaimNotDesignated = NewRule("SUB-1", "第三条、第十二条", "开班之日培训机构不是定点培训机构")
	RuleClaimDeliveryShort = NewRule("DELIV-2", "第八条、第十六条", "培训班实际课时少于备案计划（擅自缩减课时）")
	RuleClaimNoAgreement   = NewRule("DELIV-1", "第四条", "未签订职业培训协议书")
	RuleClaimAttendance    = NewRule("DELIV-3", "第八条", "出勤率低于区人力社保局规定的门槛")
	RuleClaimFeePaid       = NewRule("SUB-2", "第十二条", "学员已缴纳培训费，该次培训不再享受政府培训补贴")
	RuleClaimGroup         = NewRule("SUB-1", "第二条、第十二条", "人员类别不在补贴范围内")
	RuleClaimSubsidised    = NewRule("SUB-3", "第十二条", "同一年度已享受过同一工种同一等级的培训补贴（全区范围）")
	RuleClaimOnOpenClaim   = NewRule("SUB-3", "第十二条", "已列入另一份尚未办结的补贴申领（同一工种同一等级同一年度）")
	RuleClaimNoStandard    = NewRule("SUB-1", "第十二条", "证书日期没有适用的补贴标准")

	// Objections, payments and recovery.
	RuleObjectionBody     = NewRule("SUB-3", "", "请写明异议内容（5到1000字）")
	RuleObjectionShort    = NewRule("SUB-3", "", "内容过长（最多50字）")
	RuleObjectionText     = NewRule("SUB-3", "", "内容含有无效字符")
	RuleObjectionLine     = NewRule("SUB-3", "", "所选人员不在本公示名单中")
	RuleObjectionClosed   = NewRule("SUB-3", "第十二条", "该申领不在公示期内，不能提出异议")
	RuleObjectionDecided  = NewRule("SUB-3", "第十二条", "该异议已处理")
	RuleObjectionReason   = NewRule("SUB-3", "第十二条", "请填写处理意见")
	RuleObjectionNoLine   = NewRule("SUB-3", "第十二条", "异议成立须指明所涉人员：请选择要移出申领的人员")
	RuleObjectionStage    = NewRule("SUB-3", "第十二条", "申领状态为「%s」，不能处理异议")
	RulePaymentBatch      = NewRule("SUB-3", "", "请填写拨付批次号（最多40字）")
	RulePaymentVoucher    = NewRule("SUB-3", "", "请填写凭证号（最多40字）")
	RulePaymentDate       = NewRule("SUB-3", "", "请填写拨付日期（如 2026-04-20），不能晚于今天")
	RulePaymentAmount     = NewRule("SUB-3", "第十二条", "拨付金额%s与申领核定金额%s不一致")
	RulePaymentFailReason = NewRule("SUB-3", "", "请填写拨付失败原因")
	RuleRecoveryReason    = NewRule("SUB-5", "第十六条", "请写明追缴原因（如弄虚作假、骗取培训补助经费）")
	RuleRecoveryStage     = NewRule("SUB-5", "第十六条", "只能对已拨付的申领中的补贴追缴（申领状态为「%s」）")
	RuleRecoveryLines     = NewRule("SUB-5", "第十六条", "%s已移出申领或已追缴，不能再追缴")
	RuleRecoveryChoose    = NewRule("SUB-5", "第十六条", "请勾选要追缴的人员")
	RuleRecoveryEach      = NewRule("SUB-5", "第十六条", "每人追缴金额应大于0且不超过所选人员中最少的补贴金额%s（不填则按各人补贴金额全额追缴）")
)

// NoticeWorkingDays is the length of the public notice (公示), in working
// days after the day it starts (interpretation, after the 2021 Hangzhou
// guide; kept here in one place).
const NoticeWorkingDays = 5

// NextClaimStatus applies action to from (pending: objections not yet
// decided), or returns the rule that refuses it.
func NextClaimStatus(from ClaimStatus, action ClaimAction, pending int) (ClaimStatus, *Rule) {
	switch {
	case from.Editable() && action == ActClaimSubmit:
		return ClaimSubmitted, nil
	case from.Editable() && action == ActClaimWithdraw:
		return ClaimWithdrawn, nil
	case from == ClaimSubmitted && action == ActClaimReview:
		return ClaimReviewed, nil
	case (from == ClaimSubmitted || from == ClaimReviewed) && action == ActClaimReturn:
		return ClaimReturned, nil
	case from == ClaimReviewed && action == ActClaimApprove:
		return ClaimNotice, nil
	case from == ClaimNotice && action == ActClaimCloseNotice:
		if pending > 0 {
			return ClaimObjections, nil
		}
		return ClaimPayable, nil
	case from == ClaimObjections && action == ActClaimSettle && pending == 0:
		return ClaimPayable, nil
	case (from == ClaimPayable || from == ClaimPaymentFailed) && action == ActClaimRecordPayment:
		return ClaimPaymentRecorded, nil
	case from == ClaimPaymentRecorded && action == ActClaimConfirmPaid:
		return ClaimPaid, nil
	case from == ClaimPaymentRecorded && action == ActClaimPaymentFailed:
		return ClaimPaymentFailed, nil
	}
	return from, RuleClaimStep
}

// ClaimStepFacts is what the repository loads to decide a step.
type ClaimStepFacts struct {
	Today    time.Time
	Note     string // return reason, review note, failure reason
	Calendar *Calendar
}

// DecideClaimStep says whether actor may take action on the claim now, and
// for an approval the notice's last day.
func DecideClaimStep(a Actor, c Claim, action ClaimAction, f ClaimStepFacts) (noticeUntil time.Time, rs Refusals) {
	if _, r := NextClaimStatus(c.Status, action, c.Pending); r != nil {
		rs.General(r, c.Status.Label(), action.Label())
		return noticeUntil, rs
	}
	switch action {
	case ActClaimSubmit:
		if c.Lines == 0 {
			rs.General(RuleClaimNoLines)
		}
	case ActClaimReturn:
		if strings.TrimSpace(f.Note) == "" {
			rs.Add("note", RuleClaimReturnNote)
		}
	case ActClaimPaymentFailed:
		if strings.TrimSpace(f.Note) == "" {
			rs.Add("note", RulePaymentFailReason)
		}
	case ActClaimApprove:
		if ClaimFourEyes(a, c) {
			rs.General(RuleClaimFourEyes)
		}
		if c.Lines == 0 {
			rs.General(RuleClaimAllRemoved, action.Label())
		}
		if f.Calendar != nil {
			until, ok := f.Calendar.AddWorkingDays(f.Today, NoticeWorkingDays)
			if !ok {
				rs.General(RuleClaimNoCalendar, until.Year())
			}
			noticeUntil = until
		}
	case ActClaimCloseNotice:
		if c.NoticeUntil != nil && !f.Today.After(*c.NoticeUntil) {
			rs.General(RuleClaimNoticeOpen, c.NoticeUntil.Format("2006-01-02"))
		}
	}
	if utf8.RuneCountInString(strings.TrimSpace(f.Note)) > MaxReasonLen {
		rs.Add("note", RuleClaimNoteLen)
	}
	return noticeUntil, rs
}

// ClaimFourEyes reports whether a reviewed or handled claim c, and so may
// not approve it (four eyes, 第十二条).
func ClaimFourEyes(a Actor, c Claim) bool {
	return a.UserID == c.ReviewedByID || slices.Contains(c.TouchedBy, a.UserID)
}

// MaxClaimClasses is the most classes one claim is built of.
const MaxClaimClasses = 100

// DecideBuildClaim says whether a claim may be built of n chosen classes:
// at least one, at most MaxClaimClasses (SUB-3).
func DecideBuildClaim(n int) Refusals {
	var rs Refusals
	if n < 1 || n > MaxClaimClasses {
		rs.Add("class_ids", RuleClaimChooseClass)
	}
	return rs
}

// ClaimAwaitsOtherApprover reports whether a claim ready for approval
// (reviewed, with people on it) waits for a bureau user other than a, who
// reviewed or handled it (four eyes, 第十二条): the page says so instead of
// offering a the approval.
func ClaimAwaitsOtherApprover(a Actor, c Claim) bool {
	return a.IsBureau() && a.UserID != 0 && c.Status == ClaimReviewed && c.Lines > 0 && ClaimFourEyes(a, c)
}

// DecideRebuildClaim says whether a claim's lines may be built again: while
// the institution may still change it (draft or returned, SUB-3).
func DecideRebuildClaim(st ClaimStatus) Refusals {
	var rs Refusals
	if !st.Editable() {
		rs.General(RuleClaimStep, st.Label(), "重新生成")
	}
	return rs
}

// ClaimEmptied reports whether every person of a claim under review or
// awaiting payment has been removed (objections upheld, withdrawn), so
// that it can be neither approved nor paid (SUB-3): the bureau's page says
// so instead of offering those steps.
func ClaimEmptied(c Claim) bool {
	return c.Lines == 0 && (c.Status == ClaimReviewed || c.Status == ClaimPayable || c.Status == ClaimPaymentFailed)
}

// CanClaimStep reports whether actor's role takes the action and the
// claim's status allows it (for showing buttons; the repository decides).
func CanClaimStep(a Actor, c Claim, action ClaimAction) bool {
	if a.Role != action.Role() || (a.IsInstitution() && a.InstitutionID != c.InstitutionID) {
		return false
	}
	if action == ActClaimApprove && ClaimFourEyes(a, c) {
		return false
	}
	if (action == ActClaimApprove || action == ActClaimRecordPayment) && c.Lines == 0 {
		return false
	}
	_, r := NextClaimStatus(c.Status, action, c.Pending)
	return r == nil
}

// MaskName shows a person's surname only: 张*, 欧阳** .
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// ClaimableClass is a class of the institution with published results,
// for the build page.
type ClaimableClass struct {
	ClassRef
	Passes  int // approved passes (certificates)
	Claimed int // of them on a live claim line
}

// ClaimDetail is everything the claim page shows.
type ClaimDetail struct {
	Claim      Claim
	Classes    []ClassRef
	Lines      []ClaimLine
	Exclusions []ClaimExclusion
	Objections []Objection
	Payments   []ClaimPayment
	History    []AuditEntry
}

// NoticeLine is one line as the public sees it: name and ID number
// masked by the repository before they leave it.
type NoticeLine struct {
	ID             int64
	Name           string // masked
	IDNumber       string // masked
	OccupationName string
	Level          Level
	ClassType      ClassType
	Amount         int64
}

// Notice is one claim on public notice.
type Notice struct {
	ID              int64
	ClaimNo         string
	InstitutionName string
	NoticeFrom      string
	NoticeUntil     string
	Lines           int
	Total           int64
}

// NoticeDetail is a claim's public notice with its masked lines.
type NoticeDetail struct {
	Notice
	Items []NoticeLine
}
