package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// earlierClasses lists an institution's classes with a plan worth copying
// (not cancelled), newest first, at most 50.
func (s *Store) earlierClasses(ctx context.Context, institutionID int64) ([]training.EarlierClass, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.class_no, coalesce(o.name, ''), c.level, coalesce(c.start_date, DATE '0001-01-01'), c.status
		FROM classes c LEFT JOIN occupations o ON o.id = c.occupation_id
		WHERE c.institution_id = $1 AND c.status <> 'cancelled' ORDER BY c.start_date DESC NULLS LAST, c.id DESC LIMIT 50`, institutionID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.EarlierClass, error) {
		var c training.EarlierClass
		var level int16
		var st string
		err := row.Scan(&c.ID, &c.ClassNo, &c.OccupationName, &level, &c.StartDate, &st)
		c.Level, c.Status = training.Level(level), training.ClassStatus(st)
		if c.StartDate.Year() == 1 {
			c.StartDate = time.Time{} // no start date yet
		}
		return c, err
	})
}
