package repository

import "tianmu/internal/training"

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
