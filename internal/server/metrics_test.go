package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tianmu/internal/config"
	"tianmu/internal/repository"
	"tianmu/internal/server"
)

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	if r := c.post("/login", url.Values{"username": {"bureau"}, "password": {"wrong-password-1"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad sign-in: %d", r.status)
	}
	e.login("school").get("/classes/999999")
	m := c.get("/metrics")
	if m.status != http.StatusOK {
		t.Fatalf("metrics from loopback: %d", m.status)
	}
	for _, want := range []string{
		`tianmu_http_request_duration_seconds_count{method="GET",route="/classes/{id}",status="404"} 1`,
		`tianmu_http_request_duration_seconds_count{method="POST",route="/login",status="422"} 1`,
		`tianmu_signin_refusals_total{status="422"} 1`,
		`tianmu_db_pool_max_conns 20`,
		`tianmu_db_pool_acquired_conns`,
		`go_goroutines`,
	} {
		if !strings.Contains(m.body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Only route patterns are labels: the raw path must not appear in any
	// label (a sample value may well contain the digits, e.g. 1.0999999e-05).
	if strings.Contains(m.body, `"/classes/999999"`) {
		t.Error("a raw path is a label")
	}
	e.failedJob()
	if m := c.get("/metrics"); !strings.Contains(m.body, `tianmu_jobs_queue_depth{queue="default",state="discarded"} 1`) {
		t.Errorf("queue depth missing:\n%s", grep(m.body, "queue_depth"))
	}
	// Through a proxy (even one on loopback), or from elsewhere: refused.
	if r := c.do(withHeader(e.ts.URL+"/metrics", "X-Forwarded-For", "203.0.113.9")); r.status != http.StatusForbidden {
		t.Fatalf("metrics through a proxy: %d", r.status)
	}
	cfg, err := config.Load(func(k string) string {
		if k == "TIANMU_METRICS_ALLOW" {
			return "10.0.0.0/8"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(e.store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{Hash: &fastHash})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	res, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("metrics from an address not allowed: %d", res.StatusCode)
	}
}

func withHeader(u, k, v string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set(k, v)
	return req
}

func grep(body, s string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestReadyzAndDrain(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	if r := c.get("/readyz"); r.status != http.StatusOK || strings.TrimSpace(r.body) != "ready" {
		t.Fatalf("readyz: %d %q", r.status, r.body)
	}
	// A database behind this binary's migrations is not ready.
	if _, err := e.store.Pool().Exec(context.Background(), `DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	if r := c.get("/readyz"); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "migrations pending") {
		t.Fatalf("readyz with a migration missing: %d %q", r.status, r.body)
	}
	e.srv.Drain()
	if r := c.get("/readyz"); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "draining") {
		t.Fatalf("readyz while draining: %d %q", r.status, r.body)
	}
	if r := c.get("/healthz"); r.status != http.StatusOK {
		t.Fatalf("healthz while draining: %d", r.status)
	}
	// Pages are still served while draining: requests in flight finish.
	if r := e.login("bureau").get("/"); r.status != http.StatusOK {
		t.Fatalf("a page while draining: %d", r.status)
	}
}

// The bureau's home reads INST-4 and its warning from what the nightly
// job stored: nothing before it runs; the academy (no class started)
// warned ten days before six months from its designation, flagged ten
// days after.
func TestBureauHomeReadsStoredActivity(t *testing.T) {
	e := newEnv(t)
	bureau := e.login("bureau")
	var decided time.Time
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT decision_date FROM institutions WHERE name = '临安锦城家政服务培训中心'`).Scan(&decided); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, repository.Shanghai)
	}
	if p := bureau.get("/"); p.has("inactive-flag") || p.has("inactive-soon") {
		t.Fatal("flags before the job ran")
	}
	e.setNow(at(decided.AddDate(0, 6, -10)))
	if _, err := e.store.RecomputeActivity(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := bureau.get("/"); p.has("inactive-flag") || !strings.Contains(p.text("inactive-soon"), "有 1 家") {
		t.Fatalf("a month before: %q %q", p.text("inactive-flag"), p.text("inactive-soon"))
	}
	e.setNow(at(decided.AddDate(0, 6, 10)))
	if _, err := e.store.RecomputeActivity(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := bureau.get("/"); !strings.Contains(p.text("inactive-flag"), "有 1 家") || p.has("inactive-soon") {
		t.Fatalf("after six months: %q %q", p.text("inactive-flag"), p.text("inactive-soon"))
	}
}
