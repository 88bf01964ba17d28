package training

import "testing"

func TestDecideRequestChange(t *testing.T) {
	inst := Actor{Role: RoleInstitution, InstitutionID: 1}
	bureau := Actor{Role: RoleBureau}
	for _, c := range []struct {
		name    string
		st      ClassStatus
		pending bool
		want    []*Rule
	}{
		{"approved", ClassApproved, false, nil},
		{"approved, one waits", ClassApproved, true, []*Rule{RuleChangePending}},
		{"submitted", ClassSubmitted, false, []*Rule{RuleChangeNotApproved}},
		{"finished", ClassFinished, true, []*Rule{RuleChangeNotApproved}},
	} {
		wantRules(t, c.name, DecideRequestChange(c.st, c.pending), c.want...)
		cl := Class{Status: c.st}
		if c.pending {
			cl.PendingChange = &ClassChange{}
		}
		if got := CanRequestChange(inst, cl); got != (c.want == nil) {
			t.Errorf("%s: CanRequestChange = %v", c.name, got)
		}
		if CanRequestChange(bureau, cl) {
			t.Errorf("%s: the bureau never requests a change", c.name)
		}
		if got := CanDecideChange(bureau, cl); got != c.pending {
			t.Errorf("%s: CanDecideChange = %v", c.name, got)
		}
	}
}

func TestDecideApproveChange(t *testing.T) {
	cur := Plan{StartDate: day("2026-03-10")}
	later := Plan{StartDate: day("2026-03-20")}
	wantRules(t, "same start, after it", DecideApproveChange(ClassApproved, cur, cur, day("2026-03-15")))
	wantRules(t, "new start ahead", DecideApproveChange(ClassApproved, cur, later, day("2026-03-15")))
	wantRules(t, "new start reached", DecideApproveChange(ClassApproved, cur, later, day("2026-03-20")), RuleChangeStartPassed)
	wantRules(t, "class cancelled", DecideApproveChange(ClassCancelled, cur, later, day("2026-03-01")), RuleChangeClassGone)
}
