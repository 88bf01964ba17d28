package repository_test

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// The subsidy tables grow with the certificates (600,000 lines at province
// scale): checked on the whole data set, like the roster tables.
func init() {
	for _, t := range []string{"subsidy_claims", "subsidy_claim_lines", "subsidy_claim_exclusions", "subsidy_claim_objections",
		"subsidy_claim_payments"} {
		rosterTables[t] = true
	}
}

// claimCases are the reads of the subsidy pages of
// TestListQueriesUseIndexes (issue 11): the claim lists of the bureau and
// of the institution with the most claims, the bureau's to-do, the largest
// claim's page, the public notices and one notice, the subsidy overview
// and the fund-use report of the year with the most payments, and that
// institution's fund-use year. Nothing when the data set has no claims.
func claimCases(ctx context.Context, db *pgxpool.Pool, s *repository.Store, bureau training.Actor) ([]listCase, error) {
	var big, inst, notice int64
	var year int
	err := db.QueryRow(ctx, `SELECT coalesce((SELECT id FROM subsidy_claims ORDER BY lines DESC, id LIMIT 1), 0),
		coalesce((SELECT institution_id FROM subsidy_claims GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1), 0),
		coalesce((SELECT id FROM subsidy_claims WHERE status = 'notice' ORDER BY id LIMIT 1), 0),
		coalesce((SELECT extract(year FROM paid_on)::int FROM subsidy_claim_payments WHERE status = 'paid' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1), 0)`).
		Scan(&big, &inst, &notice, &year)
	if err != nil {
		return nil, fmt.Errorf("claim fixtures: %w", err)
	}
	if big == 0 {
		return nil, nil
	}
	own := training.Actor{UserID: 3, Role: training.RoleInstitution, InstitutionID: inst}
	page := func(n int) repository.Page { return repository.Page{Number: n} }
	c := func(name string, call func() error) listCase { return listCase{name: name, call: call} }
	cases := []listCase{
		c("claims, bureau", func() error { _, _, err := s.Claims(ctx, bureau, repository.ClaimFilter{}, page(1)); return err }),
		c("claims page 50, bureau", func() error { _, _, err := s.Claims(ctx, bureau, repository.ClaimFilter{}, page(50)); return err }),
		c("claims to do, bureau", func() error {
			_, _, err := s.Claims(ctx, bureau, repository.ClaimFilter{Queue: true}, page(1))
			return err
		}),
		c("claims submitted, bureau", func() error {
			_, _, err := s.Claims(ctx, bureau, repository.ClaimFilter{Status: training.ClaimSubmitted}, page(1))
			return err
		}),
		c("claims by total, bureau", func() error {
			_, _, err := s.Claims(ctx, bureau, repository.ClaimFilter{}, repository.Page{Number: 1, Sort: "total", Desc: true})
			return err
		}),
		c("own claims", func() error { _, _, err := s.Claims(ctx, own, repository.ClaimFilter{}, page(1)); return err }),
		c("claim page, bureau", func() error { _, err := s.ClaimPage(ctx, bureau, big); return err }),
		c("public notices", func() error { _, _, err := s.PublicNotices(ctx, page(1)); return err }),
		// A year's totals name about 1,400 institutions, the report ranks
		// every institution that received or spent: hashing the 2,000
		// names is the plan.
		{name: "subsidy overview", allow: "institutions", call: func() error { _, err := s.SubsidyOverview(ctx, bureau, year); return err }},
		{name: "fund use report", allow: "institutions", call: func() error {
			_, _, err := s.FundUseReport(ctx, bureau, year, page(1))
			return err
		}},
		c("own fund use year", func() error { _, err := s.FundUseYear(ctx, own, inst, year); return err }),
	}
	if notice != 0 {
		cases = append(cases, c("public notice", func() error { _, err := s.PublicNotice(ctx, notice); return err }))
	}
	return cases, nil
}
