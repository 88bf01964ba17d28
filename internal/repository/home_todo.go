package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// InstitutionHomePage is what an institution's home page shows: the
// institution with its scope, and its to-do list.
type InstitutionHomePage struct {
	Institution training.Institution
	Todos       training.TodoList
	Supervision training.SupervisionNotices // its open orders and INST-4 warning
}

// InstitutionHome reads the institution's home page in one round trip.
// Every to-do query carries the actor's institution_id.
func (s *Store) InstitutionHome(ctx context.Context, a training.Actor) (InstitutionHomePage, error) {
	var p InstitutionHomePage
	if !a.IsInstitution() {
		return p, training.ErrForbidden
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT `+institutionColumns+` FROM institutions i WHERE i.id = $1`, a.InstitutionID).Query(func(rows pgx.Rows) error {
		var err error
		p.Institution, err = pgx.CollectExactlyOneRow(rows, scanInstitution)
		return err
	})
	queueScope(b, a.InstitutionID, &p.Institution.Scope)
	queueTodos(b, a, s.Today(), &p.Todos)
	queueSupervisionNotices(b, a, s.Today(), &p.Supervision)
	return p, translate(s.pool.SendBatch(ctx, b).Close(), "institution %d home", a.InstitutionID)
}

// CentreHomePage is what the centre's home page shows.
type CentreHomePage struct {
	Designated, Occupations int
	Todos                   training.TodoList
}

// CentreHome reads the centre's home page in one round trip: two counters
// and the user's to-do list (only the sessions they may approve).
func (s *Store) CentreHome(ctx context.Context, a training.Actor) (CentreHomePage, error) {
	var p CentreHomePage
	if !a.IsCentre() {
		return p, training.ErrForbidden
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT coalesce((SELECT n FROM institution_counts WHERE status = 'designated'), 0), (SELECT count(*) FROM occupations)`).
		QueryRow(func(row pgx.Row) error { return row.Scan(&p.Designated, &p.Occupations) })
	queueTodos(b, a, s.Today(), &p.Todos)
	return p, translate(s.pool.SendBatch(ctx, b).Close(), "centre home")
}
