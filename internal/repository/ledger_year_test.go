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

// TestLedgerYearSummarisesTheYear: the year-end list's summary counts the
// whole year, whatever the page: read one class per page, the pages' gaps
// add up to the summary (the demo's school: its claims' classes and the
// finished class this year, the archived class last year, complete).
func TestLedgerYearSummarisesTheYear(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	pool := dbtest.PoolWith(t, "demo", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, func() time.Time { return now }), password.Params{Memory: 64, Time: 1, Threads: 1})
	})
	s := repository.New(pool, func() time.Time { return now })
	ctx := context.Background()
	u, _, err := s.UserForLogin(ctx, "school")
	if err != nil {
		t.Fatal(err)
	}
	school := u.Actor()
	for _, year := range []int{2025, 2026} {
		first, err := s.LedgerYear(ctx, school, 0, year, repository.Page{Number: 1, Size: 1})
		if err != nil {
			t.Fatal(err)
		}
		var want training.LedgerMissing
		complete := 0
		for n := 1; n <= first.Total; n++ {
			p, err := s.LedgerYear(ctx, school, 0, year, repository.Page{Number: n, Size: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Rows) != 1 || p.Total != first.Total || p.Complete != first.Complete || p.Missing != first.Missing {
				t.Fatalf("%d page %d: %d rows, summary %d/%d %+v, first page's %d/%d %+v", year, n, len(p.Rows),
					p.Complete, p.Total, p.Missing, first.Complete, first.Total, first.Missing)
			}
			gaps := p.Rows[0].Gaps
			if len(gaps) == 0 {
				complete++
			}
			for _, g := range gaps {
				switch g.Kind {
				case "agreements":
					want.Agreements++
				case "attendance":
					want.Attendance++
				case "exam":
					want.Exam++
				case "results":
					want.Results++
				case "fund_use":
					want.FundUse++
				default:
					t.Fatalf("gap kind %q", g.Kind)
				}
			}
		}
		if first.Missing != want || first.Complete != complete {
			t.Errorf("%d: summary %d complete of %d, %+v; the pages say %d, %+v", year, first.Complete, first.Total, first.Missing, complete, want)
		}
		t.Logf("%d: %d classes, %d complete, missing %+v", year, first.Total, first.Complete, first.Missing)
		switch year {
		case 2025:
			if first.Total != 1 || first.Complete != 1 {
				t.Errorf("2025: the archived class: %d classes, %d complete", first.Total, first.Complete)
			}
		case 2026:
			if first.Total < 2 || first.Missing.Exam == 0 || first.Missing.FundUse == 0 {
				t.Errorf("2026: %d classes, missing %+v (the finished class is not assessed; the paid claim's classes report no fund use)", first.Total, first.Missing)
			}
		}
	}
}
