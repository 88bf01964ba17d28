package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tianmu/internal/repository"
)

func (e *env) setNow(t time.Time) { e.mu.Lock(); e.now = t; e.mu.Unlock() }

// ids of the approved demo class's enrolments and sessions, in order.
func (e *env) idsOf(q string, arg int64) []int64 {
	e.t.Helper()
	rows, err := e.store.Pool().Query(context.Background(), q, arg)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		must(e.t, rows.Scan(&id))
		out = append(out, id)
	}
	must(e.t, rows.Err())
	return out
}

func TestAgreementHandlers(t *testing.T) {
	e := newEnv(t)
	id := e.classID(approvedDemoClass)
	enr := e.idsOf(`SELECT id FROM enrolments WHERE class_id = $1 ORDER BY id`, id)
	school := e.login("school")
	base := fmt.Sprintf("/classes/%d/agreements", id)
	r := school.get(base)
	if r.status != http.StatusOK || len(r.texts("agreement-row")) != len(enr) || !r.has("agreements-complete") {
		t.Fatalf("agreements page: %d, %d rows", r.status, len(r.texts("agreement-row")))
	}
	// One wrong row: nothing saved, the typed values come back with the message.
	form := url.Values{}
	form.Set(fmt.Sprintf("agreement_no.%d", enr[0]), "XG-NEW-1")
	form.Set(fmt.Sprintf("agreement_date.%d", enr[0]), "")
	form.Set(fmt.Sprintf("pays_fee.%d", enr[0]), "no")
	r = school.post(base, form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(fmt.Sprintf("err-agreement_date.%d", enr[0])), "第十六条") ||
		!strings.Contains(r.body, `value="XG-NEW-1"`) {
		t.Fatalf("wrong row: %d %q", r.status, r.text("form-errors"))
	}
	form.Set(fmt.Sprintf("agreement_date.%d", enr[0]), "2026-03-01")
	if r = school.post(base, form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.status, r.text("form-errors"))
	}
	if r = school.get(base); !strings.Contains(r.body, `value="XG-NEW-1"`) {
		t.Fatal("saved number not shown")
	}
	// The print shows the full ID number and is audited.
	r = school.get(base + "/print")
	if r.status != http.StatusOK || len(r.texts("agreement")) != len(enr) || !strings.Contains(r.body, "XG-NEW-1") ||
		r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("print: %d %d", r.status, len(r.texts("agreement")))
	}
	var idn string
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT t.id_number FROM enrolments en JOIN trainees t ON t.id = en.trainee_id WHERE en.id = $1`, enr[0]).Scan(&idn); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.body, idn) {
		t.Fatal("the full ID number is not on the printed agreement")
	}
	if r = e.login("bureau").get(fmt.Sprintf("%s/%d/print", base, enr[1])); r.status != http.StatusOK || len(r.texts("agreement")) != 1 {
		t.Fatalf("bureau print one: %d", r.status)
	}
	var n int
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'agreement.print' AND entity_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d print audits, want 2", n)
	}
	if r = e.login("academy").get(base + "/print"); r.status != http.StatusNotFound {
		t.Fatalf("academy print: %d", r.status)
	}
	if r = e.login("centre").get(base + "/print"); r.status != http.StatusForbidden {
		t.Fatalf("centre print: %d", r.status)
	}

	// The template: a new version, and a wrong one comes back as typed.
	bureau := e.login("bureau")
	bad := "协议 {{学员姓名}} {{身份证号码}} {{协议编号}} {{错字段}}"
	r = bureau.post("/agreement-template", url.Values{"version": {"1"}, "body": {bad}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-body"), "{{错字段}}") || !strings.Contains(r.body, "错字段") {
		t.Fatalf("bad template: %d %q", r.status, r.text("err-body"))
	}
	r = bureau.post("/agreement-template", url.Values{"version": {"1"}, "body": {"职业培训协议书 {{协议编号}}\n{{学员姓名}} {{身份证号码}}"}, "note": {"精简"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save template: %d", r.status)
	}
	if r = bureau.get("/agreement-template"); r.text("template-no") != "2" || len(r.texts("template-version")) != 2 {
		t.Fatalf("versions: %q %d", r.text("template-no"), len(r.texts("template-version")))
	}
	if r = bureau.post("/agreement-template", url.Values{"version": {"1"}, "body": {"{{协议编号}}{{学员姓名}}{{身份证号码}}"}}); r.status != http.StatusConflict {
		t.Fatalf("stale template save: %d", r.status)
	}
}

func TestAttendanceHandlers(t *testing.T) {
	e := newEnv(t)
	id := e.classID(approvedDemoClass)
	enr := e.idsOf(`SELECT id FROM enrolments WHERE class_id = $1 ORDER BY id`, id)
	ses := e.idsOf(`SELECT id FROM class_sessions WHERE class_id = $1 ORDER BY seq`, id)
	var theory, practical, day1 string
	must(t, e.store.Pool().QueryRow(context.Background(), `SELECT
		(SELECT teacher_id::text FROM class_sessions WHERE id = $1), (SELECT teacher_id::text FROM class_sessions WHERE id = $2),
		(SELECT day::text FROM class_sessions WHERE id = $1)`, ses[0], ses[1]).Scan(&theory, &practical, &day1))
	school := e.login("school")
	page := func(sid int64) string { return fmt.Sprintf("/classes/%d/sessions/%d/attendance", id, sid) }
	sheet := func(hours, teacher string, skip int64) url.Values {
		f := url.Values{"hours": {hours}, "teacher_id": {teacher}}
		for _, en := range enr {
			if en != skip {
				f.Set(fmt.Sprintf("mark.%d", en), "present")
			}
		}
		return f
	}
	r := school.get(page(ses[0]))
	if r.status != http.StatusOK || len(r.texts("attendance-row")) != len(enr) || !strings.Contains(r.text("attendance-blocked"), "未到上课日期") {
		t.Fatalf("sheet before the date: %d %q", r.status, r.text("attendance-blocked"))
	}
	if r = school.post(page(ses[0]), sheet("3", theory, 0)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("form-errors"), "第八条") {
		t.Fatalf("record before the date: %d %q", r.status, r.text("form-errors"))
	}
	d, err := time.Parse("2006-01-02", day1)
	must(t, err)
	e.setNow(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, repository.Shanghai))
	// A missing mark: 422 with the typed hours and the row's message.
	r = school.post(page(ses[0]), sheet("2", theory, enr[1]))
	if r.status != http.StatusUnprocessableEntity || r.text(fmt.Sprintf("err-mark.%d", enr[1])) == "" || !strings.Contains(r.body, `value="2"`) {
		t.Fatalf("missing mark: %d %q", r.status, r.text("form-errors"))
	}
	f := sheet("3", theory, 0)
	f.Set(fmt.Sprintf("mark.%d", enr[1]), "leave")
	if r = school.post(page(ses[0]), f); r.status != http.StatusSeeOther || r.location != fmt.Sprintf("/classes/%d", id) {
		t.Fatalf("record: %d %q", r.status, r.text("form-errors"))
	}
	r = school.get(fmt.Sprintf("/classes/%d", id))
	if r.text("class-status") != "培训中" || !strings.Contains(r.text("delivery-hours"), "已登记 1 / 4 节") || r.has("delivery-flag") {
		t.Fatalf("class page after session 1: %q %q", r.text("class-status"), r.text("delivery-hours"))
	}
	if rates := r.texts("attendance-rate"); len(rates) != len(enr) || !strings.Contains(rates[1], "0.0%") || !strings.Contains(rates[0], "100.0%") {
		t.Fatalf("rates: %q", rates)
	}
	// Others: the bureau reads but does not record; another institution sees nothing.
	if r = e.login("bureau").post(page(ses[0]), f); r.status != http.StatusForbidden {
		t.Fatalf("bureau records: %d", r.status)
	}
	if r = e.login("academy").get(page(ses[0])); r.status != http.StatusNotFound {
		t.Fatalf("academy reads: %d", r.status)
	}
	if r = school.get(fmt.Sprintf("/classes/%d/sessions/%d/attendance", id, 999999)); r.status != http.StatusNotFound {
		t.Fatalf("unknown session: %d", r.status)
	}
	// The demo plan: theory then practice on two days. The last session
	// is 1 hour short: the class finishes and is flagged.
	e.setNow(time.Date(d.Year(), d.Month(), d.Day()+1, 18, 0, 0, 0, repository.Shanghai))
	for i, f := range []url.Values{sheet("4", practical, 0), sheet("3", theory, 0), sheet("3", practical, 0)} {
		if r = school.post(page(ses[i+1]), f); r.status != http.StatusSeeOther {
			t.Fatalf("session %d: %d %q", i+2, r.status, r.text("form-errors"))
		}
	}
	r = school.get(fmt.Sprintf("/classes/%d", id))
	if r.text("class-status") != "已结业" || !r.has("delivery-flag") || !strings.Contains(r.text("delivery-flags"), "第十六条") {
		t.Fatalf("after the last session: %q %q", r.text("class-status"), r.text("delivery-flags"))
	}
	bureau := e.login("bureau")
	if r = bureau.get("/delivery?flagged=1"); len(r.texts("delivery-row")) != 1 {
		t.Fatalf("bureau report: %q", r.texts("delivery-row"))
	}
	if r = bureau.get("/"); !strings.Contains(r.text("delivery-flagged"), "第十六条") {
		t.Fatalf("bureau home: %q", r.text("delivery-flagged"))
	}
}
