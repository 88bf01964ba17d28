package training

import (
	"slices"
	"strconv"
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

// Exclusion codes, stored with an excluded person.
const (
	ExclNotDesignated = "not_designated"
	ExclDeliveryShort = "delivery_short"
	ExclNoAgreement   = "no_agreement"
	ExclAttendance    = "attendance"
	ExclFeePaid       = "fee_paid"
	ExclGroup         = "group"
	ExclSubsidised    = "subsidised"
	ExclOpenClaim     = "open_claim"
	ExclNoStandard    = "no_standard"
)

var exclusionRules = map[string]*Rule{
	ExclNotDesignated: RuleClaimNotDesignated,
	ExclDeliveryShort: RuleClaimDeliveryShort,
	ExclNoAgreement:   RuleClaimNoAgreement,
	ExclAttendance:    RuleClaimAttendance,
	ExclFeePaid:       RuleClaimFeePaid,
	ExclGroup:         RuleClaimGroup,
	ExclSubsidised:    RuleClaimSubsidised,
	ExclOpenClaim:     RuleClaimOnOpenClaim,
	ExclNoStandard:    RuleClaimNoStandard,
}

// ExclusionRule is the rule of an exclusion code (nil for an unknown one).
func ExclusionRule(code string) *Rule { return exclusionRules[code] }

// ClaimCandidate is one approved pass of a chosen class with every fact
// the eligibility rules need, as the repository reads them in one pass.
type ClaimCandidate struct {
	CertificateID  int64
	CertNo         string
	CertDate       time.Time
	EnrolmentID    int64
	TraineeID      int64
	Name           string
	IDNumber       string
	Group          TargetGroup
	ClassID        int64
	ClassNo        string
	ClassType      ClassType
	Level          Level
	OccupationID   int64
	OccupationName string
	// The institution's status on the class's start date (SUB-1).
	DesignatedOnStart bool
	// The class's delivery (DELIV-2): sessions taught short of plan, and
	// sessions of the plan past training never recorded.
	ShortSessions   int
	UnrecordedAfter int
	HasAgreement    bool    // DELIV-1
	AttendanceRate  float64 // DELIV-3: attended ÷ planned hours, 0..1
	ClassStart      time.Time
	ClassEnd        time.Time // DELIV-3's threshold is the one in force on this day
	PaidFee         bool      // SUB-2
	SubsidisedBy    string    // claim no of a settled claim with a live line of the same person, occupation, level and year
	OnOpenClaim     string    // claim no of another live, unsettled claim with such a line
}

// ClaimLine is a proposed line: the candidate, the standard and rate in
// force on the certificate date, and the amount.
type ClaimLine struct {
	ID int64
	ClaimCandidate
	StandardID  int64
	Standard    int64 // fen
	StandardDoc string
	RateID      int64
	Percent     int
	Shortage    bool
	Amount      int64 // fen
	Status      string
	Removed     string // reason an objection removed it
	Recovery    int64  // fen, 追缴
	RecoveryWhy string
}

// Year is the line's calendar year (of the certificate date).
func (l ClaimLine) Year() int { return l.CertDate.Year() }

// Computation shows how the amount was computed:
// "¥1,500.00（杭人社发〔2020〕43号）× 50%（企业职工）= ¥750.00".
func (l ClaimLine) Computation() string {
	g := l.Group.Label()
	if l.Shortage {
		g += "，紧缺工种"
	}
	return YuanText(l.Standard) + "（" + l.StandardDoc + "）× " + strconv.Itoa(l.Percent) + "%（" + g + "）= " + YuanText(l.Amount)
}

// ClaimExclusion is an approved pass left out, with every reason.
type ClaimExclusion struct {
	ClaimCandidate
	Reasons []string // exclusion codes
	Detail  string
}

// Messages are the reasons as the user reads them, each with its article.
func (e ClaimExclusion) Messages() []string {
	out := make([]string, 0, len(e.Reasons))
	for _, c := range e.Reasons {
		if r := ExclusionRule(c); r != nil {
			out = append(out, r.Msg())
		}
	}
	return out
}

// HasReason reports whether code is one of the reasons.
func (e ClaimExclusion) HasReason(code string) bool { return slices.Contains(e.Reasons, code) }

// DecideClaimLine is SUB-3's eligibility and SUB-1's amount for one
// candidate: a line, or every reason it is left out (ok false).
func DecideClaimLine(c ClaimCandidate, t SubsidyTables) (ClaimLine, ClaimExclusion, bool) {
	var reasons, detail []string
	add := func(code, d string) {
		reasons = append(reasons, code)
		if d != "" {
			detail = append(detail, d)
		}
	}
	if !c.DesignatedOnStart {
		add(ExclNotDesignated, "开班日期 "+c.ClassStart.Format("2006-01-02"))
	}
	if c.ShortSessions > 0 || c.UnrecordedAfter > 0 {
		add(ExclDeliveryShort, strconv.Itoa(c.ShortSessions+c.UnrecordedAfter)+" 次课未按计划授课")
	}
	if !c.HasAgreement {
		add(ExclNoAgreement, "")
	}
	threshold := 80
	if th, ok := t.PickThreshold(c.ClassEnd); ok {
		threshold = th.Percent
	}
	if c.AttendanceRate*100 < float64(threshold)-1e-9 {
		add(ExclAttendance, "出勤率 "+strconv.FormatFloat(c.AttendanceRate*100, 'f', 1, 64)+"%，门槛 "+strconv.Itoa(threshold)+"%")
	}
	if c.PaidFee {
		add(ExclFeePaid, "")
	}
	shortage := t.IsShortage(c.OccupationID, c.CertDate)
	rate, okRate := t.PickRate(c.Group, c.Level, shortage, c.CertDate)
	if !okRate {
		add(ExclGroup, c.Group.Label())
	}
	if c.SubsidisedBy != "" {
		add(ExclSubsidised, "申领 "+c.SubsidisedBy)
	}
	if c.OnOpenClaim != "" {
		add(ExclOpenClaim, "申领 "+c.OnOpenClaim)
	}
	std, okStd := t.PickStandard(c.ClassType, c.Level, c.OccupationID, c.CertDate)
	if !okStd {
		add(ExclNoStandard, "证书日期 "+c.CertDate.Format("2006-01-02"))
	}
	if len(reasons) > 0 {
		return ClaimLine{}, ClaimExclusion{ClaimCandidate: c, Reasons: reasons, Detail: strings.Join(detail, "；")}, false
	}
	l := ClaimLine{ClaimCandidate: c, StandardID: std.ID, Standard: std.Amount, StandardDoc: std.SourceDoc,
		RateID: rate.ID, Percent: rate.Percent, Shortage: shortage && rate.Shortage, Status: "active"}
	l.Amount = SubsidyAmount(l.Standard, l.Percent)
	return l, ClaimExclusion{}, true
}

// ObjectionInput is an objection as typed on the public notice page.
type ObjectionInput struct {
	LineID   string
	Objector string
	Contact  string
	Body     string
}

// Objection is a validated objection, or one on record.
type Objection struct {
	ID        int64
	ClaimID   int64
	LineID    int64
	LineName  string // masked on public pages
	Objector  string
	Contact   string
	Body      string
	Status    string // pending, upheld, dismissed
	FiledAt   time.Time
	DecidedBy string
	DecidedAt *time.Time
	Decision  string
}

// ObjectionStatusLabel is the Chinese name of an objection's status.
func ObjectionStatusLabel(s string) string {
	switch s {
	case "pending":
		return "待处理"
	case "upheld":
		return "异议成立"
	case "dismissed":
		return "异议不成立"
	}
	return s
}

func cleanText(p *Problems, field, s string, min, max int, r *Rule) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		p.Add(field, RuleObjectionText.Msg())
		return ""
	}
	if n := utf8.RuneCountInString(s); n < min || n > max {
		p.Add(field, r.Msg())
	}
	return s
}

