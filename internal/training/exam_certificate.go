package training

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// CertKind is the certificate an assessment leads to (EXAM-6).
type CertKind string

// Certificate kinds.
const (
	CertCompletion    CertKind = "completion"    // 结业证书
	CertQualification CertKind = "qualification" // 职业资格证书
	CertSkillLevel    CertKind = "skill_level"   // 职业技能等级证书
)

// CertKinds lists the kinds in display order.
var CertKinds = []CertKind{CertCompletion, CertQualification, CertSkillLevel}

// Label is the Chinese name.
func (k CertKind) Label() string {
	switch k {
	case CertCompletion:
		return "结业证书"
	case CertQualification:
		return "职业资格证书"
	case CertSkillLevel:
		return "职业技能等级证书"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k CertKind) Valid() bool {
	return k == CertCompletion || k == CertQualification || k == CertSkillLevel
}

// Code is the letter in a certificate number.
func (k CertKind) Code() string {
	switch k {
	case CertQualification:
		return "Z"
	case CertSkillLevel:
		return "D"
	}
	return "J"
}

// EvalOrgKind: the district centre itself, or an approved social evaluation
// organisation (社会培训评价机构).
type EvalOrgKind string

// Evaluation organisation kinds.
const (
	OrgCentre EvalOrgKind = "centre"
	OrgSocial EvalOrgKind = "social"
)

// Label is the Chinese name.
func (k EvalOrgKind) Label() string {
	if k == OrgCentre {
		return "区职建中心"
	}
	return "社会培训评价机构"
}

// EvalOrg is an organisation that runs assessments. The bureau keeps them.
type EvalOrg struct {
	ID         int64
	Name       string
	Kind       EvalOrgKind
	Approved   bool   // a social organisation approved by the provincial or city bureau
	ApprovalNo string // the approval document
	// The bureau's withdrawal of the approval (eval_org.go).
	WithdrawnReason, WithdrawnBy string
	WithdrawnAt                  *time.Time
	Version                      int
}

// Label is the name with its kind.
func (o EvalOrg) Label() string { return o.Name + "（" + o.Kind.Label() + "）" }

// EvalOrgInput is an organisation as the bureau types it.
type EvalOrgInput struct {
	Name       string
	ApprovalNo string
}

// Validate checks a social evaluation organisation.
func (in EvalOrgInput) Validate() error {
	var p Problems
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); n == 0 || n > 100 {
		p.Add("name", "请填写机构名称（100字以内）")
	}
	if strings.TrimSpace(in.ApprovalNo) == "" {
		p.Add("approval_no", RuleOrgApprovalNo.Msg())
	}
	return p.Err()
}

// CheckIssuer is EXAM-6: completion certificates are the centre's own;
// qualification and skill-level certificates are run by the centre or an
// approved social evaluation organisation. A qualification or skill-level
// certificate needs a class that trains for a level.
func CheckIssuer(kind CertKind, org EvalOrg, classLevel Level) string {
	switch {
	case !kind.Valid():
		return "请选择证书类别"
	case kind == CertCompletion && org.Kind != OrgCentre:
		return MsgCompletionOrg
	case kind != CertCompletion && org.Kind != OrgCentre && !org.Approved:
		return MsgQualificationOrg
	case kind != CertCompletion && !classLevel.Valid():
		return RuleIssuerNoLevel.Msg()
	}
	return ""
}

// CertificateNo is a certificate's number: LA (临安), year, kind letter and
// a six-digit serial, e.g. LA2026J000123.
func CertificateNo(year int, kind CertKind, serial int64) string {
	return fmt.Sprintf("LA%d%s%06d", year, kind.Code(), serial)
}

// verifyEncoding is base32 without padding (A–Z, 2–7: no 0/1/8/9 to confuse).
var verifyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// VerifyCodeBytes is the entropy of a verification code: 80 bits.
const VerifyCodeBytes = 10

// NewVerifyCode is an unguessable public verification code: 80 random bits
// from crypto/rand, 16 base32 characters.
func NewVerifyCode() string {
	b := make([]byte, VerifyCodeBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand panics if the OS cannot supply)
	return verifyEncoding.EncodeToString(b)
}

// NormalizeVerifyCode upper-cases a typed code and drops spaces and dashes;
// it reports false for anything that cannot be a code.
func NormalizeVerifyCode(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) != 16 {
		return "", false
	}
	if _, err := verifyEncoding.DecodeString(s); err != nil {
		return "", false
	}
	return s, true
}

// IssuedCertificate is an issued certificate (EXAM-7): only for approved passes.
type IssuedCertificate struct {
	ID             int64
	No             string
	VerifyCode     string
	Kind           CertKind
	Name           string
	IDNumber       string // full; shown masked
	OccupationCode string
	OccupationName string
	Level          Level
	Issuer         string
	IssueDate      time.Time
	Revoked        bool
	RevokedReason  string
	EntryID        int64
}

// LevelText is the level as printed on the certificate.
func (c IssuedCertificate) LevelText() string {
	if c.Level.Valid() {
		return c.Level.Label()
	}
	return "—"
}

// PublicResult is what the public lookup shows: the result of a published
// attempt, and nothing else about the person.
type PublicResult struct {
	OccupationName string
	Level          Level
	CertKind       CertKind
	ExamDate       time.Time
	Attempt        int
	Theory         PartScore
	Practical      PartScore
	Outcome        Outcome
	CertificateNo  string
	// A retake's parts carried over from the first attempt (EXAM-5).
	CarriedTheory, CarriedPractical   *PartScore
	TheoryRequired, PracticalRequired bool
}
