package repository_test

import (
	"context"
	"testing"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
)

// TestLedgerConstraintsHaveMessages: every constraint of the ledger tables
// (and the trigger's named checks) maps to a Chinese message.
func TestLedgerConstraintsHaveMessages(t *testing.T) {
	pool := dbtest.Pool(t)
	rows, err := pool.Query(context.Background(), `SELECT k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relname IN ('class_ledgers', 'ledger_exports', 'ledger_export_parts')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names := []string{"class_ledgers_frozen", "class_ledgers_retained"}
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
	if len(names) < 20 {
		t.Fatalf("only %d constraints found", len(names))
	}
	for _, n := range names {
		if _, ok := repository.ConstraintMessage(n); !ok {
			t.Errorf("constraint %s has no message", n)
		}
	}
}
