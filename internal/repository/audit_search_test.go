package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestAuditSearchCountsAndPages: the bureau's audit search counts apart
// from its page (one batch): the total is the count of the matching rows,
// the pages walk them newest first without gap or repeat, a filter
// narrows both, and only the bureau may search.
func TestAuditSearchCountsAndPages(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	pool := dbtest.PoolWith(t, "demo", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, func() time.Time { return now }), password.Params{Memory: 64, Time: 1, Threads: 1})
	})
	s := repository.New(pool, func() time.Time { return now })
	ctx := context.Background()
	u, _, err := s.UserForLogin(ctx, "bureau")
	if err != nil {
		t.Fatal(err)
	}
	bureau := u.Actor()
	for _, f := range []repository.AuditFilter{{}, {Entity: "class"}, {Action: "no.such.action"}} {
		var want int
		q, args := `SELECT count(*) FROM audit_log`, []any{}
		switch {
		case f.Entity != "":
			q, args = q+` WHERE entity = $1`, []any{f.Entity}
		case f.Action != "":
			q, args = q+` WHERE action = $1`, []any{f.Action}
		}
		if err := pool.QueryRow(ctx, q, args...).Scan(&want); err != nil {
			t.Fatal(err)
		}
		var seen []int64
		for page := 1; ; page++ {
			list, total, err := s.AuditSearch(ctx, bureau, f, repository.Page{Number: page, Size: 7})
			if err != nil {
				t.Fatal(err)
			}
			if total != want {
				t.Fatalf("%+v page %d: total %d, want %d", f, page, total, want)
			}
			if len(list) == 0 {
				break
			}
			for _, e := range list {
				if len(seen) > 0 && e.ID >= seen[len(seen)-1] {
					t.Fatalf("%+v: entry %d after %d (newest first, no repeat)", f, e.ID, seen[len(seen)-1])
				}
				if f.Entity != "" && e.Entity != f.Entity {
					t.Fatalf("%+v: entry of %s", f, e.Entity)
				}
				seen = append(seen, e.ID)
			}
		}
		if len(seen) != want {
			t.Fatalf("%+v: pages held %d entries, want %d", f, len(seen), want)
		}
		if f.Entity == "class" && want == 0 {
			t.Fatal("the demo has no audit rows of classes: the filter is not tested")
		}
	}
	school, _, err := s.UserForLogin(ctx, "school")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AuditSearch(ctx, school.Actor(), repository.AuditFilter{}, repository.Page{Number: 1}); err != training.ErrForbidden {
		t.Fatalf("an institution searched the audit log: %v", err)
	}
}
