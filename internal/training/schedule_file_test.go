package training

import (
	"strings"
	"testing"
)

func TestParseSheetDateAndClock(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-16": "2026-03-16", "2026/3/16": "2026-03-16", "2026年3月16日": "2026-03-16", "2026.03.16": "2026-03-16",
		"03-16-26": "2026-03-16", "46097": "2026-03-16", " 2026-3-6 ": "2026-03-06",
	} {
		d, ok := ParseSheetDate(in)
		if !ok || d.Format("2006-01-02") != want {
			t.Errorf("ParseSheetDate(%q) = %s %v, want %s", in, d.Format("2006-01-02"), ok, want)
		}
	}
	for _, in := range []string{"", "2026-02-30", "16/03/2026", "明天", "12345", "2026-13-01"} {
		if _, ok := ParseSheetDate(in); ok {
			t.Errorf("ParseSheetDate(%q) accepted", in)
		}
	}
	for in, want := range map[string]string{"8:30": "08:30", "08:30": "08:30", "8:30:00": "08:30", "8：30": "08:30", "0.354166667": "08:30", "13:05": "13:05"} {
		if got, ok := ParseSheetClock(in); !ok || got != want {
			t.Errorf("ParseSheetClock(%q) = %q %v, want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "25:00", "8点半", "8", "8:61"} {
		if _, ok := ParseSheetClock(in); ok {
			t.Errorf("ParseSheetClock(%q) accepted", in)
		}
	}
}

func TestReadAndImportSchedule(t *testing.T) {
	h, msg := ParseScheduleHeader([]string{"日期", "开始时间", "结束时间", "类型", "学时", "授课教师", "备注"})
	if msg != "" {
		t.Fatal(msg)
	}
	if _, msg := ParseScheduleHeader([]string{"日期", "学时"}); msg != RuleScheduleHeader.Msg() {
		t.Errorf("bad header: %q", msg)
	}
	teachers := []ScheduleTeacher{{1, "李晓燕"}, {2, "王建华"}, {3, "张伟"}, {4, "张伟"}}
	rows := []ScheduleFileRow{
		h.Row(2, []string{"2026-03-16", "08:30", "11:30", "理论课", "3", "李晓燕"}),
		h.Row(3, []string{"2026/3/17", "13:30", "17:30", "实操", "4", "王建华"}),
	}
	sessions, problems := ReadSchedule(rows, teachers)
	if len(problems) != 0 || len(sessions) != 2 || sessions[1].Kind != RolePractical || sessions[1].TeacherID != 2 || sessions[0].Start != "08:30" {
		t.Fatalf("%+v %+v", sessions, problems)
	}
	bad := append(rows,
		h.Row(4, []string{"2026-03-18", "8点", "11:30", "理论课", "3", "李晓燕"}),
		h.Row(5, []string{"2026-03-18", "08:30", "11:30", "讲座", "三", "赵六"}),
		h.Row(6, []string{"2026-03-19", "08:30", "11:30", "理论课", "3", "张伟"}),
	)
	_, problems = ReadSchedule(bad, teachers)
	lines := map[int]int{}
	for _, p := range problems {
		lines[p.Line]++
	}
	if lines[4] != 1 || lines[5] != 3 || lines[6] != 1 || lines[2] != 0 || !strings.Contains(problems[len(problems)-1].Message, "两位名为「张伟」") {
		t.Fatalf("problems %+v", problems)
	}
	if _, problems := ReadSchedule(nil, teachers); len(problems) != 1 {
		t.Errorf("empty file: %+v", problems)
	}

	p := Plan{StartDate: day("2026-03-16"), EndDate: day("2026-03-20"), Teachers: []ClassTeacher{{TeacherID: 1, Role: RoleTheory}},
		Sessions: []Session{{Date: day("2026-03-16"), Start: "08:30", End: "11:30", Kind: RoleTheory, Hours: 3, TeacherID: 1}}}
	got, problems := ImportSchedule(p, sessions, []int{2, 3}, true, day("2026-03-01"))
	if len(problems) != 0 || len(got.Sessions) != 2 || len(got.Teachers) != 2 || got.Teachers[1] != (ClassTeacher{TeacherID: 2, Role: RolePractical}) {
		t.Fatalf("replace: %+v %+v", got, problems)
	}
	if len(p.Teachers) != 1 {
		t.Fatal("the plan given was changed")
	}
	got, _ = ImportSchedule(p, sessions, []int{2, 3}, false, day("2026-03-01"))
	if len(got.Sessions) != 3 {
		t.Fatalf("append: %d sessions", len(got.Sessions))
	}
	// A session outside the class's dates, or longer than its time, is reported on its line.
	late := []Session{{Date: day("2026-03-25"), Start: "08:30", End: "09:00", Kind: RoleTheory, Hours: 3, TeacherID: 1}}
	_, problems = ImportSchedule(p, late, []int{7}, false, day("2026-03-01"))
	if len(problems) != 2 || problems[0].Line != 7 || !strings.Contains(problems[0].Message, "开班日期与结业日期之间") {
		t.Fatalf("late: %+v", problems)
	}
}
