package server_test

import (
	"net/http"
	"strings"
	"testing"

	"tianmu/internal/repository"
)

// TestSessionList: the centre lists its organisation's exam sessions, newest
// exam day first, filters them by state, sorts them by number and exports
// what it sees; an institution is refused (its sessions are on its
// applications, unpublished ones the centre's alone).
func TestSessionList(t *testing.T) {
	e := newEnv(t)
	centre := e.login("centre")
	want := e.count(`SELECT count(*) FROM exam_sessions x JOIN exam_applications ap ON ap.id = x.application_id
		JOIN users u ON u.username = 'centre' WHERE ap.eval_org_id = coalesce(u.eval_org_id, (SELECT id FROM eval_orgs WHERE kind = 'centre'))`)
	if want == 0 {
		t.Fatal("the demo has no sessions of the centre")
	}
	r := centre.get("/exam-sessions")
	if r.status != http.StatusOK {
		t.Fatalf("list: %d", r.status)
	}
	if n := strings.Count(r.body, `data-testid="session-row"`); n != min(want, repository.PageSize) {
		t.Fatalf("%d rows, want the centre's %d sessions (a page of %d)", n, want, repository.PageSize)
	}
	// Newest exam day first: the first row is a session of the latest day.
	latest := e.queryString(`SELECT session_no FROM exam_sessions ORDER BY exam_date DESC, id DESC LIMIT 1`)
	if i, j := strings.Index(r.body, latest), strings.Index(r.body, `data-testid="session-row"`); i < 0 || i < j {
		t.Fatalf("the latest session %s is not first", latest)
	}
	published := e.count(`SELECT count(*) FROM exam_sessions WHERE status = 'published'`)
	r = centre.get("/exam-sessions?status=published")
	if n := strings.Count(r.body, `data-testid="session-row"`); r.status != http.StatusOK || n != min(published, repository.PageSize) ||
		strings.Count(r.body, `data-testid="session-list-status">成绩已公布`) != n {
		t.Fatalf("published filter: %d, %d rows, want %d", r.status, n, published)
	}
	// An unknown state is no filter, not an error; a NUL byte is refused at
	// the edge with a message, never a 500.
	if r := centre.get("/exam-sessions?status=bogus"); r.status != http.StatusOK ||
		strings.Count(r.body, `data-testid="session-row"`) != min(want, repository.PageSize) {
		t.Fatalf("unknown status: %d", r.status)
	}
	if r := centre.get("/exam-sessions?status=%00bogus"); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("NUL in the status: %d, want 422", r.status)
	}
	if r := centre.get("/exam-sessions?sort=no&desc=1"); r.status != http.StatusOK {
		t.Fatalf("sorted: %d", r.status)
	}
	x := centre.get("/exam-sessions.xlsx?status=published")
	if x.status != http.StatusOK || !strings.Contains(x.header.Get("Content-Disposition"), "exam-sessions.xlsx") {
		t.Fatalf("export: %d %q", x.status, x.header.Get("Content-Disposition"))
	}
	if r := e.login("school").get("/exam-sessions"); r.status != http.StatusForbidden {
		t.Fatalf("institution: %d, want 403", r.status)
	}
}
