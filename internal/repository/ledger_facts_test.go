package repository_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/password"
	"tianmu/internal/repository"
)

// checkLedgerFacts fails when the facts kept per class (migrations 00115,
// 00117) differ from a recount of every class, or from the bulk fill.
func checkLedgerFacts(t *testing.T, ctx context.Context, pool *pgxpool.Pool, step string) {
	t.Helper()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM class_ledger_facts_of(ARRAY(SELECT id FROM classes)) f
		FULL JOIN class_ledger_facts t ON t.class_id = f.class_id
		WHERE (coalesce(t.enrolled, 0), coalesce(t.agreed, 0), coalesce(t.applied, false), coalesce(t.results, 0),
			coalesce(t.tracked, false), coalesce(t.filed, false), coalesce(t.passes, 0), coalesce(t.claimed, 0))
			IS DISTINCT FROM (f.enrolled, f.agreed, f.applied, f.results, f.tracked, f.filed, f.passes, f.claimed)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%s: %d classes whose kept ledger facts differ from a recount", step, n)
	}
}

// TestLedgerFactsKept: the year-end list's facts are kept per class by
// trigger through the whole demo story (rosters, agreements, withdrawals,
// applications, published results, fees, claims, fund use), through a
// change to each table they come from, a bulk statement, and two
// transactions changing one class at once (the second waits for the
// first and counts what it committed).
func TestLedgerFactsKept(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	pool := dbtest.PoolWith(t, "demo", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, func() time.Time { return now }), password.Params{Memory: 64, Time: 1, Threads: 1})
	})
	ctx := context.Background()
	checkLedgerFacts(t, ctx, pool, "demo story")
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM class_ledger_facts WHERE agreed > 0 AND results > 0 AND tracked`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows == 0 {
		t.Fatal("no class of the demo has agreements, results and money: the facts are not exercised")
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM class_ledger_facts WHERE claimed > 0`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows == 0 {
		t.Fatal("no class of the demo has claimed passes: the claim counts are not exercised")
	}
	exec := func(step, sql string, args ...any) {
		t.Helper()
		tag, err := pool.Exec(ctx, sql, args...)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if tag.RowsAffected() == 0 {
			t.Fatalf("%s: no row changed", step)
		}
		checkLedgerFacts(t, ctx, pool, step)
	}
	// One change of each kind, undone, each checked (run in a transaction
	// rolled back would check nothing: these commit).
	var enrolment, class int64
	if err := pool.QueryRow(ctx, `SELECT e.id, e.class_id FROM enrolments e JOIN class_ledger_facts f ON f.class_id = e.class_id
		WHERE e.status = 'enrolled' AND e.agreement_date IS NOT NULL AND f.results > 0
		AND EXISTS (SELECT 1 FROM pass_candidates p WHERE p.enrolment_id = e.id) ORDER BY e.id LIMIT 1`).Scan(&enrolment, &class); err != nil {
		t.Fatal(err)
	}
	exec("withdrawn", `UPDATE enrolments SET status = 'withdrawn', withdrawn_reason = '测试', withdrawn_at = now() WHERE id = $1`, enrolment)
	exec("enrolled again", `UPDATE enrolments SET status = 'enrolled', withdrawn_reason = '', withdrawn_at = NULL WHERE id = $1`, enrolment)
	exec("agreement cleared", `UPDATE enrolments SET agreement_no = NULL, agreement_date = NULL, pays_fee = NULL WHERE id = $1`, enrolment)
	exec("agreement signed", `UPDATE enrolments SET agreement_no = 'T-1', agreement_date = '2026-03-01', pays_fee = false WHERE id = $1`, enrolment)
	var appStatus string
	if err := pool.QueryRow(ctx, `SELECT status FROM exam_applications WHERE class_id = $1`, class).Scan(&appStatus); err != nil {
		t.Fatal(err)
	}
	exec("application returned", `UPDATE exam_applications SET status = 'returned', return_reason = '测试' WHERE class_id = $1`, class)
	exec("application back", `UPDATE exam_applications SET status = $2, return_reason = '' WHERE class_id = $1`, class, appStatus)
	exec("fund use voided (bulk)", `UPDATE fund_use_entries SET status = 'void', void_reason = '测试', voided_at = now() WHERE status = 'recorded'`)
	exec("fund use restored (bulk)", `UPDATE fund_use_entries SET status = 'recorded', void_reason = '', voided_at = NULL WHERE void_reason = '测试'`)
	var claimed int64
	if err := pool.QueryRow(ctx, `SELECT class_id FROM subsidy_claim_lines WHERE status = 'active' ORDER BY id LIMIT 1`).Scan(&claimed); err != nil {
		t.Fatal(err)
	}
	exec("claim lines released (bulk)", `UPDATE subsidy_claim_lines SET status = 'released' WHERE status = 'active' AND class_id = $1`, claimed)
	exec("claim lines back", `UPDATE subsidy_claim_lines SET status = 'active' WHERE status = 'released' AND class_id = $1`, claimed)
	// The claim build page's counts: a certificate revoked and restored,
	// an outcome amended and back, a session no longer published and back,
	// a claim line moved to another certificate and back.
	var cert, entry, session, line, lineCert, otherCert int64
	if err := pool.QueryRow(ctx, `SELECT cert.id, xe.id, xe.session_id, l.id, l.certificate_id FROM subsidy_claim_lines l
		JOIN certificates cert ON cert.id = l.certificate_id JOIN exam_entries xe ON xe.id = cert.entry_id
		WHERE l.status = 'active' AND cert.revoked_at IS NULL ORDER BY l.id LIMIT 1`).Scan(&cert, &entry, &session, &line, &lineCert); err != nil {
		t.Fatal(err)
	}
	// A line's class is its certificate's (BuildClaim): the line moves to
	// a certificate of another class, not on its claim, with its class.
	var lineClass, otherClass int64
	if err := pool.QueryRow(ctx, `SELECT cert.id, e.class_id, l.class_id FROM subsidy_claim_lines l, certificates cert
		JOIN exam_entries xe ON xe.id = cert.entry_id JOIN enrolments e ON e.id = xe.enrolment_id
		WHERE l.id = $1 AND e.class_id <> l.class_id AND cert.revoked_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM subsidy_claim_lines o WHERE o.certificate_id = cert.id AND o.claim_id = l.claim_id)
		ORDER BY cert.id LIMIT 1`, line).Scan(&otherCert, &otherClass, &lineClass); err != nil {
		t.Fatal(err)
	}
	exec("certificate revoked", `UPDATE certificates SET revoked_at = now(), revoked_reason = '测试' WHERE id = $1`, cert)
	exec("certificate restored", `UPDATE certificates SET revoked_at = NULL, revoked_reason = '' WHERE id = $1`, cert)
	exec("outcome amended", `UPDATE exam_entries SET outcome = 'fail' WHERE id = $1`, entry)
	exec("outcome back", `UPDATE exam_entries SET outcome = 'pass' WHERE id = $1`, entry)
	exec("session unpublished", `UPDATE exam_sessions SET status = 'approved' WHERE id = $1`, session)
	exec("session published", `UPDATE exam_sessions SET status = 'published' WHERE id = $1`, session)
	exec("line moved", `UPDATE subsidy_claim_lines SET certificate_id = $2, class_id = $3 WHERE id = $1`, line, otherCert, otherClass)
	exec("line back", `UPDATE subsidy_claim_lines SET certificate_id = $2, class_id = $3 WHERE id = $1`, line, lineCert, lineClass)
	exec("a candidate's row removed", `DELETE FROM pass_candidates WHERE enrolment_id = $1`, enrolment)
	exec("and recomputed", `SELECT refresh_pass_candidates(ARRAY[$1::bigint])`, enrolment)

	// Two transactions sign agreements in one class at once.
	var ids []int64
	rowsQ, err := pool.Query(ctx, `SELECT id FROM enrolments WHERE class_id = $1 AND status = 'enrolled' ORDER BY id LIMIT 2`, class)
	if err != nil {
		t.Fatal(err)
	}
	if ids, err = pgx.CollectRows(rowsQ, pgx.RowTo[int64]); err != nil || len(ids) != 2 {
		t.Fatalf("two enrolments of class %d: %v %v", class, ids, err)
	}
	exec("two cleared", `UPDATE enrolments SET agreement_no = NULL, agreement_date = NULL, pays_fee = NULL WHERE id = ANY($1)`, ids)
	first, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = first.Rollback(ctx) }()
	if _, err := first.Exec(ctx, `UPDATE enrolments SET agreement_no = 'T-2', agreement_date = '2026-03-01', pays_fee = false WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var secondErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, secondErr = pool.Exec(ctx, `UPDATE enrolments SET agreement_no = 'T-3', agreement_date = '2026-03-01', pays_fee = false WHERE id = $1`, ids[1])
	}()
	time.Sleep(200 * time.Millisecond) // the second is waiting for the class's lock
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if secondErr != nil {
		t.Fatal(secondErr)
	}
	checkLedgerFacts(t, ctx, pool, "two at once")
	// The bulk fill (the migration's backfill, the end of a scale load)
	// writes what the triggers kept.
	exec("filled at once", `SELECT fill_class_ledger_facts() FROM (SELECT 1) x`)
}
