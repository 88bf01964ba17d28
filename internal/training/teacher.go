package training

import (
	"strings"
	"time"
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
	return from, RuleTeacherState.Msg(from.Label(), action.Label())
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

// RuleTeacherState refuses a step the teacher's review does not allow.
var RuleTeacherState = NewRule("", "第五条", "教师当前状态为「%s」，不能%s")
