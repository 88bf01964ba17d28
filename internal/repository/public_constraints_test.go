package repository_test

import (
	"context"
	"testing"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
)

// TestPublicConstraintMessages: every constraint of the complaint, survey
// and employment tables has a Chinese message.
func TestPublicConstraintMessages(t *testing.T) {
	pool := dbtest.Pool(t)
	rows, err := pool.Query(context.Background(), `SELECT k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relname IN ('complaints', 'complaint_notes', 'complaint_files', 'survey_codes', 'survey_answers', 'employment_records')
		AND k.contype IN ('c', 'f', 'u', 'p', 'x')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		n++
		if _, ok := repository.ConstraintMessage(name); !ok {
			t.Errorf("constraint %s has no message", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 40 {
		t.Fatalf("only %d constraints found", n)
	}
}
