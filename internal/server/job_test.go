package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// failedJob puts a job in the queue that failed for good, as River leaves
// one after its last attempt.
func (e *env) failedJob() int64 {
	e.t.Helper()
	return e.queryID(`INSERT INTO river_job (state, attempt, max_attempts, kind, args, queue, attempted_at, finalized_at, attempted_by, errors)
		VALUES ('discarded', 5, 5, 'session_purge', '{}', 'default', now(), now(), '{node-a}',
			ARRAY['{"error": "context deadline exceeded", "attempt": 5, "at": "2026-03-02T01:00:00Z"}'::jsonb]) RETURNING id`)
}

func TestJobQueuePageAndRetry(t *testing.T) {
	e := newEnv(t)
	id := e.failedJob()
	bureau := e.login("bureau")
	page := bureau.get("/jobs")
	if page.status != http.StatusOK || page.text("job-count-discarded") != "1失败" {
		t.Fatalf("queue page: %d %q", page.status, page.text("job-count-discarded"))
	}
	failed := page.text("jobs-failed")
	if !strings.Contains(failed, "执行超时，已中止") || !strings.Contains(failed, "清理过期会话") || !strings.Contains(failed, "node-a") ||
		strings.Contains(page.body, "deadline exceeded") {
		t.Fatalf("failed list: %s", failed)
	}
	if !strings.Contains(page.text("job-kinds"), "每天 01:30") {
		t.Fatalf("kinds: %s", page.text("job-kinds"))
	}
	res := bureau.post("/jobs/"+itoa(id)+"/retry", nil)
	if res.status != http.StatusSeeOther || res.location != "/jobs" {
		t.Fatalf("retry: %d %s", res.status, res.location)
	}
	var state string
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT state FROM river_job WHERE id = $1`, id).Scan(&state); err != nil || state != "available" {
		t.Fatalf("after retry: %s %v", state, err)
	}
	if n := e.queryID(`SELECT count(*) FROM audit_log WHERE action = 'job.retry' AND entity_id = $1`, id); n != 1 {
		t.Fatalf("audit rows: %d", n)
	}
	page = bureau.get("/jobs")
	if !page.has("jobs-failed-empty") || !strings.Contains(page.text("jobs-waiting"), itoa(id)) {
		t.Fatalf("after retry: failed %q waiting %q", page.text("jobs-failed"), page.text("jobs-waiting"))
	}
	// Again: the job is waiting, not failed.
	if res := bureau.post("/jobs/"+itoa(id)+"/retry", nil); res.status != http.StatusConflict {
		t.Fatalf("second retry: %d", res.status)
	}
	// Cross-site, without the token: refused, nothing changes.
	id2 := e.failedJob()
	if res := bureau.postRaw("/jobs/"+itoa(id2)+"/retry", nil, nil); res.status != http.StatusForbidden {
		t.Fatalf("retry without the CSRF token: %d", res.status)
	}
	if n := e.queryID(`SELECT count(*) FROM river_job WHERE id = $1 AND state = 'discarded'`, id2); n != 1 {
		t.Fatal("a refused retry changed the job")
	}
}
