package training

import (
	"testing"
	"time"
)

func TestNextInstitutionStatus(t *testing.T) {
	want := map[InstitutionStatus]map[InstitutionAction]InstitutionStatus{
		InstPending:    {ActDesignate: InstDesignated},
		InstDesignated: {ActSuspend: InstSuspended, ActRevoke: InstRevoked},
		InstSuspended:  {ActResume: InstDesignated, ActRevoke: InstRevoked},
		InstRevoked:    {},
	}
	// Every state × every action: the allowed ones land where INST-1 says,
	// every other step is refused with an article in the message.
	for _, from := range InstitutionStatuses {
		for _, act := range InstitutionActions {
			got, msg := NextInstitutionStatus(from, act)
			to, allowed := want[from][act]
			switch {
			case allowed && (msg != "" || got != to):
				t.Errorf("%s + %s = %s %q, want %s", from, act, got, msg, to)
			case !allowed && msg == "":
				t.Errorf("%s + %s allowed, want refused", from, act)
			case !allowed && got != from:
				t.Errorf("%s + %s changed status to %s on refusal", from, act, got)
			case !allowed && !containsArticle(msg):
				t.Errorf("%s + %s: message %q cites no article", from, act, msg)
			}
		}
	}
}

func containsArticle(s string) bool {
	for _, a := range []string{"第三条", "第六条", "第七条", "第十六条"} {
		if len(s) >= len(a) && contains(s, a) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestCanInstitutionOnlyBureau(t *testing.T) {
	for _, a := range []Actor{{Role: RoleInstitution, InstitutionID: 1}, {Role: RoleCentre}} {
		if CanInstitution(a, InstPending, ActDesignate) {
			t.Errorf("%s may designate", a.Role)
		}
	}
	if !CanInstitution(Actor{Role: RoleBureau}, InstPending, ActDesignate) {
		t.Error("bureau may not designate")
	}
}

func TestInScope(t *testing.T) {
	scope := []ScopeItem{{OccupationID: 1, MaxLevel: Level3}, {OccupationID: 2, MaxLevel: LevelNone}}
	for _, tc := range []struct {
		occ   int64
		level Level
		want  bool
	}{
		{1, Level5, true}, {1, Level4, true}, {1, Level3, true},
		{1, Level2, false}, {1, Level1, false}, // above the highest licensed level
		{1, LevelNone, true}, // a class without a level in a licensed occupation
		{2, LevelNone, true}, {2, Level5, true},
		{3, Level5, false}, {3, LevelNone, false}, // not licensed at all
	} {
		if got := InScope(scope, tc.occ, tc.level); got != tc.want {
			t.Errorf("InScope(%d, %s) = %v, want %v", tc.occ, tc.level.Short(), got, tc.want)
		}
	}
}

func TestInstitutionInputValidate(t *testing.T) {
	code := "52330185MJ8812345"
	code += string(CreditCodeCheckChar(code))
	good := InstitutionInput{Name: "天目学校", CreditCode: code, Address: "钱王街1号", LegalRep: "陈", ContactName: "陈",
		ContactPhone: "13857112345", Venue: "v", Facilities: "f", Equipment: "e", Staff: "s"}
	if err := good.Validate(); err != nil {
		t.Fatalf("good input: %v", err)
	}
	for _, tc := range []struct {
		field string
		edit  func(*InstitutionInput)
	}{
		{"name", func(in *InstitutionInput) { in.Name = "" }},
		{"credit_code", func(in *InstitutionInput) { in.CreditCode = code[:17] + "Z" }},
		{"contact_phone", func(in *InstitutionInput) { in.ContactPhone = "12345" }},
		{"venue", func(in *InstitutionInput) { in.Venue = "" }},
		{"facilities", func(in *InstitutionInput) { in.Facilities = "" }},
		{"equipment", func(in *InstitutionInput) { in.Equipment = "" }},
		{"staff", func(in *InstitutionInput) { in.Staff = "" }},
	} {
		in := good
		tc.edit(&in)
		v, ok := AsValidation(in.Validate())
		if !ok || v.Fields[tc.field] == "" {
			t.Errorf("%s: no message (%v)", tc.field, v)
		}
	}
}

func TestStatusChangeValidate(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		in    StatusChangeInput
		field string
	}{
		{"designate ok", StatusChangeInput{Action: ActDesignate, DecisionNo: "1", DecisionDate: "2026-03-02", DecidedBy: "王"}, ""},
		{"designate future date", StatusChangeInput{Action: ActDesignate, DecisionNo: "1", DecisionDate: "2026-03-03", DecidedBy: "王"}, "decision_date"},
		{"designate bad date", StatusChangeInput{Action: ActDesignate, DecisionNo: "1", DecisionDate: "2026-02-30", DecidedBy: "王"}, "decision_date"},
		{"designate no decider", StatusChangeInput{Action: ActDesignate, DecisionNo: "1", DecisionDate: "2026-03-01"}, "decided_by"},
		{"designate no number", StatusChangeInput{Action: ActDesignate, DecisionDate: "2026-03-01", DecidedBy: "王"}, "decision_no"},
		{"suspend needs reason", StatusChangeInput{Action: ActSuspend, Reason: "  "}, "reason"},
		{"revoke ok", StatusChangeInput{Action: ActRevoke, Reason: "骗取补助"}, ""},
	} {
		_, err := tc.in.Validate(today)
		v, _ := AsValidation(err)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (v == nil || v.Fields[tc.field] == ""):
			t.Errorf("%s: no message on %s (%v)", tc.name, tc.field, err)
		}
	}
}

func TestInactiveFlag(t *testing.T) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	d := func(y, m, dd int) *time.Time { t := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC); return &t }
	for _, tc := range []struct {
		name       string
		status     InstitutionStatus
		designated *time.Time
		last       *time.Time
		want       bool
	}{
		{"designated 7 months ago, never trained", InstDesignated, d(2026, 4, 1), nil, true},
		{"designated 5 months ago", InstDesignated, d(2026, 7, 1), nil, false},
		{"last class 6 months and a day ago", InstDesignated, d(2020, 1, 1), d(2026, 5, 25), true},
		{"last class exactly six months ago", InstDesignated, d(2020, 1, 1), d(2026, 5, 26), false},
		{"suspended already", InstSuspended, d(2020, 1, 1), nil, false},
	} {
		if got := InactiveFlag(tc.status, tc.designated, tc.last, today); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestLevels(t *testing.T) {
	if !Level2.AtLeast(Level3) || Level4.AtLeast(Level3) || !Level3.AtLeast(Level3) || LevelNone.AtLeast(Level5) {
		t.Error("AtLeast ordering wrong")
	}
	o := Occupation{Levels: []Level{Level5, Level4, Level3}}
	if o.HighestLevel() != Level3 || !o.HasLevel(Level4) || o.HasLevel(Level2) {
		t.Error("occupation levels wrong")
	}
}
