package training

import (
	"strconv"
	"strings"
	"time"
)

// Scores of an exam session (第十条, 第十一条): when a session takes
// scores, which parts a retake may score, what a correction after
// publication needs.

// Rules of score entry and correction.
var (
	RuleSessionState       = NewRule("EXAM-7", "第十一条", "该场次当前状态为「%s」，不能%s")
	RuleScoreRange         = NewRule("EXAM-4", "第十条", "成绩为0至100的整数")
	RuleIDNotChecked       = NewRule("EXAM-3", "第十条", "该考生尚未核对考号和身份证，不能录入成绩")
	RuleIDCheckedAlready   = NewRule("EXAM-3", "第十条", "考生%s已于%s核对考号和身份证，无需再次核对")
	RuleExamDayNotYet      = NewRule("EXAM-3", "第十条", "考试日期为%s，考试当天起方可核对考号和身份证、录入成绩")
	RuleRetakeTheoryPassed = NewRule("EXAM-5", "第十条", "补考只考不合格的科目，该考生应知考试已合格")
	RuleRetakePractPassed  = NewRule("EXAM-5", "第十条", "补考只考不合格的科目，该考生应会考试已合格")
	RuleRetakeOnlyFailed   = NewRule("EXAM-5", "第十条", "补考只考不合格的科目")
	RuleAmendBeforePublish = NewRule("EXAM-7", "第十一条", "成绩公布前请直接在成绩录入页修改；公布后的更正须登记原因")
	RuleAmendReason        = NewRule("EXAM-7", "第十一条", "更正已公布的成绩须填写原因")
	RuleAmendIncomplete    = NewRule("EXAM-7", "", "请填写完整的成绩（或标记缺考）")
	RuleAmendUnchanged     = NewRule("EXAM-7", "", "成绩没有变化")
	RuleAmendDecided       = NewRule("EXAM-7", "第十一条", "核准或驳回成绩更正须记录核准人和时间")
	RuleCertAfterPublish   = NewRule("EXAM-6", "第十一条", "成绩核准公布后方可打印证书")
)

// CanSessionStep reports whether action may be taken on a session in
// status st (the state machine of NextSessionStatus; a score entry is
// allowed whether or not it completes the scores).
func CanSessionStep(st ExamSessionStatus, action SessionAction) bool {
	_, msg := NextSessionStatus(st, action, false)
	return msg == ""
}

// CanTakeScores reports whether a session in status st takes ID checks and
// score entries (before its results are approved).
func CanTakeScores(st ExamSessionStatus) bool { return CanSessionStep(st, ActSessScore) }

// CanPublishResults reports whether a session's approved results may be
// published.
func CanPublishResults(st ExamSessionStatus) bool { return CanSessionStep(st, ActSessPublish) }

// CanAmendScores reports whether a session's results are corrected by a
// recorded amendment (after publication) rather than on the score page.
func CanAmendScores(st ExamSessionStatus) bool { return CanSessionStep(st, ActSessAmend) }

// CanPrintCertificates reports whether a session's certificates may be
// printed: once its results are published.
func CanPrintCertificates(st ExamSessionStatus) bool { return st == SessPublished }

// DecidePrintCertificates refuses printing before publication.
func DecidePrintCertificates(st ExamSessionStatus) Refusals {
	var rs Refusals
	if !CanPrintCertificates(st) {
		rs.General(RuleCertAfterPublish)
	}
	return rs
}

// SamePart reports whether two part scores are the same entry.
func SamePart(a, b PartScore) bool {
	if a.Absent != b.Absent || (a.Score == nil) != (b.Score == nil) {
		return false
	}
	return a.Score == nil || *a.Score == *b.Score
}

// DecideRetakeParts is EXAM-5 on a score entry: a retake scores only the
// parts failed before. The refusal stands beside "theory"+suffix or
// "practical"+suffix.
func DecideRetakeParts(parts Parts, theory, practical PartScore, suffix string) Refusals {
	var rs Refusals
	switch {
	case !parts.Theory && theory.Entered():
		rs.Add("theory"+suffix, RuleRetakeTheoryPassed)
	case !parts.Practical && practical.Entered():
		rs.Add("practical"+suffix, RuleRetakePractPassed)
	}
	return rs
}

// AmendFacts is what a correction of a published result looks at: the
// session's status, the candidate's entry as it stands, and the corrected
// parts with their reason.
type AmendFacts struct {
	Status            ExamSessionStatus
	Entry             ExamEntry
	Theory, Practical PartScore
	Reason            string // trimmed
}

// DecideAmendEntry is EXAM-7 on a correction after publication: only a
// published session, one waiting correction per candidate, a reason, a
// checked candidate, only the parts the attempt sits, complete and changed
// scores. It returns the outcome the correction would give.
func DecideAmendEntry(f AmendFacts) (Outcome, Refusals) {
	var rs Refusals
	if !CanAmendScores(f.Status) {
		rs.General(RuleAmendBeforePublish)
		return f.Entry.Outcome, rs
	}
	e := f.Entry
	if e.Pending {
		rs.General(RuleAmendPending)
	}
	if f.Reason == "" {
		rs.Add("reason", RuleAmendReason)
	}
	if !e.Checked() && (f.Theory.Score != nil || f.Practical.Score != nil) {
		rs.Add("theory", RuleIDNotChecked)
	}
	if !e.Parts.Theory && f.Theory.Entered() || !e.Parts.Practical && f.Practical.Entered() {
		rs.Add("theory", RuleRetakeOnlyFailed)
	}
	outcome := Result(e.Parts, f.Theory, f.Practical)
	if outcome == OutcomePending {
		rs.Add("theory", RuleAmendIncomplete)
	}
	if SamePart(e.Theory, f.Theory) && SamePart(e.Practical, f.Practical) {
		rs.Add("theory", RuleAmendUnchanged)
	}
	return outcome, rs
}

// PassMark is EXAM-4: 60 or more in each part.
const PassMark = 60

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

// DecideRetake is EXAM-5 for scheduling candidate name's retake on
// examDate: a first attempt exists (RuleRetakeNoFirst), and RetakeParts
// allows it; it returns the parts the retake sits.
func DecideRetake(name string, earlier []Attempt, examDate time.Time) (Parts, Refusals) {
	var rs Refusals
	if len(earlier) == 0 {
		rs.General(RuleRetakeNoFirst, name)
		return Parts{}, rs
	}
	parts, msg := RetakeParts(earlier, examDate)
	if msg != "" {
		rs = append(rs, Refusal{Message: name + "：" + msg})
	}
	return parts, rs
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

// ScoreRow is one candidate's scores as entered on the session page.
type ScoreRow struct {
	EntryID   int64
	Theory    PartScore
	Practical PartScore
}
