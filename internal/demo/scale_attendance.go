package demo

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Attendance of the scale data set: every session held so far of every
// class past approval, a mark for each trainee on its roster, and the delivery figures
// the portal keeps on write (class_delivery, enrolment_attendance),
// computed here as the load writes the records. About sixteen million
// marks at two million enrolments: they are generated while COPY sends
// them (each mark a hash of its session and enrolment, so the figures
// computed beforehand are those of the marks sent).
//
// What the bureau's report should find: one class in thirty has a session
// delivered an hour short, one in a hundred a session taught by a teacher
// of the school not on its filing, one finished class in a hundred
// recorded no attendance at all, and one running class in twenty missed
// recording a session that is past.

// scaleHeld is what a class delivered: how many sessions of its plan are
// recorded (the first held, less skip) and the exceptions.
type scaleHeld struct {
	held    int   // sessions recorded, from the first (skip excluded)
	skip    int   // a session not recorded (-1: none)
	short   int   // the session delivered an hour short (-1: none)
	offPlan int   // the session taught by offBy (-1: none)
	offBy   int64 // a teacher of the school not on the filing
}

func (h scaleHeld) recorded(s int) bool { return s < h.held && s != h.skip }

// mix64 is SplitMix64's finaliser: a well-spread hash of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// scaleMark is the mark of an enrolment in a session: nine in ten present.
func scaleMark(sessionID, enrolmentID int64) training.AttendanceStatus {
	switch x := mix64(uint64(sessionID)*0x9e3779b97f4a7c15^uint64(enrolmentID)) % 100; {
	case x < 3:
		return training.AttLate
	case x < 5:
		return training.AttLeftEarly
	case x < 8:
		return training.AttAbsent
	case x < 10:
		return training.AttLeave
	}
	return training.AttPresent
}

// planHeld decides what each class with a roster delivered.
func (r *scaleRun) planHeld() {
	today := scaleDay(r.now)
	finished := 0
	for i := range r.classes {
		c := &r.classes[i]
		c.delivery = scaleHeld{skip: -1, short: -1, offPlan: -1}
		h := &c.delivery
		switch c.status {
		case training.ClassFinished, training.ClassAssessmentApplied, training.ClassAssessed, training.ClassArchived:
			h.held = len(c.sessions)
			if c.status == training.ClassFinished {
				if finished%100 == 0 {
					h.held = 0 // finished, nothing recorded (the report must list it)
				}
				finished++
			}
		case training.ClassApproved:
			// Training: every session before today, never the last one
			// (it would have finished the class).
			for h.held < len(c.sessions)-1 && c.plan.Sessions[h.held].Date.Before(today) {
				h.held++
			}
			if h.held > 0 && r.rng.IntN(20) == 0 {
				h.skip = h.held - 1
			}
		}
		for s := 0; s < h.held; s++ {
			if c.plan.Sessions[s].TeacherID == 0 {
				h.held = s // no teacher to record: the rest stays open
			}
		}
		if h.held == 0 {
			continue
		}
		if r.rng.IntN(30) == 0 {
			h.short = r.rng.IntN(h.held)
		}
		if r.rng.IntN(100) == 0 {
			onPlan := map[int64]bool{}
			for _, t := range c.plan.Teachers {
				onPlan[t.TeacherID] = true
			}
			for _, t := range c.inst.teachers {
				if !onPlan[t] {
					h.offPlan, h.offBy = r.rng.IntN(h.held), t
					break
				}
			}
		}
	}
}

// sessionRecord is what session s of class c delivered.
func (c *scaleClass) sessionRecord(s int) (hours int, teacher int64) {
	ss := c.plan.Sessions[s]
	hours, teacher = ss.Hours, ss.TeacherID
	if s == c.delivery.short {
		hours = max(0, hours-1)
	}
	if s == c.delivery.offPlan {
		teacher = c.delivery.offBy
	}
	return hours, teacher
}

// loadScaleAttendance writes the session records, the marks and the kept
// figures.
func loadScaleAttendance(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	if len(r.enrolments) == 0 {
		return 0, nil
	}
	r.planHeld()
	// Session records.
	ci, s := 0, 0
	next := func() (*scaleClass, int, bool) {
		for ; ci < len(r.classes); ci, s = ci+1, 0 {
			c := &r.classes[ci]
			for ; s < c.delivery.held; s++ {
				if c.delivery.recorded(s) {
					s++
					return c, s - 1, true
				}
			}
		}
		return nil, 0, false
	}
	total, err := withoutForeignKeys(ctx, tx, "session_deliveries", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"session_deliveries"}, []string{"session_id", "class_id", "hours", "teacher_id",
			"recorded_by", "recorded_at"}, pgx.CopyFromFunc(func() ([]any, error) {
			c, s, ok := next()
			if !ok {
				return nil, nil
			}
			hours, teacher := c.sessionRecord(s)
			return []any{c.sessions[s], c.id, hours, teacher, "机构用户", c.plan.Sessions[s].Date.Add(17 * time.Hour)}, nil
		}))
	})
	if err != nil {
		return 0, err
	}
	// Marks: class by class, session by session, the class's roster. The
	// table's keys are built once afterwards, not row by row.
	ci, s = 0, 0
	var cur *scaleClass
	var sess, e int
	k, err := withoutForeignKeys(ctx, tx, "attendance", func() (int64, error) {
		return withoutIndexes(ctx, tx, "attendance", func() (int64, error) {
			return tx.CopyFrom(ctx, pgx.Identifier{"attendance"}, []string{"session_id", "enrolment_id", "status"},
				pgx.CopyFromFunc(func() ([]any, error) {
					for cur == nil || e == cur.enrolled {
						c, s, ok := next()
						if !ok {
							return nil, nil
						}
						cur, sess, e = c, s, 0
					}
					i := cur.firstEnrol + e
					e++
					sid, eid := cur.sessions[sess], r.enrolmentID(i)
					return []any{sid, eid, string(scaleMark(sid, eid))}, nil
				}))
		})
	})
	if err != nil {
		return 0, err
	}
	total += k
	k, err = loadScaleFigures(ctx, tx, r)
	return total + k, err
}

