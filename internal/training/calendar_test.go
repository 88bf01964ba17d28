package training_test

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"tianmu/internal/training"
)

// publishedCalendar is the calendar of the State Council notices 2020–2026,
// from the same CSV the 00006 migration was generated from.
func publishedCalendar(t *testing.T) training.Calendar {
	t.Helper()
	days, years := readHolidayCSV(t)
	return training.NewCalendar(days, years)
}

func readHolidayCSV(t *testing.T) ([]training.CalendarDay, []int) {
	t.Helper()
	f, err := os.Open("testdata/cn-holidays-2020-2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var days []training.CalendarDay
	seen := map[int]bool{}
	var years []int
	for _, rec := range recs[1:] {
		d, err := time.Parse("2006-01-02", rec[0])
		if err != nil {
			t.Fatal(err)
		}
		ny, err := strconv.Atoi(rec[3])
		if err != nil {
			t.Fatal(err)
		}
		days = append(days, training.CalendarDay{Date: d, Name: rec[1], Kind: training.DayKind(rec[2]), NoticeYear: ny})
		if !seen[ny] {
			seen[ny] = true
			years = append(years, ny)
		}
	}
	return days, years
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestIsWorkingDay(t *testing.T) {
	c := publishedCalendar(t)
	tests := []struct {
		date             string
		working, covered bool
		why              string
	}{
		{"2026-03-16", true, true, "ordinary Monday"},
		{"2026-03-14", false, true, "ordinary Saturday"},
		{"2026-03-15", false, true, "ordinary Sunday"},
		{"2026-01-01", false, true, "元旦 on a Thursday"},
		{"2026-01-04", true, true, "元旦 调休 Sunday"},
		{"2026-02-14", true, true, "春节 调休 Saturday"},
		{"2026-02-16", false, true, "春节 Monday"},
		{"2026-02-23", false, true, "last day of 春节 2026 (Monday)"},
		{"2026-02-28", true, true, "春节 调休 Saturday"},
		{"2026-05-09", true, true, "劳动节 调休 Saturday"},
		{"2026-09-20", true, true, "国庆 调休 Sunday"},
		{"2026-09-25", false, true, "中秋 Friday"},
		{"2026-10-07", false, true, "国庆 Wednesday"},
		{"2026-10-10", true, true, "国庆 调休 Saturday"},
		{"2025-10-08", false, true, "国庆、中秋 2025 eighth day"},
		{"2025-09-28", true, true, "国庆 2025 调休 Sunday"},
		{"2025-10-11", true, true, "国庆 2025 调休 Saturday"},
		{"2020-02-03", true, true, "2020 COVID return Monday (listed work)"},
		{"2020-01-31", false, true, "2020 COVID extension Friday"},
		{"2022-12-31", false, true, "Saturday listed by the 2023 notice"},
		{"2027-01-01", true, false, "2027 not covered: weekday assumed working"},
		{"2027-01-02", false, false, "2027 not covered: Saturday"},
		{"2019-12-31", true, false, "before the data"},
	}
	for _, tt := range tests {
		w, cov := c.IsWorkingDay(day(tt.date))
		if w != tt.working || cov != tt.covered {
			t.Errorf("%s (%s): got working=%v covered=%v, want %v %v", tt.date, tt.why, w, cov, tt.working, tt.covered)
		}
	}
}

func TestFilingDeadline(t *testing.T) {
	c := publishedCalendar(t)
	tests := []struct {
		start, deadline string
		covered         bool
		why             string
	}{
		{"2026-03-16", "2026-03-11", true, "FILE-2 example: Fri 13, Thu 12, Wed 11"},
		{"2026-03-18", "2026-03-13", true, "Wed start: Tue 17, Mon 16, Fri 13"},
		{"2026-03-19", "2026-03-16", true, "Thu start: Wed, Tue, Mon"},
		// 春节 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 work.
		{"2026-02-24", "2026-02-12", true, "after 春节: Sat 14 (调休), Fri 13, Thu 12"},
		{"2026-02-25", "2026-02-13", true, "Tue 24, Sat 14 (调休), Fri 13"},
		{"2026-03-02", "2026-02-26", true, "Sat 28 (调休) counts: Sat 28, Fri 27, Thu 26"},
		// 国庆 and 中秋 2026: Sep 25–27 and Oct 1–7 off, Sun Sep 20 and Sat Oct 10 work.
		{"2026-10-08", "2026-09-28", true, "after 国庆: Wed 30, Tue 29, Mon 28"},
		{"2026-10-12", "2026-10-08", true, "Sat Oct 10 (调休), Fri 9, Thu 8"},
		{"2026-09-29", "2026-09-23", true, "Mon 28, 中秋 25–27 off, Thu 24, Wed 23"},
		{"2026-09-22", "2026-09-18", true, "Mon 21, Sun 20 (调休), Fri 18"},
		// 国庆、中秋 2025: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 work.
		{"2025-10-09", "2025-09-28", true, "Tue 30, Mon 29, Sun 28 (调休)"},
		{"2025-10-13", "2025-10-09", true, "Sat 11 (调休), Fri 10, Thu 9"},
		// Year boundary across 元旦 2026 (Jan 1–3 off, Sun Jan 4 work).
		{"2026-01-05", "2025-12-30", true, "Sun Jan 4 (调休), Wed Dec 31, Tue Dec 30"},
		{"2026-01-06", "2025-12-31", true, "Mon 5, Sun 4 (调休), Wed Dec 31"},
		// 春节 2020 with the COVID extension: Jan 24–Feb 2 off, Mon Feb 3 work.
		{"2020-02-04", "2020-01-22", true, "Mon Feb 3, Thu Jan 23, Wed Jan 22"},
		// 2027 is not covered: weekends only, covered=false.
		{"2027-03-15", "2027-03-10", false, "uncovered year"},
		{"2027-01-04", "2026-12-30", false, "consults Fri 2027-01-01, uncovered"},
		{"2027-01-01", "2026-12-29", true, "consults only 2026 dates"},
	}
	for _, tt := range tests {
		got, cov := c.FilingDeadline(day(tt.start))
		want := time.Date(day(tt.deadline).Year(), day(tt.deadline).Month(), day(tt.deadline).Day(), 23, 59, 59, 999999999, shanghai)
		if !got.Equal(want) || cov != tt.covered {
			t.Errorf("start %s (%s): got %s covered=%v, want %s covered=%v",
				tt.start, tt.why, got.In(shanghai).Format(time.RFC3339Nano), cov, want.Format(time.RFC3339Nano), tt.covered)
		}
		if w := c.FilingDeadlineWarning(day(tt.start)); (w == "") != tt.covered {
			t.Errorf("start %s: warning %q with covered=%v", tt.start, w, tt.covered)
		}
	}
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

func TestDeadlinePassed(t *testing.T) {
	c := publishedCalendar(t)
	dl, _ := c.FilingDeadline(day("2026-03-16"))
	cases := []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 3, 11, 9, 0, 0, 0, shanghai), false},
		{time.Date(2026, 3, 11, 23, 59, 59, 0, shanghai), false},
		{time.Date(2026, 3, 12, 0, 0, 0, 0, shanghai), true},
		{time.Date(2026, 3, 11, 15, 59, 59, 0, time.UTC), false}, // 23:59:59 in Shanghai
		{time.Date(2026, 3, 11, 16, 0, 0, 0, time.UTC), true},    // 00:00 on the 12th in Shanghai
	}
	for _, tt := range cases {
		if got := training.DeadlinePassed(tt.now, dl); got != tt.want {
			t.Errorf("now %s: passed=%v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestCalendarWarnings(t *testing.T) {
	c := publishedCalendar(t)
	w := c.FilingDeadlineWarning(day("2027-03-15"))
	if !strings.Contains(w, "2027年节假日安排尚未录入") || !strings.Contains(w, "第六条") {
		t.Errorf("warning %q", w)
	}
	if got := c.MissingYears(2026, 2027); len(got) != 1 || got[0] != 2027 {
		t.Errorf("missing years %v", got)
	}
	if n := training.CalendarMissingNotice(2027, 2026); !strings.HasPrefix(n, "明年（2027年）节假日安排尚未录入") {
		t.Errorf("notice %q", n)
	}
}

func TestParseCalendarDays(t *testing.T) {
	text := "2027-01-01,元旦,off\r\n\n2027-02-06，春节，work\n2027-13-01,坏,off\nonly,two\n2027-02-07,春节,上班\n"
	days, err := training.ParseCalendarDays(text)
	if len(days) != 3 {
		t.Fatalf("parsed %d days: %+v", len(days), days)
	}
	if days[1].Line != 3 || days[1].Kind != training.DayWork || days[1].Name != "春节" {
		t.Errorf("line 3: %+v", days[1])
	}
	if days[2].Kind != training.DayWork {
		t.Errorf("上班 not read as work: %+v", days[2])
	}
	v, ok := training.AsValidation(err)
	if !ok || len(v.Fields) != 2 || !strings.HasPrefix(v.Fields["days.4"], "第4行：日期") || !strings.HasPrefix(v.Fields["days.5"], "第5行：格式") {
		t.Fatalf("errors: %v", err)
	}
}

func TestValidateCalendarYear(t *testing.T) {
	in := func(line int, date, name string, kind training.DayKind) training.CalendarDayInput {
		return training.CalendarDayInput{Line: line, Date: day(date), Name: name, Kind: kind}
	}
	good := []training.CalendarDayInput{
		in(1, "2027-01-01", "元旦", training.DayOff),
		in(2, "2027-02-06", "春节", training.DayWork), // Saturday
	}
	if err := training.ValidateCalendarYear(2027, "国办发明电〔2026〕X号", good); err != nil {
		t.Fatalf("good input: %v", err)
	}
	tests := []struct {
		name   string
		year   int
		notice string
		days   []training.CalendarDayInput
		field  string
		msg    string
	}{
		{"no notice", 2027, " ", good, "notice", "请填写国务院办公厅通知"},
		{"bad year", 1999, "x", good, "year", "2000 至 2100"},
		{"no days", 2027, "x", nil, "days", "请至少录入一天"},
		{"outside year", 2027, "x", []training.CalendarDayInput{in(1, "2026-12-31", "元旦", training.DayOff)}, "days.1", "第1行：2026-12-31 不在2027年内"},
		{"bad kind", 2027, "x", []training.CalendarDayInput{in(1, "2027-01-01", "元旦", "holiday")}, "days.1", "类型“holiday”无效"},
		{"weekday work", 2027, "x", []training.CalendarDayInput{in(3, "2027-02-08", "春节", training.DayWork)}, "days.3", "第3行：2027-02-08 是星期一，调休上班日只能是星期六或星期日"},
		{"off without name", 2027, "x", []training.CalendarDayInput{in(1, "2027-01-01", "", training.DayOff)}, "days.1", "须填写节日名称"},
		{"duplicate", 2027, "x", []training.CalendarDayInput{in(1, "2027-01-01", "元旦", training.DayOff), in(4, "2027-01-01", "元旦", training.DayOff)}, "days.4", "第4行：2027-01-01 与第1行重复"},
	}
	for _, tt := range tests {
		err := training.ValidateCalendarYear(tt.year, tt.notice, tt.days)
		v, ok := training.AsValidation(err)
		if !ok || !strings.Contains(v.Fields[tt.field], tt.msg) {
			t.Errorf("%s: got %v, want %s: %s", tt.name, err, tt.field, tt.msg)
		}
	}
}

// TestPublishedCalendarShape guards the data: every adjusted working day is
// a weekend day (but the documented 2020-02-03), every holiday has a name.
func TestPublishedCalendarShape(t *testing.T) {
	days, years := readHolidayCSV(t)
	if len(years) != 7 || len(days) < 200 {
		t.Fatalf("%d years, %d days", len(years), len(days))
	}
	for _, d := range days {
		wd := d.Date.Weekday()
		if d.Kind == training.DayWork && wd != time.Saturday && wd != time.Sunday && d.Date != day("2020-02-03") {
			t.Errorf("%s work on %s", d.Date.Format(time.DateOnly), wd)
		}
		if !d.Kind.Valid() || d.Kind == training.DayOff && d.Name == "" {
			t.Errorf("bad row %+v", d)
		}
	}
}
