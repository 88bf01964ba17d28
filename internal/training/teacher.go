package training

import (
	"strings"
	"time"
	"unicode/utf8"
)

// TeacherStatus is where a teacher stands in the bureau's review for the
// teacher pool (培训师资库, 第五条): 草稿 → 待审核 → 已入库 | 已退回 (→ 待审核).
// A change to an approved teacher's qualifications sends it back to 待审核.
type TeacherStatus string

// Teacher statuses.
const (
	TeacherDraft     TeacherStatus = "draft"
	TeacherSubmitted TeacherStatus = "submitted"
	TeacherApproved  TeacherStatus = "approved"
	TeacherReturned  TeacherStatus = "returned"
)

// TeacherStatuses lists the statuses in display order.
var TeacherStatuses = []TeacherStatus{TeacherDraft, TeacherSubmitted, TeacherApproved, TeacherReturned}

// Label is the Chinese name of the status.
func (s TeacherStatus) Label() string {
	switch s {
	case TeacherDraft:
		return "草稿"
	case TeacherSubmitted:
		return "待审核"
	case TeacherApproved:
		return "已入库"
	case TeacherReturned:
		return "已退回"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s TeacherStatus) Valid() bool {
	switch s {
	case TeacherDraft, TeacherSubmitted, TeacherApproved, TeacherReturned:
		return true
	}
	return false
}

// TeacherAction is a step of the teacher review.
type TeacherAction string

// Teacher review actions. ActTeacherChange is what a change to education,
// title or certificates does to the status.
const (
	ActTeacherSubmit  TeacherAction = "submit"
	ActTeacherApprove TeacherAction = "approve"
	ActTeacherReturn  TeacherAction = "return"
	ActTeacherChange  TeacherAction = "change"
)

// Label is the Chinese name of the action.
func (a TeacherAction) Label() string {
	switch a {
	case ActTeacherSubmit:
		return "提交审核"
	case ActTeacherApprove:
		return "审核入库"
	case ActTeacherReturn:
		return "退回"
	case ActTeacherChange:
		return "变更资质"
	}
	return string(a)
}

// NextTeacherStatus applies action to from. It returns the new status, or a
// Chinese message citing the article when the step is not allowed.
func NextTeacherStatus(from TeacherStatus, action TeacherAction) (TeacherStatus, string) {
	switch action {
	case ActTeacherSubmit:
		if from == TeacherDraft || from == TeacherReturned {
			return TeacherSubmitted, ""
		}
	case ActTeacherApprove, ActTeacherReturn:
		if from == TeacherSubmitted {
			if action == ActTeacherApprove {
				return TeacherApproved, ""
			}
			return TeacherReturned, ""
		}
	case ActTeacherChange:
		// Approved qualifications that change must be reviewed again; in any
		// other status the record is still on its way to review.
		if from == TeacherApproved {
			return TeacherSubmitted, ""
		}
		return from, ""
	}
	return from, "第五条：教师当前状态为「" + from.Label() + "」，不能" + action.Label()
}

// CanTeacher reports whether actor may take action on a teacher in status
// from; templates use it to show buttons, the repository checks again.
func CanTeacher(a Actor, from TeacherStatus, action TeacherAction) bool {
	switch action {
	case ActTeacherSubmit:
		if !a.IsInstitution() {
			return false
		}
	case ActTeacherApprove, ActTeacherReturn:
		if !a.IsBureau() {
			return false
		}
	}
	_, msg := NextTeacherStatus(from, action)
	return msg == ""
}

// TeachingRole is what a teacher does on a class (FILE-1).
type TeachingRole string

// Teaching roles.
const (
	RoleTheory    TeachingRole = "theory"
	RolePractical TeachingRole = "practical"
)

// TeachingRoles lists the roles in display order.
var TeachingRoles = []TeachingRole{RoleTheory, RolePractical}

// Label is the Chinese name of the role.
func (r TeachingRole) Label() string {
	switch r {
	case RoleTheory:
		return "理论课"
	case RolePractical:
		return "操作技能课"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r TeachingRole) Valid() bool { return r == RoleTheory || r == RolePractical }

// Band is the level band of 第五条: (一) 初、中级 and (二) 高级.
type Band string

// Level bands.
const (
	BandBasic    Band = "basic"    // 第五条（一）初、中级
	BandAdvanced Band = "advanced" // 第五条（二）高级
)

// Bands lists the bands in display order.
var Bands = []Band{BandBasic, BandAdvanced}

// Label is the Chinese name of the band.
func (b Band) Label() string {
	switch b {
	case BandBasic:
		return "初、中级"
	case BandAdvanced:
		return "高级"
	}
	return string(b)
}

// Valid reports whether b is a known band.
func (b Band) Valid() bool { return b == BandBasic || b == BandAdvanced }

// BandOf is the interpretation in DOMAIN.md: classes at 三级 and above are
// 高级 (QUAL-3/4); 五级, 四级 and classes without a level (专项能力, 创业)
// are 初、中级 (QUAL-1/2). This is the one place to change it.
func BandOf(l Level) Band {
	if l.Valid() && l.AtLeast(Level3) {
		return BandAdvanced
	}
	return BandBasic
}

// Requirement is one requirement of 第五条 that an equivalence can replace.
type Requirement string

// Requirements.
const (
	ReqEducation   Requirement = "education"
	ReqTitle       Requirement = "title"
	ReqCertificate Requirement = "certificate"
)

// Requirements lists the requirements in display order.
var Requirements = []Requirement{ReqEducation, ReqTitle, ReqCertificate}

// Label is the Chinese name of the requirement.
func (r Requirement) Label() string {
	switch r {
	case ReqEducation:
		return "学历要求"
	case ReqTitle:
		return "职称要求"
	case ReqCertificate:
		return "职业资格证书要求"
	}
	return string(r)
}

// Valid reports whether r is a known requirement.
func (r Requirement) Valid() bool {
	return r == ReqEducation || r == ReqTitle || r == ReqCertificate
}

// Certificate is a vocational qualification or skill level certificate
// (职业资格证书 / 职业技能等级证书) held by a teacher.
type Certificate struct {
	ID             int64
	OccupationID   int64
	OccupationCode string
	OccupationName string
	Level          Level
	Number         string
	IssueDate      time.Time
	Issuer         string
}

// Equivalence (等同资质) is a bureau decision recorded on a teacher that
// replaces one requirement of 第五条 for one role in one band. A
// certificate equivalence names the occupation it stands for.
type Equivalence struct {
	ID             int64
	Requirement    Requirement
	Band           Band
	Role           TeachingRole
	OccupationID   int64 // certificate equivalences only
	OccupationName string
	Basis          string
	DecidedBy      string
	DecidedOn      time.Time
	RecordedBy     string
	RecordedAt     time.Time
}

// Label describes what the equivalence replaces, e.g. "高级 操作技能课：职业资格证书要求（中式烹调师）".
func (e Equivalence) Label() string {
	s := e.Band.Label() + e.Role.Label() + "：" + e.Requirement.Label()
	if e.Requirement == ReqCertificate && e.OccupationName != "" {
		s += "（" + e.OccupationName + "）"
	}
	return s
}

// TeacherInstitution is an institution a teacher is linked to.
type TeacherInstitution struct {
	ID   int64
	Name string
}

// Teacher is one person in the district teacher pool.
type Teacher struct {
	ID           int64
	Name         string
	IDNumber     string
	Phone        string
	Education    Education
	Title        Title
	Status       TeacherStatus
	ReviewNote   string // the bureau's reasons when returned
	SubmittedAt  *time.Time
	ReviewedAt   *time.Time
	ReviewedBy   string
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Certificates []Certificate
	Equivalences []Equivalence
	Institutions []TeacherInstitution
	Files        []TeacherFile // detail page only
}

// TeacherFile is a stored certificate scan (without its bytes).
type TeacherFile struct {
	ID            int64
	CertificateID int64 // 0: attached to the teacher, not a certificate
	Filename      string
	ContentType   string
	Size          int
	SHA256        string // hex
	UploadedAt    time.Time
	UploadedBy    string
	InstitutionID int64
}

// UploadTypes are the content types accepted for scans, as sniffed from
// the bytes (never as the browser claims).
var UploadTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

// CheckUpload validates a scan: a name, a size within max, and a type
// sniffed from the content that is JPEG, PNG or PDF.
func CheckUpload(filename, sniffed string, size, max int) string {
	switch {
	case size == 0:
		return "请选择要上传的文件"
	case size > max:
		return "文件过大：扫描件不能超过" + itoa(max>>20) + " MB"
	}
	if _, ok := UploadTypes[sniffed]; !ok {
		return "只能上传 JPG、PNG 图片或 PDF 文件（按文件内容识别）"
	}
	if strings.TrimSpace(filename) == "" {
		return "文件名不能为空"
	}
	return ""
}

// CleanFilename keeps the base name of an uploaded file, without path
// separators or control characters, at most 100 characters.
func CleanFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	if name == "" {
		name = "scan"
	}
	return name
}

// LinkedTo reports whether the teacher is linked to institution id.
func (t Teacher) LinkedTo(id int64) bool {
	for _, in := range t.Institutions {
		if in.ID == id {
			return true
		}
	}
	return false
}

// hasEquivalence reports whether an equivalence replaces req for the band
// and role; for a certificate, it must stand for an occupation ok accepts.
func (t Teacher) hasEquivalence(req Requirement, b Band, r TeachingRole, ok func(occ int64) bool) bool {
	for _, e := range t.Equivalences {
		if e.Requirement != req || e.Band != b || e.Role != r {
			continue
		}
		if req == ReqCertificate && (ok == nil || !ok(e.OccupationID)) {
			continue
		}
		return true
	}
	return false
}

// SameOccupation is the related func for the strict reading: only the same
// occupation counts as related.
func SameOccupation(a, b int64) bool { return a == b }

// Qualify answers QUAL-1..4: may t teach role on a class of occupationID at
// level? It returns every unmet requirement with its article; an empty
// result means allowed. related reports whether the bureau marked two
// occupations as related (it need not handle a == b). QUAL-5 (review into
// the pool) is CheckTeacher's.
func Qualify(t Teacher, occupationID int64, level Level, role TeachingRole, related func(a, b int64) bool) []string {
	band := BandOf(level)
	clause, what := "第五条（一）：", "初、中级技能培训"
	if band == BandAdvanced {
		clause, what = "第五条（二）：", "高级技能培训"
	}
	var out []string
	switch role {
	case RoleTheory:
		minEdu := EduSecondaryVoc
		if band == BandAdvanced {
			minEdu = EduCollege
		}
		if t.Education < minEdu && !t.hasEquivalence(ReqEducation, band, role, nil) {
			out = append(out, clause+what+"理论课教师须具有"+eduName(minEdu)+"以上学历或等同资质（现为"+t.Education.Label()+"）")
		}
		if t.Title < TitleMiddle && !t.hasEquivalence(ReqTitle, band, role, nil) {
			out = append(out, clause+what+"理论课教师须具有中级以上职称或等同资质（现为"+t.Title.Label()+"）")
		}
	case RolePractical:
		if t.Education < EduHigh && !t.hasEquivalence(ReqEducation, band, role, nil) {
			out = append(out, clause+what+"操作技能课教师须具有高中以上文化程度或等同资质（现为"+t.Education.Label()+"）")
		}
		accept := func(occ int64) bool { return occ == occupationID }
		minLevel, need := Level3, "相关工种三级/高级工以上职业资格证书"
		if band == BandAdvanced {
			minLevel, need = Level2, "本工种技师以上职业资格证书"
		} else if related != nil {
			accept = func(occ int64) bool { return occ == occupationID || related(occ, occupationID) }
		}
		held := false
		for _, c := range t.Certificates {
			if accept(c.OccupationID) && c.Level.AtLeast(minLevel) {
				held = true
				break
			}
		}
		if !held && !t.hasEquivalence(ReqCertificate, band, role, accept) {
			out = append(out, clause+what+"操作技能课教师须持"+need+"或等同资质")
		}
	default:
		out = append(out, "第五条：请选择授课类型（理论课或操作技能课）")
	}
	return out
}

// CheckTeacher is QUAL-1..5 for naming t on a class: the teacher must have
// been reviewed into the pool, and must meet 第五条 for the role. An empty
// result means allowed.
func CheckTeacher(t Teacher, occupationID int64, level Level, role TeachingRole, related func(a, b int64) bool) []string {
	var out []string
	if t.Status != TeacherApproved {
		out = append(out, "第五条：只有经区人力社保局审核入库（培训师资库）的教师方可列入办班计划（"+t.Name+"当前为「"+t.Status.Label()+"」）")
	}
	return append(out, Qualify(t, occupationID, level, role, related)...)
}

func eduName(e Education) string {
	if e == EduSecondaryVoc {
		return "中专"
	}
	return e.Label()
}

// Eligibility is one cell of a teacher's "what may I teach" table.
type Eligibility struct {
	Band    Band
	Role    TeachingRole
	Reasons []string // empty = allowed
}

// Allowed reports whether the cell is a yes.
func (e Eligibility) Allowed() bool { return len(e.Reasons) == 0 }

// EligibilityRow is one occupation of the table.
type EligibilityRow struct {
	OccupationID   int64
	OccupationCode string
	OccupationName string
	Cells          []Eligibility // basic theory, basic practical, advanced theory, advanced practical
}

// EligibilityTable answers, for every occupation the teacher holds a
// certificate (or a certificate equivalence) in, each band × role.
func EligibilityTable(t Teacher, related func(a, b int64) bool) []EligibilityRow {
	var rows []EligibilityRow
	seen := map[int64]bool{}
	add := func(id int64, code, name string) {
		if id == 0 || seen[id] {
			return
		}
		seen[id] = true
		row := EligibilityRow{OccupationID: id, OccupationCode: code, OccupationName: name}
		for _, b := range Bands {
			lvl := Level4
			if b == BandAdvanced {
				lvl = Level3
			}
			for _, r := range TeachingRoles {
				row.Cells = append(row.Cells, Eligibility{Band: b, Role: r, Reasons: Qualify(t, id, lvl, r, related)})
			}
		}
		rows = append(rows, row)
	}
	for _, c := range t.Certificates {
		add(c.OccupationID, c.OccupationCode, c.OccupationName)
	}
	for _, e := range t.Equivalences {
		if e.Requirement == ReqCertificate {
			add(e.OccupationID, "", e.OccupationName)
		}
	}
	return rows
}

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
		p.Add("role", "第五条：职称要求只适用于理论课教师")
	case in.Requirement == ReqCertificate && in.Role != RolePractical:
		p.Add("role", "第五条：职业资格证书要求只适用于操作技能课教师")
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

// RuleTeacherNotLinked is QUAL-5 for the institution: a teacher named on a
// class is one of its own teachers.
var RuleTeacherNotLinked = NewRule("QUAL-5", "第五条", "所选教师不在本机构师资名单中")

// CheckAssignment is QUAL-1..5 for teacher t (nil when not found) named in
// role on a class of institutionID, occupationID and level: the problems,
// each with the teacher's name and role in front.
func CheckAssignment(t *Teacher, institutionID, occupationID int64, level Level, role TeachingRole, related func(a, b int64) bool) []string {
	if t == nil || !t.LinkedTo(institutionID) {
		return []string{RuleTeacherNotLinked.Msg()}
	}
	var out []string
	for _, m := range CheckTeacher(*t, occupationID, level, role, related) {
		out = append(out, t.Name+"（"+role.Label()+"）："+m)
	}
	return out
}