// ParseObjection validates the public objection form against the claim's
// live lines (lineIDs; 0 or empty: about the claim as a whole).
func ParseObjection(in ObjectionInput, lineIDs []int64) (Objection, error) {
	var p Problems
	var o Objection
	o.Body = cleanText(&p, "body", in.Body, 5, 1000, RuleObjectionBody)
	o.Objector = cleanText(&p, "objector", in.Objector, 0, 50, RuleObjectionShort)
	o.Contact = cleanText(&p, "contact", in.Contact, 0, 50, RuleObjectionShort)
	if s := strings.TrimSpace(in.LineID); s != "" && s != "0" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || !slices.Contains(lineIDs, id) {
			p.Add("line_id", RuleObjectionLine.Msg())
		}
		o.LineID = id
	}
	return o, p.Err()
}

// DecideObjection says whether the bureau may decide the objection: the
// claim on notice or past it with objections pending, the objection
// pending, a reason, and an upheld objection naming a line.
func DecideObjection(c Claim, o Objection, upheld bool, reason string) Refusals {
	var rs Refusals
	if c.Status != ClaimNotice && c.Status != ClaimObjections {
		rs.General(RuleObjectionStage, c.Status.Label())
	}
	if o.Status != "pending" {
		rs.General(RuleObjectionDecided)
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(reason)); {
	case n == 0:
		rs.Add("decision", RuleObjectionReason)
	case n > MaxReasonLen:
		rs.Add("decision", RuleClaimNoteLen)
	}
	if upheld && o.LineID == 0 {
		rs.Add("line_id", RuleObjectionNoLine)
	}
	return rs
}

// ClaimPaymentInput is a payment as typed by the bureau.
type ClaimPaymentInput struct {
	BatchNo   string
	PaidOn    string
	VoucherNo string
	Amount    string // yuan
}

