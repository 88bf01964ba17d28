package training

import (
	"strings"
	"time"
	"unicode/utf8"
)

// InstitutionStatus is the designation status of a training institution
// (INST-1): 待审 → 定点 → 暂停 ⇄ 定点, or → 取消 (final).
type InstitutionStatus string

// Institution statuses.
const (
	InstPending    InstitutionStatus = "pending"
	InstDesignated InstitutionStatus = "designated"
	InstSuspended  InstitutionStatus = "suspended"
	InstRevoked    InstitutionStatus = "revoked"
)

// InstitutionStatuses lists the statuses in display order.
var InstitutionStatuses = []InstitutionStatus{InstPending, InstDesignated, InstSuspended, InstRevoked}

// Label is the Chinese name of the status.
func (s InstitutionStatus) Label() string {
	switch s {
	case InstPending:
		return "待审"
	case InstDesignated:
		return "定点"
	case InstSuspended:
		return "暂停"
	case InstRevoked:
		return "取消"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s InstitutionStatus) Valid() bool {
	switch s {
	case InstPending, InstDesignated, InstSuspended, InstRevoked:
		return true
	}
	return false
}

// InstitutionAction is a step of the designation state machine.
type InstitutionAction string

// Institution actions.
const (
	ActDesignate InstitutionAction = "designate"
	ActSuspend   InstitutionAction = "suspend"
	ActResume    InstitutionAction = "resume"
	ActRevoke    InstitutionAction = "revoke"
)

// InstitutionActions lists every action.
var InstitutionActions = []InstitutionAction{ActDesignate, ActSuspend, ActResume, ActRevoke}

// Label is the Chinese name of the action.
func (a InstitutionAction) Label() string {
	switch a {
	case ActDesignate:
		return "认定为定点机构"
	case ActSuspend:
		return "暂停定点资质"
	case ActResume:
		return "恢复定点资质"
	case ActRevoke:
		return "取消定点资格"
	}
	return string(a)
}

// NextInstitutionStatus applies action to from. It returns the new status,
// or a Chinese message citing the article when the step is not allowed.
func NextInstitutionStatus(from InstitutionStatus, action InstitutionAction) (InstitutionStatus, string) {
	switch {
	case action == ActDesignate && from == InstPending:
		return InstDesignated, ""
	case action == ActSuspend && from == InstDesignated:
		return InstSuspended, ""
	case action == ActResume && from == InstSuspended:
		return InstDesignated, ""
	case action == ActRevoke && (from == InstDesignated || from == InstSuspended):
		return InstRevoked, ""
	case action == ActRevoke && from == InstPending:
		// Nothing designated, nothing to revoke: a revoked status needs a
		// designation decision (institutions_designation_check).
		return from, RuleInstRevokePending.Msg()
	}
	if from == InstRevoked {
		return from, RuleInstRevokedStep.Msg()
	}
	return from, RuleInstState.Msg(from.Label(), action.Label())
}

// CanInstitution reports whether actor may take action on an institution in
// status from; templates use it to show buttons, the repository checks again.
func CanInstitution(a Actor, from InstitutionStatus, action InstitutionAction) bool {
	if !a.IsBureau() {
		return false
	}
	_, msg := NextInstitutionStatus(from, action)
	return msg == ""
}

// CanFileClasses reports INST-3: only a designated institution files classes.
func (s InstitutionStatus) CanFileClasses() bool { return s == InstDesignated }

// Institution is a training institution (培训机构).
type Institution struct {
	ID             int64
	Name           string
	CreditCode     string
	Address        string
	LegalRep       string
	ContactName    string
	ContactPhone   string
	Venue          string // 场地
	Facilities     string // 设施
	Equipment      string // 设备
	Staff          string // 师资力量
	Status         InstitutionStatus
	DecisionNo     string     // 认定文号
	DecisionDate   *time.Time // 认定日期
	DecidedBy      string     // 认定决定人
	StatusReason   string
	StatusChanged  *time.Time
	LastClassStart *time.Time
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Scope          []ScopeItem
}

// ScopeItem is one entry of the licensed scope (INST-2).
type ScopeItem struct {
	OccupationID   int64
	OccupationCode string
	OccupationName string
	MaxLevel       Level // LevelNone: the occupation has no levels
}

// InScope reports INST-2 / FILE-6: whether occupation at level falls inside
// the scope. A class without a level only needs the occupation.
func InScope(scope []ScopeItem, occupationID int64, level Level) bool {
	for _, s := range scope {
		if s.OccupationID != occupationID {
			continue
		}
		if level == LevelNone || s.MaxLevel == LevelNone {
			return level == LevelNone || s.MaxLevel == LevelNone
		}
		return s.MaxLevel.AtLeast(level)
	}
	return false
}

// InstitutionInput is what the bureau types when registering or editing an
// institution.
type InstitutionInput struct {
	Name         string
	CreditCode   string
	Address      string
	LegalRep     string
	ContactName  string
	ContactPhone string
	Venue        string
	Facilities   string
	Equipment    string
	Staff        string
}

// Normalize trims every field and upper-cases the credit code.
func (in *InstitutionInput) Normalize() {
	for _, p := range []*string{&in.Name, &in.Address, &in.LegalRep, &in.ContactName, &in.ContactPhone, &in.Venue, &in.Facilities, &in.Equipment, &in.Staff} {
		*p = strings.TrimSpace(*p)
	}
	in.CreditCode = NormalizeCreditCode(in.CreditCode)
}

// Validate checks the input; INST-1 needs venue, facilities, equipment and
// staff to be recorded before designation, so they are required here.
func (in InstitutionInput) Validate() error {
	var p Problems
	required := func(field, value, label string, max int) {
		switch {
		case value == "":
			p.Add(field, "请填写"+label)
		case utf8.RuneCountInString(value) > max:
			p.Add(field, label+"过长（最多"+itoa(max)+"字）")
		}
	}
	required("name", in.Name, "机构名称", MaxLen("institutions.name"))
	if in.CreditCode == "" {
		p.Add("credit_code", "请填写统一社会信用代码")
	} else if msg := CheckCreditCode(in.CreditCode); msg != "" {
		p.Add("credit_code", msg)
	}
	required("address", in.Address, "地址", MaxLen("institutions.address"))
	required("legal_rep", in.LegalRep, "法定代表人", MaxLen("institutions.legal_rep"))
	required("contact_name", in.ContactName, "联系人", MaxLen("institutions.contact_name"))
	if in.ContactPhone == "" {
		p.Add("contact_phone", "请填写联系电话")
	} else if msg := CheckPhone(in.ContactPhone); msg != "" {
		p.Add("contact_phone", msg)
	} else {
		p.CheckLen("contact_phone", "institutions.contact_phone", in.ContactPhone)
	}
	// INST-1: what the institution was assessed on (第三条).
	assessed := func(field, value, label string, r *Rule, max int) {
		if value == "" {
			p.Add(field, r.Msg())
			return
		}
		required(field, value, label, max)
	}
	assessed("venue", in.Venue, "培训场地", RuleInstVenueNeeded, MaxLen("institutions.venue"))
	assessed("facilities", in.Facilities, "培训设施", RuleInstFacilitiesNeeded, MaxLen("institutions.facilities"))
	assessed("equipment", in.Equipment, "培训设备", RuleInstEquipmentNeeded, MaxLen("institutions.equipment"))
	assessed("staff", in.Staff, "师资力量", RuleInstStaffNeeded, MaxLen("institutions.staff"))
	return p.Err()
}

// StatusChangeInput is the decision that accompanies a status change.
type StatusChangeInput struct {
	Action       InstitutionAction
	Reason       string
	DecisionNo   string
	DecisionDate string // yyyy-mm-dd, designation only
	DecidedBy    string // designation only
}

// Validate checks a status change; today bounds the decision date.
func (in StatusChangeInput) Validate(today time.Time) (decision time.Time, err error) {
	var p Problems
	switch in.Action {
	case ActDesignate:
		if strings.TrimSpace(in.DecisionNo) == "" {
			p.Add("decision_no", "请填写认定文号")
		} else {
			p.CheckLen("decision_no", "institutions.decision_no", in.DecisionNo)
		}
		if strings.TrimSpace(in.DecidedBy) == "" {
			p.Add("decided_by", "请填写认定决定人")
		} else {
			p.CheckLen("decided_by", "institutions.decided_by", in.DecidedBy)
		}
		d, perr := time.Parse("2006-01-02", strings.TrimSpace(in.DecisionDate))
		switch {
		case in.DecisionDate == "":
			p.Add("decision_date", "请填写认定日期")
		case perr != nil:
			p.Add("decision_date", "日期格式应为 年-月-日，例如 2026-03-16")
		case d.After(today):
			p.Add("decision_date", "认定日期不能晚于今天")
		default:
			decision = d
		}
	case ActSuspend, ActResume, ActRevoke:
		if r := strings.TrimSpace(in.Reason); r == "" {
			p.Add("reason", "请填写原因")
		} else {
			p.CheckLen("reason", "institutions.status_reason", r)
		}
	default:
		p.AddGeneral("未知的操作")
	}
	return decision, p.Err()
}

// InactiveFlag is INST-4: a designated institution that started no class in
// the last six months is flagged for suspension or revocation (第十六条).
func InactiveFlag(status InstitutionStatus, designated *time.Time, lastClassStart *time.Time, today time.Time) bool {
	if status != InstDesignated {
		return false
	}
	cutoff := today.AddDate(0, -6, 0)
	if lastClassStart != nil {
		return lastClassStart.Before(cutoff)
	}
	return designated != nil && designated.Before(cutoff)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Rules of the institution's record.
var (
	RuleInstRevokedStep      = NewRule("INST-3", "第十六条", "定点资格已取消，不能再变更状态")
	RuleInstState            = NewRule("", "第三条", "机构当前状态为「%s」，不能%s")
	RuleInstRevokePending    = NewRule("INST-1", "第十六条", "机构尚未认定为定点机构（待审），没有可取消的定点资格")
	RuleInstRevokedEdit      = NewRule("INST-3", "第十六条", "定点资格已取消的机构不能再修改")
	RuleInstRevokedScope     = NewRule("INST-3", "第十六条", "定点资格已取消的机构不能修改许可范围")
	RuleInstRevokedUser      = NewRule("INST-3", "第十六条", "该机构定点资格已取消，不能新建账号")
	RuleInstVenueNeeded      = NewRule("INST-1", "第三条", "请填写培训场地")
	RuleInstFacilitiesNeeded = NewRule("INST-1", "第三条", "请填写培训设施")
	RuleInstEquipmentNeeded  = NewRule("INST-1", "第三条", "请填写培训设备")
	RuleInstStaffNeeded      = NewRule("INST-1", "第三条", "请填写师资力量")
	RuleDesignateNeedScope   = NewRule("INST-2", "第六条", "请先填写许可范围（工种及最高等级），再认定为定点机构")
)

// CanEditInstitution reports whether an institution's record (and its
// licensed scope) may still change: not once its designation is revoked.
func CanEditInstitution(st InstitutionStatus) bool { return st != InstRevoked }

// DecideEditInstitution refuses editing a revoked institution's record.
func DecideEditInstitution(st InstitutionStatus) Refusals {
	var rs Refusals
	if !CanEditInstitution(st) {
		rs.General(RuleInstRevokedEdit)
	}
	return rs
}

// DecideEditScope refuses changing a revoked institution's licensed scope.
func DecideEditScope(st InstitutionStatus) Refusals {
	var rs Refusals
	if !CanEditInstitution(st) {
		rs.General(RuleInstRevokedScope)
	}
	return rs
}

// DecideDesignate is INST-2 on designation: the licensed scope is recorded
// first (scopeRows is how many occupations it lists).
func DecideDesignate(scopeRows int) Refusals {
	var rs Refusals
	if scopeRows == 0 {
		rs.General(RuleDesignateNeedScope)
	}
	return rs
}

// DecideCreateInstitutionUser refuses a new account for a revoked
// institution (beside the institution_id field).
func DecideCreateInstitutionUser(st InstitutionStatus) Refusals {
	var rs Refusals
	if st == InstRevoked {
		rs.Add("institution_id", RuleInstRevokedUser)
	}
	return rs
}
