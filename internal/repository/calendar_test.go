package repository_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

func newCalendarStore(t *testing.T) *repository.Store {
	t.Helper()
	return repository.New(dbtest.Pool(t), func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, repository.Shanghai) })
}

func date(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestCalendarMigrationMatchesCSV: the 00006 migration loaded every row of
// the published data, unchanged, and a covered year per notice.
func TestCalendarMigrationMatchesCSV(t *testing.T) {
	ctx := context.Background()
	s := newCalendarStore(t)
	raw, err := os.ReadFile("../training/testdata/cn-holidays-2020-2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	notices := map[int]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if len(line) > 8 && line[0] == '#' && line[6] == ':' {
			if y, err := strconv.Atoi(line[2:6]); err == nil {
				notices[y] = strings.TrimSpace(line[7:])
			}
		}
	}
	r := csv.NewReader(strings.NewReader(string(raw)))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	recs = recs[1:]

	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM calendar_days`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(recs) {
		t.Fatalf("calendar_days has %d rows, CSV %d", n, len(recs))
	}
	got := map[string]string{}
	for y := 2019; y <= 2027; y++ {
		days, err := s.CalendarDays(ctx, y)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range days {
			got[d.Date.Format("2006-01-02")] = d.Name + "," + string(d.Kind) + "," + strconv.Itoa(d.NoticeYear)
		}
	}
	for _, rec := range recs {
		if want := rec[1] + "," + rec[2] + "," + rec[3]; got[rec[0]] != want {
			t.Errorf("%s: got %q, want %q", rec[0], got[rec[0]], want)
		}
	}

	years, err := s.CalendarYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 7 || len(notices) != 7 {
		t.Fatalf("%d years in the table, %d notices in the CSV", len(years), len(notices))
	}
	for _, y := range years {
		if y.Notice != notices[y.Year] || y.Days == 0 {
			t.Errorf("%d: notice %q (%d days), want %q", y.Year, y.Notice, y.Days, notices[y.Year])
		}
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if dl, ok := cal.FilingDeadline(date("2026-03-16")); !ok || dl.Format("2006-01-02") != "2026-03-11" {
		t.Errorf("FILE-2 example from the database: %s %v", dl, ok)
	}
}

func days2027() []training.CalendarDayInput {
	return []training.CalendarDayInput{
		{Line: 1, Date: date("2027-01-01"), Name: "元旦", Kind: training.DayOff},
		{Line: 2, Date: date("2027-02-06"), Name: "春节", Kind: training.DayWork}, // Saturday
		{Line: 3, Date: date("2027-02-08"), Name: "春节", Kind: training.DayOff},
	}
}

func TestAddCalendarYear(t *testing.T) {
	ctx := context.Background()
	s := newCalendarStore(t)

	// Load (and cache) the calendar first: the write must invalidate it.
	cal, err := s.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Covered(2027) {
		t.Fatal("2027 covered before it was entered")
	}

	for _, a := range []training.Actor{
		{UserID: 3, Username: "school", Role: training.RoleInstitution, InstitutionID: 1},
		{UserID: 5, Username: "centre", Role: training.RoleCentre},
	} {
		if err := s.AddCalendarYear(ctx, a, 2027, "国办发明电", days2027()); !errors.Is(err, training.ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", a.Role, err)
		}
	}

	invalid := []struct {
		name   string
		year   int
		notice string
		days   []training.CalendarDayInput
		field  string
		msg    string
	}{
		{"year covered", 2026, "x", []training.CalendarDayInput{{Line: 1, Date: date("2026-12-31"), Name: "x", Kind: training.DayOff}}, "year", "已录入"},
		{"day outside year", 2027, "x", []training.CalendarDayInput{{Line: 2, Date: date("2028-01-01"), Name: "元旦", Kind: training.DayOff}}, "days.2", "不在2027年内"},
		{"bad kind", 2027, "x", []training.CalendarDayInput{{Line: 1, Date: date("2027-01-01"), Name: "元旦", Kind: "rest"}}, "days.1", "无效"},
		{"weekday work", 2027, "x", []training.CalendarDayInput{{Line: 1, Date: date("2027-02-05"), Name: "春节", Kind: training.DayWork}}, "days.1", "星期五"},
		{"off without name", 2027, "x", []training.CalendarDayInput{{Line: 1, Date: date("2027-01-01"), Name: "  ", Kind: training.DayOff}}, "days.1", "名称"},
		{"duplicate", 2027, "x", append(days2027(), training.CalendarDayInput{Line: 4, Date: date("2027-01-01"), Name: "元旦", Kind: training.DayOff}), "days.4", "与第1行重复"},
		{"no notice", 2027, "", days2027(), "notice", "通知"},
	}
	for _, tt := range invalid {
		err := s.AddCalendarYear(ctx, bureau, tt.year, tt.notice, tt.days)
		v, ok := training.AsValidation(err)
		if !ok || !strings.Contains(v.Fields[tt.field], tt.msg) {
			t.Errorf("%s: %v, want %s: %s", tt.name, err, tt.field, tt.msg)
		}
	}

	notice := "https://www.gov.cn/zhengce/content/2027.htm"
	if err := s.AddCalendarYear(ctx, bureau, 2027, " "+notice+" ", days2027()); err != nil {
		t.Fatal(err)
	}
	cal, err = s.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !cal.Covered(2027) {
		t.Fatal("cache not invalidated: 2027 still uncovered")
	}
	if w, ok := cal.IsWorkingDay(date("2027-02-06")); !w || !ok {
		t.Errorf("2027-02-06 (调休 Saturday): working=%v covered=%v", w, ok)
	}
	days, err := s.CalendarDays(ctx, 2027)
	if err != nil || len(days) != 3 || days[1].Kind != training.DayWork {
		t.Fatalf("days %+v %v", days, err)
	}
	years, err := s.CalendarYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if years[0].Year != 2027 || years[0].Notice != notice || years[0].EnteredBy != "王科长（bureau）" || years[0].Days != 3 {
		t.Errorf("year row %+v", years[0])
	}

	var action, entity, after string
	var entityID int64
	err = s.Pool().QueryRow(ctx, `SELECT action, entity, entity_id, after::text FROM audit_log ORDER BY id DESC LIMIT 1`).
		Scan(&action, &entity, &entityID, &after)
	if err != nil {
		t.Fatal(err)
	}
	if action != "calendar.year" || entity != "calendar_year" || entityID != 2027 || !strings.Contains(after, "2027-02-06") {
		t.Errorf("audit %s %s %d %s", action, entity, entityID, after)
	}
	var audits int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'calendar.year'`).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if audits != 1 {
		t.Errorf("%d audit rows, want 1 (refused attempts write none)", audits)
	}

	if err := s.AddCalendarYear(ctx, bureau, 2027, notice, days2027()); err == nil {
		t.Error("2027 entered twice")
	}
}

