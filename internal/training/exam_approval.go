package training

import (
	"sort"
	"strings"
	"time"
)

// Four eyes on results (第十一条, EXAM-7): whoever entered or changed any
// score of a session — on the score page before approval, or by a
// correction after publication — never approves that session's results,
// nor confirms a correction of them. A correction after publication is
// itself a change of a score, so it takes effect only when a second centre
// user confirms it.

// The four-eyes rules (EXAM-7, 第十一条).
var (
	RuleFourEyes         = NewRule("EXAM-7", "第十一条", "考核成绩须由录入人以外的区职建中心人员核准；录入或修改过本场次成绩的人员不能核准")
	RuleScoresIncomplete = NewRule("EXAM-7", "第十一条", "还有考生的成绩未录入完整，不能核准")
	RuleAmendProposer    = NewRule("EXAM-7", "第十一条", "成绩更正须由登记人以外的区职建中心人员核准，不能核准本人登记的更正")
	RuleAmendScorer      = NewRule("EXAM-7", "第十一条", "成绩更正须由未录入或修改过本场次成绩的区职建中心人员核准；录入或修改过本场次成绩的人员不能核准")
	RuleAmendPending     = NewRule("EXAM-7", "第十一条", "该考生已有一条待核准的成绩更正，请先核准或驳回")
)

// Messages of the four-eyes rules, as the user reads them.
var (
	MsgFourEyes      = RuleFourEyes.Msg()
	MsgAmendProposer = RuleAmendProposer.Msg()
	MsgAmendScorer   = RuleAmendScorer.Msg()
	MsgAmendPending  = RuleAmendPending.Msg()
)

// MsgNoScoreChange is what a save that changed nothing says.
const MsgNoScoreChange = "未修改任何成绩"

// ScoreChange is one candidate's score entered or changed by one person,
// as recorded (exam_score_changes).
type ScoreChange struct {
	UserID      int64
	By          string
	At          time.Time
	EntryID     int64
	CandidateNo string
	Name        string
	Amendment   bool // a confirmed correction after publication
}

// ScoreSave is the changes one person made in one save: who, when, which
// candidates. The session page lists them.
type ScoreSave struct {
	UserID     int64
	By         string
	At         time.Time
	Amendment  bool
	Candidates []string // candidate number and name
}

// CandidatesText is the candidates as shown.
func (s ScoreSave) CandidatesText() string { return strings.Join(s.Candidates, "、") }

// ScoreSaves groups recorded changes by person, time and kind, in the
// order they were made.
func ScoreSaves(changes []ScoreChange) []ScoreSave {
	type key struct {
		at        int64
		user      int64
		amendment bool
	}
	var out []ScoreSave
	index := map[key]int{}
	for _, c := range changes {
		k := key{c.At.UnixNano(), c.UserID, c.Amendment}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, ScoreSave{UserID: c.UserID, By: c.By, At: c.At, Amendment: c.Amendment})
		}
		out[i].Candidates = append(out[i].Candidates, c.CandidateNo+" "+c.Name)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// ResultsFacts is what the four-eyes rule looks at: the session's status
// and everyone who entered or changed one of its scores.
type ResultsFacts struct {
	Status  ExamSessionStatus
	Scorers map[int64]bool // user IDs
}

// ScorersOf is the set of people in changes.
func ScorersOf(changes []ScoreChange) map[int64]bool {
	m := make(map[int64]bool, 2)
	for _, c := range changes {
		m[c.UserID] = true
	}
	return m
}

// ResultsFacts are the session's facts for DecideApproveResults.
func (x ExamSession) ResultsFacts() ResultsFacts {
	return ResultsFacts{Status: x.Status, Scorers: ScorersOf(x.ScoreChanges)}
}

// DecideApproveResults is EXAM-7's approval of a session's results by a:
// only a session whose scores are complete, and only by someone who entered
// or changed none of its scores (第十一条). It returns the status after
// approval and the refusals of the rule book; err is outside it:
// ErrForbidden (not centre staff) or ErrConflict (the session no longer
// waits for approval).
func DecideApproveResults(a Actor, f ResultsFacts) (ExamSessionStatus, Refusals, error) {
	var rs Refusals
	switch {
	case !a.IsCentre():
		return f.Status, nil, ErrForbidden
	case f.Status == SessScheduled:
		rs.General(RuleScoresIncomplete)
		return f.Status, rs, nil
	case f.Status != SessScored:
		rs.General(RuleSessionState, f.Status.Label(), ActSessApprove.Label())
		return f.Status, rs, nil
	}
	if a.UserID == 0 || f.Scorers[a.UserID] {
		rs.General(RuleFourEyes)
		return f.Status, rs, nil
	}
	return SessApproved, nil, nil
}

// CanApproveResults reports whether a may approve now (to show the button).
func CanApproveResults(a Actor, f ResultsFacts) bool {
	_, rs, err := DecideApproveResults(a, f)
	return err == nil && rs.OK()
}

// AmendmentStatus is the state of a correction after publication.
type AmendmentStatus string

// Amendment statuses.
const (
	AmendPending   AmendmentStatus = "pending"   // registered, waiting for a second centre user
	AmendConfirmed AmendmentStatus = "confirmed" // in force: the result changed
	AmendRejected  AmendmentStatus = "rejected"  // withdrawn or rejected: nothing changed
)

// Label is the Chinese name.
func (s AmendmentStatus) Label() string {
	switch s {
	case AmendPending:
		return "待核准"
	case AmendConfirmed:
		return "已生效"
	case AmendRejected:
		return "已驳回"
	}
	return string(s)
}

// AmendmentFacts is what confirming or rejecting a correction looks at.
type AmendmentFacts struct {
	Status     AmendmentStatus
	ProposedBy int64
	Scorers    map[int64]bool // everyone who entered or changed a score of the session
}

// DecideConfirmAmendment is the second pair of eyes on a correction after
// publication: centre staff other than the one who registered it, and who
// entered or changed none of the session's scores (第十一条). err is
// ErrForbidden (not centre staff) or ErrConflict (no longer pending).
func DecideConfirmAmendment(a Actor, f AmendmentFacts) (Refusals, error) {
	var rs Refusals
	switch {
	case !a.IsCentre():
		return nil, ErrForbidden
	case f.Status != AmendPending:
		return nil, ErrConflict
	case a.UserID == 0 || a.UserID == f.ProposedBy:
		rs.General(RuleAmendProposer)
	case f.Scorers[a.UserID]:
		rs.General(RuleAmendScorer)
	}
	return rs, nil
}

// CanConfirmAmendment reports whether a may confirm the correction now.
func CanConfirmAmendment(a Actor, f AmendmentFacts) bool {
	rs, err := DecideConfirmAmendment(a, f)
	return err == nil && rs.OK()
}

// DecideRejectAmendment: any centre user may reject a pending correction
// (its proposer withdraws it); nothing changes, so no second pair of eyes
// is needed and no rule of the book refuses it.
func DecideRejectAmendment(a Actor, f AmendmentFacts) error {
	switch {
	case !a.IsCentre():
		return ErrForbidden
	case f.Status != AmendPending:
		return ErrConflict
	}
	return nil
}

// CanRejectAmendment reports whether a may reject the correction now.
func CanRejectAmendment(a Actor, f AmendmentFacts) bool {
	return DecideRejectAmendment(a, f) == nil
}