// loadScaleFigures writes what refresh_class_delivery and
// refresh_enrolment_attendance (migration 00035) would compute for every
// class and enrolment (TestLoadScaleEnrolments checks that they agree).
func loadScaleFigures(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	i := 0
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"enrolment_attendance"}, []string{"enrolment_id", "sessions_recorded",
		"sessions_attended", "hours_attended"}, pgx.CopyFromFunc(func() ([]any, error) {
		for ; i < len(r.enrolments); i++ {
			c := &r.classes[r.enrolments[i].class]
			if c.delivery.held == 0 {
				continue
			}
			eid := r.enrolmentID(i)
			recorded, attended, hours := 0, 0, 0
			for s := 0; s < c.delivery.held; s++ {
				if !c.delivery.recorded(s) {
					continue
				}
				recorded++
				if scaleMark(c.sessions[s], eid).Attended() {
					h, _ := c.sessionRecord(s)
					attended, hours = attended+1, hours+h
				}
			}
			i++
			if recorded == 0 {
				continue
			}
			return []any{eid, recorded, attended, hours}, nil
		}
		return nil, nil
	}))
	if err != nil {
		return 0, err
	}
	j := 0
	m, err := tx.CopyFrom(ctx, pgx.Identifier{"class_delivery"}, []string{"class_id", "institution_id", "start_date", "running",
		"sessions", "planned_hours", "held", "planned_held", "delivered", "short", "off_plan", "open_from"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for ; j < len(r.classes); j++ {
				c := &r.classes[j]
				switch c.status {
				case training.ClassApproved, training.ClassFinished, training.ClassAssessmentApplied, training.ClassAssessed, training.ClassArchived:
				default:
					continue
				}
				onPlan := map[int64]bool{}
				for _, t := range c.plan.Teachers {
					onPlan[t.TeacherID] = true
				}
				var planned, held, plannedHeld, delivered, short, offPlan int
				var open *time.Time
				for s, ss := range c.plan.Sessions {
					planned += ss.Hours
					if !c.delivery.recorded(s) {
						if open == nil || ss.Date.Before(*open) {
							d := ss.Date
							open = &d
						}
						continue
					}
					hours, teacher := c.sessionRecord(s)
					held, plannedHeld, delivered = held+1, plannedHeld+ss.Hours, delivered+hours
					if hours < ss.Hours {
						short++
					}
					if !onPlan[teacher] {
						offPlan++
					}
				}
				j++
				return []any{c.id, c.inst.id, c.plan.StartDate, c.status == training.ClassApproved, len(c.plan.Sessions), planned,
					held, plannedHeld, delivered, short, offPlan, open}, nil
			}
			return nil, nil
		}))
	return n + m, err
}

// withoutIndexes runs load with table's indexes (its primary key too)
// dropped and builds them again afterwards: one sort each instead of a
// B-tree insertion per row (sixteen million marks). Nothing may reference
// the table's keys while it runs.
func withoutIndexes(ctx context.Context, tx pgx.Tx, table string, load func() (int64, error)) (int64, error) {
	rows, _ := tx.Query(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, pg_get_constraintdef(c.oid)
		FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
		WHERE i.indrelid = $1::regclass ORDER BY 1`, table)
	type index struct {
		name, def      string
		constraint, cd *string
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (index, error) {
		var x index
		return x, row.Scan(&x.name, &x.def, &x.constraint, &x.cd)
	})
	if err != nil {
		return 0, err
	}
	for _, x := range list {
		q := `DROP INDEX ` + x.name
		if x.constraint != nil {
			q = `ALTER TABLE ` + table + ` DROP CONSTRAINT ` + pgx.Identifier{*x.constraint}.Sanitize()
		}
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, err
		}
	}
	n, err := load()
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '512MB'`); err != nil {
		return 0, err
	}
	for _, x := range list {
		q := x.def
		if x.constraint != nil {
			q = `ALTER TABLE ` + table + ` ADD CONSTRAINT ` + pgx.Identifier{*x.constraint}.Sanitize() + ` ` + *x.cd
		}
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, err
		}
	}
	return n, nil
}
