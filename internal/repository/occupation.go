package repository

import (
	"context"
	"slices"
	"sync"
	"time"

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
	if list, ok := s.occ.get(time.Now()); ok {
		return list, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id, code, name, category, levels FROM occupations ORDER BY code`)
	if err != nil {
		return nil, translate(err, "occupations")
	}
	list, err := pgx.CollectRows(rows, scanOccupation)
	if err != nil {
		return nil, translate(err, "occupations")
	}
	s.occ.put(list, time.Now())
	return slices.Clone(list), nil
}

// occupationCache keeps the occupation list for occupationsFresh: it is
// reference data that only a migration changes, and the lists' filters
// (institutions, teachers, textbooks, classes, examiners) read all 490
// rows on every page — a second round trip per page, now one every few
// minutes per process. A migration that changes them is seen within that
// time, without a restart.
type occupationCache struct {
	mu   sync.Mutex
	list []training.Occupation
	at   time.Time
}

// occupationsFresh is how long the cached list is used.
const occupationsFresh = 5 * time.Minute

func (c *occupationCache) get(now time.Time) ([]training.Occupation, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.list == nil || now.Sub(c.at) >= occupationsFresh || now.Before(c.at) {
		return nil, false
	}
	return slices.Clone(c.list), true
}

func (c *occupationCache) put(list []training.Occupation, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list, c.at = slices.Clone(list), now
}

// OccupationByID returns one occupation.
func (s *Store) OccupationByID(ctx context.Context, id int64) (training.Occupation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, code, name, category, levels FROM occupations WHERE id = $1`, id)
	o, err := pgx.CollectExactlyOneRow(rows, scanOccupation)
	return o, translate(err, "occupation %d", id)
}
