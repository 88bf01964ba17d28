package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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

// BenchmarkRosterValidation2Nodes validates uploaded 1,000-row files with
// two runners (two nodes' worth of workers) on one database: each
// iteration enqueues 10 files and waits until all are validated.
//
//	go run ./cmd/withpg go test -run XXX -bench RosterValidation2Nodes -benchtime 3x ./internal/jobs/
func BenchmarkRosterValidation2Nodes(b *testing.B) {
	const files, rows = 10, 1000
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	clock := func() time.Time { return now }
	pool := dbtest.PoolWith(b, "demo", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, clock), password.Params{Memory: 64, Time: 1, Threads: 1})
	})
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := repository.New(pool, clock)
	for _, node := range []string{"node-a", "node-b"} {
		s := repository.New(pool, clock)
		r, err := jobs.New(s, pool, log, jobs.Config{NodeID: node, RescueAfter: 2 * time.Minute, NoPeriodic: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = r.Stop(ctx) })
		store.SetQueue(r.Client())
	}
	u, _, err := store.UserForLogin(ctx, "school")
	if err != nil {
		b.Fatal(err)
	}
	var class int64
	if err := pool.QueryRow(ctx, `SELECT id FROM classes WHERE status = 'approved' AND start_date > $1 ORDER BY start_date LIMIT 1`, now).Scan(&class); err != nil {
		b.Fatal(err)
	}
	head := []string{}
	for _, c := range training.RosterColumns {
		head = append(head, c.Label)
	}
	var data [][]byte
	for f := 0; f < files; f++ {
		sheet := [][]string{head}
		for i := f * rows; i < (f+1)*rows; i++ {
			p := fmt.Sprintf("110105%04d%02d%02d%03d", 1960+i%40, i%12+1, i%28+1, i%1000)[:17]
			sheet = append(sheet, []string{p + string(training.IDCheckChar(p)), fmt.Sprintf("学员%d", i), fmt.Sprintf("139%08d", i),
				"失业人员", "未就业", "本地城镇", ""})
		}
		var buf bytesBuffer
		if err := roster.WriteSheet(&buf, sheet, false); err != nil {
			b.Fatal(err)
		}
		data = append(data, buf.b)
	}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		var ids []int64
		for _, d := range data {
			id, err := store.CreateImportJob(ctx, u.Actor(), class, "名单.xlsx", d)
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		for {
			var done int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM import_jobs WHERE id = ANY($1) AND status = 'validated'`, ids).Scan(&done); err != nil {
				b.Fatal(err)
			}
			if done == len(ids) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	b.ReportMetric(float64(files*b.N)/time.Since(start).Seconds(), "validations/s")
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
