package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

func scanOccupation(row pgx.CollectableRow) (training.Occupation, error) {
	var o training.Occupation
	var levels []int16
	err := row.Scan(&o.ID, &o.Code, &o.Name, &o.Category, &levels)
	for _, l := range levels {
		o.Levels = append(o.Levels, training.Level(l))
	}
	return o, err
}

// Occupations is the whole catalogue ordered by code. It is small (dozens
// of rows) and read by every form that picks an occupation.
func (s *Store) Occupations(ctx context.Context) ([]training.Occupation, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, code, name, category, levels FROM occupations ORDER BY code`)
	if err != nil {
		return nil, translate(err, "occupations")
	}
	list, err := pgx.CollectRows(rows, scanOccupation)
	return list, translate(err, "occupations")
}

// OccupationByID returns one occupation.
func (s *Store) OccupationByID(ctx context.Context, id int64) (training.Occupation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, code, name, category, levels FROM occupations WHERE id = $1`, id)
	o, err := pgx.CollectExactlyOneRow(rows, scanOccupation)
	return o, translate(err, "occupation %d", id)
}
