package training

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNextClassStatusEveryStateAndAction(t *testing.T) {
	allowed := map[ClassStatus]map[ClassAction]ClassStatus{
		ClassDraft:     {ActClassSubmit: ClassSubmitted, ActClassCancel: ClassCancelled},
		ClassReturned:  {ActClassSubmit: ClassSubmitted, ActClassCancel: ClassCancelled},
		ClassSubmitted: {ActClassWithdraw: ClassDraft, ActClassApprove: ClassApproved, ActClassReturn: ClassReturned, ActClassCancel: ClassCancelled},
		ClassApproved:  {ActClassCancel: ClassCancelled},
	}
	for _, from := range ClassStatuses {
		for _, act := range ClassActions {
			to, msg := NextClassStatus(from, act)
			want, ok := allowed[from][act]
			switch {
			case ok && (msg != "" || to != want):
				t.Errorf("%s + %s = %s %q, want %s", from, act, to, msg, want)
			case !ok && (msg == "" || to != from || !strings.HasPrefix(msg, "第六条")):
				t.Errorf("%s + %s allowed or without article: %s %q", from, act, to, msg)
			}
		}
	}
}

func TestClassActionRoles(t *testing.T) {
	inst := Actor{Role: RoleInstitution, InstitutionID: 1}
	bureau := Actor{Role: RoleBureau}
	if CanClass(inst, ClassSubmitted, ActClassApprove) || !CanClass(bureau, ClassSubmitted, ActClassApprove) {
		t.Error("approve is the bureau's")
	}
	if CanClass(bureau, ClassDraft, ActClassSubmit) || !CanClass(inst, ClassDraft, ActClassSubmit) {
		t.Error("submit is the institution's")
	}
	if CanClass(Actor{Role: RoleCentre}, ClassSubmitted, ActClassReturn) {
		t.Error("centre returns filings")
	}
}

func TestCaps(t *testing.T) {
	for _, tc := range []struct {
		typ  ClassType
		exc  int
		want int
	}{
		{TypeQualification, 0, 50}, {TypeSkillLevel, 0, 50}, {TypeSpecial, 0, 50}, {TypeStartup, 0, 30}, {TypeStartup, 35, 35}, {TypeSkillLevel, 60, 60},
	} {
		if got := EffectiveCap(tc.typ, tc.exc); got != tc.want {
			t.Errorf("EffectiveCap(%s, %d) = %d, want %d", tc.typ, tc.exc, got, tc.want)
		}
	}
	if !strings.Contains(TypeStartup.CapMessage(), "第七条：创业类培训班每班不超过30人") {
		t.Error(TypeStartup.CapMessage())
	}
}

func validPlan() Plan {
	return Plan{OccupationID: 1, Level: Level4, Type: TypeSkillLevel, PlannedSize: 30,
		StartDate: day("2026-03-16"), EndDate: day("2026-03-17"), Venue: "v", Content: "c", TheoryHours: 3, PracticalHours: 4,
		Teachers: []ClassTeacher{{TeacherID: 1, Role: RoleTheory}, {TeacherID: 2, Role: RolePractical}},
		Sessions: []Session{{Date: day("2026-03-16"), Start: "08:30", End: "11:30", Kind: RoleTheory, Hours: 3, TeacherID: 1},
			{Date: day("2026-03-17"), Start: "13:30", End: "17:30", Kind: RolePractical, Hours: 4, TeacherID: 2}},
		TextbookIDs: []int64{1}}
}

