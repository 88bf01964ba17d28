package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The delivery figures (第八条, 第十六条, DELIV-2) are kept on write by the
// functions of migration 00035: class_delivery per class (plan size, what
// the recorded sessions delivered, the flags, the first session without
// attendance) and enrolment_attendance per enrolment (sessions recorded,
// sessions attended, hours attended). Every write that changes what they are computed from
// refreshes them in its own transaction, under the class row lock:
// recording attendance (RecordAttendance), a status change (setStatus) and
// a change of the plan in force (DecideChange). The pages read them.

// refreshClassDeliverySQL recomputes one class's row in class_delivery
// (and removes it when the class has no plan in force).
const refreshClassDeliverySQL = `SELECT refresh_class_delivery(ARRAY[$1::bigint])`

// queueDeliveryRefresh queues the refresh of a class's figures and of the
// figures of every enrolment marked in one of its sessions.
func queueDeliveryRefresh(b *pgx.Batch, classID, sessionID int64) {
	b.Queue(`SELECT refresh_enrolment_attendance(ARRAY(SELECT enrolment_id FROM attendance WHERE session_id = $1))`, sessionID)
	b.Queue(refreshClassDeliverySQL, classID)
}

// ClassDelivery is a class's delivered hours against the plan, the flags
// for the bureau, and each trainee's attendance rate.
type ClassDelivery struct {
	Summary    training.DeliverySummary
	Deliveries map[int64]training.Delivery // by session id
	Trainees   []training.TraineeAttendance
}

// ClassDelivery loads the delivery of a class (bureau, or its institution):
// each recorded session, and each trainee's figures as kept on write.
func (s *Store) ClassDelivery(ctx context.Context, a training.Actor, classID int64) (ClassDelivery, error) {
	out := ClassDelivery{Deliveries: map[int64]training.Delivery{}}
	c, err := s.classForRead(ctx, s.pool, a, classID, false)
	if err != nil {
		return out, translate(err, "class delivery %d", classID)
	}
	b := &pgx.Batch{}
	queueClassDelivery(b, classID, &out)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return out, translate(err, "class delivery %d", classID)
	}
	out.Summary = training.SummarizeDelivery(c.Plan, out.Deliveries)
	return out, nil
}

// queueClassDelivery queues the reads of a class's recorded sessions and
// trainees' figures into out (its Deliveries map made); the caller
// summarises against the plan.
func queueClassDelivery(b *pgx.Batch, classID int64, out *ClassDelivery) {
	b.Queue(`SELECT d.session_id, d.hours, d.teacher_id, t.name, d.recorded_by, d.recorded_at
		FROM session_deliveries d JOIN teachers t ON t.id = d.teacher_id WHERE d.class_id = $1`, classID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var d training.Delivery
			if err := rows.Scan(&d.SessionID, &d.Hours, &d.TeacherID, &d.TeacherName, &d.RecordedBy, &d.RecordedAt); err != nil {
				return err
			}
			out.Deliveries[d.SessionID] = d
		}
		return rows.Err()
	})
	b.Queue(ratesSQL, classID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var t training.TraineeAttendance
			if err := rows.Scan(&t.EnrolmentID, &t.Name, &t.Withdrawn, &t.Attended, &t.Recorded, &t.Hours); err != nil {
				return err
			}
			t.Rate = training.AttendanceRate(t.Attended, t.Recorded)
			out.Trainees = append(out.Trainees, t)
		}
		return rows.Err()
	})
}

// ratesSQL is every enrolment of a class with its attendance figures.
const ratesSQL = `SELECT e.id, t.name, e.status = 'withdrawn', coalesce(ea.sessions_attended, 0),
		coalesce(ea.sessions_recorded, 0), coalesce(ea.hours_attended, 0)
	FROM enrolments e JOIN trainees t ON t.id = e.trainee_id
	LEFT JOIN enrolment_attendance ea ON ea.enrolment_id = e.id
	WHERE e.class_id = $1 ORDER BY e.id`

// AttendanceRates is each enrolment's attendance rate in a class
// (enrolment id → attended sessions / recorded sessions, 0..1; 0 when no
// session is recorded), for the assessment application. The bureau and the
// class's institution may read it; the centre too once training is over
// (finished and later).
func (s *Store) AttendanceRates(ctx context.Context, a training.Actor, classID int64) (map[int64]float64, error) {
	var status string
	var inst int64
	if err := s.pool.QueryRow(ctx, `SELECT status, institution_id FROM classes WHERE id = $1`, classID).Scan(&status, &inst); err != nil {
		return nil, translate(err, "attendance rates %d", classID)
	}
	st := training.ClassStatus(status)
	switch {
	case a.IsBureau():
	case a.IsInstitution() && a.InstitutionID == inst:
	case a.IsCentre() && (st == training.ClassFinished || st == training.ClassAssessmentApplied || st == training.ClassAssessed || st == training.ClassArchived):
	default:
		return nil, training.ErrNotFound
	}
	rows, _ := s.pool.Query(ctx, `SELECT e.id, coalesce(ea.sessions_attended, 0), coalesce(ea.sessions_recorded, 0)
		FROM enrolments e LEFT JOIN enrolment_attendance ea ON ea.enrolment_id = e.id WHERE e.class_id = $1`, classID)
	out := map[int64]float64{}
	var id int64
	var attended, recorded int
	_, err := pgx.ForEachRow(rows, []any{&id, &attended, &recorded}, func() error {
		out[id] = training.AttendanceRate(attended, recorded)
		return nil
	})
	return out, translate(err, "attendance rates %d", classID)
}

