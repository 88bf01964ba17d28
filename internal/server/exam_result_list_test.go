package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tianmu/internal/repository"
)

// TestResultList: the bureau lists every final result (sessions approved or
// published) with the total the kept counts give, filters by outcome,
// attempt, year and candidate number, and exports what it sees with ID
// numbers masked; an institution sees its own trainees' published results
// only; the centre its organisation's.
func TestResultList(t *testing.T) {
	e := newEnv(t)
	bureau := e.login("bureau")
	final := `FROM exam_entries en JOIN exam_sessions x ON x.id = en.session_id WHERE x.status IN ('approved', 'published')`
	want := e.count(`SELECT count(*) ` + final)
	if want == 0 {
		t.Fatal("the demo has no final results")
	}
	r := bureau.get("/exam-results")
	if r.status != http.StatusOK {
		t.Fatalf("list: %d", r.status)
	}
	if n := strings.Count(r.body, `data-testid="result-row"`); n != min(want, repository.PageSize) ||
		!strings.Contains(r.body, "共 "+strconv.Itoa(want)+" 条考核结果") {
		t.Fatalf("%d rows, want a page of the %d results and their total", n, want)
	}
	if fullIDNumber.MatchString(r.body) {
		t.Fatal("an ID number in full on the results list")
	}
	// The newest exam day first.
	latest := e.queryString(`SELECT en.candidate_no ` + final + ` ORDER BY x.exam_date DESC, x.id DESC, en.seq LIMIT 1`)
	if i, j := strings.Index(r.body, latest), strings.Index(r.body, `data-testid="result-row"`); i < 0 || i < j {
		t.Fatalf("the latest result %s is not first", latest)
	}
	// The demo's final results are all passes: one becomes a failure (as
	// a confirmed correction would make it; the kept counts follow by
	// trigger) so that the filter has something to find and to leave out.
	if _, err := e.store.Pool().Exec(t.Context(), `UPDATE exam_entries SET outcome = 'fail' WHERE id = (SELECT en.id `+final+`
		AND en.outcome = 'pass' AND x.eval_org_id = (SELECT id FROM eval_orgs WHERE kind = 'centre') ORDER BY en.id LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	failed := e.count(`SELECT count(*) ` + final + ` AND en.outcome = 'fail'`)
	if failed == 0 || failed == want {
		t.Fatalf("%d of %d results failed: the filter shows nothing", failed, want)
	}
	r = bureau.get("/exam-results?outcome=fail")
	if n := strings.Count(r.body, `data-testid="result-row"`); r.status != http.StatusOK || n != min(failed, repository.PageSize) ||
		strings.Count(r.body, `data-testid="result-outcome">不合格`) != n || !strings.Contains(r.body, "共 "+strconv.Itoa(failed)+" 条") {
		t.Fatalf("fail filter: %d, %d rows, want %d", r.status, n, failed)
	}
	retakes := e.count(`SELECT count(*) ` + final + ` AND x.retake`)
	if r := bureau.get("/exam-results?attempt=retake"); !strings.Contains(r.body, "共 "+strconv.Itoa(retakes)+" 条") {
		t.Fatalf("retake filter: want %d", retakes)
	}
	year := e.queryString(`SELECT extract(year FROM min(x.exam_date))::text ` + final)
	inYear := e.count(`SELECT count(*) ` + final + ` AND extract(year FROM x.exam_date) = ` + year)
	if r := bureau.get("/exam-results?year=" + year); !strings.Contains(r.body, "共 "+strconv.Itoa(inYear)+" 条") {
		t.Fatalf("year %s: want %d", year, inYear)
	}
	// One candidate number: its one row.
	if r := bureau.get("/exam-results?no=" + latest); strings.Count(r.body, `data-testid="result-row"`) != 1 || !strings.Contains(r.body, "共 1 条") {
		t.Fatalf("candidate %s: %d rows", latest, strings.Count(r.body, `data-testid="result-row"`))
	}
	// Unknown values are no filter; a NUL byte is refused at the edge.
	if r := bureau.get("/exam-results?outcome=bogus&year=x&attempt=y&sort=z"); r.status != http.StatusOK ||
		!strings.Contains(r.body, "共 "+strconv.Itoa(want)+" 条") {
		t.Fatalf("unknown filters: %d", r.status)
	}
	if r := bureau.get("/exam-results?no=%00x"); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("NUL: %d, want 422", r.status)
	}
	if r := bureau.get("/exam-results?inst=" + strings.Repeat("机", 5000)); r.status != http.StatusOK {
		t.Fatalf("a long institution: %d", r.status)
	}
	// The export: every matching row, in the page's order, masked.
	_, rows := exportRows(t, bureau, "/exam-results?outcome=fail&sort=no", "考核结果", "outcome=fail", "sort=no")
	if len(rows) != failed {
		t.Fatalf("export: %d rows, want %d", len(rows), failed)
	}
	for i, x := range rows {
		if x[14] != "不合格" || fullIDNumber.MatchString(strings.Join(x, " ")) || (i > 0 && rows[i-1][0] > x[0]) {
			t.Fatalf("export row %d %q", i, x)
		}
	}

	// The institution: its own trainees' published results, no other's.
	own := e.count(`SELECT count(*) FROM exam_entries en JOIN exam_sessions x ON x.id = en.session_id
		JOIN users u ON u.username = 'school' WHERE x.status = 'published' AND x.institution_id = u.institution_id`)
	school := e.login("school")
	r = school.get("/exam-results?status=approved")
	if r.status != http.StatusOK || !strings.Contains(r.body, "共 "+strconv.Itoa(own)+" 条") ||
		strings.Count(r.body, `data-testid="result-row"`) != min(own, repository.PageSize) {
		t.Fatalf("school: %d, want its %d published results", r.status, own)
	}
	_, rows = exportRows(t, school, "/exam-results", "考核结果")
	if len(rows) != own {
		t.Fatalf("school's export: %d rows, want %d", len(rows), own)
	}
	for _, x := range rows {
		if x[8] != e.queryString(`SELECT i.name FROM institutions i JOIN users u ON u.institution_id = i.id WHERE u.username = 'school'`) {
			t.Fatalf("school's export holds %q", x)
		}
	}

	// The centre: its organisation's sessions.
	mine := e.count(`SELECT count(*) ` + final + ` AND x.eval_org_id = coalesce((SELECT eval_org_id FROM users WHERE username = 'centre'),
		(SELECT id FROM eval_orgs WHERE kind = 'centre'))`)
	if r := e.login("centre").get("/exam-results"); r.status != http.StatusOK || !strings.Contains(r.body, "共 "+strconv.Itoa(mine)+" 条") {
		t.Fatalf("centre: %d, want %d", r.status, mine)
	}
}
