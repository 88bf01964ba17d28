package repository

import (
	"context"
	"fmt"

	"tianmu/internal/training"
)

// Translate exposes translate to the tests, which check that what the
// database refuses reaches the user as the mapped Chinese message.
var Translate = translate

// DupCheckSQL exposes the roster check for duplicates inside a file, whose
// plan a test checks.
const DupCheckSQL = dupCheckSQL

// ConstraintMapped reports whether translate has a message for a
// constraint: in the constraint map, or a length CHECK of TextLimits.
func ConstraintMapped(name string) bool {
	_, ok := constraintErrors[name]
	return ok || training.LenConstraintColumn(name) != ""
}

// CheckTodoCounts compares, for each to-do source of a's role with a
// Count statement of its own, that count with the rows of the source's
// list statement: the two must count the same items.
func (s *Store) CheckTodoCounts(ctx context.Context, a training.Actor) error {
	scope, ok := todoScope(a)
	if !ok {
		return nil
	}
	for _, src := range todoSources {
		if src.Role != a.Role || src.Count == "" {
			continue
		}
		var listed, counted int
		if err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM (`+src.SQL+`) AS l), (SELECT count(*) FROM (`+src.Count+`) AS c)
			WHERE $1::bigint IS NOT NULL AND $2::date IS NOT NULL`, scope, s.Today()).Scan(&listed, &counted); err != nil {
			return err
		}
		if listed != counted {
			return fmt.Errorf("to-do %s: the list has %d items, its count says %d", src.Kind, listed, counted)
		}
	}
	return nil
}
