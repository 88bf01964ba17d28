package jobs_test

import (
	"archive/zip"
	"context"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"tianmu/internal/jobs"
	"tianmu/internal/repository"
)

// TestLedgerExportAtScale measures the bureau's download of a year's
// ledgers (SUP-1) on the province-scale data: the busiest institution's
// year (more than 100 classes) is written by the ledger_export job in this
// process and then streamed into a zip, while the Go heap is sampled every
// 10 ms. It runs only when TIANMU_SCALE_DATABASE_URL names a database
// loaded by `tianmu demo -scale` (it adds an export there); the README
// records what it printed. The heap must stay far below what the year's
// workbooks add up to: one workbook in memory at a time.
func TestLedgerExportAtScale(t *testing.T) {
	url := os.Getenv("TIANMU_SCALE_DATABASE_URL")
	if url == "" {
		t.Skip("TIANMU_SCALE_DATABASE_URL is not set (a database loaded by tianmu demo -scale)")
	}
	ctx := context.Background()
	pool, err := repository.Open(ctx, url, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := repository.New(pool, nil)
	var inst int64
	var year, classes int
	if err := pool.QueryRow(ctx, `SELECT institution_id, extract(year FROM end_date)::int AS y, count(*) FROM classes
		WHERE status IN ('finished', 'assessment_applied', 'assessed', 'archived')
		GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`).Scan(&inst, &year, &classes); err != nil {
		t.Fatal(err)
	}
	if classes < 100 {
		t.Fatalf("the busiest institution's year has %d classes; want a 100-class year", classes)
	}
	var uid int64
	if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE role = 'bureau' AND disabled_at IS NULL ORDER BY id LIMIT 1`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	u, err := store.UserByID(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	a := u.Actor()

	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, m.HeapInuse)
				mu.Unlock()
			}
		}
	}()

	r, err := jobs.New(store, pool, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Config{NodeID: "scale-test", RescueAfter: 2 * time.Minute, NoPeriodic: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Stop(context.Background()) }()
	start := time.Now()
	id, err := store.StartLedgerExport(ctx, a, inst, year)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Minute)
	for {
		x, err := store.LedgerExportByID(ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		if x.Status == "done" {
			break
		}
		if x.Status != "" && x.Status != "queued" && x.Status != "running" {
			t.Fatalf("export %d: status %q (%s)", id, x.Status, x.Error)
		}
		if time.Now().After(deadline) {
			t.Fatalf("export %d not done after 10 minutes: %d of %d", id, x.Done, x.Total)
		}
		time.Sleep(50 * time.Millisecond)
	}
	built := time.Since(start)

	start = time.Now()
	cw := &countWriter{}
	zw := zip.NewWriter(cw)
	parts := 0
	var workbooks int64
	if err := store.StreamLedgerExport(ctx, a, id, func(name string, data []byte) error {
		parts++
		workbooks += int64(len(data))
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	streamed := time.Since(start)
	close(stop)
	<-done
	if parts != classes {
		t.Fatalf("zip holds %d workbooks, want %d", parts, classes)
	}
	mu.Lock()
	defer mu.Unlock()
	grew := int64(peak) - int64(base.HeapInuse)
	t.Logf("institution %d, %d: %d classes; job %v (%v per class); zip %d bytes streamed in %v; workbooks %d bytes; heap in use %d MiB before, peak %d MiB (+%d MiB)",
		inst, year, classes, built.Round(time.Millisecond), (built / time.Duration(classes)).Round(time.Millisecond),
		cw.n, streamed.Round(time.Millisecond), workbooks, base.HeapInuse>>20, peak>>20, grew>>20)
	if grew > 64<<20 {
		t.Fatalf("the heap grew by %d MiB while exporting: the year is held in memory", grew>>20)
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
