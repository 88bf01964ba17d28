package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tianmu/internal/config"
	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/pgcluster"
	"tianmu/internal/repository"
	"tianmu/internal/server"
)

// The database goes away under a signed-in user: pages answer 503 quickly,
// and the portal recovers by itself when the database returns.
func TestDatabaseDownAndBack(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own cluster")
	}
	bg := context.Background()
	c := dbtest.TempCluster(t)
	if err := c.CreateDatabase(bg, "tianmu"); err != nil {
		t.Fatal(err)
	}
	pool, err := repository.Open(bg, c.URL("tianmu"), 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := repository.MigrateUp(bg, pool); err != nil {
		t.Fatal(err)
	}
	store := repository.New(pool, nil)
	if err := demo.Load(bg, store, fastHash); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(string) string { return "" })
	must(t, err)
	srv := server.New(store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{Hash: &fastHash})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{t: t, store: store, srv: srv, ts: ts}
	cl := e.login("bureau")
	if r := cl.get("/"); r.status != http.StatusOK {
		t.Fatalf("before: %d", r.status)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := cl.get("/")
	if r.status != http.StatusServiceUnavailable || !r.has("error-503") {
		t.Fatalf("database down: %d, want the 503 page", r.status)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("503 took %v", d)
	}
	if h := cl.get("/readyz"); h.status != http.StatusServiceUnavailable {
		t.Fatalf("readyz while down: %d", h.status)
	}
	if h := cl.get("/healthz"); h.status != http.StatusOK {
		t.Fatalf("healthz (the process is up) while the database is down: %d", h.status)
	}

	c2, err := pgcluster.Start(bg, c.Dir, pgcluster.Options{Fast: true, Port: c.Port})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c2.Stop() })
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := cl.get("/")
		if r.status == http.StatusOK {
			break // the same session works again: nothing was lost
		}
		if time.Now().After(deadline) {
			t.Fatalf("did not recover: %d", r.status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
