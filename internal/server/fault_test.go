package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	inst := e.institutionID("杭州市临安区天目职业技能培训学校")
	var version int
	var status string
	if err := pool.QueryRow(bg, `SELECT version, status FROM institutions WHERE id = $1`, inst).Scan(&version, &status); err != nil {
		t.Fatal(err)
	}
	if status != "designated" {
		t.Fatalf("the demo school is %s, want designated", status)
	}
	cl.get("/institutions/" + itoa(inst)) // a page with a form: the CSRF token

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
	// A step posted while the database is down is refused with the 503
	// page, and is not half-done when the database returns (checked below).
	if r := cl.post("/institutions/"+itoa(inst)+"/suspend", url.Values{"version": {itoa(int64(version))}, "reason": {"断库测试"}}); r.status != http.StatusServiceUnavailable || !r.has("error-503") {
		t.Fatalf("step while down: %d, want the 503 page", r.status)
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
	t.Cleanup(func() {
		if err := c2.Stop(); err != nil {
			t.Error(err)
		}
	})
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
	var after int
	if err := pool.QueryRow(bg, `SELECT version, status FROM institutions WHERE id = $1`, inst).Scan(&after, &status); err != nil {
		t.Fatal(err)
	}
	if after != version || status != "designated" {
		t.Fatalf("the step posted while the database was down left version %d (was %d), status %s", after, version, status)
	}
	// The same step, now that the database is back, is taken: the one
	// posted while it was down was refused for the outage, not the form.
	if r := cl.post("/institutions/"+itoa(inst)+"/suspend", url.Values{"version": {itoa(int64(version))}, "reason": {"断库测试"}}); r.status != http.StatusSeeOther {
		t.Fatalf("the step after recovery: %d", r.status)
	}
}

// A transaction that fails part-way (here the audit row, the last write of
// a step) changes nothing: the institution keeps its status and version,
// no audit row is written, and the user reads the Chinese error page. The
// same step, once the fault is gone, is taken — so the refusal was the
// fault's, not the form's.
func TestFailedTransactionChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	inst := e.institutionID("杭州市临安区天目职业技能培训学校")
	o := walkObj{id: inst, table: "institutions"}
	cl := e.login("bureau")
	_, err := e.store.Pool().Exec(ctx, `
		CREATE FUNCTION fault_audit() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.action = 'institution.suspend' THEN RAISE EXCEPTION 'injected fault'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER fault_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fault_audit();`)
	if err != nil {
		t.Fatal(err)
	}
	before, audits := e.rowOf(o), e.count(`SELECT count(*) FROM audit_log`)
	form := url.Values{"version": {itoa(e.versionOf(o))}, "reason": {"故障测试"}}
	r := cl.post("/institutions/"+itoa(inst)+"/suspend", form)
	if r.status != http.StatusInternalServerError || !r.has("error-500") {
		t.Fatalf("a step whose audit row fails: %d, want the 500 page", r.status)
	}
	if m := englishRe.FindString(visibleText(r.body)); m != "" {
		t.Fatalf("the error page shows English: %q", m)
	}
	if after := e.rowOf(o); after != before {
		t.Fatalf("the failed step changed the institution:\n%s\n%s", before, after)
	}
	if n := e.count(`SELECT count(*) FROM audit_log`); n != audits {
		t.Fatalf("the failed step wrote %d audit rows", n-audits)
	}
	if _, err := e.store.Pool().Exec(ctx, `DROP TRIGGER fault_audit ON audit_log`); err != nil {
		t.Fatal(err)
	}
	if r := cl.post("/institutions/"+itoa(inst)+"/suspend", form); r.status != http.StatusSeeOther {
		t.Fatalf("the same step without the fault: %d", r.status)
	}
	if st := e.queryString(`SELECT status FROM institutions WHERE id = $1`, inst); st != "suspended" {
		t.Fatalf("after the step: %s", st)
	}
}
