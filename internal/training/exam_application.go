package training

import (
	"strconv"
	"time"
)

// Assessment applications (鉴定申报, 第九条): the rules the repository asks
// before scheduling a session on an application and before archiving it.

// Rules of the application's life after it is accepted.
var (
	RuleScheduleNotAccepted  = NewRule("EXAM-1", "第九条", "鉴定申报受理后方可安排考试（当前状态：%s）")
	RuleArchiveUnpublished   = NewRule("EXAM-7", "第十一条", "该申报还有考试场次的成绩未公布，不能归档")
	RuleArchivePendingAmend  = NewRule("EXAM-7", "第十一条", "该申报还有待核准的成绩更正，请先核准或驳回后再归档")
	RuleOrgApprovalNo        = NewRule("EXAM-6", "第十条", "社会培训评价机构须经省市人力社保部门核准，请填写核准文号")
	RuleIssuerNoLevel        = NewRule("EXAM-6", "第十条", "该培训班没有职业技能等级，只能申报结业证书")
	RuleApplicationState     = NewRule("", "第九条", "鉴定申报当前状态为「%s」，不能%s")
	RuleApplyFinished        = NewRule("EXAM-1", "第九条", "培训班结束后方可向区职建中心提出鉴定申报")
	RuleApplyCandidates      = NewRule("EXAM-1", "第九条", "请至少选择一名参加鉴定的学员")
	RuleCompletionOrg        = NewRule("EXAM-6", "第十条", "结业证书考核由区职建中心命题、组织考核和阅卷")
	RuleQualificationOrg     = NewRule("EXAM-6", "第十条", "职业资格证书（技能等级证书）考核由区职建中心或经核准的社会培训评价机构组织实施")
	RuleRetakeNoFirst        = NewRule("EXAM-5", "第十条", "%s：尚未参加首次考核，不能安排补考")
	RuleRetakeOnce           = NewRule("EXAM-5", "第十条", "考核不合格的学员同一培训年度内只能补考一次，不能第三次参加考核")
	RuleRetakeUnpublished    = NewRule("EXAM-5", "第十一条", "该学员上次考核成绩尚未核准公布，不能安排补考")
	RuleRetakeSameYear       = NewRule("EXAM-5", "第十条", "补考须在首次考核的同一培训年度（%d年）内进行")
	RuleSessionAfterClass    = NewRule("EXAM-2", "第九条", "鉴定考核在培训结束后进行，考试日期须晚于结业日期 %s")
	RuleSessionTheoryTime    = NewRule("EXAM-3", "第十条", "请填写应知考试（专业理论）时间")
	RuleSessionPracticalTime = NewRule("EXAM-3", "第十条", "请填写应会考试（专业技能）时间")
	RuleSessionExaminer      = NewRule("EXAM-2", "第九条", "请至少安排一名考评员")
	RuleExaminerIsTeacher    = NewRule("EXAM-2", "第九条", "实行考培分离，考评人员不得为该培训班的授课教师")
	RuleExaminerIsStaff      = NewRule("EXAM-2", "第九条", "实行考培分离，考评人员不得为该培训机构的工作人员")
	RuleAffairsNotAccepted   = NewRule("EXAM-1", "第九条", "鉴定申报受理后方可导出考务系统报名数据（当前状态：%s）")
)

// CanExportExamAffairs reports whether an application's candidates may be
// exported for the province's exam-affairs system (full ID numbers and
// phones): once the centre has accepted it, and after it is archived.
func CanExportExamAffairs(st ApplicationStatus) bool { return st == AppAccepted || st == AppArchived }

// DecideExportExamAffairs refuses the export of an application the centre
// has not accepted: until then its candidates' personal data are not the
// exam's to register.
func DecideExportExamAffairs(st ApplicationStatus) Refusals {
	var rs Refusals
	if !CanExportExamAffairs(st) {
		rs.General(RuleAffairsNotAccepted, st.Label())
	}
	return rs
}

// CanScheduleSession reports whether a session may be scheduled on an
// application in status st: only an accepted one.
func CanScheduleSession(st ApplicationStatus) bool { return st == AppAccepted }

// DecideScheduleSession refuses a session on an application not yet
// accepted (or already archived).
func DecideScheduleSession(st ApplicationStatus) Refusals {
	var rs Refusals
	if !CanScheduleSession(st) {
		rs.General(RuleScheduleNotAccepted, st.Label())
	}
	return rs
}

// ArchiveFacts is what archiving an application looks at: how many of its
// sessions are still open (neither published nor cancelled), how many are
// published, and whether a correction of a published score waits.
type ArchiveFacts struct {
	OpenSessions      int
	PublishedSessions int
	PendingAmendment  bool
}

