package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"tianmu/internal/training"
)

// validID builds a resident ID number from a 17-digit prefix.
func validID(prefix string) string { return prefix + string(training.IDCheckChar(prefix)) }

// postFile sends a multipart form with one file, as a browser would.
func (c *client) postFile(path string, fields map[string]string, filename string, data []byte) response {
	c.e.t.Helper()
	c.fetchCSRF()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	t := c.e.t
	must(t, mw.WriteField("csrf_token", c.csrf))
	for k, v := range fields {
		must(t, mw.WriteField(k, v))
	}
	if filename != "" {
		w, err := mw.CreateFormFile("file", filename)
		must(t, err)
		must(t, errOf(w.Write(data)))
	}
	must(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.e.ts.URL+path, &body)
	must(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func (e *env) occupationID(code string) int64 {
	e.t.Helper()
	var id int64
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT id FROM occupations WHERE code = $1`, code).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) teacherVersion(id int64) string {
	e.t.Helper()
	var v int64
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT version FROM teachers WHERE id = $1`, id).Scan(&v); err != nil {
		e.t.Fatal(err)
	}
	return itoa(v)
}

func idFromLocation(t *testing.T, loc, prefix string) string {
	t.Helper()
	id, ok := strings.CutPrefix(loc, prefix)
	if !ok || id == "" {
		t.Fatalf("redirect to %q, want %s{id}", loc, prefix)
	}
	return id
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

func TestTeacherProposeApproveEligibility(t *testing.T) {
	e := newEnv(t)
	cook := itoa(e.occupationID("4-03-02-01"))
	school := e.login("school")
	idn := validID("33018519800101123")

	// Bad input: messages beside the fields, nothing saved.
	bad := school.post("/teachers", url.Values{"name": {"张师傅"}, "id_number": {idn[:17] + map[bool]string{true: "1", false: "0"}[idn[17] == '0']}, "phone": {"1380000"}, "education": {"2"}, "title": {"0"}})
	if bad.status != http.StatusUnprocessableEntity || !bad.has("err-id_number") || !bad.has("err-phone") {
		t.Fatalf("bad ID: %d %q", bad.status, bad.text("err-id_number"))
	}
	if !strings.Contains(bad.body, `value="张师傅"`) {
		t.Error("typed name not kept")
	}
	feb30 := validID("33018519800230123")
	if r := school.post("/teachers", url.Values{"name": {"张师傅"}, "id_number": {feb30}, "phone": {"13800001111"}, "education": {"2"}, "title": {"0"}}); !strings.Contains(r.text("err-id_number"), "出生日期不存在") {
		t.Fatalf("impossible birth date: %d %q", r.status, r.text("err-id_number"))
	}

	r := school.post("/teachers", url.Values{"name": {"张师傅"}, "id_number": {idn}, "phone": {"13800001111"}, "education": {"2"}, "title": {"0"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", r.status, r.text("form-errors"))
	}
	tid := idFromLocation(t, r.location, "/teachers/")
	page := school.get("/teachers/" + tid)
	if page.text("teacher-id-number") != idn || page.text("teacher-phone") != "13800001111" {
		t.Fatalf("detail: %q %q", page.text("teacher-id-number"), page.text("teacher-phone"))
	}

	// Certificates: impossible date, a level the occupation lacks, then good.
	v := e.teacherVersion(mustID(tid))
	r = school.post("/teachers/"+tid+"/certificates", url.Values{"version": {v}, "occupation_id": {cook}, "level": {"2"}, "number": {"1433000000301234"}, "issue_date": {"2021-02-30"}, "issuer": {"杭州市人社局"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-issue_date"), "日期不存在") {
		t.Fatalf("bad date: %d %q", r.status, r.text("err-issue_date"))
	}
	nanny := itoa(e.occupationID("4-10-01-02"))
	r = school.post("/teachers/"+tid+"/certificates", url.Values{"version": {v}, "occupation_id": {nanny}, "level": {"1"}, "number": {"X1"}, "issue_date": {"2020-01-01"}, "issuer": {"杭州市人社局"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-level"), "育婴员没有") {
		t.Fatalf("level the occupation lacks: %d %q", r.status, r.text("err-level"))
	}
	r = school.post("/teachers/"+tid+"/certificates", url.Values{"version": {v}, "occupation_id": {cook}, "level": {"2"}, "number": {"1433000000301234"}, "issue_date": {"2019-06-30"}, "issuer": {"杭州市人社局"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("certificate: %d %s", r.status, r.text("form-errors"))
	}
	v = e.teacherVersion(mustID(tid))
	r = school.post("/teachers/"+tid+"/certificates", url.Values{"version": {v}, "occupation_id": {cook}, "level": {"2"}, "number": {"1433000000301234"}, "issue_date": {"2019-06-30"}, "issuer": {"杭州市人社局"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-number"), "已登记") {
		t.Fatalf("duplicate certificate: %d %q", r.status, r.text("err-number"))
	}

	if r := school.post("/teachers/"+tid+"/submit", url.Values{"version": {v}}); r.status != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.status)
	}
	bureau := e.login("bureau")
	if r := bureau.post("/teachers/"+tid+"/approve", url.Values{"version": {e.teacherVersion(mustID(tid))}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	page = bureau.get("/teachers/" + tid)
	if page.text("teacher-status") != "已入库" {
		t.Fatalf("status %q", page.text("teacher-status"))
	}
	// 高中, no title, 技师 中式烹调师: practical yes at both bands, theory no.
	want := map[string]string{"basic-theory": "不可以", "basic-practical": "可以", "advanced-theory": "不可以", "advanced-practical": "可以"}
	for cell, w := range want {
		got := page.text("elig-" + cook + "-" + cell)
		if !strings.HasPrefix(got, w) || (w == "可以" && strings.HasPrefix(got, "不可以")) {
			t.Errorf("eligibility %s = %q, want %s", cell, got, w)
		}
	}
	if !strings.Contains(page.text("elig-"+cook+"-basic-theory"), "第五条（一）") {
		t.Errorf("reason without article: %q", page.text("elig-"+cook+"-basic-theory"))
	}

	// Who may teach practical 中式烹调师 at 三级?
	// The new teacher and the demo pool's 技师 王建华, nobody else.
	ans := bureau.get("/teachers/eligible?occupation=" + cook + "&level=3&role=practical")
	if rows := ans.text("eligible-row"); ans.status != http.StatusOK || len(ans.texts("eligible-row")) != 2 ||
		!strings.Contains(rows, "张师傅") || !strings.Contains(rows, "王建华") {
		t.Fatalf("eligible: %d %q", ans.status, ans.texts("eligible-row"))
	}
	if strings.Contains(ans.body, idn) {
		t.Error("full ID number in the eligible list")
	}
	// Lists mask ID numbers and phones.
	list := bureau.get("/teachers")
	if strings.Contains(list.body, idn) || strings.Contains(list.body, "13800001111") || !strings.Contains(list.text("teacher-id-masked"), "330185********") {
		t.Fatalf("list not masked: %q", list.text("teacher-table"))
	}
	// Each detail view was audited.
	var n int
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'teacher.view_pii' AND entity_id = $1`, mustID(tid)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("view_pii rows %d", n)
	}
}

func mustID(s string) int64 {
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}

func TestTeacherLinkExisting(t *testing.T) {
	e := newEnv(t)
	idn := validID("33018519800101123")
	school := e.login("school")
	r := school.post("/teachers", url.Values{"name": {"张师傅"}, "id_number": {idn}, "phone": {"13800001111"}, "education": {"3"}, "title": {"2"}})
	tid := idFromLocation(t, r.location, "/teachers/")
	academy := e.login("academy")
	if r := academy.get("/teachers/" + tid); r.status != http.StatusNotFound {
		t.Fatalf("unlinked institution sees teacher: %d", r.status)
	}
	r = academy.post("/teachers", url.Values{"name": {"张师傅"}, "id_number": {idn}, "phone": {"13900002222"}, "education": {"3"}, "title": {"2"}})
	if r.status != http.StatusSeeOther || r.location != "/teachers/"+tid {
		t.Fatalf("link: %d %s", r.status, r.location)
	}
	if p := academy.get(r.location); !strings.Contains(p.text("flash"), "已关联") || p.text("teacher-phone") != "13800001111" {
		t.Fatalf("linked page: %q %q", p.text("flash"), p.text("teacher-phone"))
	}
}

func TestTeacherUploads(t *testing.T) {
	// Uploads spill to temporary files: none may stay behind.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Cleanup(func() {
		left, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range left {
			t.Errorf("temporary file left behind: %s", f.Name())
		}
	})
	e := newEnv(t)
	school := e.login("school")
	r := school.post("/teachers", url.Values{"name": {"张师傅"}, "id_number": {validID("33018519800101123")}, "phone": {"13800001111"}, "education": {"3"}, "title": {"2"}})
	tid := idFromLocation(t, r.location, "/teachers/")
	school.get("/teachers/" + tid)

	r = school.postFile("/teachers/"+tid+"/files", nil, "职称证书.pdf", pdfBytes)
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload pdf: %d %s", r.status, r.text("form-errors"))
	}
	// Wrong type by content, even with a .pdf name.
	r = school.postFile("/teachers/"+tid+"/files", nil, "fake.pdf", []byte("<html><script>alert(1)</script></html>"))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-file"), "PDF") {
		t.Fatalf("html upload: %d %q", r.status, r.text("err-file"))
	}
	// A file just over 5 MB: 422 on the form; a much bigger body: 413.
	big := append(append([]byte{}, pdfBytes...), make([]byte, 5<<20)...)
	r = school.postFile("/teachers/"+tid+"/files", nil, "big.pdf", big)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-file"), "过大") {
		t.Fatalf("5 MB+ upload: %d %q", r.status, r.text("err-file"))
	}
	huge := append(append([]byte{}, pdfBytes...), make([]byte, 8<<20)...)
	r = school.postFile("/teachers/"+tid+"/files", nil, "huge.pdf", huge)
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.text("error-413"), "上传的扫描件不能超过5 MB") {
		t.Fatalf("huge upload: %d %q", r.status, r.text("error-413"))
	}
	// A plain form instead of multipart: asked for a file, not a 500.
	if r := school.post("/teachers/"+tid+"/files", url.Values{}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-file"), "请选择") {
		t.Fatalf("urlencoded upload: %d %q", r.status, r.text("err-file"))
	}
	// Ordinary forms keep their 1 MB limit.
	if r := school.post("/teachers/"+tid+"/edit", url.Values{"name": {strings.Repeat("x", 2<<20)}}); r.status != http.StatusRequestEntityTooLarge ||
		!strings.Contains(r.text("error-413"), "表单内容不能超过1 MB") || strings.Contains(r.text("error-413"), "5 MB") {
		t.Fatalf("2 MB form: %d %q", r.status, r.text("error-413"))
	}
	// So does the public sign-in form, for a visitor without a session.
	if r := e.client().post("/login", url.Values{"username": {strings.Repeat("x", 2<<20)}}); r.status != http.StatusRequestEntityTooLarge ||
		!strings.Contains(r.text("error-413"), "表单内容不能超过1 MB") {
		t.Fatalf("2 MB sign-in form: %d %q", r.status, r.text("error-413"))
	}
	var fid int64
	var n int
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT max(id), count(*) FROM teacher_files`).Scan(&fid, &n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("files stored: %d", n)
	}
	path := "/teachers/" + tid + "/files/" + itoa(fid)
	bureau := e.login("bureau")
	d := bureau.get(path)
	if d.status != http.StatusOK || d.body != string(pdfBytes) || d.header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(d.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %q %q", d.status, d.header.Get("Content-Type"), d.header.Get("Content-Disposition"))
	}
	if r := e.login("academy").get(path); r.status != http.StatusNotFound {
		t.Fatalf("other institution download: %d", r.status)
	}
}

func TestTextbookCatalogue(t *testing.T) {
	e := newEnv(t)
	cook := itoa(e.occupationID("4-03-02-01"))
	school := e.login("school")
	isbn := "978751671234"
	isbn += string(training.ISBNCheckDigit(isbn))
	bad := school.post("/textbooks", url.Values{"title": {"中式烹调师（高级）"}, "isbn": {isbn[:12] + "0"}, "publisher": {"中国劳动社会保障出版社"}, "use_occ_0": {cook}, "use_level_0": {"3"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.text("err-isbn"), "校验位") {
		t.Fatalf("bad ISBN: %d %q", bad.status, bad.text("err-isbn"))
	}
	r := school.post("/textbooks", url.Values{"title": {"中式烹调师（高级）"}, "isbn": {"978-" + isbn[3:]}, "publisher": {"中国劳动社会保障出版社"},
		"use_occ_0": {cook}, "use_level_0": {"3"}, "status": {"designated"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", r.status, r.text("form-errors"))
	}
	bid := idFromLocation(t, r.location, "/textbooks/")
	if p := school.get(r.location); p.text("textbook-status") != "待核准" {
		t.Fatalf("proposal status %q (institution must not set it)", p.text("textbook-status"))
	}
	// Another institution and the centre do not see a proposal.
	if r := e.login("academy").get("/textbooks/" + bid); r.status != http.StatusNotFound {
		t.Fatalf("academy sees proposal: %d", r.status)
	}
	bureau := e.login("bureau")
	bureau.get("/textbooks/" + bid)
	if r := bureau.post("/textbooks/"+bid+"/approve", url.Values{"version": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.status)
	}
	if r := bureau.post("/textbooks/"+bid+"/withdraw", url.Values{"version": {"2"}}); r.status != http.StatusUnprocessableEntity || !r.has("err-reason") {
		t.Fatalf("withdraw without reason: %d", r.status)
	}
	centre := e.login("centre")
	if p := centre.get("/textbooks"); p.status != http.StatusOK || !strings.Contains(p.text("textbook-table"), "中式烹调师（高级）") {
		t.Fatalf("centre catalogue: %d", p.status)
	}
	if r := centre.get("/textbooks/new"); r.status != http.StatusForbidden {
		t.Fatalf("centre new textbook: %d", r.status)
	}
	// Bureau-compiled material with an internal code.
	r = bureau.post("/textbooks", url.Values{"title": {"临安特色小吃制作"}, "internal_code": {"LA-JC-2026-01"}, "publisher": {"临安区人力社保局"},
		"status": {"designated"}, "use_occ_0": {cook}, "use_level_0": {"0"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("bureau textbook: %d %s", r.status, r.text("form-errors"))
	}
}
