package training

import (
	"strings"
	"time"
	"unicode/utf8"
)

// TeacherInput is what an institution types when proposing or editing a
// teacher.
type TeacherInput struct {
	Name      string
	IDNumber  string
	Phone     string
	Education Education
	Title     Title
}

// Normalize trims the fields and upper-cases the ID number.
func (in *TeacherInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.IDNumber = NormalizeIDNumber(in.IDNumber)
	in.Phone = strings.TrimSpace(in.Phone)
}

// Validate checks the input; today bounds the birth date in the ID number.
func (in TeacherInput) Validate(today time.Time) error {
	var p Problems
	switch {
	case in.Name == "":
		p.Add("name", "请填写姓名")
	case utf8.RuneCountInString(in.Name) > 50:
		p.Add("name", "姓名过长（最多50字）")
	}
	if in.IDNumber == "" {
		p.Add("id_number", "请填写身份证号码")
	} else if _, msg := ParseResidentID(in.IDNumber, today); msg != "" {
		p.Add("id_number", msg)
	}
	if in.Phone == "" {
		p.Add("phone", "请填写手机号码")
	} else if msg := CheckMobile(in.Phone); msg != "" {
		p.Add("phone", msg)
	}
	if in.Education < EduJunior || in.Education > EduDoctor {
		p.Add("education", "请选择学历")
	}
	if in.Title < TitleNone || in.Title > TitleSenior {
		p.Add("title", "请选择职称")
	}
	return p.Err()
}

// CertificateInput is one certificate as typed.
type CertificateInput struct {
	OccupationID int64
	Level        Level
	Number       string
	IssueDate    string // yyyy-mm-dd
	Issuer       string
}

// Validate checks a certificate against its occupation's levels; occ is
// the occupation (zero value when it does not exist). It returns the parsed
// issue date.
func (in CertificateInput) Validate(occ Occupation, today time.Time) (time.Time, error) {
	var p Problems
	var issued time.Time
	switch {
	case occ.ID == 0:
		p.Add("occupation_id", "请选择工种")
	case len(occ.Levels) == 0:
		p.Add("occupation_id", occ.Name+"没有职业技能等级，不能登记等级证书")
	case !in.Level.Valid():
		p.Add("level", "请选择等级")
	case !occ.HasLevel(in.Level):
		p.Add("level", occ.Name+"没有"+in.Level.Label()+"，请从该工种的等级中选择")
	}
	num := strings.TrimSpace(in.Number)
	switch {
	case num == "":
		p.Add("number", "请填写证书编号")
	case utf8.RuneCountInString(num) > 40:
		p.Add("number", "证书编号过长（最多40个字符）")
	}
	d, err := time.Parse("2006-01-02", strings.TrimSpace(in.IssueDate))
	switch {
	case strings.TrimSpace(in.IssueDate) == "":
		p.Add("issue_date", "请填写发证日期")
	case err != nil:
		p.Add("issue_date", "日期不存在或格式不对，应为 年-月-日，例如 2020-06-30")
	case d.After(today):
		p.Add("issue_date", "发证日期不能晚于今天")
	case d.Year() < 1950:
		p.Add("issue_date", "发证日期不正确")
	default:
		issued = d
	}
	iss := strings.TrimSpace(in.Issuer)
	switch {
	case iss == "":
		p.Add("issuer", "请填写发证机构")
	case utf8.RuneCountInString(iss) > 100:
		p.Add("issuer", "发证机构过长（最多100字）")
	}
	return issued, p.Err()
}

// EquivalenceInput is a bureau decision as typed.
type EquivalenceInput struct {
	Requirement  Requirement
	Band         Band
	Role         TeachingRole
	OccupationID int64
	Basis        string
	DecidedBy    string
	DecidedOn    string // yyyy-mm-dd
}

// Validate checks an equivalence: a title can only be replaced for theory
// teaching and a certificate only for practical teaching, as 第五条 asks
// for nothing else.
func (in EquivalenceInput) Validate(today time.Time) (time.Time, error) {
	var p Problems
	var on time.Time
	if !in.Requirement.Valid() {
		p.Add("requirement", "请选择被替代的要求")
	}
	if !in.Band.Valid() {
		p.Add("band", "请选择等级段")
	}
	if !in.Role.Valid() {
		p.Add("role", "请选择授课类型")
	}
	switch {
	case in.Requirement == ReqTitle && in.Role != RoleTheory:
		p.Add("role", RuleEquivTitleTheory.Msg())
	case in.Requirement == ReqCertificate && in.Role != RolePractical:
		p.Add("role", RuleEquivCertPractical.Msg())
	}
	if in.Requirement == ReqCertificate && in.OccupationID == 0 {
		p.Add("occupation_id", "替代职业资格证书要求时须选择工种")
	}
	basis := strings.TrimSpace(in.Basis)
	switch {
	case basis == "":
		p.Add("basis", "请填写认定依据")
	case utf8.RuneCountInString(basis) > 1000:
		p.Add("basis", "认定依据过长（最多1000字）")
	}
	if strings.TrimSpace(in.DecidedBy) == "" {
		p.Add("decided_by", "请填写决定人")
	}
	d, err := time.Parse("2006-01-02", strings.TrimSpace(in.DecidedOn))
	switch {
	case strings.TrimSpace(in.DecidedOn) == "":
		p.Add("decided_on", "请填写决定日期")
	case err != nil:
		p.Add("decided_on", "日期不存在或格式不对，应为 年-月-日")
	case d.After(today):
		p.Add("decided_on", "决定日期不能晚于今天")
	default:
		on = d
	}
	return on, p.Err()
}

// Rules of equivalences as the bureau records them.
var (
	RuleEquivTitleTheory   = NewRule("QUAL-1", "第五条", "职称要求只适用于理论课教师")
	RuleEquivCertPractical = NewRule("QUAL-2", "第五条", "职业资格证书要求只适用于操作技能课教师")
)
