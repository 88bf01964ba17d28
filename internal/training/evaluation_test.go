package training_test

import (
	"reflect"
	"strings"
	"testing"

	"tianmu/internal/training"
)

func TestScore(t *testing.T) {
	s := training.DefaultEvalSettings(2025) // 40/35/25; deductions 3,2,5,2,5; bands 85/70/60
	for _, c := range []struct {
		name        string
		in          training.EvalInputs
		base, score int
		known       bool
		grade       training.Grade
	}{
		// 90% pass, 80% employed, mean 4.6 → 90%: (9000·40 + 8000·35 + 9000·25)/100 = 8650.
		{"all rates", training.EvalInputs{Enrolled: 10, Passed: 9, Followed: 10, Employed: 8, Surveys: 5, OverallSum: 23}, 8650, 8650, true, training.GradeExcellent},
		// Two findings and one overdue order: −(2·2 + 5) = −9 points.
		{"deductions", training.EvalInputs{Enrolled: 10, Passed: 9, Followed: 10, Employed: 8, Surveys: 5, OverallSum: 23, Findings: 2, Overdue: 1}, 8650, 7750, true, training.GradePass},
		// Missing employment: weights renormalised over pass and satisfaction: (9000·40 + 9000·25)/65 = 9000.
		{"missing employment", training.EvalInputs{Enrolled: 10, Passed: 9, Surveys: 5, OverallSum: 23}, 9000, 9000, true, training.GradeExcellent},
		// Only satisfaction, mean 1 → 0 %.
		{"lowest satisfaction only", training.EvalInputs{Surveys: 3, OverallSum: 3}, 0, 0, true, training.GradeFail},
		{"no data", training.EvalInputs{Findings: 1}, 0, 0, false, training.GradeNoData},
		// ¥25,000 recovered = 2 whole ten-thousands · 5 = −10; upheld complaint −3; a shortfall −2.
		{"recovered", training.EvalInputs{Enrolled: 4, Passed: 3, Upheld: 1, Shortfalls: 1, RecoveredFen: 2500000}, 7500, 6000, true, training.GradeBasic},
		{"clamped at zero", training.EvalInputs{Enrolled: 4, Passed: 1, Overdue: 10}, 2500, 0, true, training.GradeFail},
		{"band edge 70.00 is 合格", training.EvalInputs{Enrolled: 10, Passed: 7}, 7000, 7000, true, training.GradePass},
		{"band edge 59.99 is 不合格", training.EvalInputs{Enrolled: 10000, Passed: 5999}, 5999, 5999, true, training.GradeFail},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := training.Score(s, c.in)
			if got.Known != c.known || got.Grade != c.grade || (c.known && (got.Base != c.base || got.Score != c.score)) {
				t.Fatalf("got %+v, want base %d score %d known %v grade %s", got, c.base, c.score, c.known, c.grade)
			}
		})
	}
	// Zero weight: a rate with weight 0 does not count even when known.
	z := s
	z.WPass, z.WEmployment, z.WSatisfaction = 0, 100, 0
	if got := training.Score(z, training.EvalInputs{Enrolled: 10, Passed: 10}); got.Known {
		t.Fatalf("scored on a zero weight: %+v", got)
	}
}

func TestRanksTies(t *testing.T) {
	sc := func(v int, known bool) training.EvalScore { return training.EvalScore{Score: v, Known: known} }
	got := training.Ranks([]training.EvalScore{sc(7000, true), sc(9000, true), sc(7000, true), sc(0, false), sc(6000, true)})
	if want := []int{2, 1, 2, 0, 4}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ranks %v, want %v", got, want)
	}
}

func TestSuggest(t *testing.T) {
	for _, c := range []struct {
		g, prev training.Grade
		want    training.EvalOutcome
	}{
		{training.GradeExcellent, "", training.OutcomeContinue},
		{training.GradePass, training.GradeFail, training.OutcomeContinue},
		{training.GradeBasic, "", training.OutcomeWarn},
		{training.GradeNoData, "", training.OutcomeWarn},
		{training.GradeFail, training.GradeBasic, training.OutcomeSuspend},
		{training.GradeFail, training.GradeFail, training.OutcomeNotRenewed},
	} {
		if got := training.Suggest(c.g, c.prev); got != c.want {
			t.Errorf("%s after %s: %s, want %s", c.g, c.prev, got, c.want)
		}
	}
}

