package training

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Assessment (鉴定考核, 第九条 to 第十一条): EXAM-1..7 of DOMAIN.md.

// Messages that cite the regulation. They are in one place so that the
// bureau's reading of the articles can be changed here.
var (
	MsgApplyFinished    = RuleApplyFinished.Msg()
	MsgApplyCandidates  = RuleApplyCandidates.Msg()
	MsgExaminerTeacher  = RuleExaminerIsTeacher.Msg()
	MsgExaminerStaff    = RuleExaminerIsStaff.Msg()
	MsgIDNotChecked     = RuleIDNotChecked.Msg()
	MsgRetakeOnce       = RuleRetakeOnce.Msg()
	MsgCompletionOrg    = RuleCompletionOrg.Msg()
	MsgQualificationOrg = RuleQualificationOrg.Msg()
)

// PassMark is EXAM-4: 60 or more in each part.
const PassMark = 60

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

// ExamSessionStatus is the state of an exam session's results.
type ExamSessionStatus string

// Exam session statuses (EXAM-7).
const (
	SessScheduled ExamSessionStatus = "scheduled" // candidates known, scores not complete
	SessScored    ExamSessionStatus = "scored"    // every checked candidate has both parts
	SessApproved  ExamSessionStatus = "approved"  // approved by a second centre user
	SessPublished ExamSessionStatus = "published" // institutions and the public see results
)

// ExamSessionStatuses lists them in order.
var ExamSessionStatuses = []ExamSessionStatus{SessScheduled, SessScored, SessApproved, SessPublished}

// Label is the Chinese name.
func (s ExamSessionStatus) Label() string {
	switch s {
	case SessScheduled:
		return "已安排"
	case SessScored:
		return "成绩待核准"
	case SessApproved:
		return "已核准待公布"
	case SessPublished:
		return "成绩已公布"
	case SessCancelled:
		return "已取消"
	}
	return string(s)
}

// SessionAction is a step on an exam session.
type SessionAction string

// Session actions.
const (
	ActSessCheck   SessionAction = "check"   // record an ID check
	ActSessScore   SessionAction = "score"   // enter or correct scores before approval
	ActSessApprove SessionAction = "approve" // four eyes
	ActSessPublish SessionAction = "publish"
	ActSessAmend   SessionAction = "amend" // a recorded correction after publication
)

// SessionActions lists every action.
var SessionActions = []SessionAction{ActSessCheck, ActSessScore, ActSessApprove, ActSessPublish, ActSessAmend}

// Label is the Chinese name.
func (a SessionAction) Label() string {
	switch a {
	case ActSessCheck:
		return "核对考号和身份证"
	case ActSessScore:
		return "录入成绩"
	case ActSessApprove:
		return "核准成绩"
	case ActSessPublish:
		return "公布成绩"
	case ActSessAmend:
		return "更正成绩"
	}
	return string(a)
}

// NextSessionStatus applies action to from. complete says whether every
// candidate who sat has both required parts scored (after a score entry).
func NextSessionStatus(from ExamSessionStatus, action SessionAction, complete bool) (ExamSessionStatus, string) {
	switch {
	case action == ActSessCheck && (from == SessScheduled || from == SessScored):
		return from, ""
	case action == ActSessScore && (from == SessScheduled || from == SessScored):
		if complete {
			return SessScored, ""
		}
		return SessScheduled, ""
	case action == ActSessApprove && from == SessScored:
		return SessApproved, ""
	case action == ActSessApprove && from == SessScheduled:
		return from, RuleScoresIncomplete.Msg()
	case action == ActSessPublish && from == SessApproved:
		return SessPublished, ""
	case action == ActSessAmend && from == SessPublished:
		return SessPublished, ""
	}
	return from, RuleSessionState.Msg(from.Label(), action.Label())
}

// ResultsVisible is EXAM-7: the centre sees results as they are entered;
// institutions (and the public) only once they are published.
func ResultsVisible(a Actor, s ExamSessionStatus) bool {
	if a.IsCentre() || a.IsBureau() {
		return true
	}
	return s == SessPublished
}

// PartScore is one part's score: a number 0–100, absent, or not entered.
type PartScore struct {
	Score  *int
	Absent bool
}

