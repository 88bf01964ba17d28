package repository_test

import (
	"context"
	"testing"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
)

// TestOpenSessionSettings: the portal's connections run without parallel
// workers and without JIT compilation unless the URL asks for them (both
// cost more than the short statements they were meant to speed up).
func TestOpenSessionSettings(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t)
	show := func(url string) (string, string) {
		t.Helper()
		pool, err := repository.Open(ctx, url, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		var workers, jit string
		if err := pool.QueryRow(ctx, `SELECT current_setting('max_parallel_workers_per_gather'), current_setting('jit')`).Scan(&workers, &jit); err != nil {
			t.Fatal(err)
		}
		return workers, jit
	}
	if w, j := show(url); w != "0" || j != "off" {
		t.Fatalf("defaults: max_parallel_workers_per_gather %s, jit %s", w, j)
	}
	sep := "?"
	for _, c := range url {
		if c == '?' {
			sep = "&"
		}
	}
	if w, j := show(url + sep + "jit=on&max_parallel_workers_per_gather=2"); w != "2" || j != "on" {
		t.Fatalf("asked for in the URL: max_parallel_workers_per_gather %s, jit %s", w, j)
	}
}
