package repository_test

import (
	"context"
	"sort"
	"testing"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
)

// unmappedConstraints are the constraints without a message, each with the
// reason no user can meet it.
var unmappedConstraints = map[string]string{}

// TestEveryConstraintHasAMessage: every CHECK, unique, foreign-key and
// exclusion constraint of the migrated schema has a Chinese message in
// the repository's constraint map (or is a length CHECK of
// training.TextLimits, or is listed above with the reason it needs none):
// a constraint a user meets is a 422 with a message, never a 500.
func TestEveryConstraintHasAMessage(t *testing.T) {
	pool := dbtest.Pool(t)
	rows, err := pool.Query(context.Background(), `
		SELECT k.conname, k.contype::text, c.relname, pg_get_constraintdef(k.oid)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND k.contype IN ('c', 'u', 'f', 'x') AND c.relname NOT LIKE 'river%'
		ORDER BY 1`)
	must(t, err)
	var missing []string
	for rows.Next() {
		var name, typ, table, def string
		must(t, rows.Scan(&name, &typ, &table, &def))
		if _, ok := unmappedConstraints[name]; ok || repository.ConstraintMapped(name) {
			continue
		}
		missing = append(missing, typ+" "+name+" "+def)
	}
	must(t, rows.Err())
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no message for %s", m)
	}
	t.Logf("%d constraints without a message", len(missing))
}
