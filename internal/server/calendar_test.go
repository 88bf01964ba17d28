package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCalendarAccess(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{"school", "centre"} {
		c := e.login(who)
		for _, path := range []string{"/calendar", "/calendar/new", "/calendar?year=2026"} {
			if r := c.get(path); r.status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", who, path, r.status)
			}
		}
		r := c.post("/calendar", url.Values{"year": {"2027"}, "notice": {"x"}, "days": {"2027-01-01,元旦,off"}})
		if r.status != http.StatusForbidden {
			t.Errorf("%s POST /calendar: %d, want 403", who, r.status)
		}
		// The deadline tool is for every signed-in role.
		if r := c.get("/calendar/deadline?start=2026-03-16"); r.status != http.StatusOK || !strings.Contains(r.text("deadline"), "2026-03-11") {
			t.Errorf("%s deadline: %d %q", who, r.status, r.text("deadline"))
		}
		if strings.Contains(c.get("/").text("calendar-missing"), "尚未录入") {
			t.Errorf("%s home shows the bureau's calendar reminder", who)
		}
	}
	if r := e.client().get("/calendar/deadline?start=2026-03-16"); r.status != http.StatusSeeOther {
		t.Errorf("signed out deadline: %d, want 303 to login", r.status)
	}
}

func TestCalendarPages(t *testing.T) {
	e := newEnv(t) // today is 2026-03-02
	c := e.login("bureau")

	home := c.get("/")
	if !strings.Contains(home.text("calendar-missing"), "明年（2027年）节假日安排尚未录入") {
		t.Errorf("home reminder: %q", home.text("calendar-missing"))
	}
	if !strings.Contains(home.body, `href="/calendar"`) {
		t.Error("no 节假日日历 nav item")
	}

	list := c.get("/calendar")
	if list.status != http.StatusOK {
		t.Fatalf("GET /calendar: %d", list.status)
	}
	if n := len(list.texts("calendar-year-row")); n != 7 {
		t.Errorf("%d years listed, want 7 (2020–2026)", n)
	}
	if !strings.Contains(list.text("calendar-missing"), "明年（2027年）节假日安排尚未录入") {
		t.Errorf("list reminder: %q", list.text("calendar-missing"))
	}
	rows := list.texts("calendar-day-row") // this year by default
	if len(rows) != 39 || !strings.Contains(rows[0], "2026-01-01") || !strings.Contains(rows[3], "调休上班") {
		t.Errorf("2026 days: %d rows, first %q", len(rows), rows)
	}
	if rows := c.get("/calendar?year=2023").texts("calendar-day-row"); len(rows) == 0 || !strings.Contains(rows[0], "2022-12-31") {
		t.Errorf("2023 lists 2022-12-31 first: %q", rows)
	}

	if r := c.get("/calendar/new"); r.status != http.StatusOK || !strings.Contains(r.body, `value="2027"`) {
		t.Errorf("new form: %d, year 2027 suggested: %v", r.status, strings.Contains(r.body, `value="2027"`))
	}

	// Invalid: messages per line beside the textarea, 422, typed text kept.
	typed := "2027-01-01,元旦,off\n2027-02-05,春节,work\n2027-02-30,春节,off\n2027-01-01,元旦,off\n2028-01-01,元旦,off"
	bad := c.post("/calendar", url.Values{"year": {"2027"}, "notice": {""}, "days": {typed}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid POST: %d", bad.status)
	}
	lines := bad.texts("err-days-line")
	want := []string{"第2行：2027-02-05 是星期五", "第3行：日期“2027-02-30”无效", "第4行：2027-01-01 与第1行重复", "第5行：2028-01-01 不在2027年内"}
	if len(lines) != len(want) {
		t.Fatalf("line errors %q", lines)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line error %d: %q, want %q…", i, lines[i], w)
		}
	}
	if !strings.Contains(bad.text("err-notice"), "请填写国务院办公厅通知") {
		t.Errorf("notice error %q", bad.text("err-notice"))
	}
	if !strings.Contains(bad.body, "2027-02-05,春节,work\n2027-02-30") {
		t.Error("typed days not kept")
	}

	// A year already covered.
	dup := c.post("/calendar", url.Values{"year": {"2026"}, "notice": {"x"}, "days": {"2026-12-31,x,off"}})
	if dup.status != http.StatusUnprocessableEntity || !strings.Contains(dup.text("err-year"), "已录入") {
		t.Errorf("covered year: %d %q", dup.status, dup.text("err-year"))
	}

	ok := c.post("/calendar", url.Values{"year": {"2027"}, "notice": {"国办发明电〔2026〕号"},
		"days": {"2027-01-01,元旦,off\r\n2027-02-06,春节,work\r\n2027-02-08,春节,off\r\n"}})
	if ok.status != http.StatusSeeOther || ok.location != "/calendar?year=2027" {
		t.Fatalf("valid POST: %d %s\n%s", ok.status, ok.location, ok.text("err-days"))
	}
	after := c.get(ok.location)
	if !strings.Contains(after.text("flash"), "2027年节假日安排已录入") || len(after.texts("calendar-day-row")) != 3 {
		t.Errorf("after: flash %q, %d rows", after.text("flash"), len(after.texts("calendar-day-row")))
	}
	if after.has("calendar-missing") || c.get("/").has("calendar-missing") {
		t.Error("reminder still shown after 2027 was entered")
	}
	// The cached calendar saw the write: 2027-02-06 (Saturday) is now a working day.
	dl := c.get("/calendar/deadline?start=2027-02-09")
	if !strings.Contains(dl.text("deadline"), "2027-02-04") || dl.has("calendar-warning") {
		t.Errorf("deadline for 2027-02-09: %q warning %q", dl.text("deadline"), dl.text("calendar-warning"))
	}
}

func TestCalendarDeadlinePage(t *testing.T) {
	e := newEnv(t) // now 2026-03-02 09:00
	c := e.login("school")
	tests := []struct {
		start, deadline string
		passed, warn    bool
	}{
		{"2026-03-16", "2026-03-11（星期三）", false, false},
		{"2026-03-04", "2026-02-28（星期六）", true, false},  // 2026-02-28 is a 调休 Saturday
		{"2026-03-05", "2026-03-02（星期一）", false, false}, // the deadline is today: still in time
		{"2026-10-08", "2026-09-28（星期一）", false, false},
		{"2027-03-15", "2027-03-10（星期三）", false, true},
	}
	for _, tt := range tests {
		r := c.get("/calendar/deadline?start=" + tt.start)
		if r.status != http.StatusOK || r.text("deadline") != tt.deadline {
			t.Errorf("%s: %d %q, want %q", tt.start, r.status, r.text("deadline"), tt.deadline)
		}
		if r.has("deadline-passed") != tt.passed {
			t.Errorf("%s: passed shown=%v", tt.start, r.has("deadline-passed"))
		}
		if w := r.text("calendar-warning"); tt.warn != (w != "") || tt.warn && !strings.Contains(w, "2027年节假日安排尚未录入") {
			t.Errorf("%s: warning %q", tt.start, w)
		}
	}
	if r := c.get("/calendar/deadline?start=2026-02-30"); r.status != http.StatusUnprocessableEntity || r.text("err-start") == "" {
		t.Errorf("bad date: %d %q", r.status, r.text("err-start"))
	}
	if r := c.get("/calendar/deadline"); r.status != http.StatusOK || r.has("deadline-result") {
		t.Errorf("empty form: %d", r.status)
	}
}
