package training_test

import (
	"strings"
	"testing"

	"tianmu/internal/training"
)

func TestParseEmploymentRecord(t *testing.T) {
	today := day("2026-09-01")
	for _, c := range []struct {
		name  string
		in    training.EmploymentInput
		field string
	}{
		{"employed", training.EmploymentInput{Employed: "1", Employer: "临安某厨具公司", StartDate: "2026-07-01"}, ""},
		{"self-employed without employer", training.EmploymentInput{Employed: "是", SelfEmployed: "是", StartDate: "2026-07-01"}, ""},
		{"not employed", training.EmploymentInput{Employed: "0"}, ""},
		{"no answer", training.EmploymentInput{}, "employed"},
		{"employed without employer", training.EmploymentInput{Employed: "1", StartDate: "2026-07-01"}, "employer"},
		{"employed without date", training.EmploymentInput{Employed: "1", Employer: "某公司"}, "start_date"},
		{"date in the future", training.EmploymentInput{Employed: "1", Employer: "某公司", StartDate: "2026-09-02"}, "start_date"},
		{"not employed with employer", training.EmploymentInput{Employed: "否", Employer: "某公司"}, "employer"},
		{"long employer", training.EmploymentInput{Employed: "1", Employer: strings.Repeat("厂", 101), StartDate: "2026-07-01"}, "employer"},
	} {
		_, rs := training.ParseEmploymentRecord(c.in, today)
		switch {
		case c.field == "" && len(rs) > 0:
			t.Errorf("%s: refused %v", c.name, rs)
		case c.field != "" && (len(rs) == 0 || rs[0].Field != c.field):
			t.Errorf("%s: want a refusal on %s, got %v", c.name, c.field, rs)
		}
	}
}

func TestDecideEmployment(t *testing.T) {
	end := day("2026-03-31")
	for _, c := range []struct {
		name string
		f    training.EmploymentFacts
		ok   bool
	}{
		{"3 months reached", training.EmploymentFacts{ClassStatus: training.ClassFinished, ClassEnd: end, Today: day("2026-07-01"), Months: 3}, true},
		{"3 months not yet", training.EmploymentFacts{ClassStatus: training.ClassFinished, ClassEnd: end, Today: day("2026-06-30"), Months: 3}, false},
		{"6 months not yet", training.EmploymentFacts{ClassStatus: training.ClassAssessed, ClassEnd: end, Today: day("2026-07-01"), Months: 6}, false},
		{"6 months", training.EmploymentFacts{ClassStatus: training.ClassArchived, ClassEnd: end, Today: day("2026-10-01"), Months: 6}, true},
		{"class running", training.EmploymentFacts{ClassStatus: training.ClassApproved, ClassEnd: end, Today: day("2026-10-01"), Months: 3}, false},
		{"4 months", training.EmploymentFacts{ClassStatus: training.ClassFinished, ClassEnd: end, Today: day("2026-10-01"), Months: 4}, false},
	} {
		if got := training.DecideEmployment(c.f).OK(); got != c.ok {
			t.Errorf("%s: ok %v, want %v", c.name, got, c.ok)
		}
	}
}

func TestDecideSpotCheck(t *testing.T) {
	b := training.Actor{Role: training.RoleBureau}
	for _, c := range []struct {
		in training.SpotCheckInput
		ok bool
	}{
		{training.SpotCheckInput{Result: "confirmed"}, true},
		{training.SpotCheckInput{Result: "unreachable", Note: "三次未接通"}, true},
		{training.SpotCheckInput{Result: "differs"}, false},
		{training.SpotCheckInput{Result: "differs", Note: "本人称未就业"}, true},
		{training.SpotCheckInput{Result: "maybe"}, false},
		{training.SpotCheckInput{Result: "confirmed", Note: strings.Repeat("长", 501)}, false},
	} {
		if got := training.DecideSpotCheck(b, c.in).OK(); got != c.ok {
			t.Errorf("%+v: ok %v, want %v", c.in, got, c.ok)
		}
	}
}