func TestCheckPlanShape(t *testing.T) {
	today := day("2026-03-02")
	if c := CheckPlanShape(validPlan(), today); !c.OK() {
		t.Fatalf("valid plan: %+v", c)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Plan)
		field string
	}{
		{"level on a start-up class", func(p *Plan) { p.Type = TypeStartup }, "level"},
		{"no level on a skill class", func(p *Plan) { p.Level = LevelNone }, "level"},
		{"start today", func(p *Plan) { p.StartDate = today }, "start_date"},
		{"end before start", func(p *Plan) { p.EndDate = day("2026-03-15") }, "end_date"},
		{"no venue", func(p *Plan) { p.Venue = " " }, "venue"},
		{"no content", func(p *Plan) { p.Content = "" }, "content"},
		{"no textbook", func(p *Plan) { p.TextbookIDs = nil }, "textbooks"},
		{"no teachers", func(p *Plan) { p.Teachers = nil }, "teachers"},
		{"session outside the dates", func(p *Plan) { p.Sessions[0].Date = day("2026-03-18") }, "sessions.0.date"},
		{"end before start time", func(p *Plan) { p.Sessions[0].End = "08:00" }, "sessions.0.end"},
		{"bad time", func(p *Plan) { p.Sessions[1].Start = "8点" }, "sessions.1.start"},
		{"more hours than the slot", func(p *Plan) { p.Sessions[0].Hours = 5; p.TheoryHours = 5 }, "sessions.0.hours"},
		{"teacher not in the role", func(p *Plan) { p.Sessions[0].TeacherID = 2 }, "sessions.0.teacher_id"},
		{"hours do not add up", func(p *Plan) { p.PracticalHours = 5 }, "theory_hours"},
		{"same teacher twice in a role", func(p *Plan) { p.Teachers = append(p.Teachers, ClassTeacher{TeacherID: 1, Role: RoleTheory}) }, "teachers.2.teacher_id"},
		{"no size", func(p *Plan) { p.PlannedSize = 0 }, "planned_size"},
	} {
		p := validPlan()
		p.Sessions = append([]Session(nil), p.Sessions...)
		tc.edit(&p)
		if c := CheckPlanShape(p, today); c.Fields[tc.field] == "" {
			t.Errorf("%s: no message on %s (%v)", tc.name, tc.field, c.Fields)
		}
	}
}

func TestCheckFiling(t *testing.T) {
	cal := NewCalendar(nil, []int{2026})
	occ := Occupation{ID: 1, Name: "中式烹调师", Levels: []Level{Level1, Level2, Level3, Level4, Level5}}
	ctx := func() FilingContext {
		return FilingContext{Now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Today: day("2026-03-02"), Calendar: cal,
			InstitutionStatus: InstDesignated, Scope: []ScopeItem{{OccupationID: 1, MaxLevel: Level3}}, Occupation: &occ}
	}
	if c := CheckFiling(validPlan(), ctx()); !c.OK() || len(c.Warnings) != 0 {
		t.Fatalf("valid: %+v", c)
	}
	for _, tc := range []struct {
		name string
		edit func(*Plan, *FilingContext)
		want string
	}{
		{"suspended institution", func(p *Plan, fc *FilingContext) { fc.InstitutionStatus = InstSuspended }, "第三条"},
		{"level above scope", func(p *Plan, fc *FilingContext) { p.Level = Level2 }, "许可范围"},
		{"past the deadline", func(p *Plan, fc *FilingContext) { fc.Now = time.Date(2026, 3, 11, 16, 0, 1, 0, time.UTC) }, "最晚提交日期为 2026-03-11"},
		{"teacher problem passed through", func(p *Plan, fc *FilingContext) { fc.TeacherProblems = []string{"第五条：x"} }, "第五条：x"},
		{"textbook problem passed through", func(p *Plan, fc *FilingContext) { fc.TextbookProblems = []string{"第六条：y"} }, "第六条：y"},
	} {
		p, fc := validPlan(), ctx()
		tc.edit(&p, &fc)
		c := CheckFiling(p, fc)
		if !strings.Contains(strings.Join(c.Failures, "|"), tc.want) {
			t.Errorf("%s: failures %v lack %q", tc.name, c.Failures, tc.want)
		}
	}
	// Over the cap: refused unless an exception for at least that many is asked.
	p, fc := validPlan(), ctx()
	p.PlannedSize = 51
	if c := CheckFiling(p, fc); !strings.Contains(c.Fields["planned_size"], "第七条") {
		t.Error("51 in a skill class accepted")
	}
	fc.ExceptionAsked = 51
	if c := CheckFiling(p, fc); c.Fields["planned_size"] != "" {
		t.Error("asked exception not honoured at submission")
	}
	// A year without the holiday arrangement gives a warning, not silence.
	p, fc = validPlan(), ctx()
	fc.Calendar = NewCalendar(nil, nil)
	if c := CheckFiling(p, fc); len(c.Warnings) == 0 {
		t.Error("no warning for an uncovered year")
	}
}

func TestCheckApproval(t *testing.T) {
	p := validPlan()
	if len(CheckApproval(p, day("2026-03-15"), 0)) != 0 {
		t.Error("approval the day before start refused")
	}
	if m := CheckApproval(p, day("2026-03-16"), 0); len(m) != 1 || !strings.Contains(m[0], "第六条") {
		t.Errorf("approval on the start date: %v", m)
	}
	p.PlannedSize = 55
	if len(CheckApproval(p, day("2026-03-02"), 0)) != 1 || len(CheckApproval(p, day("2026-03-02"), 55)) != 0 {
		t.Error("exception not honoured at approval")
	}
}
