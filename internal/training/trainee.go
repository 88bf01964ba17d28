package training

import (
	"strings"
	"time"
	"unicode/utf8"
)

// TargetGroup is a key group of 第二条.
type TargetGroup string

// Target groups.
const (
	GroupEmployee     TargetGroup = "employee"       // 企业职工
	GroupRuralMigrant TargetGroup = "rural_migrant"  // 农村转移就业劳动者
	GroupUnemployed   TargetGroup = "unemployed"     // 失业人员
	GroupVeteran      TargetGroup = "veteran"        // 退役军人
	GroupHardToEmploy TargetGroup = "hard_to_employ" // 就业困难人员
	GroupOther        TargetGroup = "other"          // 其他
)

// TargetGroups lists the groups in the regulation's order.
var TargetGroups = []TargetGroup{GroupEmployee, GroupRuralMigrant, GroupUnemployed, GroupVeteran, GroupHardToEmploy, GroupOther}

// Label is the Chinese name.
func (g TargetGroup) Label() string {
	switch g {
	case GroupEmployee:
		return "企业职工"
	case GroupRuralMigrant:
		return "农村转移就业劳动者"
	case GroupUnemployed:
		return "失业人员"
	case GroupVeteran:
		return "退役军人"
	case GroupHardToEmploy:
		return "就业困难人员"
	case GroupOther:
		return "其他"
	}
	return string(g)
}

// Employment is a trainee's employment status.
type Employment string

// Employment statuses.
const (
	EmpEmployed     Employment = "employed"
	EmpUnemployed   Employment = "unemployed"
	EmpSelfEmployed Employment = "self_employed"
	EmpStudent      Employment = "student"
	EmpOther        Employment = "other"
)

// Employments lists the statuses.
var Employments = []Employment{EmpEmployed, EmpUnemployed, EmpSelfEmployed, EmpStudent, EmpOther}

// Label is the Chinese name.
func (e Employment) Label() string {
	switch e {
	case EmpEmployed:
		return "在职"
	case EmpUnemployed:
		return "未就业"
	case EmpSelfEmployed:
		return "灵活就业/自主创业"
	case EmpStudent:
		return "在校学生"
	case EmpOther:
		return "其他"
	}
	return string(e)
}

// Hukou is the household registration type (户籍类型).
type Hukou string

// Household registration types.
const (
	HukouLocalUrban    Hukou = "local_urban"
	HukouLocalRural    Hukou = "local_rural"
	HukouNonlocalUrban Hukou = "nonlocal_urban"
	HukouNonlocalRural Hukou = "nonlocal_rural"
)

// Hukous lists the types.
var Hukous = []Hukou{HukouLocalUrban, HukouLocalRural, HukouNonlocalUrban, HukouNonlocalRural}

// Label is the Chinese name.
func (h Hukou) Label() string {
	switch h {
	case HukouLocalUrban:
		return "本地城镇"
	case HukouLocalRural:
		return "本地农村"
	case HukouNonlocalUrban:
		return "外地城镇"
	case HukouNonlocalRural:
		return "外地农村"
	}
	return string(h)
}

