package repository

import (
	"context"

	"tianmu/internal/training"
)

// AttendanceRates returns each enrolment's attendance rate (0..1) on a
// class, by enrolment id. Enrolments without recorded attendance are absent
// from the map.
//
// TODO(attendance): replaced on merge — the attendance branch (issue 5)
// provides the real implementation with this signature.
func (s *Store) AttendanceRates(ctx context.Context, a training.Actor, classID int64) (map[int64]float64, error) {
	return map[int64]float64{}, nil
}
