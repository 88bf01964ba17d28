package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tianmu/internal/training"
)

// classKit adds to the demo data two approved teachers of the school and a
// designated 中式烹调师 textbook, through the repository.
type classKit struct {
	cook, theory, practice, book int64
}

func idNo(prefix string) string { return prefix + string(training.IDCheckChar(prefix)) }

func (e *env) classKit() classKit {
	e.t.Helper()
	ctx := context.Background()
	s := e.store
	actorOf := func(name string) training.Actor {
		u, _, err := s.UserForLogin(ctx, name)
		if err != nil {
			e.t.Fatal(err)
		}
		return u.Actor()
	}
	school, bureau := actorOf("school"), actorOf("bureau")
	var k classKit
	must(e.t, s.Pool().QueryRow(ctx, `SELECT id FROM occupations WHERE code = '4-03-02-01'`).Scan(&k.cook))
	mk := func(name, id string, edu training.Education, title training.Title) int64 {
		tid, _, err := s.CreateTeacher(ctx, school, training.TeacherInput{Name: name, IDNumber: idNo(id), Phone: "13800001111", Education: edu, Title: title})
		if err != nil {
			e.t.Fatal(err)
		}
		return tid
	}
	version := func(id int64) int {
		var v int
		must(e.t, s.Pool().QueryRow(ctx, `SELECT version FROM teachers WHERE id = $1`, id).Scan(&v))
		return v
	}
	k.theory = mk("测理论", "33018519800101777", training.EduCollege, training.TitleMiddle)
	k.practice = mk("测实操", "33018519810202888", training.EduHigh, training.TitleNone)
	if err := s.AddCertificate(ctx, school, k.practice, version(k.practice), training.CertificateInput{OccupationID: k.cook,
		Level: training.Level2, Number: "HT-0001", IssueDate: "2020-05-01", Issuer: "浙江省人力社保厅"}); err != nil {
		e.t.Fatal(err)
	}
	for _, id := range []int64{k.theory, k.practice} {
		if err := s.ReviewTeacher(ctx, school, id, version(id), training.ActTeacherSubmit, ""); err != nil {
			e.t.Fatal(err)
		}
		if err := s.ReviewTeacher(ctx, bureau, id, version(id), training.ActTeacherApprove, ""); err != nil {
			e.t.Fatal(err)
		}
	}
	p := "978704066666"
	b, err := s.CreateTextbook(ctx, bureau, training.TextbookInput{Title: "测试烹调教材", ISBN: p + string(training.ISBNCheckDigit(p)),
		Publisher: "出版社", Edition: "第1版", Status: training.TextbookDesignated, Uses: []training.TextbookUse{{OccupationID: k.cook}}})
	if err != nil {
		e.t.Fatal(err)
	}
	k.book = b
	return k
}

// form is a complete filing for a Monday 2026-03-16 start.
func (k classKit) form(intent string) url.Values {
	return url.Values{
		"intent": {intent}, "occupation_id": {itoa(k.cook)}, "level": {"3"}, "type": {"skill_level"}, "planned_size": {"40"},
		"start_date": {"2026-03-16"}, "end_date": {"2026-03-20"}, "venue": {"实训中心"}, "content": {"刀工、火候"},
		"theory_hours": {"3"}, "practical_hours": {"4"},
		"teachers.0.teacher_id": {itoa(k.theory)}, "teachers.0.role": {"theory"},
		"teachers.1.teacher_id": {itoa(k.practice)}, "teachers.1.role": {"practical"},
		"sessions.0.date": {"2026-03-16"}, "sessions.0.start": {"08:30"}, "sessions.0.end": {"11:30"}, "sessions.0.kind": {"theory"},
		"sessions.0.hours": {"3"}, "sessions.0.teacher_id": {itoa(k.theory)},
		"sessions.1.date": {"2026-03-17"}, "sessions.1.start": {"13:30"}, "sessions.1.end": {"17:30"}, "sessions.1.kind": {"practical"},
		"sessions.1.hours": {"4"}, "sessions.1.teacher_id": {itoa(k.practice)},
		"textbook": {itoa(k.book)},
	}
}

