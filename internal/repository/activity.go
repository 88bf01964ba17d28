package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// ActivityChange is what a recomputation of INST-4 found and changed.
type ActivityChange struct {
	ComputedOn      time.Time
	Flagged, Warned int     // institutions in each state now
	NewlyFlagged    []int64 // institutions that entered a state
	NewlyWarned     []int64
	Cleared         []int64 // institutions that left both
}

// Changed reports whether any institution changed state.
func (c ActivityChange) Changed() bool {
	return len(c.NewlyFlagged)+len(c.NewlyWarned)+len(c.Cleared) > 0
}

// RecomputeActivity evaluates INST-4 (第十六条) and its month-ahead warning
// (training.ActivityOf) for every designated institution as of today and
// stores the result in institution_activity, where pages read it. It runs
// every night on one node (internal/jobs) and is idempotent: a second run
// on the same day changes nothing. A run that changes a state writes one
// audit row listing the institutions.
func (s *Store) RecomputeActivity(ctx context.Context) (ActivityChange, error) {
	today := s.Today()
	var ch ActivityChange
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		ch = ActivityChange{ComputedOn: today}
		// One run at a time: another node's run (a retried job) waits here
		// and then finds nothing to change.
		if _, err := tx.Exec(ctx, `LOCK TABLE institution_activity IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT i.id, i.status, i.decision_date,
				(SELECT max(c.start_date) FROM classes c WHERE c.institution_id = i.id
				   AND c.status NOT IN ('draft', 'submitted', 'returned', 'cancelled')),
				coalesce(a.state, '')
			FROM institutions i LEFT JOIN institution_activity a ON a.institution_id = i.id
			WHERE i.status = 'designated' OR a.institution_id IS NOT NULL`)
		if err != nil {
			return err
		}
		ids, states, sinces := []int64{}, []string{}, []time.Time{} // not nil: NULL would match nothing below
		var id int64
		var status, old string
		var decided, last *time.Time
		_, err = pgx.ForEachRow(rows, []any{&id, &status, &decided, &last, &old}, func() error {
			st, since := training.ActivityOf(training.InstitutionStatus(status), decided, last, today)
			if st != training.ActivityOK && since != nil {
				ids, states, sinces = append(ids, id), append(states, string(st)), append(sinces, *since)
			} else {
				st = training.ActivityOK
			}
			switch {
			case string(st) == old:
			case st == training.ActivityFlagged:
				ch.NewlyFlagged = append(ch.NewlyFlagged, id)
			case st == training.ActivityWarning:
				ch.NewlyWarned = append(ch.NewlyWarned, id)
			default:
				ch.Cleared = append(ch.Cleared, id)
			}
			switch st {
			case training.ActivityFlagged:
				ch.Flagged++
			case training.ActivityWarning:
				ch.Warned++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM institution_activity WHERE NOT (institution_id = ANY($1))`, ids); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO institution_activity (institution_id, state, since, computed_on)
			SELECT unnest($1::bigint[]), unnest($2::text[]), unnest($3::date[]), $4
			ON CONFLICT (institution_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, computed_on = EXCLUDED.computed_on`,
			ids, states, sinces, today); err != nil {
			return err
		}
		if !ch.Changed() {
			return nil
		}
		return s.appendAudit(ctx, tx, training.System, auditRecord{Action: "institution.activity", Entity: "institution_activity",
			After: map[string]any{"date": today.Format(time.DateOnly), "flagged": ch.NewlyFlagged, "warning": ch.NewlyWarned,
				"cleared": ch.Cleared}})
	})
	return ch, translate(err, "recompute activity")
}

// ActivityCounts is the number of designated institutions flagged under
// INST-4 and the number warned, as of the last nightly run (bureau only).
func (s *Store) ActivityCounts(ctx context.Context, a training.Actor) (flagged, warned int, err error) {
	if !a.IsBureau() {
		return 0, 0, training.ErrForbidden
	}
	err = s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state = 'flagged'), count(*) FILTER (WHERE state = 'warning')
		FROM institution_activity`).Scan(&flagged, &warned)
	return flagged, warned, translate(err, "activity counts")
}
