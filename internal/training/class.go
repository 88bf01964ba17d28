package training

import "time"

// ClassType is the kind of class of 第七条.
type ClassType string

// Class types.
const (
	TypeQualification ClassType = "qualification" // 职业资格类
	TypeSkillLevel    ClassType = "skill_level"   // 技能等级类
	TypeSpecial       ClassType = "special"       // 专项能力类
	TypeStartup       ClassType = "startup"       // 创业类
)

// ClassTypes lists the types in display order.
var ClassTypes = []ClassType{TypeQualification, TypeSkillLevel, TypeSpecial, TypeStartup}

// Label is the Chinese name.
func (t ClassType) Label() string {
	switch t {
	case TypeQualification:
		return "职业资格类"
	case TypeSkillLevel:
		return "技能等级类"
	case TypeSpecial:
		return "专项能力类"
	case TypeStartup:
		return "创业类"
	}
	return string(t)
}

// Valid reports whether t is a known type.
func (t ClassType) Valid() bool {
	switch t {
	case TypeQualification, TypeSkillLevel, TypeSpecial, TypeStartup:
		return true
	}
	return false
}

// HasLevel: qualification and skill-level classes train for a level; special
// ability and start-up classes have none (DOMAIN.md, QUAL interpretation).
func (t ClassType) HasLevel() bool { return t == TypeQualification || t == TypeSkillLevel }

// DefaultCap is SIZE-1/SIZE-2: 50 trainees, 30 for start-up classes.
func (t ClassType) DefaultCap() int {
	if t == TypeStartup {
		return 30
	}
	return 50
}

// CapMessage is the rule as the user sees it when a class is too large.
func (t ClassType) CapMessage() string {
	if t == TypeStartup {
		return RuleCapStartup.Msg()
	}
	return RuleCapOther.Msg()
}

// EffectiveCap is SIZE-3: the approved exception when there is one, else
// the type's cap.
func EffectiveCap(t ClassType, approvedException int) int {
	if approvedException > 0 {
		return approvedException
	}
	return t.DefaultCap()
}

// ClassStatus is the filing's status (DOMAIN.md, Class filing).
type ClassStatus string

// Stored statuses. ClassTraining is derived from the dates (DisplayStatus).
const (
	ClassDraft             ClassStatus = "draft"
	ClassSubmitted         ClassStatus = "submitted"
	ClassReturned          ClassStatus = "returned"
	ClassApproved          ClassStatus = "approved"
	ClassTraining          ClassStatus = "training"
	ClassFinished          ClassStatus = "finished"
	ClassAssessmentApplied ClassStatus = "assessment_applied"
	ClassAssessed          ClassStatus = "assessed"
	ClassArchived          ClassStatus = "archived"
	ClassCancelled         ClassStatus = "cancelled"
)

// ClassStatuses lists the statuses in display order.
var ClassStatuses = []ClassStatus{ClassDraft, ClassSubmitted, ClassReturned, ClassApproved, ClassTraining,
	ClassFinished, ClassAssessmentApplied, ClassAssessed, ClassArchived, ClassCancelled}

