package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/dbtest"
	"tianmu/internal/jobs"
	"tianmu/internal/pgcluster"
	"tianmu/internal/repository"
)

// A dump of a populated database restores into a new one, the portal
// starts on it, the audit chain verifies and every table has the same
// number of rows.
func TestBackupRestores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs pg_dump and pg_restore")
	}
	ctx := context.Background()
	src := dbtest.URL(t)
	envOf := func(url string) func(string) string {
		return func(k string) string {
			switch k {
			case "DATABASE_URL":
				return url
			case "TIANMU_ADDR":
				return "127.0.0.1:0"
			case "TIANMU_LOG_LEVEL":
				return "error"
			}
			return ""
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"demo"}, envOf(src), nil, &out); err != nil {
		t.Fatal(err)
	}
	// Something in the job queue and the staging tables too.
	pool, err := repository.Open(ctx, src, 2)
	if err != nil {
		t.Fatal(err)
	}
	store := repository.New(pool, nil)
	if _, err := jobs.NewInserter(store); err != nil {
		t.Fatal(err)
	}
	if _, err := store.PurgeSessions(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO river_job (kind, args, max_attempts) VALUES ('session_purge', '{}', 5)`); err != nil {
		t.Fatal(err)
	}
	before := tableCounts(t, pool)
	pool.Close()

	dir := t.TempDir()
	out.Reset()
	if err := run(ctx, []string{"backup", "-dir", dir}, envOf(src), nil, &out); err != nil {
		t.Fatal(err)
	}
	file := strings.Fields(out.String())[0]
	if st, err := os.Stat(file); err != nil || st.Size() < 10<<10 {
		t.Fatalf("dump %s: %v", file, err)
	}

	dst := newEmptyDatabase(t, src)
	if err := run(ctx, []string{"restore", "-file", file}, envOf(dst), nil, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"restore", "-file", file}, envOf(dst), nil, &out); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("restore over a database with tables: %v", err)
	}

	// The portal starts on the restored database (no demo data loaded
	// again: it has its users) and is ready.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var log syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(sctx, []string{"serve"}, envOf(dst), nil, &log) }()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		base = re.FindString(log.String())
	}
	if base == "" {
		t.Fatalf("serve on the restored database: %s", log.String())
	}
	res, err := http.Get(base + "readyz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("readyz on the restored database: %v %v", err, res)
	}
	res.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	rp, err := repository.Open(ctx, dst, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	brk, n, err := repository.New(rp, nil).VerifyAudit(ctx)
	if err != nil || brk != nil || n < 20 {
		t.Fatalf("audit chain of the restored database: %+v, %d rows, %v", brk, n, err)
	}
	after := tableCounts(t, rp)
	for table, c := range before {
		// Serving may add jobs and sessions: the rest must be equal.
		if table != "river_job" && table != "river_leader" && table != "sessions" && table != "river_queue" && after[table] != c {
			t.Errorf("%s: %d rows before, %d after the restore", table, c, after[table])
		}
	}
	if len(after) != len(before) || before["audit_log"] == 0 || before["river_job"] == 0 || after["river_job"] < before["river_job"] {
		t.Fatalf("tables before %v after %v", before, after)
	}
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func tableCounts(t *testing.T, db querier) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, name := range names {
		var n int64
		if err := db.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{name}.Sanitize()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

// newEmptyDatabase creates a database on the same server as url, dropped
// when the test ends.
func newEmptyDatabase(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	name := "restore_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), url)
		if err == nil {
			_, _ = c.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			c.Close(context.Background())
		}
	})
	return pgcluster.WithDatabase(url, name)
}
