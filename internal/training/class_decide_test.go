package training

import "testing"

func TestDecideCreateClass(t *testing.T) {
	for _, st := range []InstitutionStatus{InstPending, InstDesignated, InstSuspended, InstRevoked} {
		if st.CanFileClasses() {
			wantRules(t, string(st), DecideCreateClass(st))
		} else {
			wantRules(t, string(st), DecideCreateClass(st), RuleInstCannotFile)
		}
	}
	if !DecideCreateClass(InstDesignated).OK() || DecideCreateClass(InstSuspended).OK() {
		t.Fatal("a designated institution files, a suspended one does not")
	}
}

func TestDecideEditPlan(t *testing.T) {
	for _, st := range []ClassStatus{ClassDraft, ClassReturned} {
		wantRules(t, string(st), DecideEditPlan(st))
	}
	for _, st := range []ClassStatus{ClassSubmitted, ClassApproved, ClassFinished, ClassCancelled} {
		wantRules(t, string(st), DecideEditPlan(st), RuleClassNotEditable)
	}
}

func TestDecideCancelClass(t *testing.T) {
	start, before := day("2026-03-10"), day("2026-03-09")
	wantRules(t, "approved, before start", DecideCancelClass(ClassApproved, start, before))
	wantRules(t, "approved, on start", DecideCancelClass(ClassApproved, start, start), RuleCancelAfterStart)
	wantRules(t, "draft, after start", DecideCancelClass(ClassDraft, start, start))
}

func TestDecideRequestSizeException(t *testing.T) {
	for _, c := range []struct {
		name string
		f    SizeExceptionRequest
		want []*Rule
	}{
		{"ok", SizeExceptionRequest{ClassDraft, TypeSkillLevel, 60, "场地大"}, nil},
		{"submitted still ok", SizeExceptionRequest{ClassSubmitted, TypeStartup, 31, "x"}, nil},
		{"within cap", SizeExceptionRequest{ClassDraft, TypeSkillLevel, 50, "x"}, []*Rule{RuleExceptionNotNeeded}},
		{"too large", SizeExceptionRequest{ClassDraft, TypeSkillLevel, 501, "x"}, []*Rule{RuleExceptionTooLarge}},
		{"no reason", SizeExceptionRequest{ClassDraft, TypeSkillLevel, 60, ""}, []*Rule{RuleExceptionReason}},
		{"approved already", SizeExceptionRequest{ClassApproved, TypeSkillLevel, 60, "x"}, []*Rule{RuleExceptionLateAsk}},
		{"everything", SizeExceptionRequest{ClassApproved, TypeStartup, 30, ""}, []*Rule{RuleExceptionNotNeeded, RuleExceptionReason, RuleExceptionLateAsk}},
	} {
		wantRules(t, c.name, DecideRequestSizeException(c.f), c.want...)
	}
}

func TestDecideSizeException(t *testing.T) {
	for _, c := range []struct {
		name string
		f    SizeExceptionDecision
		want []*Rule
	}{
		{"approve", SizeExceptionDecision{ClassSubmitted, TypeSkillLevel, 60, 55}, nil},
		{"refuse", SizeExceptionDecision{ClassSubmitted, TypeSkillLevel, 60, 0}, nil},
		{"nothing asked", SizeExceptionDecision{ClassSubmitted, TypeSkillLevel, 0, 55}, []*Rule{RuleExceptionNone}},
		{"too late", SizeExceptionDecision{ClassApproved, TypeSkillLevel, 60, 55}, []*Rule{RuleExceptionLateDecide}},
		{"not above cap", SizeExceptionDecision{ClassDraft, TypeSkillLevel, 60, 50}, []*Rule{RuleExceptionRange}},
		{"more than asked", SizeExceptionDecision{ClassDraft, TypeSkillLevel, 60, 61}, []*Rule{RuleExceptionRange}},
	} {
		wantRules(t, c.name, DecideSizeException(c.f), c.want...)
	}
}

func TestClassQuestions(t *testing.T) {
	inst, bureau := Actor{Role: RoleInstitution, InstitutionID: 1}, Actor{Role: RoleBureau}
	for _, c := range []struct {
		st                      ClassStatus
		delivery, record, apply bool
	}{
		{ClassDraft, false, false, false},
		{ClassSubmitted, false, false, false},
		{ClassReturned, false, false, false},
		{ClassCancelled, false, false, false},
		{ClassApproved, true, true, false},
		{ClassFinished, true, true, true},
		{ClassAssessmentApplied, true, false, false},
	} {
		if HasDelivery(c.st) != c.delivery || CanRecordAttendance(inst, c.st) != c.record || CanApplyAssessment(c.st) != c.apply {
			t.Errorf("%s: delivery %v record %v apply %v", c.st, HasDelivery(c.st), CanRecordAttendance(inst, c.st), CanApplyAssessment(c.st))
		}
		if CanRecordAttendance(bureau, c.st) {
			t.Errorf("%s: the bureau records no attendance", c.st)
		}
		if CanAskSizeException(c.st) != (c.st == ClassDraft || c.st == ClassReturned || c.st == ClassSubmitted) {
			t.Errorf("%s: CanAskSizeException", c.st)
		}
	}
}