// Label is the Chinese name.
func (s ClassStatus) Label() string {
	switch s {
	case ClassDraft:
		return "草稿"
	case ClassSubmitted:
		return "已提交"
	case ClassReturned:
		return "退回"
	case ClassApproved:
		return "已备案"
	case ClassTraining:
		return "培训中"
	case ClassFinished:
		return "已结业"
	case ClassAssessmentApplied:
		return "已申报鉴定"
	case ClassAssessed:
		return "已考核"
	case ClassArchived:
		return "已归档"
	case ClassCancelled:
		return "已撤销"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s ClassStatus) Valid() bool {
	for _, x := range ClassStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Editable: the institution may change the plan (draft, or returned to it).
func (s ClassStatus) Editable() bool { return s == ClassDraft || s == ClassReturned }

// DisplayStatus is what the portal shows: an approved class is in training
// from its start date (FILE-5, "status follows the dates").
func DisplayStatus(s ClassStatus, start, today time.Time) ClassStatus {
	if s == ClassApproved && !today.Before(start) {
		return ClassTraining
	}
	return s
}

// ClassAction is a step of the filing's state machine.
type ClassAction string

// Class actions.
const (
	ActClassSubmit   ClassAction = "submit"
	ActClassWithdraw ClassAction = "withdraw"
	ActClassApprove  ClassAction = "approve"
	ActClassReturn   ClassAction = "return"
	ActClassCancel   ClassAction = "cancel"
)

// ClassActions lists every action.
var ClassActions = []ClassAction{ActClassSubmit, ActClassWithdraw, ActClassApprove, ActClassReturn, ActClassCancel}

// Label is the Chinese name.
func (a ClassAction) Label() string {
	switch a {
	case ActClassSubmit:
		return "提交备案"
	case ActClassWithdraw:
		return "撤回"
	case ActClassApprove:
		return "审核同意"
	case ActClassReturn:
		return "退回修改"
	case ActClassCancel:
		return "撤销培训班"
	}
	return string(a)
}

// NextClassStatus applies action to from, or says (with the article) why
// the step is not possible. Date rules (FILE-2, FILE-3) are checked
// separately because they need the calendar and today.
func NextClassStatus(from ClassStatus, action ClassAction) (ClassStatus, string) {
	switch {
	case action == ActClassSubmit && from.Editable():
		return ClassSubmitted, ""
	case action == ActClassWithdraw && from == ClassSubmitted:
		return ClassDraft, ""
	case action == ActClassApprove && from == ClassSubmitted:
		return ClassApproved, ""
	case action == ActClassReturn && from == ClassSubmitted:
		return ClassReturned, ""
	case action == ActClassCancel && (from.Editable() || from == ClassSubmitted || from == ClassApproved):
		return ClassCancelled, ""
	}
	return from, RuleClassState.Msg(from.Label(), action.Label())
}

// ClassActionRole is who may take each action: the institution files,
// withdraws and cancels; the bureau approves and returns.
func ClassActionRole(action ClassAction) Role {
	if action == ActClassApprove || action == ActClassReturn {
		return RoleBureau
	}
	return RoleInstitution
}

// CanClass reports whether actor may take action now (for buttons; the
// repository checks again with the dates).
func CanClass(a Actor, from ClassStatus, action ClassAction) bool {
	if a.Role != ClassActionRole(action) {
		return false
	}
	_, msg := NextClassStatus(from, action)
	return msg == ""
}

// Session is one session of the schedule (FILE-1).
type Session struct {
	// ID is the session's stable identity once stored (attendance is keyed
	// to it); 0 for a session typed in a form.
	ID        int64 `json:",omitempty"`
	Date      time.Time
	Start     string // "08:30"
	End       string // "11:30"
	Kind      TeachingRole
	Hours     int // 学时
	TeacherID int64
	// Filled when loaded.
	TeacherName string
}

// ClassTeacher is a teacher named on the filing with a role.
type ClassTeacher struct {
	TeacherID int64
	Role      TeachingRole
	Name      string
}

// Plan is the content of a filing: everything FILE-1 asks for. A plan is
// versioned: the approved one is frozen (FILE-5).
type Plan struct {
	OccupationID   int64
	Level          Level
	Type           ClassType
	PlannedSize    int
	StartDate      time.Time
	EndDate        time.Time
	Venue          string
	Content        string
	TheoryHours    int
	PracticalHours int
	Sessions       []Session
	Teachers       []ClassTeacher
	TextbookIDs    []int64
}

// LastSessionDate is the date of the last session, or the end date.
func (p Plan) LastSessionDate() time.Time {
	last := time.Time{}
	for _, s := range p.Sessions {
		if s.Date.After(last) {
			last = s.Date
		}
	}
	if last.IsZero() {
		return p.EndDate
	}
	return last
}

// Class is a filing with its current plan.
type Class struct {
	ID                int64
	ClassNo           string
	InstitutionID     int64
	InstitutionName   string
	OccupationCode    string
	OccupationName    string
	Status            ClassStatus
	Plan              Plan
	ReturnReason      string
	CancelReason      string
	ExceptionAsked    int
	ExceptionReason   string
	ExceptionApproved int
	ExceptionBy       string
	SubmittedAt       *time.Time
	ApprovedOn        *time.Time
	ApprovedBy        string
	PlanNo            int
	Enrolled          int
	Version           int
	CreatedBy         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	PendingChange     *ClassChange
}

// Cap is the class's size limit now (SIZE-1..3).
func (c Class) Cap() int { return EffectiveCap(c.Plan.Type, c.ExceptionApproved) }

// ClassChange is a change request after approval (FILE-5).
type ClassChange struct {
	ID          int64
	ClassID     int64
	Status      string // pending, approved, rejected, withdrawn
	Reason      string
	Plan        Plan
	RequestedBy string
	RequestedAt time.Time
	DecidedBy   string
	DecidedAt   *time.Time
	Decision    string
}

// ClassVersion is one kept version of a plan.
type ClassVersion struct {
	No        int
	Kind      string
	Plan      Plan
	Note      string
	ActorName string
	CreatedAt time.Time
}

// VersionKindLabel is the Chinese name of a version kind.
func VersionKindLabel(kind string) string {
	switch kind {
	case "submitted":
		return "提交备案"
	case "approved":
		return "审核同意（生效）"
	case "change_requested":
		return "申请变更"
	case "change_approved":
		return "变更同意（生效）"
	case "change_rejected":
		return "变更不同意"
	}
	return kind
}