// TestAddCalendarYearConcurrent: two clerks entering the same year at once
// store it once; the other gets the field message, not a 500.
func TestAddCalendarYearConcurrent(t *testing.T) {
	ctx := context.Background()
	s := newCalendarStore(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.AddCalendarYear(ctx, bureau, 2027, "通知", days2027())
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		if v, isV := training.AsValidation(err); !isV || v.Fields["year"] == "" {
			t.Errorf("loser got %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d succeeded, want 1", ok)
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM calendar_days WHERE notice_year = 2027`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("%d rows for 2027", n)
	}
}

// TestCalendarDayChecks: the table itself refuses a weekday 调休 and an
// unnamed holiday, whatever code writes to it.
func TestCalendarDayChecks(t *testing.T) {
	ctx := context.Background()
	s := newCalendarStore(t)
	for _, q := range []string{
		`INSERT INTO calendar_days VALUES ('2026-12-28', '假', 'work', 2026, 'x', now())`, // Monday
		`INSERT INTO calendar_days VALUES ('2026-12-28', '', 'off', 2026, 'x', now())`,
		`INSERT INTO calendar_days VALUES ('2026-12-28', '假', 'holiday', 2026, 'x', now())`,
		`INSERT INTO calendar_days VALUES ('2027-12-25', '假', 'off', 2027, 'x', now())`, // year not covered
	} {
		if _, err := s.Pool().Exec(ctx, q); err == nil {
			t.Errorf("accepted: %s", q)
		}
	}
}
