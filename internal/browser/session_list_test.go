package browser_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCentreFindsSessionsByState: from the application queue to the list of
// exam sessions, filtered to those awaiting publication, at 1024 px; the
// export link carries the filter.
func TestCentreFindsSessionsByState(t *testing.T) {
	e := newEnv(t)
	e.do("viewport", chromedp.EmulateViewport(1024, 900))
	e.login("centre")
	e.visit("/assessments")
	e.click(tid("session-list-link"))
	if n := e.count(tid("session-row")); n == 0 {
		t.Fatalf("no sessions listed: %s", e.text(chromedp.CSS("main")))
	}
	e.choose(field("status"), "成绩已公布")
	e.click(chromedp.CSS(`form.filters button[type="submit"]`))
	if loc := e.location(); !strings.Contains(loc, "status=published") {
		t.Fatalf("after filtering: %s", loc)
	}
	for _, st := range e.texts(`[data-testid="session-list-status"]`) {
		if st != "成绩已公布" {
			t.Fatalf("a %q session under 成绩已公布", st)
		}
	}
	href := run(e, "export link", chromedp.Evaluate[string](`(document.querySelector('[data-testid="list-export"]') || {}).href || ""`))
	if !strings.Contains(href, "/exam-sessions.xlsx") || !strings.Contains(href, "status=published") {
		t.Fatalf("export link %q", href)
	}
	e.shot("sessions-published-1024")
}

// TestResultsListByRole: the centre goes from the application queue to the
// results list and narrows it to failures (every row 不合格, the export
// link carrying the filter); the institution finds its own trainees'
// published results the same way, without the institution column.
func TestResultsListByRole(t *testing.T) {
	e := newEnv(t)
	e.do("viewport", chromedp.EmulateViewport(1024, 900))
	e.login("centre")
	e.visit("/assessments")
	e.click(tid("result-list-link"))
	if n := e.count(tid("result-row")); n == 0 {
		t.Fatalf("no results listed: %s", e.text(chromedp.CSS("main")))
	}
	// The demo's results are all passes: one of the centre's becomes a
	// failure (as a confirmed correction would make it).
	if _, err := e.store.Pool().Exec(t.Context(), `UPDATE exam_entries SET outcome = 'fail' WHERE id = (SELECT en.id FROM exam_entries en
		JOIN exam_sessions x ON x.id = en.session_id WHERE x.status = 'published' AND en.outcome = 'pass'
		AND x.eval_org_id = (SELECT id FROM eval_orgs WHERE kind = 'centre') ORDER BY en.id LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	e.choose(field("outcome"), "不合格")
	e.click(chromedp.CSS(`form.filters button[type="submit"]`))
	if loc := e.location(); !strings.Contains(loc, "outcome=fail") {
		t.Fatalf("after filtering: %s", loc)
	}
	outcomes := e.texts(`[data-testid="result-outcome"]`)
	if len(outcomes) != 1 {
		t.Fatalf("%d failures listed, want the one", len(outcomes))
	}
	for _, o := range outcomes {
		if o != "不合格" {
			t.Fatalf("a %q result under 不合格", o)
		}
	}
	href := run(e, "export link", chromedp.Evaluate[string](`(document.querySelector('[data-testid="list-export"]') || {}).href || ""`))
	if !strings.Contains(href, "/exam-results.xlsx") || !strings.Contains(href, "outcome=fail") {
		t.Fatalf("export link %q", href)
	}
	e.shot("results-failed-1024")

	e.click(tid("logout"))
	e.login("school")
	e.visit("/assessments")
	e.click(tid("result-list-link"))
	if n := e.count(tid("result-row")); n == 0 {
		t.Fatalf("the school sees none of its results: %s", e.text(chromedp.CSS("main")))
	}
	if heads := strings.Join(e.texts("table thead th"), " "); strings.Contains(heads, "机构") {
		t.Fatalf("the institution's list has an institution column: %s", heads)
	}
	e.shot("results-institution-1024")
}
