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