func TestDecideEvalSettings(t *testing.T) {
	ok := training.EvalSettingsInput{Year: "2025", WPass: "40", WEmployment: "35", WSatisfaction: "25", DComplaint: "3", DFinding: "2",
		DOverdue: "5", DShortfall: "2", DRecovered: "5", Excellent: "85", Pass: "70", Basic: "60"}
	mod := func(f func(*training.EvalSettingsInput)) training.EvalSettingsInput { x := ok; f(&x); return x }
	for _, c := range []struct {
		name    string
		a       training.Actor
		in      training.EvalSettingsInput
		current training.EvalStatus
		fields  []string
		rule    *training.Rule
	}{
		{"ok", supBureau, ok, "", nil, nil},
		{"computed year re-set", supBureau, ok, training.EvalComputed, nil, nil},
		{"published", supBureau, ok, training.EvalPublished, nil, training.RuleEvalPublished},
		{"running", supBureau, ok, training.EvalRunning, nil, training.RuleEvalRunning},
		{"institution", supSchool, ok, "", nil, training.RuleEvalBureau},
		{"weights not 100", supBureau, mod(func(x *training.EvalSettingsInput) { x.WPass = "50" }), "", []string{"w_pass"}, nil},
		{"bands out of order", supBureau, mod(func(x *training.EvalSettingsInput) { x.Basic = "75" }), "", []string{"excellent"}, nil},
		{"deduction too big", supBureau, mod(func(x *training.EvalSettingsInput) { x.DOverdue = "51" }), "", []string{"d_overdue"}, nil},
		{"year in the future", supBureau, mod(func(x *training.EvalSettingsInput) { x.Year = "2028" }), "", []string{"year"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, rs := training.DecideEvalSettings(c.a, c.in, 2026, c.current)
			checkSupRefusals(t, rs, c.fields, c.rule)
		})
	}
}

func TestDecideEvalStep(t *testing.T) {
	bureau, inst := training.Actor{UserID: 1, Role: training.RoleBureau}, training.Actor{UserID: 2, Role: training.RoleInstitution, InstitutionID: 1}
	for _, c := range []struct {
		st     training.EvalStatus
		action training.EvalAction
		want   *training.Rule // nil: allowed
	}{
		{training.EvalDraft, training.EvalActRun, nil}, {training.EvalComputed, training.EvalActRun, nil},
		{training.EvalRunning, training.EvalActRun, training.RuleEvalRunning}, {training.EvalPublished, training.EvalActRun, training.RuleEvalPublished},
		{training.EvalComputed, training.EvalActPublish, nil}, {training.EvalDraft, training.EvalActPublish, training.RuleEvalNotRun},
		{training.EvalRunning, training.EvalActPublish, training.RuleEvalRunning}, {training.EvalPublished, training.EvalActPublish, training.RuleEvalPublished},
		{training.EvalComputed, training.EvalActOutcome, nil}, {training.EvalPublished, training.EvalActOutcome, nil}, {training.EvalRunning, training.EvalActOutcome, training.RuleEvalRunning},
	} {
		rs := training.DecideEvalStep(2025, c.st, c.action)
		if (c.want == nil) != rs.OK() || (c.want != nil && (rs[0].Rule != c.want || !strings.Contains(rs[0].Message, "2025年度"))) {
			t.Errorf("%s on %s: %v", c.action, c.st, rs.Messages())
		}
		if training.CanEvalStep(bureau, c.st, c.action) != (c.want == nil) || training.CanEvalStep(inst, c.st, c.action) {
			t.Errorf("training.CanEvalStep(%s, %s) disagrees", c.action, c.st)
		}
	}
}
