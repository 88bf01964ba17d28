package training

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

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

// BeforeExamDayReason says why candidates may not be checked nor scores
// entered yet: the exam day has not come (EXAM-3/4, 第十条). It is "" on
// the exam day and after.
func BeforeExamDayReason(examDate, today time.Time) string {
	if today.Before(examDate) {
		return RuleExamDayNotYet.Msg(examDate.Format("2006-01-02"))
	}
	return ""
}
