package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The filing form's helpers and the schedule import (issue 14).

func init() {
	accessTable["POST /classes/{id}/schedule/import"] = classInstStep(bad) // own: submitted, not a draft
	accessTable["GET /schedule/template.xlsx"] = access{"-": instOnly(ok)}
}

func TestFilingHelpers(t *testing.T) {
	e := newEnv(t)
	k := e.classKit()
	school := e.login("school")

	// More rows: the form comes back with what was typed and five more rows; nothing is saved.
	f := k.form("rows")
	r := school.post("/classes", f)
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="sessions.6.date"`) || !strings.Contains(r.body, ">刀工、火候</textarea>") {
		t.Fatalf("more rows: %d", r.status)
	}
	before := e.count(`SELECT count(*) FROM classes`)

	// A week (the two sessions) repeated 14 more times: 30 sessions.
	f = k.form("repeat")
	f.Set("end_date", "2026-06-30")
	f.Set("repeat_weeks", "14")
	r = school.post("/classes", f)
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="sessions.29.date" type="date" value="2026-06-23"`) {
		t.Fatalf("repeat: %d %s", r.status, r.text("err-repeat_weeks"))
	}
	f.Set("repeat_weeks", "99")
	if r = school.post("/classes", f); r.status != http.StatusUnprocessableEntity || r.text("err-repeat_weeks") == "" {
		t.Fatalf("repeat 99 weeks: %d", r.status)
	}
	if n := e.count(`SELECT count(*) FROM classes`); n != before {
		t.Fatalf("a helper saved a filing (%d → %d)", before, n)
	}

	// Copy the plan of the school's approved demo class onto a new start date.
	src := e.classID(approvedDemoClass)
	f = url.Values{"intent": {"copy"}, "copy_from": {itoa(src)}, "start_date": {"2026-09-07"}, "type": {"skill_level"}}
	r = school.post("/classes", f)
	if r.status != http.StatusOK || !strings.Contains(r.text("tool-notice"), "已复制") || !strings.Contains(r.body, approvedDemoClass) {
		t.Fatalf("copy: %d %q", r.status, r.text("tool-notice"))
	}
	// Another institution's class cannot be copied.
	other := e.classID("生活照料、基础护理、康复服务、心理支持、失智照护")
	f.Set("copy_from", itoa(other))
	if r = school.post("/classes", f); r.status != http.StatusUnprocessableEntity || r.text("err-copy_from") == "" {
		t.Fatalf("copy another institution's class: %d", r.status)
	}

	// Textbooks are filtered to the occupation and level typed.
	page := school.post("/classes", k.form("rows"))
	hiddenBook := strings.Contains(page.body, `hidden data-testid="textbook-choice"`) || strings.Contains(page.body, `data-testid="textbook-choice" hidden`)
	if !hiddenBook {
		t.Fatal("no textbook outside the class's occupation is hidden")
	}
}

func TestScheduleImport(t *testing.T) {
	e := newEnv(t)
	k := e.classKit()
	school := e.login("school")
	r := school.post("/classes", k.form("save"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", r.status, r.text("form-errors"))
	}
	edit := r.location
	cls := strings.TrimSuffix(strings.TrimPrefix(edit, "/classes/"), "/edit")
	version := func() string {
		return itoa(e.queryID(`SELECT version::bigint FROM classes WHERE id = $1::bigint`, cls))
	}
	if r := school.get("/schedule/template.xlsx"); r.status != http.StatusOK {
		t.Fatalf("template: %d", r.status)
	}

	// One bad row: nothing imported, every problem named by its line.
	csv := "日期,开始时间,结束时间,类型,学时,授课教师\n" +
		"2026-03-16,08:30,11:30,理论课,3,测理论\n" +
		"2026/3/17,13:30,17:30,操作技能课,4,测实操\n" +
		"2026-03-18,8点,11:30,理论课,3,无此人\n"
	r = school.postFile("/classes/"+cls+"/schedule/import", map[string]string{"version": version()}, "课程表.csv", []byte(csv))
	if r.status != http.StatusUnprocessableEntity || len(r.texts("schedule-import-row")) != 2 || !strings.Contains(r.text("schedule-import-row"), "第 4 行") {
		t.Fatalf("bad file: %d %q", r.status, r.texts("schedule-import-row"))
	}
	if n := e.count(`SELECT count(*) FROM class_sessions WHERE class_id = $1::bigint AND day = DATE '2026-03-18'`, cls); n != 0 {
		t.Fatal("a refused file imported sessions")
	}
	good := strings.Join(strings.Split(csv, "\n")[:3], "\n") + "\n" + "2026-03-19,13:30,17:30,实操,4,测实操\n"
	r = school.postFile("/classes/"+cls+"/schedule/import", map[string]string{"version": version()}, "课程表.csv", []byte(good))
	if r.status != http.StatusSeeOther {
		t.Fatalf("good file: %d %q %s", r.status, r.texts("schedule-import-row"), r.text("schedule-import-report"))
	}
	if n := e.count(`SELECT count(*) FROM class_sessions WHERE class_id = $1::bigint`, cls); n != 3 {
		t.Fatalf("%d sessions after the import", n)
	}
}
