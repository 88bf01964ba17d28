package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// heldSessions is the set of a class's sessions with recorded attendance.
func heldSessions(ctx context.Context, tx pgx.Tx, classID int64) (map[int64]bool, error) {
	rows, err := tx.Query(ctx, `SELECT session_id FROM session_deliveries WHERE class_id = $1`, classID)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	held := map[int64]bool{}
	for _, id := range ids {
		held[id] = true
	}
	return held, err
}

// AttendanceRow is one trainee on a session's sheet.
type AttendanceRow struct {
	EnrolmentID  int64
	Name         string
	IDNumber     string // full; pages mask it
	Withdrawn    bool
	HasAgreement bool
	Mark         training.AttendanceStatus // "" when not recorded
}

// TeacherChoice is a teacher who may be recorded as having taught.
type TeacherChoice struct {
	ID     int64
	Name   string
	OnPlan bool // named on the filing
}

// AttendanceSheet is the page of one session: the class, the session, what
// was recorded, the roster with each mark, and the rules that stop
// recording now.
type AttendanceSheet struct {
	Class    training.Class
	Session  training.Session
	No       int // the session's position in the plan, from 1
	Delivery *training.Delivery
	Rows     []AttendanceRow
	Teachers []TeacherChoice
	Problems []string // why it cannot be recorded now (training.CheckRecording)
}

// sessionOf finds a session of the plan in force by id.
func sessionOf(p training.Plan, id int64) (training.Session, int, bool) {
	for i, ss := range p.Sessions {
		if ss.ID == id {
			return ss, i + 1, true
		}
	}
	return training.Session{}, 0, false
}

// AttendanceSheet loads one session's page in a fixed number of round
// trips whatever the class size: the class, then one batch with the roster
// × this session's marks, the delivery and the teachers. A session not in
// the plan in force is ErrNotFound.
func (s *Store) AttendanceSheet(ctx context.Context, a training.Actor, classID, sessionID int64) (AttendanceSheet, error) {
	var sh AttendanceSheet
	var w where
	if !classScope(a, &w) {
		return sh, training.ErrNotFound
	}
	w.add("c.id = ?", classID)
	// Two round trips: the class (scoped to the actor), then its plan and
	// the sheet in one batch.
	if err := scanClassInto(s.pool.QueryRow(ctx, `SELECT `+classColumns+classFrom+w.sql(), w.args...), &sh.Class); err != nil {
		return sh, translate(err, "attendance class %d", classID)
	}
	c := &sh.Class
	var missing []string
	b := &pgx.Batch{}
	queuePlanParts(b, classID, &c.Plan)
	b.Queue(`SELECT e.id, t.name, t.id_number, e.status = 'withdrawn', e.agreement_date IS NOT NULL, coalesce(at.status, '')
		FROM enrolments e JOIN trainees t ON t.id = e.trainee_id
		LEFT JOIN attendance at ON at.session_id = $2 AND at.enrolment_id = e.id
		WHERE e.class_id = $1 AND (e.status = 'enrolled' OR at.status IS NOT NULL)
		ORDER BY e.id`, classID, sessionID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var r AttendanceRow
			var mark string
			if err := rows.Scan(&r.EnrolmentID, &r.Name, &r.IDNumber, &r.Withdrawn, &r.HasAgreement, &mark); err != nil {
				return err
			}
			r.Mark = training.AttendanceStatus(mark)
			if !r.Withdrawn && !r.HasAgreement {
				missing = append(missing, r.Name)
			}
			sh.Rows = append(sh.Rows, r)
		}
		return rows.Err()
	})
	b.Queue(`SELECT d.hours, d.teacher_id, t.name, d.recorded_by, d.recorded_at
		FROM session_deliveries d JOIN teachers t ON t.id = d.teacher_id WHERE d.session_id = $1 AND d.class_id = $2`,
		sessionID, classID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			d := training.Delivery{SessionID: sessionID}
			if err := rows.Scan(&d.Hours, &d.TeacherID, &d.TeacherName, &d.RecordedBy, &d.RecordedAt); err != nil {
				return err
			}
			sh.Delivery = &d
		}
		return rows.Err()
	})
	// A union of index lookups: the same set as one WHERE with three ORed
	// IN lists, which the planner can only answer by scanning every teacher
	// (4 ms at 10,000 teachers, most of the page's time). The LATERAL
	// keeps the school's teachers (a hundred or so) to primary-key lookups
	// where a join would hash the whole table.
	b.Queue(`SELECT t.id, t.name FROM teachers t
		WHERE t.id IN (SELECT teacher_id FROM class_teachers WHERE class_id = $2
			UNION ALL SELECT teacher_id FROM class_sessions WHERE class_id = $2)
		UNION
		SELECT t.id, t.name FROM teacher_institutions ti
		CROSS JOIN LATERAL (SELECT id, name FROM teachers WHERE id = ti.teacher_id AND status = 'approved' LIMIT 1) t
		WHERE ti.institution_id = $1
		ORDER BY 2, 1`, c.InstitutionID, classID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var t TeacherChoice
			if err := rows.Scan(&t.ID, &t.Name); err != nil {
				return err
			}
			sh.Teachers = append(sh.Teachers, t)
		}
		return rows.Err()
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return sh, translate(err, "attendance sheet %d/%d", classID, sessionID)
	}
	var ok bool
	if sh.Session, sh.No, ok = sessionOf(c.Plan, sessionID); !ok {
		return sh, training.ErrNotFound
	}
	onPlan := map[int64]bool{}
	for _, t := range c.Plan.Teachers {
		onPlan[t.TeacherID] = true
	}
	for i := range sh.Teachers {
		sh.Teachers[i].OnPlan = onPlan[sh.Teachers[i].ID]
	}
	sh.Problems = training.CheckRecording(training.RecordingContext{Status: c.Status, Today: s.Today(), Session: sh.Session,
		InPlan: true, MissingAgreements: missing})
	return sh, nil
}