// parseLabel finds the value whose code or Chinese label is s.
func parseLabel[T ~string](s string, all []T, label func(T) string) (T, bool) {
	s = strings.TrimSpace(s)
	for _, v := range all {
		if s == string(v) || s == label(v) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// ParseTargetGroup accepts the code or the Chinese name (as typed in a roster).
func ParseTargetGroup(s string) (TargetGroup, bool) {
	return parseLabel(s, TargetGroups, TargetGroup.Label)
}

// ParseEmployment accepts the code or the Chinese name.
func ParseEmployment(s string) (Employment, bool) {
	return parseLabel(s, Employments, Employment.Label)
}

// ParseHukou accepts the code or the Chinese name.
func ParseHukou(s string) (Hukou, bool) { return parseLabel(s, Hukous, Hukou.Label) }

// Trainee is a person who trains (one person, many enrolments).
type Trainee struct {
	ID          int64
	IDNumber    string
	Name        string
	BirthDate   time.Time
	Male        bool
	Phone       string
	TargetGroup TargetGroup
	Employment  Employment
	Hukou       Hukou
	Employer    string
}

// TraineeInput is a trainee as typed (a form or one roster row).
type TraineeInput struct {
	IDNumber    string
	Name        string
	Phone       string
	TargetGroup string
	Employment  string
	Hukou       string
	Employer    string
}

// Normalize trims the fields and upper-cases the ID number.
func (in *TraineeInput) Normalize() {
	in.IDNumber = NormalizeIDNumber(in.IDNumber)
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Employer = strings.TrimSpace(in.Employer)
}

// Validate checks the input and returns the trainee it describes, with the
// birth date and sex derived from the ID number.
func (in TraineeInput) Validate(today time.Time) (Trainee, error) {
	var p Problems
	t := Trainee{IDNumber: in.IDNumber, Name: in.Name, Phone: in.Phone, Employer: in.Employer}
	switch {
	case in.IDNumber == "":
		p.Add("id_number", "请填写身份证号码")
	case looksScientific(in.IDNumber):
		p.Add("id_number", "身份证号码被Excel转成了数字（如3.30185E+17），请将该列设为文本格式后重新填写")
	default:
		id, msg := ParseResidentID(in.IDNumber, today)
		if msg != "" {
			p.Add("id_number", msg)
		}
		t.BirthDate, t.Male = id.BirthDate, id.Male
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		p.Add("name", "请填写姓名")
	case n > 50:
		p.Add("name", "姓名过长")
	}
	if in.Phone == "" {
		p.Add("phone", "请填写手机号码")
	} else if msg := CheckMobile(in.Phone); msg != "" {
		p.Add("phone", msg)
	}
	var ok bool
	if t.TargetGroup, ok = ParseTargetGroup(in.TargetGroup); !ok {
		p.Add("target_group", RuleTargetGroupNeeded.Msg())
	}
	if t.Employment, ok = ParseEmployment(in.Employment); !ok {
		p.Add("employment", "请选择就业状态")
	}
	if t.Hukou, ok = ParseHukou(in.Hukou); !ok {
		p.Add("hukou", "请选择户籍类型")
	}
	if utf8.RuneCountInString(in.Employer) > 100 {
		p.Add("employer", "工作单位过长")
	}
	return t, p.Err()
}

// looksScientific spots an ID number that Excel turned into a number:
// 3.30185E+17, 3.30185199003071E+17.
func looksScientific(s string) bool {
	scientific := strings.ContainsAny(s, "Ee") && strings.Contains(s, "+")
	return scientific || strings.Contains(s, ".")
}

// Enrolment is a trainee on a class's roster.
type Enrolment struct {
	ID              int64
	ClassID         int64
	Trainee         Trainee
	Status          EnrolmentStatus
	WithdrawnReason string
	WithdrawnAt     *time.Time
	AgreementNo     string
	AgreementDate   *time.Time
	PaysFee         *bool
	CreatedAt       time.Time
}

// HasAgreement reports DELIV-1: the training agreement is recorded.
func (e Enrolment) HasAgreement() bool { return e.AgreementDate != nil }

// RosterClosedReason says why trainees may no longer be added to a class
// ("" while they may): it is cancelled, finished, or has started (第七条,
// FILE-3). After the start a trainee can only be withdrawn.
func RosterClosedReason(status ClassStatus, start, today time.Time) string {
	switch {
	case status == ClassCancelled:
		return RuleRosterCancelled.Msg()
	case !status.Editable() && status != ClassSubmitted && status != ClassApproved:
		return RuleRosterFinished.Msg()
	case !start.IsZero() && !today.Before(start):
		return RuleRosterStarted.Msg()
	}
	return ""
}

// RuleTargetGroupNeeded is 第二条 on a trainee: the groups the regulation
// trains.
var RuleTargetGroupNeeded = NewRule("", "第二条", "请选择人员类别（企业职工、农村转移就业劳动者、失业人员、退役军人、就业困难人员、其他）")