// DecideArchiveApplication is EXAM-7 at the end of an application: every
// session's results published (and at least one), no correction waiting.
func DecideArchiveApplication(f ArchiveFacts) Refusals {
	var rs Refusals
	switch {
	case f.OpenSessions > 0 || f.PublishedSessions == 0:
		rs.General(RuleArchiveUnpublished)
	case f.PendingAmendment:
		rs.General(RuleArchivePendingAmend)
	}
	return rs
}

// CanApplicationStep reports whether action may be taken on an application
// in status from (the state machine of NextApplicationStatus).
func CanApplicationStep(from ApplicationStatus, action AppAction) bool {
	_, msg := NextApplicationStatus(from, action)
	return msg == ""
}

// ApplicationStatus is the state of an assessment application (鉴定申报).
type ApplicationStatus string

// Application statuses.
const (
	AppSubmitted ApplicationStatus = "submitted"
	AppAccepted  ApplicationStatus = "accepted"
	AppReturned  ApplicationStatus = "returned"
	AppArchived  ApplicationStatus = "archived"
)

// ApplicationStatuses lists them in display order.
var ApplicationStatuses = []ApplicationStatus{AppSubmitted, AppAccepted, AppReturned, AppArchived}

// Label is the Chinese name.
func (s ApplicationStatus) Label() string {
	switch s {
	case AppSubmitted:
		return "待受理"
	case AppAccepted:
		return "已受理"
	case AppReturned:
		return "已退回"
	case AppArchived:
		return "已归档"
	}
	return string(s)
}

// AppAction is a step on an application.
type AppAction string

// Application actions.
const (
	ActAppSubmit  AppAction = "submit" // the institution (again, after a return)
	ActAppAccept  AppAction = "accept"
	ActAppReturn  AppAction = "return"
	ActAppArchive AppAction = "archive"
)

// AppActions lists every action.
var AppActions = []AppAction{ActAppSubmit, ActAppAccept, ActAppReturn, ActAppArchive}

// Label is the Chinese name.
func (a AppAction) Label() string {
	switch a {
	case ActAppSubmit:
		return "提交申报"
	case ActAppAccept:
		return "受理"
	case ActAppReturn:
		return "退回"
	case ActAppArchive:
		return "归档"
	}
	return string(a)
}

// NextApplicationStatus applies action to from ("" = no application yet).
func NextApplicationStatus(from ApplicationStatus, action AppAction) (ApplicationStatus, string) {
	switch {
	case action == ActAppSubmit && (from == "" || from == AppReturned):
		return AppSubmitted, ""
	case action == ActAppAccept && from == AppSubmitted:
		return AppAccepted, ""
	case action == ActAppReturn && from == AppSubmitted:
		return AppReturned, ""
	case action == ActAppArchive && from == AppAccepted:
		return AppArchived, ""
	}
	label := "未申报"
	if from != "" {
		label = from.Label()
	}
	return from, RuleApplicationState.Msg(label, action.Label())
}

// Application is an assessment application (鉴定申报) with its class.
type Application struct {
	ID              int64
	ClassID         int64
	ClassNo         string
	ClassStatus     ClassStatus
	ClassType       ClassType
	Level           Level
	OccupationCode  string
	OccupationName  string
	ClassStart      time.Time
	ClassEnd        time.Time
	InstitutionID   int64
	InstitutionName string
	EvalOrgID       int64
	EvalOrgName     string
	CertKind        CertKind
	Status          ApplicationStatus
	ReturnReason    string
	SubmittedBy     string
	SubmittedAt     time.Time
	DecidedBy       string
	DecidedAt       *time.Time
	Version         int
	CandidateCount  int
	Candidates      []Candidate
}

// Candidate is a trainee of the class as the application form and the
// application show them: chosen or not, with the attendance rate.
type Candidate struct {
	EnrolmentID    int64
	Name           string
	IDNumber       string
	AttendanceRate *float64 // 0..1; nil when attendance is not recorded
	Chosen         bool
	// What the bureau would not pay for (candidate_check.go), and the
	// institution's reason for choosing the candidate anyway.
	Flags  []string
	Reason string
}

// RateText is the attendance rate as shown (92.5%).
func (c Candidate) RateText() string {
	if c.AttendanceRate == nil {
		return "—"
	}
	return strconv.FormatFloat(*c.AttendanceRate*100, 'f', 1, 64) + "%"
}

// ApplicationInput is what the institution chooses.
type ApplicationInput struct {
	CertKind     CertKind
	EvalOrgID    int64
	EnrolmentIDs []int64
	Reasons      map[int64]string // why a flagged candidate is chosen anyway
}

// CanApplyAssessment reports whether a class in status st may apply for
// assessment (EXAM-1): once its training has finished, and not yet applied.
func CanApplyAssessment(st ClassStatus) bool { return st == ClassFinished }
