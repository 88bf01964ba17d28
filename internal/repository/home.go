package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// BureauFigures is what the bureau's home page shows.
type BureauFigures struct {
	ByStatus map[training.InstitutionStatus]int
	Users    map[training.Role]int
	// INST-4 as of the last nightly run (ActivityCounts): flagged, and
	// warned a month ahead.
	Inactive, InactiveSoon int
	Occupations            int
	// Flagged are the first classes of the delivery report's flagged list
	// (第十六条), FlaggedTotal how many there are.
	Flagged      []training.DeliveryRow
	FlaggedTotal int
	// Complaints: open, overdue and due within three days (SUP-2).
	Complaints training.ComplaintCounts
	// Todos is the bureau's to-do list (todo.go).
	Todos training.TodoList
	// Supervision: overdue rectification orders and answers waiting.
	Supervision training.SupervisionNotices
}

// BureauHome reads the bureau's home page in one round trip: the
// institution and account counters, INST-4 (institution_activity), the size of the occupation
// catalogue and the first flagged classes of the delivery report with
// their number, all by index or from counters.
func (s *Store) BureauHome(ctx context.Context, a training.Actor, flaggedShown int) (BureauFigures, error) {
	f := BureauFigures{ByStatus: map[training.InstitutionStatus]int{}, Users: map[training.Role]int{}}
	if !a.IsBureau() {
		return f, training.ErrForbidden
	}
	today := s.Today()
	b := &pgx.Batch{}
	b.Queue(`SELECT status, n FROM institution_counts WHERE n > 0`).Query(func(rows pgx.Rows) error {
		var st string
		var n int
		_, err := pgx.ForEachRow(rows, []any{&st, &n}, func() error {
			f.ByStatus[training.InstitutionStatus(st)] = n
			return nil
		})
		return err
	})
	b.Queue(`SELECT role, active FROM user_counts WHERE active > 0`).Query(func(rows pgx.Rows) error {
		var r string
		var n int
		_, err := pgx.ForEachRow(rows, []any{&r, &n}, func() error {
			f.Users[training.Role(r)] = n
			return nil
		})
		return err
	})
	b.Queue(`SELECT count(*) FILTER (WHERE state = 'flagged'), count(*) FILTER (WHERE state = 'warning')
		FROM institution_activity`).QueryRow(func(row pgx.Row) error { return row.Scan(&f.Inactive, &f.InactiveSoon) })
	b.Queue(complaintCountsSQL, today).QueryRow(func(row pgx.Row) error {
		return row.Scan(&f.Complaints.Open, &f.Complaints.Overdue, &f.Complaints.DueSoon)
	})
	b.Queue(`SELECT count(*) FROM occupations`).QueryRow(func(row pgx.Row) error { return row.Scan(&f.Occupations) })
	b.Queue(deliveryFlaggedCount, today).QueryRow(func(row pgx.Row) error { return row.Scan(&f.FlaggedTotal) })
	// The page does not depend on the count here (flagged only, first page).
	queueDeliveryPage(b, today, flaggedShown, true, Page{Number: 1, Size: flaggedShown}, &f.Flagged)
	queueTodos(b, a, today, &f.Todos)
	queueSupervisionNotices(b, a, today, &f.Supervision)
	return f, translate(s.pool.SendBatch(ctx, b).Close(), "bureau home")
}
