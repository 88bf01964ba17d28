package web

import (
	"testing"
	"time"

	"tianmu/internal/training"
)

func TestRepeatWeekly(t *testing.T) {
	f := ClassForm{Sessions: []SessionRowForm{
		{Date: "2026-03-16", Start: "08:30", End: "11:30", Kind: "theory", Hours: "3", TeacherID: "1"},
		{Date: "2026-03-18", Start: "13:30", End: "17:30", Kind: "practical", Hours: "4", TeacherID: "2"},
		{Date: "2026-03-20", Start: "08:30", End: "11:30", Kind: "theory", Hours: "3", TeacherID: "1"},
	}}
	got, msg := f.RepeatWeekly(1, 3, 9)
	if msg != "" || len(got.Sessions) != 30 {
		t.Fatalf("%d rows, %q", len(got.Sessions), msg)
	}
	if got.Sessions[3].Date != "2026-03-23" || got.Sessions[29].Date != "2026-05-22" || got.Sessions[29].TeacherID != "1" || len(f.Sessions) != 3 {
		t.Fatalf("dates %s %s", got.Sessions[3].Date, got.Sessions[29].Date)
	}
	if got, _ := f.RepeatWeekly(2, 2, 1); len(got.Sessions) != 4 || got.Sessions[3].Date != "2026-03-25" {
		t.Fatalf("one row once: %+v", got.Sessions)
	}
	for _, c := range []struct{ from, to, weeks int }{{0, 1, 1}, {2, 1, 1}, {1, 4, 1}, {1, 3, 0}, {1, 3, 53}, {1, 3, 70}} {
		if _, msg := f.RepeatWeekly(c.from, c.to, c.weeks); msg == "" {
			t.Errorf("%+v accepted", c)
		}
	}
	bad := ClassForm{Sessions: []SessionRowForm{{Date: "3月16日"}}}
	if _, msg := bad.RepeatWeekly(1, 1, 1); msg == "" {
		t.Error("a bad date repeated")
	}
}

func TestCopyPlanAndTextbooks(t *testing.T) {
	d := func(s string) time.Time { x, _ := time.Parse("2006-01-02", s); return x }
	p := training.Plan{OccupationID: 7, Level: training.Level4, Type: training.TypeSkillLevel, PlannedSize: 30, StartDate: d("2026-03-16"),
		EndDate: d("2026-03-20"), Venue: "实训楼", Content: "刀工", TheoryHours: 3, PracticalHours: 0,
		Teachers:    []training.ClassTeacher{{TeacherID: 1, Role: training.RoleTheory}},
		Sessions:    []training.Session{{Date: d("2026-03-16"), Start: "08:30", End: "11:30", Kind: training.RoleTheory, Hours: 3, TeacherID: 1}},
		TextbookIDs: []int64{9}}
	f := ClassForm{StartDate: "2026-06-15", PlannedSize: "40", Textbooks: map[string]bool{}}.CopyPlan(p)
	if f.Sessions[0].Date != "2026-06-15" || f.EndDate != "2026-06-19" || f.PlannedSize != "40" || f.OccupationID != "7" || !f.Textbooks["9"] || f.Venue != "实训楼" {
		t.Fatalf("copy %+v", f)
	}
	f = ClassForm{Textbooks: map[string]bool{}}.CopyPlan(p)
	if f.StartDate != "2026-03-16" || f.Sessions[0].Date != "2026-03-16" {
		t.Fatalf("copy without a start date %+v", f)
	}
	cook := training.Textbook{ID: 1, Uses: []training.TextbookUse{{OccupationID: 7, Level: training.LevelNone}}}
	welder := training.Textbook{ID: 2, Uses: []training.TextbookUse{{OccupationID: 8, Level: training.Level4}}}
	form := ClassForm{OccupationID: "7", Level: "4", Textbooks: map[string]bool{}}
	if !form.textbookOffered(cook) || form.textbookOffered(welder) {
		t.Error("filter by occupation")
	}
	form.Textbooks["2"] = true
	if !form.textbookOffered(welder) {
		t.Error("a ticked textbook is hidden")
	}
	if !(ClassForm{}).textbookOffered(welder) {
		t.Error("no occupation chosen: every textbook")
	}
	if got := textbookUsesAttr(welder); got != "8:4" {
		t.Errorf("uses %q", got)
	}
}
