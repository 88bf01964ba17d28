package training

// Scores of an exam session (第十条, 第十一条): when a session takes
// scores, which parts a retake may score, what a correction after
// publication needs.

// Rules of score entry and correction.
var (
	RuleSessionState       = NewRule("EXAM-7", "第十一条", "该场次当前状态为「%s」，不能%s")
	RuleScoreRange         = NewRule("EXAM-4", "第十条", "成绩为0至100的整数")
	RuleIDNotChecked       = NewRule("EXAM-3", "第十条", "该考生尚未核对考号和身份证，不能录入成绩")
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