// deliveryStartedTotal counts the classes the report lists (the rows of
// class_delivery with start_date <= today): every class finished or
// later, from the counters of 00009, and the running ones that have
// started (a range of a small partial index).
const deliveryStartedTotal = `(SELECT coalesce(sum(n), 0) FROM class_counts
		WHERE status IN ` + pastTrainingSQL + `)
	+ (SELECT count(*) FROM class_delivery WHERE running AND start_date <= $1)`

// deliveryFlagged are the started classes the bureau must look at, newest
// first: those flagged whatever the day (kept on write), and the running
// ones with a session past its date and no attendance. The two parts are
// disjoint and each is read in order from its partial index, so a page
// reads only its rows however many are flagged.
const deliveryFlagged = `SELECT class_id, start_date FROM class_delivery WHERE flagged AND start_date <= $1
	UNION ALL
	SELECT class_id, start_date FROM class_delivery WHERE running AND NOT flagged AND open_from < $1`

// deliveryFlaggedTop is the first $2 of deliveryFlagged in the report's
// order: each part limited in its own index order (PostgreSQL 15 does not
// merge the two ordered index scans of a UNION ALL by itself; it would
// read and sort every flagged class).
const deliveryFlaggedTop = `(SELECT class_id, start_date FROM class_delivery WHERE flagged AND start_date <= $1
		ORDER BY start_date DESC, class_id DESC LIMIT $2)
	UNION ALL
	(SELECT class_id, start_date FROM class_delivery WHERE running AND NOT flagged AND open_from < $1
		ORDER BY start_date DESC, class_id DESC LIMIT $2)`

// DeliveryReport lists the classes that have started (running, finished
// and later) with their delivered against planned hours, flagged ones
// first (hours short of plan, a teacher not on the filing, a session past
// its date without attendance: 第十六条), then by start date, newest
// first. A class that recorded no attendance at all is listed too. Bureau
// only. The figures are read from class_delivery by index, in two round
// trips (the counts, then the page), whatever the number of marks.
func (s *Store) DeliveryReport(ctx context.Context, a training.Actor, flaggedOnly bool, p Page) ([]training.DeliveryRow, int, error) {
	if !a.IsBureau() {
		return nil, 0, training.ErrForbidden
	}
	today := s.Today()
	var flagged, total int
	err := s.pool.QueryRow(ctx, `SELECT (`+deliveryFlaggedCount+`), CASE WHEN $2 THEN 0 ELSE `+deliveryStartedTotal+` END`,
		today, flaggedOnly).Scan(&flagged, &total)
	if err != nil {
		return nil, 0, translate(err, "delivery report")
	}
	if flaggedOnly {
		total = flagged
	}
	var list []training.DeliveryRow
	b := &pgx.Batch{}
	queueDeliveryPage(b, today, flagged, flaggedOnly, p, &list)
	return list, total, translate(s.pool.SendBatch(ctx, b).Close(), "delivery report")
}

// deliveryFlaggedCount counts deliveryFlagged ($1 today).
const deliveryFlaggedCount = `SELECT count(*) FROM (` + deliveryFlagged + `) f`

// queueDeliveryPage queues the query of one page of the report: the
// flagged classes of the page (flagged is how many there are), then,
// unless flaggedOnly, the rest in the same order, each from its index.
func queueDeliveryPage(b *pgx.Batch, today time.Time, flagged int, flaggedOnly bool, p Page, list *[]training.DeliveryRow) {
	limit, offset := p.limit(), p.offset()
	flagLimit, top, rest, restOffset := limit, limit+offset, 0, 0
	if offset >= flagged {
		flagLimit, top = 0, 0
	}
	if !flaggedOnly && offset+limit > flagged {
		rest = min(limit, offset+limit-flagged)
		restOffset = max(0, offset-flagged)
	}
	b.Queue(`WITH pg AS (
			(SELECT class_id, start_date, 0 AS grp FROM (`+deliveryFlaggedTop+`) f
				ORDER BY start_date DESC, class_id DESC LIMIT $6 OFFSET $3)
			UNION ALL
			(SELECT class_id, start_date, 1 FROM class_delivery
				WHERE NOT flagged AND start_date <= $1 AND NOT (running AND open_from < $1)
				ORDER BY start_date DESC, class_id DESC LIMIT $4 OFFSET $5))
		SELECT c.id, c.class_no, i.name, coalesce(o.name, ''), c.level, c.status, c.start_date, c.end_date,
			d.sessions, d.held, d.planned_hours, d.planned_held, d.delivered, d.short, d.off_plan,
			CASE WHEN d.open_from < $1 THEN (SELECT count(*) FROM class_sessions cs WHERE cs.class_id = c.id AND cs.day < $1
				AND NOT EXISTS (SELECT 1 FROM session_deliveries sd WHERE sd.session_id = cs.id)) ELSE 0 END
		FROM pg JOIN class_delivery d ON d.class_id = pg.class_id
		JOIN classes c ON c.id = pg.class_id JOIN institutions i ON i.id = c.institution_id
		LEFT JOIN occupations o ON o.id = c.occupation_id
		ORDER BY pg.grp, pg.start_date DESC, pg.class_id DESC`, today, top, offset, rest, restOffset, flagLimit).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var r training.DeliveryRow
			var level int16
			var status string
			if err := rows.Scan(&r.ClassID, &r.ClassNo, &r.InstitutionName, &r.OccupationName, &level, &status, &r.StartDate, &r.EndDate,
				&r.Sessions, &r.Held, &r.PlannedHours, &r.PlannedHeld, &r.Delivered, &r.Short, &r.OffPlan, &r.Unrecorded); err != nil {
				return err
			}
			r.Level, r.Status = training.Level(level), training.ClassStatus(status)
			*list = append(*list, r)
		}
		return rows.Err()
	})
}
