package demo

import (
	"context"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestLoadScaleMoney: the scale set's classes with published results are
// claimed; past claims are paid (with their payments), this year's are in
// several states, some people are left out with the rule's reasons, every
// claim's figures are its lines', and the pages read the loaded claims.
// The load itself proves the constraints held (one live line per person,
// occupation, level and year; four eyes; amounts).
func TestLoadScaleMoney(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	sc := Scale{Institutions: 30, Users: 300, Teachers: 200, Textbooks: 20, Classes: 600, Enrolments: 8000, Now: now,
		Hash: password.Params{Memory: 64, Time: 1, Threads: 1}}
	if err := LoadScale(ctx, pool, sc, nil); err != nil {
		t.Fatal(err)
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM subsidy_claims WHERE status = 'paid'`); n == 0 {
		t.Fatal("no paid claim")
	}
	if n := count(`SELECT count(DISTINCT status) FROM subsidy_claims`); n < 4 {
		t.Errorf("claims in only %d states", n)
	}
	if n := count(`SELECT count(*) FROM subsidy_claims c WHERE c.status = 'paid' AND NOT EXISTS (
		SELECT 1 FROM subsidy_claim_payments p WHERE p.claim_id = c.id AND p.status = 'paid' AND p.amount = c.total)`); n != 0 {
		t.Errorf("%d paid claims without their payment", n)
	}
	if n := count(`SELECT count(*) FROM subsidy_claims c WHERE (c.lines, c.total) <> (SELECT count(*), coalesce(sum(amount_fen), 0)
		FROM subsidy_claim_lines l WHERE l.claim_id = c.id AND l.status <> 'removed')`); n != 0 {
		t.Errorf("%d claims whose figures are not their lines'", n)
	}
	if n := count(`SELECT count(*) FROM subsidy_claim_exclusions`); n == 0 {
		t.Error("nobody left out")
	}
	if n := count(`SELECT count(*) FROM subsidy_claim_lines l JOIN trainees t ON t.id = l.trainee_id
		WHERE t.target_group = 'other' AND l.status = 'active'`); n != 0 {
		t.Errorf("%d lines of people outside the subsidised groups", n)
	}
	// Some classes with published results are not claimed yet.
	if n := count(`SELECT count(*) FROM exam_applications a JOIN exam_sessions es ON es.application_id = a.id
		WHERE es.status = 'published' AND NOT EXISTS (SELECT 1 FROM subsidy_claims c WHERE c.class_ids @> ARRAY[a.class_id])`); n == 0 {
		t.Error("every class is claimed: nothing left to build a claim from")
	}
	s := repository.New(pool, func() time.Time { return now })
	bureau := training.Actor{UserID: 1, Role: training.RoleBureau}
	var id int64
	if err := pool.QueryRow(ctx, `SELECT id FROM subsidy_claims ORDER BY lines DESC LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	p, err := s.ClaimPage(ctx, bureau, id)
	if err != nil || len(p.Lines) == 0 || len(p.Classes) == 0 {
		t.Fatalf("claim page: %d lines, %d classes, %v", len(p.Lines), len(p.Classes), err)
	}
	if _, _, err := s.Claims(ctx, bureau, repository.ClaimFilter{Queue: true}, repository.Page{Number: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubsidyOverview(ctx, bureau, 2025); err != nil {
		t.Fatal(err)
	}
}
