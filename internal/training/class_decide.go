package training

import "time"

// The filing's steps outside the submit check (第三条, 第六条, 第七条,
// 第十六条): who may start, edit, cancel and change a filing, and the size
// exception.

// Rules of the filing's steps.
var (
	RuleClassState           = NewRule("", "第六条", "培训班当前状态为「%s」，不能%s")
	RuleInstCannotFile       = NewRule("INST-3", "第三条、第十六条", "机构定点资质为「%s」，不能新办培训班")
	RuleInstCannotApprove    = NewRule("INST-3", "第三条、第十六条", "机构定点资质为「%s」，不能同意新办培训班")
	RuleClassNotEditable     = NewRule("FILE-5", "第六条", "培训班已提交或已备案，不能直接修改；备案后的调整请提出变更申请")
	RuleCancelAfterStart     = NewRule("FILE-5", "第六条", "培训已开始，不能撤销；如需调整请提出变更申请")
	RuleTextbookNotCatalogue = NewRule("FILE-4", "第六条", "所选教材不在教材目录中")
	RuleHeldSessionChanged   = NewRule("FILE-5", "第六条", "已上课的课程不能变更")
	RuleCapStartup           = NewRule("SIZE-2", "第七条", "创业类培训班每班不超过30人")
	RuleCapOther             = NewRule("SIZE-1", "第七条", "职业资格类、技能等级类、专项能力类培训班每班不超过50人")
	RuleExceptionNotNeeded   = NewRule("SIZE-3", "第七条", "%s不超过%d人无需申请例外")
	RuleExceptionTooLarge    = NewRule("SIZE-3", "第七条", "人数过大")
	RuleExceptionReason      = NewRule("SIZE-3", "", "请填写申请理由（第七条：特殊情况需报区人力社保局同意）")
	RuleExceptionLateAsk     = NewRule("SIZE-3", "第七条", "人数例外须在备案审核前申请")
	RuleExceptionNone        = NewRule("SIZE-3", "第七条", "该培训班没有人数例外申请")
	RuleExceptionLateDecide  = NewRule("SIZE-3", "第七条", "人数例外须在备案审核前决定")
	RuleExceptionRange       = NewRule("SIZE-3", "第七条", "同意人数须大于%d且不超过申请人数%d")
)

// DecideCreateClass is INST-3: only a designated institution starts a
// filing.
func DecideCreateClass(st InstitutionStatus) Refusals {
	var rs Refusals
	if !st.CanFileClasses() {
		rs.General(RuleInstCannotFile, st.Label())
	}
	return rs
}

// CanEditPlan reports whether a filing's plan may be saved as it is
// (a draft or a returned filing); an approved one changes by request.
func CanEditPlan(st ClassStatus) bool { return st.Editable() }

// DecideEditPlan refuses saving the plan of a filing that is no longer a
// draft.
func DecideEditPlan(st ClassStatus) Refusals {
	var rs Refusals
	if !CanEditPlan(st) {
		rs.General(RuleClassNotEditable)
	}
	return rs
}

// DecideCancelClass is FILE-5 on cancelling: an approved class whose
// training has started is not cancelled (it changes by request).
func DecideCancelClass(st ClassStatus, start, today time.Time) Refusals {
	var rs Refusals
	if st == ClassApproved && !today.Before(start) {
		rs.General(RuleCancelAfterStart)
	}
	return rs
}

// SizeExceptionRequest is an institution's request for more trainees than
// the type's cap (SIZE-3), with the filing's status.
type SizeExceptionRequest struct {
	Status ClassStatus
	Type   ClassType
	Size   int
	Reason string
}

// CanAskSizeException reports whether a filing in status st may still ask
// for (or have decided) a size exception: before the bureau's approval.
func CanAskSizeException(st ClassStatus) bool { return st.Editable() || st == ClassSubmitted }

// DecideRequestSizeException is SIZE-3 on the institution's request.
func DecideRequestSizeException(f SizeExceptionRequest) Refusals {
	var rs Refusals
	if f.Size <= f.Type.DefaultCap() {
		rs.Add("exception_size", RuleExceptionNotNeeded, f.Type.Label(), f.Type.DefaultCap())
	} else if f.Size > 500 {
		rs.Add("exception_size", RuleExceptionTooLarge)
	}
	if len([]rune(f.Reason)) == 0 {
		rs.Add("exception_reason", RuleExceptionReason)
	}
	if !CanAskSizeException(f.Status) {
		rs.General(RuleExceptionLateAsk)
	}
	return rs
}

// SizeExceptionDecision is the bureau's answer to a size exception: the
// number approved (0 refuses), with what was asked.
type SizeExceptionDecision struct {
	Status   ClassStatus
	Type     ClassType
	Asked    int
	Approved int
}

// DecideSizeException is SIZE-3 on the bureau's decision: a request must
// wait, before approval of the filing, and an approved number lies above
// the cap and at most what was asked.
func DecideSizeException(f SizeExceptionDecision) Refusals {
	var rs Refusals
	switch {
	case f.Asked == 0:
		rs.General(RuleExceptionNone)
	case !CanAskSizeException(f.Status):
		rs.General(RuleExceptionLateDecide)
	case f.Approved != 0 && (f.Approved <= f.Type.DefaultCap() || f.Approved > f.Asked):
		rs.Add("exception_approved", RuleExceptionRange, f.Type.DefaultCap(), f.Asked)
	}
	return rs
}

// HasDelivery reports whether a class in status st has a delivery to show
// (sessions held, attendance): from its approval on.
func HasDelivery(st ClassStatus) bool {
	switch st {
	case ClassDraft, ClassSubmitted, ClassReturned, ClassCancelled:
		return false
	}
	return true
}

// CanRecordAttendance reports whether a may record attendance of a class in
// status st: the institution, while the class is approved (in training) or
// just finished.
func CanRecordAttendance(a Actor, st ClassStatus) bool {
	return a.IsInstitution() && (st == ClassApproved || st == ClassFinished)
}
