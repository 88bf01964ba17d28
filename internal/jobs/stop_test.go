package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/jobs"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
)

// A node that stops while a validation runs and cannot wait for it hands
// it back: the job goes back to the queue and another node finishes it.
func TestStopHandsRunningJobBack(t *testing.T) {
	if testing.Short() {
		t.Skip("validates a 10,000-row file")
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	clock := func() time.Time { return now }
	pool := dbtest.PoolWith(t, "demo", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, clock), password.Params{Memory: 64, Time: 1, Threads: 1})
	})
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	newRunner := func(node string) (*jobs.Runner, *repository.Store) {
		s := repository.New(pool, clock)
		r, err := jobs.New(s, pool, log, jobs.Config{NodeID: node, RescueAfter: 2 * time.Minute, NoPeriodic: true})
		if err != nil {
			t.Fatal(err)
		}
		return r, s
	}
	a, store := newRunner("node-a")
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	u, _, err := store.UserForLogin(ctx, "school")
	if err != nil {
		t.Fatal(err)
	}
	var class int64
	if err := pool.QueryRow(ctx, `SELECT id FROM classes WHERE status = 'approved' AND start_date > $1 ORDER BY start_date LIMIT 1`, now).Scan(&class); err != nil {
		t.Fatal(err)
	}
	sheet := [][]string{{}}
	for _, c := range training.RosterColumns {
		sheet[0] = append(sheet[0], c.Label)
	}
	for i := 0; i < 10000; i++ {
		p := idPrefix(i)
		sheet = append(sheet, []string{p + string(training.IDCheckChar(p)), "学员", "13900000000", "失业人员", "未就业", "本地城镇", ""})
	}
	var buf bytesBuffer
	if err := roster.WriteSheet(&buf, sheet, false); err != nil {
		t.Fatal(err)
	}
	id, err := store.CreateImportJob(ctx, u.Actor(), class, "名单.xlsx", buf.b)
	if err != nil {
		t.Fatal(err)
	}
	state := func() (string, int) {
		var st string
		var attempt int
		if err := pool.QueryRow(ctx, `SELECT state::text, attempt FROM river_job WHERE kind = 'roster_validate'`).Scan(&st, &attempt); err != nil {
			t.Fatal(err)
		}
		return st, attempt
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if st, _ := state(); st == "running" {
			break
		} else if st == "completed" || time.Now().After(deadline) {
			t.Skipf("the validation was not caught running (%s)", st)
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	_ = a.Stop(sctx) // cannot wait: the job is cancelled and handed back
	cancel()
	// River hands a job cancelled by its client's stop back as available
	// (the attempt is not counted), or retryable after an attempt. The
	// hand-back is written as the stopping client winds down: on a loaded
	// runner that can take a while after Stop returns.
	st, attempt := state()
	for deadline := time.Now().Add(60 * time.Second); st == "running" && time.Now().Before(deadline); st, attempt = state() {
		time.Sleep(20 * time.Millisecond)
	}
	if st != "retryable" && st != "available" || attempt > 1 {
		t.Fatalf("after the stop: %s, attempt %d", st, attempt)
	}
	var status string
	if err := pool.QueryRow(ctx, `SELECT status FROM import_jobs WHERE id = $1`, id).Scan(&status); err != nil || status == "validated" || status == "failed" {
		t.Fatalf("import after the stop: %s %v", status, err)
	}
	b, _ := newRunner("node-b")
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Stop(ctx) }()
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if err := pool.QueryRow(ctx, `SELECT status FROM import_jobs WHERE id = $1`, id).Scan(&status); err != nil {
			t.Fatal(err)
		}
		if status == "validated" {
			break
		}
		if time.Now().After(deadline) {
			st, attempt := state()
			t.Fatalf("not validated by the second node: %s (job %s, attempt %d)", status, st, attempt)
		}
	}
	var total int
	var by string
	if err := pool.QueryRow(ctx, `SELECT j.total, array_to_string(r.attempted_by, ',') FROM import_jobs j, river_job r WHERE j.id = $1
		AND r.kind = 'roster_validate'`, id).Scan(&total, &by); err != nil || total != 10000 || !strings.HasSuffix(by, "node-b") {
		t.Fatalf("validated %d rows, attempts by %s: %v", total, by, err)
	}
}

func idPrefix(i int) string {
	s := "110105" + pad(1960+i%40, 4) + pad(i%12+1, 2) + pad(i%28+1, 2) + pad(i%1000, 3)
	return s[:17]
}

func pad(n, w int) string {
	s := itoa(n)
	for len(s) < w {
		s = "0" + s
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
