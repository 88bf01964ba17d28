package repository_test

import (
	"context"
	"testing"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
)

// TestClaimConstraintsHaveMessages: every constraint of the claim tables
// (and the triggers' named checks) maps to a Chinese message.
func TestClaimConstraintsHaveMessages(t *testing.T) {
	pool := dbtest.Pool(t)
	rows, err := pool.Query(context.Background(), `SELECT k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relname LIKE 'subsidy_claim%' AND k.contype <> 'p'
		UNION SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		WHERE c.relname LIKE 'subsidy_claim%' AND x.indisunique AND NOT x.indisprimary`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names := []string{"subsidy_claim_lines_fee_paid_check", "fee_payments_on_claim_check"}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(names) < 30 {
		t.Fatalf("only %d constraints found", len(names))
	}
	for _, n := range names {
		if _, ok := repository.ConstraintMessage(n); !ok {
			t.Errorf("constraint %s has no message", n)
		}
	}
}
