package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/jobs"
	"tianmu/internal/repository"
)

// Two runners on one database, as two nodes: every scheduled job runs
// once per slot (only the leader enqueues, and a slot's job is unique),
// and each one completes at its first attempt.
func TestPeriodicJobsOncePerSlot(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the schedule for a few seconds")
	}
	ctx := context.Background()
	pool := dbtest.Pool(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	schedule := map[string]time.Duration{}
	for _, k := range jobs.Kinds {
		if k.Schedule != nil {
			schedule[k.Name] = time.Second
		}
	}
	var runners []*jobs.Runner
	for _, node := range []string{"node-a", "node-b"} {
		store := repository.New(pool, nil)
		r, err := jobs.New(store, pool, log, jobs.Config{NodeID: node, RescueAfter: 2 * time.Minute, Schedule: schedule})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		runners = append(runners, r)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		for _, r := range runners {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			if err := r.Stop(sctx); err != nil {
				t.Error(err)
			}
			cancel()
		}
	}
	t.Cleanup(stop)
	// Leader election takes a moment; then a run per second per kind.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var slots int
		if err := pool.QueryRow(ctx, `SELECT count(DISTINCT args->>'slot') FROM river_job WHERE kind = 'session_purge' AND state = 'completed'`).
			Scan(&slots); err != nil {
			t.Fatal(err)
		}
		if slots >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d session purges completed in 30 s", slots)
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop()
	for _, k := range jobs.Kinds {
		if k.Schedule == nil {
			continue
		}
		var jobsN, slots, firstTry, completed int
		if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT args->>'slot'), count(*) FILTER (WHERE attempt = 1),
				count(*) FILTER (WHERE state = 'completed')
			FROM river_job WHERE kind = $1 AND state <> 'available' AND state <> 'scheduled'`, k.Name).Scan(&jobsN, &slots, &firstTry, &completed); err != nil {
			t.Fatal(err)
		}
		if jobsN == 0 || jobsN != slots || firstTry != jobsN || completed != jobsN {
			t.Errorf("%s: %d jobs for %d slots, %d at the first attempt, %d completed", k.Name, jobsN, slots, firstTry, completed)
		}
	}
}
