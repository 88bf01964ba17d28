package training_test

import (
	"strings"
	"testing"

	"tianmu/internal/training"
)

func TestCanSeeSurvey(t *testing.T) {
	bureau := training.Actor{Role: training.RoleBureau}
	inst := training.Actor{Role: training.RoleInstitution, InstitutionID: 4}
	centre := training.Actor{Role: training.RoleCentre}
	for _, c := range []struct {
		a    training.Actor
		n    int
		want bool
	}{
		{bureau, 0, true}, {bureau, 1, true},
		{inst, 0, false}, {inst, 4, false}, {inst, training.SurveyMinAnswers, true}, {inst, 40, true},
		{centre, 50, false}, {training.Actor{}, 50, false},
	} {
		if got := training.CanSeeSurvey(c.a, c.n); got != c.want {
			t.Errorf("%s with %d answers: %v, want %v", c.a.Role, c.n, got, c.want)
		}
	}
}

func TestSurveyCode(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		c := training.NewSurveyCode()
		if _, ok := training.NormalizeSurveyCode(c); !ok || seen[c] {
			t.Fatalf("code %q invalid or repeated", c)
		}
		seen[c] = true
	}
	if got, ok := training.NormalizeSurveyCode(" abcd-efgh-jk "); !ok || got != "ABCDEFGHJK" {
		t.Fatalf("normalize = %q %v", got, ok)
	}
	for _, bad := range []string{"", "ABCDEFGHJ", "ABCDEFGHJKL", "ABCDEFGH10", "ABCDEFGHIO"} {
		if _, ok := training.NormalizeSurveyCode(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseSurvey(t *testing.T) {
	ok := training.SurveyInput{Code: "ABCDEFGHJK", Overall: "5", Teaching: "4", Venue: "3", Organisation: "1"}
	for _, c := range []struct {
		name   string
		change func(*training.SurveyInput)
		field  string
	}{
		{"ok", func(*training.SurveyInput) {}, ""},
		{"comment", func(in *training.SurveyInput) { in.Comment = "老师讲得很好" }, ""},
		{"bad code", func(in *training.SurveyInput) { in.Code = "X" }, "code"},
		{"zero", func(in *training.SurveyInput) { in.Overall = "0" }, "overall"},
		{"six", func(in *training.SurveyInput) { in.Teaching = "6" }, "teaching"},
		{"missing", func(in *training.SurveyInput) { in.Venue = "" }, "venue"},
		{"text", func(in *training.SurveyInput) { in.Organisation = "好" }, "organisation"},
		{"long comment", func(in *training.SurveyInput) { in.Comment = strings.Repeat("好", 501) }, "comment"},
		{"NUL comment", func(in *training.SurveyInput) { in.Comment = "a\x00b" }, "comment"},
	} {
		in := ok
		c.change(&in)
		_, err := training.ParseSurvey(in)
		v, _ := training.AsValidation(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (v == nil || v.Fields[c.field] == ""):
			t.Errorf("%s: want a message on %s, got %v", c.name, c.field, err)
		}
	}
}

func TestDecideSurveyAnswer(t *testing.T) {
	for _, c := range []struct {
		f  training.SurveyFacts
		ok bool
	}{
		{training.SurveyFacts{ClassStatus: training.ClassFinished}, true},
		{training.SurveyFacts{ClassStatus: training.ClassArchived}, true},
		{training.SurveyFacts{ClassStatus: training.ClassApproved}, false},
		{training.SurveyFacts{ClassStatus: training.ClassFinished, Answered: true}, false},
		{training.SurveyFacts{ClassStatus: training.ClassFinished, Withdrawn: true}, false},
	} {
		if got := training.DecideSurveyAnswer(c.f).OK(); got != c.ok {
			t.Errorf("%+v: ok %v, want %v", c.f, got, c.ok)
		}
	}
}

func TestRates(t *testing.T) {
	for _, c := range []struct{ part, whole, want int }{
		{0, 0, 0}, {0, 10, 0}, {1, 3, 33}, {2, 3, 67}, {1, 2, 50}, {1, 200, 1}, {1, 201, 0}, {10, 10, 100},
	} {
		if got := training.Percent(c.part, c.whole); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.part, c.whole, got, c.want)
		}
	}
	s := training.SurveyStats{Codes: 20, Answers: 8, Satisfied: 6}
	if s.ResponsePercent() != 40 || s.SatisfiedPercent() != 75 {
		t.Errorf("survey rates %d %d", s.ResponsePercent(), s.SatisfiedPercent())
	}
	e := training.EmploymentStats{Enrolled: 40, Recorded: 30, Employed: 21}
	if e.Missing() != 10 || e.RatePercent() != 70 {
		t.Errorf("employment: missing %d rate %d", e.Missing(), e.RatePercent())
	}
	if (training.EmploymentStats{Enrolled: 3, Recorded: 5}).Missing() != 0 {
		t.Error("missing below zero")
	}
	if training.TenthsLabel(43) != "4.3" || training.TenthsLabel(50) != "5.0" {
		t.Error("tenths label")
	}
}
