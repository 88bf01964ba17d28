package repository

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Stopping approved classes of a suspended or revoked institution (INST-3,
// 第十六条): the bureau's decision per class, recorded with its reason; the
// class ends as cancelled, the institution is told, the step audited.

// stopPrefix begins the cancelled class's reason, so its page says who
// ended it.
const stopPrefix = "区人力社保局决定停止培训："

// StopClass stops an approved class of a suspended or revoked institution.
func (s *Store) StopClass(ctx context.Context, a training.Actor, classID int64, version int, in training.ClassStopInput) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	var inst int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var cls, st, classNo string
		var v int
		err := tx.QueryRow(ctx, `SELECT c.status, c.version, c.class_no, c.institution_id, i.status
			FROM classes c JOIN institutions i ON i.id = c.institution_id WHERE c.id = $1
			FOR UPDATE OF c FOR SHARE OF i`, classID).Scan(&cls, &v, &classNo, &inst, &st)
		if err != nil {
			return err
		}
		if v != version {
			return training.ErrConflict
		}
		if err := training.DecideStopClass(a, training.InstitutionStatus(st), training.ClassStatus(cls), in).Err(); err != nil {
			return err
		}
		reason, by := strings.TrimSpace(in.Reason), strings.TrimSpace(in.DecidedBy)
		cancel := []rune(stopPrefix + reason)
		if len(cancel) > training.MaxLen("classes.cancel_reason") {
			cancel = cancel[:training.MaxLen("classes.cancel_reason")]
		}
		now, today := s.now(), s.Today()
		tag, err := tx.Exec(ctx, `UPDATE classes SET status = 'cancelled', cancel_reason = $2, version = version + 1, updated_at = $3
			WHERE id = $1 AND status = 'approved' AND version = $4`, classID, string(cancel), now, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.ErrConflict
		}
		if _, err := tx.Exec(ctx, `INSERT INTO class_stops (class_id, institution_id, reason, decided_by, decided_on, status_before,
				recorded_by, recorded_by_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			classID, inst, reason, by, today, cls, actorLabel(a), nullID(a.UserID), now); err != nil {
			return err
		}
		if err := s.NotifyInstitution(ctx, tx, inst, InboxNotice{Kind: "class.stop", Title: "培训班 " + classNo + " 已被区人力社保局决定停止培训",
			Body: reason, Href: "/classes/" + strconv.FormatInt(classID, 10)}); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "class.stop", Entity: "class", EntityID: classID, InstitutionID: inst,
			Before: map[string]any{"status": cls, "institution_status": st},
			After:  map[string]any{"status": training.ClassCancelled, "reason": reason, "decided_by": by}})
	})
	return inst, translate(err, "stop class %d", classID)
}

// queueStops adds the supervision page's approved classes (while the
// institution is suspended or revoked) and the stops already decided.
func queueStops(b *pgx.Batch, id int64, p *training.SanctionPage) {
	if st := p.Institution.Status; st == training.InstSuspended || st == training.InstRevoked {
		b.Queue(`SELECT c.id, c.class_no, coalesce(o.name, ''), c.start_date, c.end_date,
				(SELECT count(*) FROM enrolments e WHERE e.class_id = c.id AND e.status = 'enrolled'), c.version
			FROM classes c LEFT JOIN occupations o ON o.id = c.occupation_id
			WHERE c.institution_id = $1 AND c.status = 'approved' ORDER BY c.start_date, c.id LIMIT 200`, id).
			Query(func(rows pgx.Rows) error {
				var err error
				p.Stoppable, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.StoppableClass, error) {
					var c training.StoppableClass
					err := row.Scan(&c.ID, &c.ClassNo, &c.Label, &c.StartDate, &c.EndDate, &c.Enrolled, &c.Version)
					return c, err
				})
				return err
			})
	}
	b.Queue(`SELECT cs.class_id, c.class_no, cs.reason, cs.decided_by, cs.decided_on, cs.recorded_by
		FROM class_stops cs JOIN classes c ON c.id = cs.class_id
		WHERE cs.institution_id = $1 ORDER BY cs.decided_on DESC, cs.class_id DESC LIMIT 200`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Stops, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ClassStop, error) {
			var x training.ClassStop
			err := row.Scan(&x.ClassID, &x.ClassNo, &x.Reason, &x.DecidedBy, &x.DecidedOn, &x.RecordedBy)
			return x, err
		})
		return err
	})
}
