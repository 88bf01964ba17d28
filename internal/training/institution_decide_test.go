package training

import "testing"

func TestInstitutionDecisions(t *testing.T) {
	for _, st := range []InstitutionStatus{InstPending, InstDesignated, InstSuspended, InstRevoked} {
		if st == InstRevoked {
			wantRules(t, "edit "+string(st), DecideEditInstitution(st), RuleInstRevokedEdit)
			wantRules(t, "scope "+string(st), DecideEditScope(st), RuleInstRevokedScope)
			wantRules(t, "user "+string(st), DecideCreateInstitutionUser(st), RuleInstRevokedUser)
			continue
		}
		wantRules(t, "edit "+string(st), DecideEditInstitution(st))
		wantRules(t, "scope "+string(st), DecideEditScope(st))
		wantRules(t, "user "+string(st), DecideCreateInstitutionUser(st))
	}
	if rs := DecideCreateInstitutionUser(InstRevoked); rs[0].Field != "institution_id" {
		t.Errorf("field %q", rs[0].Field)
	}
	wantRules(t, "designate without scope", DecideDesignate(0), RuleDesignateNeedScope)
	wantRules(t, "designate with scope", DecideDesignate(2))
}

func TestCheckAssignmentNotLinked(t *testing.T) {
	if got := CheckAssignment(nil, 1, 1, LevelNone, RoleTheory, nil); len(got) != 1 || got[0] != RuleTeacherNotLinked.Msg() {
		t.Fatalf("unknown teacher: %q", got)
	}
	if got := CheckAssignment(&Teacher{Name: "张"}, 1, 1, LevelNone, RoleTheory, nil); len(got) != 1 || got[0] != RuleTeacherNotLinked.Msg() {
		t.Fatalf("teacher of another institution: %q", got)
	}
}