func TestFilingFromDraftToApproval(t *testing.T) {
	e := newEnv(t)
	k := e.classKit()
	school := e.login("school")
	// A partial draft saves.
	r := school.post("/classes", url.Values{"intent": {"save"}, "type": {"skill_level"}, "level": {"3"}, "venue": {"实训中心"},
		"start_date": {"2026-03-16"}})
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "/edit") {
		t.Fatalf("draft: %d %s", r.status, r.location)
	}
	edit := r.location
	page := school.get(edit)
	if !strings.Contains(page.text("deadline"), "2026-03-11") {
		t.Fatalf("deadline not shown: %q", page.text("deadline"))
	}
	classPath := strings.TrimSuffix(edit, "/edit")
	version := func() string {
		var v int
		if err := e.store.Pool().QueryRow(t.Context(), `SELECT version FROM classes WHERE id = $1`, strings.TrimPrefix(classPath, "/classes/")).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return itoa(int64(v))
	}
	// Submitting with problems lists every failure with its article and keeps what was typed.
	bad := k.form("submit")
	bad.Set("version", version())
	bad.Set("planned_size", "60")
	bad.Set("sessions.0.hours", "2")
	bad.Set("venue", "第二实训楼")
	r = school.post(edit, bad)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad submit: %d", r.status)
	}
	if !strings.Contains(r.text("err-planned_size"), "第七条") || !strings.Contains(r.text("err-theory_hours"), "不一致") {
		t.Fatalf("messages: %q / %q", r.text("err-planned_size"), r.text("err-theory_hours"))
	}
	if !strings.Contains(r.body, "第二实训楼") {
		t.Fatal("typed venue lost")
	}
	// Fixed: submitted.
	good := k.form("submit")
	good.Set("version", version())
	r = school.post(edit, good)
	if r.status != http.StatusSeeOther || r.location != classPath {
		t.Fatalf("submit: %d %s %s", r.status, r.location, r.text("form-errors"))
	}
	if st := school.get(classPath).text("class-status"); st != "已提交" {
		t.Fatalf("status %q", st)
	}
	// The bureau's queue shows it with its check; a return carries reasons.
	bureau := e.login("bureau")
	q := bureau.get("/review")
	if rows := q.texts("class-row"); len(rows) == 0 || !strings.Contains(rows[0], "2026-03-16") || !strings.Contains(q.texts("class-check")[0], "通过") {
		t.Fatalf("queue: the most urgent filing is not first: %q", rows)
	}
	r = bureau.post(classPath+"/return", url.Values{"version": {version()}, "reason": {""}})
	if r.status != http.StatusUnprocessableEntity || r.text("err-reason") == "" {
		t.Fatalf("return without reason: %d", r.status)
	}
	r = bureau.post(classPath+"/return", url.Values{"version": {version()}, "reason": {"请补充实操课时"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("return: %d", r.status)
	}
	if !strings.Contains(school.get(classPath).text("return-reason"), "请补充实操课时") {
		t.Fatal("institution does not see the return reasons")
	}
	// Resubmit from the filing page; two reviewers act on the same version: one wins.
	if r := school.post(classPath+"/submit", url.Values{"version": {version()}}); r.status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d %s", r.status, r.text("form-errors"))
	}
	v := version()
	if r := bureau.post(classPath+"/approve", url.Values{"version": {v}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.status, r.text("form-errors"))
	}
	bureau2 := e.login("bureau2")
	if r := bureau2.post(classPath+"/return", url.Values{"version": {v}, "reason": {"迟到"}}); r.status != http.StatusConflict {
		t.Fatalf("second reviewer: %d, want 409", r.status)
	}
	page = school.get(classPath)
	if page.text("class-status") != "已备案" || len(page.texts("version")) != 3 {
		t.Fatalf("approved page: %q, %d versions", page.text("class-status"), len(page.texts("version")))
	}
	// The plan is frozen: the edit route sends back to the page; a change request goes to the bureau.
	if r := school.get(classPath + "/edit"); r.status != http.StatusSeeOther {
		t.Fatalf("edit after approval: %d", r.status)
	}
	change := k.form("")
	change.Set("version", version())
	change.Set("venue", "新实训楼")
	if r := school.post(classPath+"/change", change); r.status != http.StatusUnprocessableEntity || r.text("err-change_reason") == "" {
		t.Fatalf("change without reason: %d", r.status)
	}
	change.Set("change_reason", "原场地维修")
	if r := school.post(classPath+"/change", change); r.status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", r.status, r.text("form-errors"))
	}
	diff := bureau.get(classPath).text("change-diff")
	if !strings.Contains(diff, "培训场地：实训中心") || !strings.Contains(diff, "培训场地：新实训楼") {
		t.Fatalf("before/after: %q", diff)
	}
	if r := bureau.post(classPath+"/change/approve", url.Values{"version": {version()}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve change: %d %s", r.status, r.text("form-errors"))
	}
	if !strings.Contains(school.get(classPath).text("plan"), "新实训楼") {
		t.Fatal("approved change not in force")
	}
}

func TestFilingAccess(t *testing.T) {
	e := newEnv(t)
	k := e.classKit()
	school := e.login("school")
	r := school.post("/classes", k.form("submit"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("create+submit: %d %s", r.status, r.text("form-errors"))
	}
	path := r.location
	if r := e.login("academy").get(path); r.status != http.StatusNotFound {
		t.Fatalf("another institution: %d", r.status)
	}
	if r := e.login("centre").get(path); r.status != http.StatusForbidden {
		t.Fatalf("centre: %d", r.status)
	}
	if r := e.login("bureau").post(path+"/submit", url.Values{"version": {"0"}}); r.status != http.StatusForbidden {
		t.Fatalf("bureau submits: %d", r.status)
	}
	if r := school.post(path+"/approve", url.Values{"version": {"0"}}); r.status != http.StatusForbidden {
		t.Fatalf("institution approves: %d", r.status)
	}
	if r := e.login("academy").post(path+"/withdraw", url.Values{"version": {"0"}}); r.status != http.StatusNotFound {
		t.Fatalf("another institution withdraws: %d", r.status)
	}
}

func TestApproveAfterStartRefusedOverHTTP(t *testing.T) {
	e := newEnv(t)
	k := e.classKit()
	r := e.login("school").post("/classes", k.form("submit"))
	path := r.location
	e.mu.Lock()
	e.now = time.Date(2026, 3, 16, 9, 0, 0, 0, e.now.Location())
	e.mu.Unlock()
	bureau := e.login("bureau")
	var v int
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT version FROM classes WHERE id = $1`, strings.TrimPrefix(path, "/classes/")).Scan(&v); err != nil {
		t.Fatal(err)
	}
	r = bureau.post(path+"/approve", url.Values{"version": {itoa(int64(v))}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("form-errors"), "第六条") {
		t.Fatalf("approve on the start date: %d %q", r.status, r.text("form-errors"))
	}
}
