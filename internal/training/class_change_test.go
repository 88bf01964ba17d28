package training

import (
	"strings"
	"testing"
)

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

func TestCheckChangeRequestAndApproval(t *testing.T) {
	held := Session{ID: 7, Date: day("2026-03-02"), Start: "08:30", End: "11:30", Hours: 3, TeacherID: 1}
	later := Session{ID: 8, Date: day("2026-03-03"), Start: "08:30", End: "11:30", Hours: 3, TeacherID: 1}
	current := Plan{StartDate: day("2026-03-02"), Sessions: []Session{held, later}}
	moved := current
	moved.StartDate = day("2026-03-09")
	// A started class's start date cannot move; the filing checks are not
	// run (no context loaded), the reason is still asked for.
	if !ChangeMovesStartedClass(current, moved, day("2026-03-04")) || ChangeMovesStartedClass(current, moved, day("2026-03-01")) {
		t.Fatal("ChangeMovesStartedClass")
	}
	chk := CheckChangeRequest(moved, " ", ChangeRequestFacts{Current: current, Today: day("2026-03-04")})
	if chk.Fields["start_date"] != RuleChangeStarted.Msg() || chk.Fields["change_reason"] != RuleChangeReason.Msg() {
		t.Fatalf("moved after the start, no reason: %+v", chk)
	}
	// A held session dropped is a failure, whatever else.
	dropped := Plan{StartDate: current.StartDate, Sessions: []Session{later}}
	chk = CheckChangeRequest(dropped, "调整", ChangeRequestFacts{Current: current, Held: map[int64]bool{7: true}, Today: day("2026-03-04")})
	found := false
	for _, f := range chk.Failures {
		found = found || strings.Contains(f, "2026-03-02")
	}
	if !found || chk.Fields["change_reason"] != "" {
		t.Fatalf("a held session dropped: %+v", chk)
	}
	// At approval: the filing context's problems first, then held sessions.
	if p := ChangeApprovalProblems(FilingContext{TeacherProblems: []string{"教师已不在库"}}, current, map[int64]bool{7: true}, dropped); len(p) != 1 || p[0] != "教师已不在库" {
		t.Fatalf("teacher problems: %v", p)
	}
	if p := ChangeApprovalProblems(FilingContext{}, current, map[int64]bool{7: true}, dropped); len(p) != 2 || p[1] != RuleChangeHeldTouched.Msg() {
		t.Fatalf("held since asked: %v", p)
	}
	if p := ChangeApprovalProblems(FilingContext{}, current, map[int64]bool{7: true}, current); p != nil {
		t.Fatalf("nothing wrong: %v", p)
	}
}
