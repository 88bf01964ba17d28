package training_test

import (
	"strings"
	"testing"

	"tianmu/internal/training"
)

func TestCheckRecording(t *testing.T) {
	ses := training.Session{ID: 1, Date: day("2026-03-16"), Start: "08:30", End: "11:30", Kind: training.RoleTheory, Hours: 3}
	ok := training.RecordingContext{Status: training.ClassApproved, Today: day("2026-03-16"), Session: ses, InPlan: true}
	for _, c := range []struct {
		name string
		edit func(*training.RecordingContext)
		want string // "" = allowed
	}{
		{"approved, on the day", func(*training.RecordingContext) {}, ""},
		{"after the day", func(rc *training.RecordingContext) { rc.Today = day("2026-03-20") }, ""},
		{"finished: a correction", func(rc *training.RecordingContext) { rc.Status = training.ClassFinished }, ""},
		{"draft", func(rc *training.RecordingContext) { rc.Status = training.ClassDraft }, "第六条"},
		{"submitted, not approved (FILE-3)", func(rc *training.RecordingContext) { rc.Status = training.ClassSubmitted }, "备案同意"},
		{"returned", func(rc *training.RecordingContext) { rc.Status = training.ClassReturned }, "备案同意"},
		{"cancelled", func(rc *training.RecordingContext) { rc.Status = training.ClassCancelled }, "撤销"},
		{"assessment applied", func(rc *training.RecordingContext) { rc.Status = training.ClassAssessmentApplied }, "不能再修改"},
		{"not in the plan (FILE-5)", func(rc *training.RecordingContext) { rc.InPlan = false }, "不在现行备案计划"},
		{"before the day", func(rc *training.RecordingContext) { rc.Today = day("2026-03-15") }, "第八条"},
		{"agreements missing (DELIV-1)", func(rc *training.RecordingContext) { rc.MissingAgreements = []string{"张三", "李四"} }, "第十六条：学员张三、李四等2人"},
	} {
		rc := ok
		c.edit(&rc)
		got := strings.Join(training.CheckRecording(rc), "；")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestParseAttendance(t *testing.T) {
	teachers := map[int64]bool{7: true}
	for _, c := range []struct {
		name  string
		in    training.AttendanceInput
		field string // "" = valid
	}{
		{"valid", training.AttendanceInput{Hours: "3", TeacherID: "7", Marks: map[int64]string{1: "present", 2: "leave"}}, ""},
		{"zero hours allowed (flagged later)", training.AttendanceInput{Hours: "0", TeacherID: "7", Marks: map[int64]string{1: "absent", 2: "absent"}}, ""},
		{"no hours", training.AttendanceInput{TeacherID: "7", Marks: map[int64]string{1: "present", 2: "present"}}, "hours"},
		{"too many hours", training.AttendanceInput{Hours: "13", TeacherID: "7", Marks: map[int64]string{1: "present", 2: "present"}}, "hours"},
		{"no teacher", training.AttendanceInput{Hours: "3", Marks: map[int64]string{1: "present", 2: "present"}}, "teacher_id"},
		{"another institution's teacher", training.AttendanceInput{Hours: "3", TeacherID: "8", Marks: map[int64]string{1: "present", 2: "present"}}, "teacher_id"},
		{"a trainee without a mark", training.AttendanceInput{Hours: "3", TeacherID: "7", Marks: map[int64]string{1: "present"}}, "mark.2"},
		{"an unknown mark", training.AttendanceInput{Hours: "3", TeacherID: "7", Marks: map[int64]string{1: "present", 2: "sick"}}, "mark.2"},
	} {
		_, err := training.ParseAttendance(c.in, []int64{1, 2}, teachers)
		v, _ := training.AsValidation(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (v == nil || v.Fields[c.field] == ""):
			t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
		}
	}
}

func TestDeliveryFlagsAndHeldSessions(t *testing.T) {
	a, b := training.ClassTeacher{TeacherID: 1, Role: training.RoleTheory}, training.ClassTeacher{TeacherID: 2, Role: training.RolePractical}
	p := training.Plan{Teachers: []training.ClassTeacher{a, b}, Sessions: []training.Session{
		{ID: 10, Date: day("2026-03-16"), Start: "08:30", End: "11:30", Kind: training.RoleTheory, Hours: 3, TeacherID: 1},
		{ID: 11, Date: day("2026-03-16"), Start: "13:30", End: "17:30", Kind: training.RolePractical, Hours: 4, TeacherID: 2},
		{ID: 12, Date: day("2026-03-17"), Start: "13:30", End: "17:30", Kind: training.RolePractical, Hours: 4, TeacherID: 2},
	}}
	for _, c := range []struct {
		name  string
		done  map[int64]training.Delivery
		flags []string
	}{
		{"nothing held", nil, nil},
		{"as planned", map[int64]training.Delivery{10: {Hours: 3, TeacherID: 1}, 11: {Hours: 4, TeacherID: 2}}, nil},
		{"more than planned", map[int64]training.Delivery{10: {Hours: 4, TeacherID: 1}}, nil},
		{"a plan teacher swapped in", map[int64]training.Delivery{11: {Hours: 4, TeacherID: 1}}, nil},
		{"short", map[int64]training.Delivery{11: {Hours: 2, TeacherID: 2}}, []string{"第2节", "缩减课时"}},
		{"a teacher not on the plan", map[int64]training.Delivery{12: {Hours: 4, TeacherID: 9, TeacherName: "王某"}}, []string{"第3节", "王某", "不在备案师资中"}},
	} {
		d := training.SummarizeDelivery(p, c.done)
		got := strings.Join(d.Flags, "；")
		if (len(c.flags) == 0) != (got == "") {
			t.Errorf("%s: flags %q", c.name, got)
		}
		for _, w := range c.flags {
			if !strings.Contains(got, w) || !strings.Contains(got, "第十六条") {
				t.Errorf("%s: %q lacks %q", c.name, got, w)
			}
		}
		if d.PlannedHours != 11 || d.Held != len(c.done) || d.Complete() != (len(c.done) == 3) {
			t.Errorf("%s: summary %+v", c.name, d)
		}
	}

	held := map[int64]bool{10: true}
	keep := p
	keep.Sessions = append([]training.Session{}, p.Sessions[1:]...) // reordered: the held session last
	keep.Sessions = append(keep.Sessions, training.Session{Date: day("2026-03-16"), Start: "08:30", End: "11:30", Kind: training.RoleTheory, Hours: 3, TeacherID: 1})
	if msgs := training.HeldSessionsChanged(p, held, keep); len(msgs) != 0 {
		t.Errorf("held session kept: %q", msgs)
	}
	for name, edit := range map[string]func(*training.Session){
		"time": func(s *training.Session) { s.Start = "09:00" }, "teacher": func(s *training.Session) { s.TeacherID = 2 },
		"hours": func(s *training.Session) { s.Hours = 2 }, "day": func(s *training.Session) { s.Date = day("2026-03-18") },
	} {
		next := p
		next.Sessions = append([]training.Session{}, p.Sessions...)
		edit(&next.Sessions[0])
		if msgs := training.HeldSessionsChanged(p, held, next); len(msgs) != 1 || !strings.Contains(msgs[0], "第六条：已上课的课程不能变更") {
			t.Errorf("held session's %s changed: %q", name, msgs)
		}
		// The same change of a session not held is fine.
		if msgs := training.HeldSessionsChanged(p, map[int64]bool{11: true}, next); len(msgs) != 0 {
			t.Errorf("unheld session's %s changed: %q", name, msgs)
		}
	}
	removed := p
	removed.Sessions = p.Sessions[1:]
	if msgs := training.HeldSessionsChanged(p, held, removed); len(msgs) != 1 {
		t.Errorf("held session removed: %q", msgs)
	}
}

func TestAgreementRules(t *testing.T) {
	start, today := day("2026-03-16"), day("2026-03-02")
	for _, c := range []struct {
		name  string
		in    training.AgreementInput
		field string
	}{
		{"whole", training.AgreementInput{No: "XY-1", Date: "2026-03-01", Fee: "no"}, ""},
		{"no number", training.AgreementInput{Date: "2026-03-01", Fee: "no"}, "agreement_no.5"},
		{"no date", training.AgreementInput{No: "XY-1", Fee: "yes"}, "agreement_date.5"},
		{"no fee answer", training.AgreementInput{No: "XY-1", Date: "2026-03-01"}, "pays_fee.5"},
		{"a space in the number", training.AgreementInput{No: "XY 1", Date: "2026-03-01", Fee: "no"}, "agreement_no.5"},
		{"a bad date", training.AgreementInput{No: "XY-1", Date: "2026-13-01", Fee: "no"}, "agreement_date.5"},
		{"in the future", training.AgreementInput{No: "XY-1", Date: "2026-03-05", Fee: "no"}, "agreement_date.5"},
		{"after the start", training.AgreementInput{No: "XY-1", Date: "2026-03-17", Fee: "no"}, "agreement_date.5"},
	} {
		var p training.Problems
		training.ParseAgreement(5, c.in, start, today, &p)
		v, _ := training.AsValidation(p.Err())
		switch {
		case c.field == "" && v != nil:
			t.Errorf("%s: %v", c.name, v)
		case c.field != "" && (v == nil || v.Fields[c.field] == ""):
			t.Errorf("%s: %v, want a message on %s", c.name, v, c.field)
		}
	}
	filled := training.FillAgreement("编号{{协议编号}} 乙方{{ 学员姓名 }} 缴费{{是否缴费}}", map[string]string{"协议编号": "XY-1", "学员姓名": "张三"})
	if filled != "编号XY-1 乙方张三 缴费＿＿＿＿＿＿" {
		t.Errorf("filled: %q", filled)
	}
	if err := training.CheckAgreementTemplate("{{协议编号}}{{学员姓名}}{{身份证号码}}{{工种}}"); err != nil {
		t.Errorf("valid template: %v", err)
	}
}
