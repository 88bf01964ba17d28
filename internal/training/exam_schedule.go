package training

import (
	"strings"
	"time"
)

// Exam sessions after scheduling: rescheduled (date, venue, times,
// examiners) or cancelled before the exam day, with a reason; the check and
// score pages open on the exam day; the clerk reveals a candidate's full ID
// number to compare it with the card; a retake shows the part carried over
// from the first attempt (第九条 to 第十一条, EXAM-3..5).

// SessCancelled is a session cancelled before its exam day; its candidates
// may be scheduled again in another session.
const SessCancelled ExamSessionStatus = "cancelled"

// The rules of rescheduling, cancelling, the exam day and the ID reveal.
var (
	RuleExamDayClosed      = NewRule("EXAM-3", "第十条", "考试当天开放：考试日期为%s，考试当天起方可核对考号和身份证、录入成绩")
	RuleSessionChangeDay   = NewRule("EXAM-3", "第十条", "考试日期（%s）当天及以后不能改期或取消考试，请按实际情况核对身份、录入成绩或缺考")
	RuleSessionChangeState = NewRule("EXAM-7", "第十一条", "该场次当前状态为「%s」，不能改期或取消")
	RuleSessionChangeWhy   = NewRule("", "", "请填写%s原因")
	RuleRetakeYear         = NewRule("EXAM-5", "第十条", "补考须在首次考核的同一培训年度（%d年）内进行，考试日期不能改到其他年度")
	RuleRevealState        = NewRule("EXAM-3", "第十条", "该场次当前状态为「%s」，身份核对已结束，不能查看完整身份证号码")
)

// ExamDayOpen reports whether the exam day has come: the ID check and the
// score entry are open from the exam date on (第十条).
func ExamDayOpen(examDate, today time.Time) bool { return !today.Before(examDate) }

// SessionChangeFacts is what rescheduling or cancelling a session looks
// at, loaded under the session's row lock.
type SessionChangeFacts struct {
	Status   ExamSessionStatus
	ExamDate time.Time
	Today    time.Time
	// A retake session: the years of its candidates' first attempts (a
	// retake stays in the training year of the first attempt, EXAM-5).
	FirstAttemptYears []int
}

// SessionChange is a reschedule (a new plan) or a cancellation.
type SessionChange struct {
	Cancel  bool
	Reason  string
	NewDate time.Time // reschedule only; zero when not parsed
}

// Label is the step's Chinese name.
func (c SessionChange) Label() string {
	if c.Cancel {
		return "取消考试"
	}
	return "改期"
}

// DecideChangeSession says whether a may reschedule or cancel a session:
// only centre staff, only a session still scheduled, only before its exam
// day, always with a reason; a retake session keeps to the training year of
// its candidates' first attempts. nil = allowed. err is outside the rule
// book: ErrForbidden for anyone but the centre.
func DecideChangeSession(a Actor, f SessionChangeFacts, c SessionChange) (Refusals, error) {
	if !a.IsCentre() {
		return nil, ErrForbidden
	}
	var rs Refusals
	switch {
	case f.Status != SessScheduled:
		rs.General(RuleSessionChangeState, f.Status.Label())
		return rs, nil
	case !f.Today.Before(f.ExamDate):
		rs.General(RuleSessionChangeDay, f.ExamDate.Format("2006-01-02"))
		return rs, nil
	}
	if strings.TrimSpace(c.Reason) == "" {
		rs.Add("change_reason", RuleSessionChangeWhy, c.Label())
	}
	if !c.Cancel && !c.NewDate.IsZero() {
		for _, y := range f.FirstAttemptYears {
			if c.NewDate.Year() != y {
				rs.Add("exam_date", RuleRetakeYear, y)
				break
			}
		}
	}
	return rs, nil
}

// CanChangeSession is DecideChangeSession for showing the controls.
func CanChangeSession(a Actor, status ExamSessionStatus, examDate, today time.Time) bool {
	rs, err := DecideChangeSession(a, SessionChangeFacts{Status: status, ExamDate: examDate, Today: today}, SessionChange{Reason: "-"})
	return err == nil && rs.OK()
}

// DecideRevealID says whether a may see a candidate's full ID number on the
// check page: centre staff, on or after the exam day, while the ID check is
// open (the session is not approved yet). Each reveal is audited.
func DecideRevealID(a Actor, status ExamSessionStatus, examDate, today time.Time) (Refusals, error) {
	if !a.IsCentre() {
		return nil, ErrForbidden
	}
	var rs Refusals
	switch {
	case status != SessScheduled && status != SessScored:
		rs.General(RuleRevealState, status.Label())
	case !ExamDayOpen(examDate, today):
		rs.General(RuleExamDayClosed, examDate.Format("2006-01-02"))
	}
	return rs, nil
}

// DecideIDCheck says whether a candidate's number and ID may be marked
// checked (EXAM-3, 第十条): the session takes checks (scheduled or being
// scored), the exam day has come, and the candidate is not checked
// already (then it says when, so a second clerk at the door knows).
func DecideIDCheck(status ExamSessionStatus, examDate, today time.Time, candidateNo string, checkedAt *time.Time) Refusals {
	var rs Refusals
	if _, msg := NextSessionStatus(status, ActSessCheck, false); msg != "" {
		rs = append(rs, Refusal{Message: msg})
		return rs
	}
	if msg := BeforeExamDayReason(examDate, today); msg != "" {
		rs = append(rs, Refusal{Message: msg})
		return rs
	}
	if checkedAt != nil {
		rs.General(RuleIDCheckedAlready, candidateNo, checkedAt.In(shanghai).Format("2006-01-02 15:04"))
	}
	return rs
}

// PartText is one part's score as a results table shows it: the score of
// this attempt, or for a part a retake does not sit the first attempt's
// score carried over (EXAM-5).
func PartText(required bool, own PartScore, carried *PartScore) string {
	switch {
	case required:
		return own.Text()
	case carried != nil:
		return carried.Text() + "（首次合格，保留）"
	}
	return "—"
}

// TheoryText is the entry's 应知 as shown.
func (e ExamEntry) TheoryText() string { return PartText(e.Parts.Theory, e.Theory, e.CarriedTheory) }

// PracticalText is the entry's 应会 as shown.
func (e ExamEntry) PracticalText() string {
	return PartText(e.Parts.Practical, e.Practical, e.CarriedPractical)
}

// TheoryText is the result's 应知 as the public lookup shows it.
func (r PublicResult) TheoryText() string {
	return PartText(r.TheoryRequired, r.Theory, r.CarriedTheory)
}

// PracticalText is the result's 应会 as the public lookup shows it.
func (r PublicResult) PracticalText() string {
	return PartText(r.PracticalRequired, r.Practical, r.CarriedPractical)
}

// RetakeChoice is a candidate of an application whose first attempt failed
// and who has no retake yet: offered on the retake form when Refusal is
// empty, else listed with the reason (the year is over, the result is not
// published).
type RetakeChoice struct {
	Entry   ExamEntry
	Parts   Parts
	Refusal string
}

// SessionChangeRecord is one reschedule or cancellation as recorded.
type SessionChangeRecord struct {
	Cancel bool
	Reason string
	Before string // the schedule before, as text
	After  string
	By     string
	At     time.Time
}

// Candidate is the candidate as a label reads: number and name.
func (e ExamEntry) Candidate() string { return e.CandidateNo + " " + e.Name }
