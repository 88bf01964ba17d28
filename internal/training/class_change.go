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