func planTeacherIDs(p training.Plan) []int64 {
	ids := []int64{}
	for _, t := range p.Teachers {
		ids = append(ids, t.TeacherID)
	}
	for _, ss := range p.Sessions {
		if ss.TeacherID != 0 {
			ids = append(ids, ss.TeacherID)
		}
	}
	return ids
}

// RecordAttendance records one session of the plan in force (第八条,
// DELIV-2): the hours delivered, the teacher who taught, and a mark for
// every enrolled trainee, in one transaction. It is refused before
// approval (FILE-3), for a session not in the plan in force (FILE-5),
// before the session's date, and while any enrolled trainee lacks a
// training agreement (DELIV-1, 第十六条). Recording the last unrecorded
// session of the plan finishes the class (已结业), in the same transaction.
// It reports whether the class finished.
func (s *Store) RecordAttendance(ctx context.Context, a training.Actor, classID, sessionID int64, in training.AttendanceInput) (bool, error) {
	if !a.IsInstitution() {
		if _, err := s.ClassByID(ctx, a, classID); err != nil {
			return false, err
		}
		return false, training.ErrForbidden
	}
	finished := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		finished = false
		// The class row lock serialises recordings of one class, so the
		// last one sees every other and finishes the class exactly once.
		c, err := s.classForRead(ctx, tx, a, classID, true)
		if err != nil {
			return err
		}
		ss, no, inPlan := sessionOf(c.Plan, sessionID)
		var enrolled []int64
		var missing []string
		teachers := map[int64]bool{}
		for _, id := range planTeacherIDs(c.Plan) {
			teachers[id] = true
		}
		var before *training.Delivery
		b := &pgx.Batch{}
		b.Queue(`SELECT e.id, t.name, e.agreement_date IS NOT NULL FROM enrolments e JOIN trainees t ON t.id = e.trainee_id
			WHERE e.class_id = $1 AND e.status = 'enrolled' ORDER BY e.id`, classID).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var id int64
				var name string
				var has bool
				if err := rows.Scan(&id, &name, &has); err != nil {
					return err
				}
				enrolled = append(enrolled, id)
				if !has {
					missing = append(missing, name)
				}
			}
			return rows.Err()
		})
		b.Queue(`SELECT teacher_id FROM teacher_institutions ti JOIN teachers t ON t.id = ti.teacher_id
			WHERE ti.institution_id = $1 AND t.status = 'approved'`, c.InstitutionID).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				teachers[id] = true
			}
			return rows.Err()
		})
		b.Queue(`SELECT hours, teacher_id FROM session_deliveries WHERE session_id = $1`, sessionID).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				d := training.Delivery{SessionID: sessionID}
				if err := rows.Scan(&d.Hours, &d.TeacherID); err != nil {
					return err
				}
				before = &d
			}
			return rows.Err()
		})
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		if probs := training.CheckRecording(training.RecordingContext{Status: c.Status, Today: s.Today(), Session: ss,
			InPlan: inPlan, MissingAgreements: missing}); len(probs) > 0 {
			return &training.ValidationError{General: probs}
		}
		rec, err := training.ParseAttendance(in, enrolled, teachers)
		if err != nil {
			return err
		}
		marks := make([]string, len(enrolled))
		counts := map[string]int{}
		for i, id := range enrolled {
			marks[i] = string(rec.Marks[id])
			counts[rec.Marks[id].Label()]++
		}
		if _, err := tx.Exec(ctx, `INSERT INTO session_deliveries (session_id, class_id, hours, teacher_id, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (session_id) DO UPDATE SET hours = EXCLUDED.hours, teacher_id = EXCLUDED.teacher_id,
				recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
			sessionID, classID, rec.Hours, rec.TeacherID, actorLabel(a), s.now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO attendance (session_id, enrolment_id, status)
			SELECT $1, v.id, v.status FROM unnest($2::bigint[], $3::text[]) AS v(id, status)
			ON CONFLICT (session_id, enrolment_id) DO UPDATE SET status = EXCLUDED.status`, sessionID, enrolled, marks); err != nil {
			return err
		}
		var audBefore any
		if before != nil {
			audBefore = map[string]any{"hours": before.Hours, "teacher_id": before.TeacherID}
		}
		if err := s.appendAudit(ctx, tx, a, auditRecord{Action: "attendance.record", Entity: "class", EntityID: classID,
			InstitutionID: c.InstitutionID, Before: audBefore, After: map[string]any{"session": no, "date": dateText(ss.Date),
				"hours": rec.Hours, "planned_hours": ss.Hours, "teacher_id": rec.TeacherID, "marks": counts}}); err != nil {
			return err
		}
		// The delivery figures of the class and of every trainee marked in
		// this session (a correction may change the hours of trainees
		// withdrawn since), in the same transaction; the class row lock
		// makes them exact.
		var held, sessions int
		b = &pgx.Batch{}
		queueDeliveryRefresh(b, classID, sessionID)
		b.Queue(`SELECT held, sessions FROM class_delivery WHERE class_id = $1`, classID).QueryRow(func(row pgx.Row) error {
			return row.Scan(&held, &sessions)
		})
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		if c.Status != training.ClassApproved || held < sessions {
			return nil
		}
		if err := s.setStatus(ctx, tx, c, training.ClassFinished, ``); err != nil {
			return err
		}
		finished = true
		// SUP-3: each trainee gets a survey code when the class finishes.
		if _, err := issueSurveyCodes(ctx, tx, classID, c.InstitutionID, s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "class.finish", Entity: "class", EntityID: classID,
			InstitutionID: c.InstitutionID, Before: map[string]any{"status": c.Status},
			After: map[string]any{"status": training.ClassFinished, "sessions": len(c.Plan.Sessions)}})
	})
	return finished, translate(err, "record attendance %d/%d", classID, sessionID)
}
