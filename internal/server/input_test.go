package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Bad text (a NUL byte, invalid UTF-8) in any field or query parameter,
// signed in or not, is refused at the form edge with a Chinese message
// beside the field's label and 422 (or 404 in a path), never a 500, and
// nothing is written.
func TestBadTextRefusedAtTheFormEdge(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	bureau := e.login("bureau")
	school := e.login("school")
	countClasses := func() int {
		var n int
		if err := e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM classes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := countClasses()
	for _, bad := range []string{"a\x00b", "\xff\xfe", "培训\xe5", "\xed\xa0\x80"} {
		for _, tc := range []struct {
			name  string
			c     *client
			path  string
			form  url.Values // nil: a GET
			field string
		}{
			{"sign-in", anon, "/login", url.Values{"username": {bad}, "password": {"x"}}, "username"},
			{"results lookup", anon, "/results", url.Values{"name": {bad}, "id_number": {"330185199001011234"}}, "name"},
			{"certificate check", anon, "/verify", url.Values{"cert_no": {"1"}, "name": {bad}}, "name"},
			{"public page query", anon, "/results?name=" + url.QueryEscape(bad), nil, "name"},
			{"class list filter", bureau, "/classes?inst=" + url.QueryEscape(bad), nil, "inst"},
			{"teacher list filter", bureau, "/teachers?q=" + url.QueryEscape(bad) + "&status=x", nil, "q"},
			{"filter name itself", bureau, "/classes?" + url.QueryEscape(bad) + "=1", nil, "?"},
			{"class filing", school, "/classes", url.Values{"venue": {bad}, "content": {"x"}}, "venue"},
			{"filing row", school, "/classes", url.Values{"sessions.0.date": {bad}}, "sessions.0.date"},
			{"password change", school, "/password", url.Values{"current": {bad}}, "current"},
		} {
			var res response
			if tc.form == nil {
				res = tc.c.get(tc.path)
			} else {
				res = tc.c.post(tc.path, tc.form)
			}
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.text("err-"+tc.field), "无效的文字编码") {
				t.Fatalf("%s %q: %d %q", tc.name, bad, res.status, res.text("field-errors"))
			}
		}
		// A path with bad text names no page.
		if res := anon.get("/verify/" + url.PathEscape(bad)); res.status != http.StatusNotFound {
			t.Fatalf("verify code %q: %d", bad, res.status)
		}
	}
	if after := countClasses(); after != before {
		t.Fatalf("classes %d → %d: a refused filing was saved", before, after)
	}
	// The same forms with clean text are not refused by the edge.
	if res := anon.post("/results", url.Values{"name": {"张三"}, "id_number": {"330185199001011234"}}); res.status == http.StatusUnprocessableEntity && res.has("field-errors") {
		t.Fatalf("clean lookup refused: %q", res.text("field-errors"))
	}
	if res := bureau.get("/classes?inst=" + url.QueryEscape("临安")); res.status != http.StatusOK {
		t.Fatalf("clean filter: %d", res.status)
	}
}

// The 422 page leads back to the page the form was on.
func TestBadTextPageLeadsBack(t *testing.T) {
	e := newEnv(t)
	bureau := e.login("bureau")
	req, err := http.NewRequest(http.MethodGet, e.ts.URL+"/classes?inst=%00", nil)
	must(t, err)
	req.Header.Set("Referer", e.ts.URL+"/classes?status=submitted")
	res := bureau.do(req)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `href="/classes?status=submitted"`) {
		t.Fatalf("%d: no way back", res.status)
	}
	req.Header.Set("Referer", "https://elsewhere.example/x")
	if res := bureau.do(req); strings.Contains(res.body, "elsewhere") {
		t.Fatal("a link back to another site")
	}
}

// Every save checks the length of free text, drafts included, with the
// database's limits: a draft with a 100 kB venue or a 5001-character
// syllabus is refused with the field's message (it used to be stored).
func TestDraftTextLimits(t *testing.T) {
	e := newEnv(t)
	school := e.login("school")
	var before int
	must(t, e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM classes`).Scan(&before))
	for _, tc := range []struct{ field, value, msg string }{
		{"venue", strings.Repeat("场", 100_000/3), "培训场地不能超过200个字"},
		{"venue", strings.Repeat("场", 201), "培训场地不能超过200个字"},
		{"content", strings.Repeat("纲", 5001), "培训内容（教学大纲）不能超过5000个字"},
	} {
		res := school.post("/classes", url.Values{tc.field: {tc.value}, "intent": {"save"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.text("err-"+tc.field), tc.msg) {
			t.Fatalf("%s of %d characters: %d %q", tc.field, len([]rune(tc.value)), res.status, res.text("err-"+tc.field))
		}
	}
	var after int
	must(t, e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM classes`).Scan(&after))
	if after != before {
		t.Fatalf("classes %d → %d: an over-long draft was stored", before, after)
	}
	// At the limit, the draft is kept.
	res := school.post("/classes", url.Values{"venue": {strings.Repeat("场", 200)}, "intent": {"save"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("a 200-character venue: %d %q", res.status, res.text("form-errors"))
	}
}