// ClaimPayment is a payment on record.
type ClaimPayment struct {
	ID            int64
	BatchNo       string
	PaidOn        time.Time
	VoucherNo     string
	Amount        int64
	Status        string // recorded, paid, failed
	FailureReason string
	RecordedBy    string
	RecordedAt    time.Time
	SettledBy     string
}

// PaymentStatusLabel is the Chinese name of a payment's status.
func PaymentStatusLabel(s string) string {
	switch s {
	case "recorded":
		return "已登记"
	case "paid":
		return "已到账"
	case "failed":
		return "失败"
	}
	return s
}

// DecideClaimPayment validates a payment for the claim: batch and voucher
// numbers, a date not after today, and exactly the claim's total.
func DecideClaimPayment(c Claim, in ClaimPaymentInput, today time.Time) (ClaimPayment, Refusals) {
	var rs Refusals
	var p ClaimPayment
	if _, r := NextClaimStatus(c.Status, ActClaimRecordPayment, c.Pending); r != nil {
		rs.General(r, c.Status.Label(), ActClaimRecordPayment.Label())
	} else if c.Lines == 0 {
		rs.General(RuleClaimAllRemoved, ActClaimRecordPayment.Label())
	}
	p.BatchNo = strings.TrimSpace(in.BatchNo)
	if n := utf8.RuneCountInString(p.BatchNo); n == 0 || n > MaxNoLen || !utf8.ValidString(p.BatchNo) {
		rs.Add("batch_no", RulePaymentBatch)
	}
	p.VoucherNo = strings.TrimSpace(in.VoucherNo)
	if n := utf8.RuneCountInString(p.VoucherNo); n == 0 || n > MaxNoLen || !utf8.ValidString(p.VoucherNo) {
		rs.Add("voucher_no", RulePaymentVoucher)
	}
	d, ok := ParseDay(in.PaidOn)
	if !ok || d.After(today) {
		rs.Add("paid_on", RulePaymentDate)
	}
	p.PaidOn = d
	amount, ok := ParseYuan(in.Amount)
	if !ok || amount != c.Total {
		rs.Add("amount", RulePaymentAmount, strings.TrimSpace(in.Amount)+"元", YuanText(c.Total))
	}
	p.Amount = amount
	return p, rs
}

// RecoveryInput is a recovery (追缴) as typed by the bureau.
type RecoveryInput struct {
	Amount string // yuan
	Reason string
}

// LineRecoverable reports whether line l may be marked for recovery: live
// on the claim and not marked yet (SUB-5).
func LineRecoverable(l ClaimLine) bool { return l.Status == "active" && l.Recovery == 0 }

// CanMarkRecovery reports whether a may mark lines of claim c for recovery
// now (to show the form; DecideRecoveries decides): the bureau, once the
// claim is settled.
func CanMarkRecovery(a Actor, c Claim) bool { return a.IsBureau() && c.Status.Settled() }

// MaxRecoveryLines bounds one recovery: a claim holds at most this many
// lines at a time in practice (500 per class, a few classes).
const MaxRecoveryLines = 5000

// DecideRecoveries says whether the chosen lines of a claim may be marked
// for recovery (追缴, SUB-5) at once, and each line's amount: the amount
// typed per person (up to the smallest chosen line's), or with none each
// line's whole amount. asked is how many lines were chosen (a chosen line
// not found on the claim is refused as gone); lines are those found.
func DecideRecoveries(c Claim, asked int, lines []ClaimLine, in RecoveryInput) (map[int64]int64, Refusals) {
	var rs Refusals
	if !c.Status.Settled() {
		rs.General(RuleRecoveryStage, c.Status.Label())
	}
	if asked == 0 || asked > MaxRecoveryLines {
		rs.General(RuleRecoveryChoose)
	}
	var gone []string
	if len(lines) < asked {
		gone = append(gone, "所选人员中有人")
	}
	least := int64(-1)
	for _, l := range lines {
		if !LineRecoverable(l) {
			gone = append(gone, MaskName(l.Name))
		}
		if least < 0 || l.Amount < least {
			least = l.Amount
		}
	}
	if len(gone) > 0 {
		rs.General(RuleRecoveryLines, strings.Join(gone, "、"))
	}
	each := int64(0)
	if s := strings.TrimSpace(in.Amount); s != "" {
		amount, ok := ParseYuan(s)
		if !ok || amount <= 0 || least >= 0 && amount > least {
			rs.Add("amount", RuleRecoveryEach, YuanText(max(least, 0)))
		}
		each = amount
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Reason)); {
	case n == 0:
		rs.Add("reason", RuleRecoveryReason)
	case n > MaxReasonLen:
		rs.Add("reason", RuleClaimNoteLen)
	}
	if !rs.OK() {
		return nil, rs
	}
	out := make(map[int64]int64, len(lines))
	for _, l := range lines {
		out[l.ID] = l.Amount
		if each > 0 {
			out[l.ID] = each
		}
	}
	return out, rs
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