// Entered reports whether the part has a score or is marked absent.
func (p PartScore) Entered() bool { return p.Absent || p.Score != nil }

// Passed is EXAM-4 for one part.
func (p PartScore) Passed() bool { return !p.Absent && p.Score != nil && *p.Score >= PassMark }

// Text is the score as shown: 78, 缺考, or —.
func (p PartScore) Text() string {
	switch {
	case p.Absent:
		return "缺考"
	case p.Score != nil:
		return strconv.Itoa(*p.Score)
	}
	return "—"
}

// ParseScore reads a typed score: blank (not entered), 0–100, or absent.
func ParseScore(raw string, absent bool) (PartScore, string) {
	raw = strings.TrimSpace(raw)
	if absent {
		if raw != "" {
			return PartScore{}, "已标记缺考的科目不能同时填写分数"
		}
		return PartScore{Absent: true}, ""
	}
	if raw == "" {
		return PartScore{}, ""
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > 100 {
		return PartScore{}, RuleScoreRange.Msg()
	}
	return PartScore{Score: &n}, ""
}

// Parts says which parts a candidate sits in an attempt. A retake sits only
// the parts failed before; the passed part carries over (EXAM-5).
type Parts struct {
	Theory    bool
	Practical bool
}

// BothParts is a first attempt.
var BothParts = Parts{Theory: true, Practical: true}

// Label is the parts as shown.
func (p Parts) Label() string {
	switch {
	case p.Theory && p.Practical:
		return "应知、应会"
	case p.Theory:
		return "应知（补考）"
	case p.Practical:
		return "应会（补考）"
	}
	return "—"
}

// Outcome is the result of one attempt.
type Outcome string

// Outcomes.
const (
	OutcomePending Outcome = ""     // not all required parts entered
	OutcomePass    Outcome = "pass" // 合格
	OutcomeFail    Outcome = "fail" // 不合格
)

// Label is the Chinese name.
func (o Outcome) Label() string {
	switch o {
	case OutcomePass:
		return "合格"
	case OutcomeFail:
		return "不合格"
	}
	return "待录入"
}

// Result is EXAM-4 and EXAM-5 for one attempt: each part required in this
// attempt must be entered; a part not required was passed in the first
// attempt and carries over. Pass = both parts ≥ 60.
func Result(parts Parts, theory, practical PartScore) Outcome {
	if parts.Theory && !theory.Entered() || parts.Practical && !practical.Entered() {
		return OutcomePending
	}
	if (!parts.Theory || theory.Passed()) && (!parts.Practical || practical.Passed()) {
		return OutcomePass
	}
	return OutcomeFail
}

// Attempt is an earlier attempt of the same person at the same
// assessment (same class application).
type Attempt struct {
	ExamDate        time.Time
	Parts           Parts
	Outcome         Outcome
	TheoryPassed    bool
	PracticalPassed bool
	Published       bool
}

// RetakeParts is EXAM-5: a candidate who failed may retake once, within the
// same training year (the calendar year of the first attempt), the failed
// parts only. It returns the parts of the retake on examDate.
func RetakeParts(earlier []Attempt, examDate time.Time) (Parts, string) {
	if len(earlier) == 0 {
		return BothParts, ""
	}
	last := earlier[len(earlier)-1]
	switch {
	case last.Outcome == OutcomePass:
		return Parts{}, "该学员已考核合格，无需补考"
	case !last.Published || last.Outcome != OutcomeFail:
		return Parts{}, RuleRetakeUnpublished.Msg()
	case len(earlier) >= 2:
		return Parts{}, MsgRetakeOnce
	}
	first := earlier[0]
	if examDate.Year() != first.ExamDate.Year() {
		return Parts{}, RuleRetakeSameYear.Msg(first.ExamDate.Year())
	}
	return Parts{Theory: !first.TheoryPassed, Practical: !first.PracticalPassed}, ""
}

// Examiner is a person who examines a session (考评员).
type Examiner struct {
	Name         string
	IDNumber     string
	Organisation string
}

// ExaminerInput is an examiner as typed.
type ExaminerInput Examiner

// Validate checks the examiner and returns it normalised.
func (in ExaminerInput) Validate(today time.Time) (Examiner, string) {
	e := Examiner{Name: strings.TrimSpace(in.Name), IDNumber: NormalizeIDNumber(in.IDNumber), Organisation: strings.TrimSpace(in.Organisation)}
	if n := utf8.RuneCountInString(e.Name); n == 0 || n > 50 {
		return e, "请填写考评员姓名"
	}
	if _, msg := ParseResidentID(e.IDNumber, today); msg != "" {
		return e, "考评员" + e.Name + "：" + msg
	}
	if e.Organisation == "" || utf8.RuneCountInString(e.Organisation) > 100 {
		return e, "请填写考评员" + e.Name + "的工作单位"
	}
	return e, ""
}

// ConflictFacts is what EXAM-2 is checked against: the class's teachers and
// the institution's staff (its teachers in the pool), by ID number, and the
// institution's name.
type ConflictFacts struct {
	ClassTeachers   map[string]bool // ID numbers
	Staff           map[string]bool // ID numbers
	InstitutionName string
}

// ExaminerConflict is EXAM-2 (考培分离): an examiner may not be a teacher of
// the class nor staff of its institution.
func ExaminerConflict(e Examiner, f ConflictFacts) string {
	switch {
	case f.ClassTeachers[e.IDNumber]:
		return MsgExaminerTeacher + "（" + e.Name + "）"
	case f.Staff[e.IDNumber]:
		return MsgExaminerStaff + "（" + e.Name + "）"
	case f.InstitutionName != "" && sameOrg(e.Organisation, f.InstitutionName):
		return MsgExaminerStaff + "（" + e.Name + "，工作单位：" + e.Organisation + "）"
	}
	return ""
}

func sameOrg(a, b string) bool {
	norm := func(s string) string {
		return strings.NewReplacer(" ", "", "　", "", "（", "(", "）", ")").Replace(strings.TrimSpace(s))
	}
	a, b = norm(a), norm(b)
	return a != "" && (a == b || strings.Contains(a, b) || strings.Contains(b, a))
}

// SessionInput is an exam session as the centre types it.
type SessionInput struct {
	ExamDate      string
	Venue         string
	TheoryTime    string // e.g. 09:00-10:30
	PracticalTime string
	Examiners     []ExaminerInput
	Retake        bool
	EnrolmentIDs  []int64 // retake: the candidates; first: all accepted candidates
	PoolIDs       []int64 // examiners picked from the pool (examiner.go)
}

// ExamSessionPlan is a validated session.
type ExamSessionPlan struct {
	ExamDate      time.Time
	Venue         string
	TheoryTime    string
	PracticalTime string
	Examiners     []Examiner
	Retake        bool
}

// Validate checks the session against the class's end date and today.
func (in SessionInput) Validate(today, classEnd time.Time, f ConflictFacts) (ExamSessionPlan, error) {
	var p Problems
	s := ExamSessionPlan{Venue: strings.TrimSpace(in.Venue), TheoryTime: strings.TrimSpace(in.TheoryTime),
		PracticalTime: strings.TrimSpace(in.PracticalTime), Retake: in.Retake}
	d, err := time.Parse("2006-01-02", strings.TrimSpace(in.ExamDate))
	switch {
	case err != nil:
		p.Add("exam_date", "请填写考试日期")
	case d.Before(today):
		p.Add("exam_date", "考试日期不能早于今天")
	case !classEnd.IsZero() && !d.After(classEnd):
		p.Add("exam_date", RuleSessionAfterClass.Msg(classEnd.Format("2006-01-02")))
	}
	s.ExamDate = d
	if s.Venue == "" || utf8.RuneCountInString(s.Venue) > 200 {
		p.Add("venue", "请填写考试地点")
	}
	if s.TheoryTime == "" {
		p.Add("theory_time", RuleSessionTheoryTime.Msg())
	}
	if s.PracticalTime == "" {
		p.Add("practical_time", RuleSessionPracticalTime.Msg())
	}
	seen := map[string]bool{}
	for i, x := range in.Examiners {
		if strings.TrimSpace(x.Name) == "" && strings.TrimSpace(x.IDNumber) == "" && strings.TrimSpace(x.Organisation) == "" {
			continue
		}
		e, msg := x.Validate(today)
		key := "examiner_" + strconv.Itoa(i)
		if msg == "" && seen[e.IDNumber] {
			msg = "考评员" + e.Name + "重复"
		}
		if msg == "" {
			msg = ExaminerConflict(e, f)
		}
		if msg != "" {
			p.Add(key, msg)
			p.AddGeneral(msg)
			continue
		}
		seen[e.IDNumber] = true
		s.Examiners = append(s.Examiners, e)
	}
	if len(s.Examiners) == 0 && len(in.PoolIDs) == 0 && !anyExaminerError(&p, len(in.Examiners)) {
		p.Add("examiner_0", RuleSessionExaminer.Msg())
	}
	return s, p.Err()
}

func anyExaminerError(p *Problems, n int) bool {
	for i := 0; i < n; i++ {
		if p.Has("examiner_" + strconv.Itoa(i)) {
			return true
		}
	}
	return false
}

// CandidateNo is a candidate number (考号): the session's number and the
// candidate's sequence in it, e.g. KS2026031201-007.
func CandidateNo(sessionNo string, seq int) string {
	return fmt.Sprintf("%s-%03d", sessionNo, seq)
}

// SessionNo is an exam session's number: KS, the exam date and the
// session's sequence that day.
func SessionNo(examDate time.Time, seq int) string {
	return fmt.Sprintf("KS%s%02d", examDate.Format("20060102"), seq)
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

// ExamSession is a session with its examiners and candidates.
type ExamSession struct {
	ID            int64
	No            string
	ApplicationID int64
	Retake        bool
	ExamDate      time.Time
	Venue         string
	TheoryTime    string
	PracticalTime string
	Status        ExamSessionStatus
	EnteredByID   int64
	EnteredBy     string
	EnteredAt     *time.Time
	ApprovedBy    string
	ApprovedAt    *time.Time
	PublishedBy   string
	PublishedAt   *time.Time
	Version       int
	Examiners     []Examiner
	ExaminerPool  []int64 // per examiner: the pool record it was picked from, 0 when typed
	Entries       []ExamEntry
	// Everyone who entered or changed a score, one row per candidate per
	// save, in order (four eyes, see exam_approval.go).
	ScoreChanges []ScoreChange
	// Reschedules and the cancellation, in order (exam_schedule.go).
	Changes                   []SessionChangeRecord
	CancelReason, CancelledBy string
	CancelledAt               *time.Time
	// The application's facts.
	ClassID         int64
	ClassNo         string
	InstitutionID   int64
	InstitutionName string
	OccupationName  string
	Level           Level
	CertKind        CertKind
	EvalOrgName     string
}

// ExamEntry is one candidate in a session.
type ExamEntry struct {
	ID            int64
	SessionID     int64
	EnrolmentID   int64
	Attempt       int
	Seq           int
	CandidateNo   string
	Name          string
	IDNumber      string
	Parts         Parts
	CheckedAt     *time.Time
	CheckedBy     string
	Theory        PartScore
	Practical     PartScore
	Outcome       Outcome
	CertificateNo string
	Amendments    int  // confirmed corrections after publication
	Pending       bool // a correction waits for a second centre user
	// A retake's parts carried over from the first attempt (EXAM-5),
	// nil for a part sat in this attempt.
	CarriedTheory, CarriedPractical *PartScore
}

// Checked reports EXAM-3.
func (e ExamEntry) Checked() bool { return e.CheckedAt != nil }

// ScoreRow is one candidate's scores as entered on the session page.
type ScoreRow struct {
	EntryID   int64
	Theory    PartScore
	Practical PartScore
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

// ExamDayReached is EXAM-3/4 in time: candidate numbers and ID cards are
// checked, and scores entered, on or after the exam date, never before
// (第十条). It returns the message, or "" when today is the exam day or later.
func ExamDayReached(examDate, today time.Time) string {
	if today.Before(examDate) {
		return RuleExamDayNotYet.Msg(examDate.Format("2006-01-02"))
	}
	return ""
}
