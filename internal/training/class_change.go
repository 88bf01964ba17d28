package training

import (
	"strings"
	"time"
)

// Change requests on an approved filing (FILE-5, 第六条): asked by the
// institution, decided by the bureau; the changed plan is in force only
// once approved.

// Rules of change requests.
var (
	RuleChangeNotApproved = NewRule("FILE-5", "第六条", "只有已备案且未结业的培训班可以申请变更")
	RuleChangePending     = NewRule("FILE-5", "第六条", "该培训班已有待审核的变更申请，请等待审核结果")
	RuleChangeReason      = NewRule("FILE-5", "第六条", "请填写变更理由")
	RuleChangeStarted     = NewRule("FILE-5", "第六条", "培训已开始，不能变更开班日期")
	RuleChangeNone        = NewRule("FILE-5", "第六条", "该培训班没有待审核的变更申请")
	RuleChangeRejectWhy   = NewRule("FILE-5", "第六条", "请填写不同意的理由")
	RuleChangeClassGone   = NewRule("FILE-5", "第六条", "培训班已不在备案状态，不能变更")
	RuleChangeHeldTouched = NewRule("FILE-5", "第六条", "该变更申请改动了已上课的课程，不能同意；请不同意后由机构重新申请")
	RuleChangeStartPassed = NewRule("FILE-5", "第六条", "变更后的开班日期已到，不能同意，请机构重新申请")
)

// CanRequestChange reports whether a may ask to change class c: the
// institution, on an approved filing with no request waiting.
func CanRequestChange(a Actor, c Class) bool {
	return a.IsInstitution() && DecideRequestChange(c.Status, c.PendingChange != nil).OK()
}

// DecideRequestChange is FILE-5 on asking: only an approved filing, one
// request at a time.
func DecideRequestChange(st ClassStatus, pending bool) Refusals {
	var rs Refusals
	switch {
	case st != ClassApproved:
		rs.General(RuleChangeNotApproved)
	case pending:
		rs.General(RuleChangePending)
	}
	return rs
}

// CanDecideChange reports whether a may approve or reject c's waiting
// change request.
func CanDecideChange(a Actor, c Class) bool { return a.IsBureau() && c.PendingChange != nil }

// DecideChangeDecision is FILE-5 on deciding a request, before what
// approving it checks (DecideApproveChange): a request is waiting, and a
// rejection says why (within the column's limit).
func DecideChangeDecision(pending, approve bool, note string) Refusals {
	var rs Refusals
	note = strings.TrimSpace(note)
	switch {
	case !approve && note == "":
		rs.Add("decision", RuleChangeRejectWhy)
	case TooLong("class_changes.decision", note) != "":
		rs = append(rs, Refusal{Field: "decision", Message: TooLong("class_changes.decision", note)})
	}
	if !pending {
		rs.General(RuleChangeNone)
	}
	return rs
}

// ChangeMovesStartedClass reports whether a request moves the start date
// of a class already started (refused: the filing checks are not run on
// it, so the repository need not load their facts).
func ChangeMovesStartedClass(current, next Plan, today time.Time) bool {
	return !today.Before(current.StartDate) && !next.StartDate.Equal(current.StartDate)
}

// ChangeRequestFacts are what a change request is checked against: the
// plan in force, which of its sessions were held, today, and the filing
// context of the changed plan (nil when ChangeMovesStartedClass).
type ChangeRequestFacts struct {
	Current Plan
	Held    map[int64]bool
	Today   time.Time
	Filing  *FilingContext
}

// CheckChangeRequest is FILE-5 on asking: a started class keeps its start
// date; otherwise the changed plan passes the filing checks (FILE-2's
// deadline only for a new start date; a started class's past sessions are
// not errors); a session already held stays as it was; a reason is given.
func CheckChangeRequest(next Plan, reason string, f ChangeRequestFacts) Check {
	var chk Check
	started := !f.Today.Before(f.Current.StartDate)
	if ChangeMovesStartedClass(f.Current, next, f.Today) || f.Filing == nil {
		chk = Check{Fields: map[string]string{"start_date": RuleChangeStarted.Msg()}}
	} else {
		fc := *f.Filing
		if next.StartDate.Equal(f.Current.StartDate) {
			fc.Now = time.Time{}
		}
		if started {
			fc.Today = f.Current.StartDate.AddDate(0, 0, -1)
		}
		chk = CheckFiling(next, fc)
	}
	chk.Failures = append(chk.Failures, HeldSessionsChanged(f.Current, f.Held, next)...)
	if strings.TrimSpace(reason) == "" {
		if chk.Fields == nil {
			chk.Fields = map[string]string{}
		}
		chk.Fields["change_reason"] = RuleChangeReason.Msg()
	}
	return chk
}

// ChangeApprovalProblems is what approving a request checks again at the
// moment of approval: its teachers and textbooks still qualify (the
// filing context's problems), and no session it changes has been held
// since it was asked.
func ChangeApprovalProblems(fc FilingContext, current Plan, held map[int64]bool, next Plan) []string {
	if problems := append(append([]string(nil), fc.TeacherProblems...), fc.TextbookProblems...); len(problems) > 0 {
		return problems
	}
	if msgs := HeldSessionsChanged(current, held, next); len(msgs) > 0 {
		return append(msgs, RuleChangeHeldTouched.Msg())
	}
	return nil
}

// DecideApproveChange is FILE-5 on approving a request: the class is still
// approved, and a new start date has not yet come.
func DecideApproveChange(st ClassStatus, current, next Plan, today time.Time) Refusals {
	var rs Refusals
	switch {
	case st != ClassApproved:
		rs.General(RuleChangeClassGone)
	case !next.StartDate.Equal(current.StartDate) && !today.Before(next.StartDate):
		rs.General(RuleChangeStartPassed)
	}
	return rs
}
