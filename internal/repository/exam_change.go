package repository

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Exam sessions after scheduling: the plan checked with the examiner pool
// (EXAM-2), rescheduling and cancelling before the exam day, the audited
// reveal of a candidate's full ID number, the retake form's choices.

// checkSessionPlan validates a session as typed and picked: the schedule
// and the typed examiners (SessionInput.Validate), the pool picks and the
// typed examiners against the pool records (DecideSessionExaminers), and
// that the application's organisation is still approved. Every problem is
// reported at once.
func (s *Store) checkSessionPlan(ctx context.Context, tx pgx.Tx, a training.Actor, ap training.Application, in training.SessionInput) (training.ExamSessionPlan, []training.PoolPick, error) {
	f, err := conflictFacts(ctx, tx, ap.ClassID, ap.InstitutionID, ap.InstitutionName)
	if err != nil {
		return training.ExamSessionPlan{}, nil, err
	}
	ef := training.ExaminerFacts{Conflict: f, Level: ap.Level, ClassName: strings.TrimSpace(ap.OccupationName + " " + ap.Level.Label())}
	var orgKind string
	var orgApproved bool
	if err := tx.QueryRow(ctx, `SELECT c.occupation_id, o.kind, o.approved FROM classes c, eval_orgs o WHERE c.id = $1 AND o.id = $2`,
		ap.ClassID, ap.EvalOrgID).Scan(&ef.OccupationID, &orgKind, &orgApproved); err != nil {
		return training.ExamSessionPlan{}, nil, err
	}
	var rs training.Refusals
	if !training.OrgOpen(training.EvalOrg{Kind: training.EvalOrgKind(orgKind), Approved: orgApproved}) {
		rs.General(training.RuleOrgWithdrawn)
	}
	if ef.Pool, _, err = s.loadPool(ctx, tx, a, nil); err != nil {
		return training.ExamSessionPlan{}, nil, err
	}
	plan, verr := in.Validate(s.Today(), ap.ClassEnd, f)
	picks, prs := training.DecideSessionExaminers(uniqueIDs(in.PoolIDs), in.Examiners, ef)
	rs = append(rs, prs...)
	return plan, picks, joinValidation(verr, rs)
}

// joinValidation merges a validation error and refusals into one (the
// first message per field kept); any other error wins.
func joinValidation(err error, rs training.Refusals) error {
	if err == nil {
		return rs.Err()
	}
	v, ok := training.AsValidation(err)
	if !ok || rs.OK() {
		return err
	}
	r, _ := training.AsValidation(rs.Err())
	out := &training.ValidationError{Fields: map[string]string{}, General: append(append([]string{}, v.General...), r.General...)}
	for k, m := range r.Fields {
		out.Fields[k] = m
	}
	for k, m := range v.Fields {
		out.Fields[k] = m
	}
	return out
}

// insertExaminers writes a session's examiners: the pool picks first (with
// their record), then the typed ones. It returns them as the audit shows
// them.
func insertExaminers(ctx context.Context, tx pgx.Tx, sessionID int64, typed []training.Examiner, picks []training.PoolPick) ([]string, error) {
	b := &pgx.Batch{}
	names := make([]string, 0, len(typed)+len(picks))
	seq := 0
	add := func(e training.Examiner, pool *int64) {
		seq++
		b.Queue(`INSERT INTO exam_examiners (session_id, seq, name, id_number, organisation, examiner_id) VALUES ($1, $2, $3, $4, $5, $6)`,
			sessionID, seq, e.Name, e.IDNumber, e.Organisation, pool)
		label := e.Name + "（" + e.Organisation + "）"
		if pool != nil {
			label += "［考评员库］"
		}
		names = append(names, label)
	}
	for _, p := range picks {
		id := p.PoolID
		add(p.Examiner, &id)
	}
	for _, e := range typed {
		add(e, nil)
	}
	return names, tx.SendBatch(ctx, b).Close()
}

// carried is the first attempt's score of a part a retake does not sit.
func carried(attempt int, required bool, score *int16, absent bool) *training.PartScore {
	if attempt != 2 || required || (score == nil && !absent) {
		return nil
	}
	return &training.PartScore{Score: intPtr(score), Absent: absent}
}

// queueSessionChanges queues the query of a session's reschedules and
// cancellation.
func queueSessionChanges(b *pgx.Batch, sessionID int64, out *[]training.SessionChangeRecord) {
	*out = nil
	b.Queue(`SELECT kind = 'cancel', reason, coalesce(before->>'text', ''), coalesce(after->>'text', ''), changed_by, changed_at
		FROM exam_session_changes WHERE session_id = $1 ORDER BY id`, sessionID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var c training.SessionChangeRecord
			if err := rows.Scan(&c.Cancel, &c.Reason, &c.Before, &c.After, &c.By, &c.At); err != nil {
				return err
			}
			*out = append(*out, c)
		}
		return rows.Err()
	})
}

// scheduleText is a session's schedule in one line, for the change record.
func scheduleText(date time.Time, venue, theory, practical string, examiners []string) map[string]any {
	text := dateText(date) + "，" + venue + "，应知 " + theory + "，应会 " + practical
	if len(examiners) > 0 {
		text += "，考评人员：" + strings.Join(examiners, "、")
	}
	return map[string]any{"text": text, "exam_date": dateText(date), "venue": venue, "theory_time": theory,
		"practical_time": practical, "examiners": examiners}
}

// changeFacts loads what DecideChangeSession looks at, under the row lock.
func (s *Store) changeFacts(ctx context.Context, tx pgx.Tx, a training.Actor, id, version int64) (training.ExamSession, training.SessionChangeFacts, error) {
	x, err := s.sessionFor(ctx, tx, a, id, true)
	if err != nil {
		return x, training.SessionChangeFacts{}, err
	}
	if int64(x.Version) != version {
		return x, training.SessionChangeFacts{}, training.ErrConflict
	}
	if err := s.loadSessionParts(ctx, tx, &x); err != nil {
		return x, training.SessionChangeFacts{}, err
	}
	f := training.SessionChangeFacts{Status: x.Status, ExamDate: x.ExamDate, Today: s.Today()}
	if x.Retake {
		rows, err := tx.Query(ctx, `SELECT DISTINCT extract(year FROM fs.exam_date)::int FROM exam_entries x
			JOIN exam_entries f ON f.enrolment_id = x.enrolment_id AND f.attempt = 1 JOIN exam_sessions fs ON fs.id = f.session_id
			WHERE x.session_id = $1`, id)
		if err != nil {
			return x, f, err
		}
		if f.FirstAttemptYears, err = pgx.CollectRows(rows, pgx.RowTo[int]); err != nil {
			return x, f, err
		}
	}
	return x, f, nil
}

func examinerLabels(x training.ExamSession) []string {
	out := make([]string, 0, len(x.Examiners))
	for _, e := range x.Examiners {
		out = append(out, e.Name+"（"+e.Organisation+"）")
	}
	return out
}

// RescheduleSession changes a session's date, venue, times and examiners
// before its exam day, with a reason (EXAM-2 is checked again). The
// session keeps its number and its candidates' numbers; the change is
// recorded on the session and in the audit log.
func (s *Store) RescheduleSession(ctx context.Context, a training.Actor, id int64, version int, in training.SessionInput, reason string) error {
	if !a.IsCentre() {
		return training.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		x, f, err := s.changeFacts(ctx, tx, a, id, int64(version))
		if err != nil {
			return err
		}
		newDate, _ := time.Parse("2006-01-02", strings.TrimSpace(in.ExamDate))
		rs, err := training.DecideChangeSession(a, f, training.SessionChange{Reason: reason, NewDate: newDate})
		if err != nil {
			return err
		}
		if len(rs) > 0 && rs[0].Field == "" {
			return rs.Err() // the session can no longer be changed: nothing else matters
		}
		ap, err := s.applicationFor(ctx, tx, a, x.ApplicationID, false)
		if err != nil {
			return err
		}
		in.Retake = x.Retake
		plan, picks, perr := s.checkSessionPlan(ctx, tx, a, ap, in)
		if err := joinValidation(perr, rs); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE exam_sessions SET exam_date = $3, venue = $4, theory_time = $5, practical_time = $6,
			version = version + 1 WHERE id = $1 AND version = $2 AND status = 'scheduled'`,
			id, version, plan.ExamDate, plan.Venue, plan.TheoryTime, plan.PracticalTime)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.ErrConflict
		}
		if _, err := tx.Exec(ctx, `DELETE FROM exam_examiners WHERE session_id = $1`, id); err != nil {
			return err
		}
		names, err := insertExaminers(ctx, tx, id, plan.Examiners, picks)
		if err != nil {
			return err
		}
		before := scheduleText(x.ExamDate, x.Venue, x.TheoryTime, x.PracticalTime, examinerLabels(x))
		after := scheduleText(plan.ExamDate, plan.Venue, plan.TheoryTime, plan.PracticalTime, names)
		if _, err := tx.Exec(ctx, `INSERT INTO exam_session_changes (session_id, kind, reason, before, after, changed_by, changed_at)
			VALUES ($1, 'reschedule', $2, $3, $4, $5, $6)`, id, reason, before, after, actorLabel(a), s.now()); err != nil {
			return err
		}
		after["reason"] = reason
		after["session"] = x.No
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.reschedule", Entity: "class", EntityID: x.ClassID,
			InstitutionID: x.InstitutionID, Before: before, After: after})
	}), "reschedule session %d", id)
}

// CancelSession cancels a session before its exam day, with a reason. Its
// candidates (who have neither an ID check nor a score yet: both wait for
// the exam day) are taken out, so the centre can schedule them again; the
// session stays, cancelled, with its number and its history.
func (s *Store) CancelSession(ctx context.Context, a training.Actor, id int64, version int, reason string) error {
	if !a.IsCentre() {
		return training.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		x, f, err := s.changeFacts(ctx, tx, a, id, int64(version))
		if err != nil {
			return err
		}
		rs, err := training.DecideChangeSession(a, f, training.SessionChange{Cancel: true, Reason: reason})
		if err != nil {
			return err
		}
		if !rs.OK() {
			return rs.Err()
		}
		now := s.now()
		tag, err := tx.Exec(ctx, `UPDATE exam_sessions SET status = 'cancelled', cancel_reason = $3, cancelled_by = $4, cancelled_at = $5,
			version = version + 1 WHERE id = $1 AND version = $2 AND status = 'scheduled'`, id, version, reason, actorLabel(a), now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.ErrConflict
		}
		candidates := make([]string, 0, len(x.Entries))
		for _, e := range x.Entries {
			candidates = append(candidates, e.CandidateNo+" "+e.Name)
		}
		// No check and no score exist before the exam day; the guard keeps
		// it so.
		tag, err = tx.Exec(ctx, `DELETE FROM exam_entries WHERE session_id = $1 AND checked_at IS NULL
			AND theory_score IS NULL AND practical_score IS NULL AND NOT theory_absent AND NOT practical_absent`, id)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != len(x.Entries) {
			return training.ErrConflict
		}
		before := scheduleText(x.ExamDate, x.Venue, x.TheoryTime, x.PracticalTime, examinerLabels(x))
		before["candidates"] = candidates
		before["text"] = before["text"].(string) + "，考生 " + strconv.Itoa(len(candidates)) + " 人"
		after := map[string]any{"text": "已取消", "status": training.SessCancelled.Label()}
		if _, err := tx.Exec(ctx, `INSERT INTO exam_session_changes (session_id, kind, reason, before, after, changed_by, changed_at)
			VALUES ($1, 'cancel', $2, $3, $4, $5, $6)`, id, reason, before, after, actorLabel(a), now); err != nil {
			return err
		}
		after["reason"], after["session"] = reason, x.No
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.cancel", Entity: "class", EntityID: x.ClassID,
			InstitutionID: x.InstitutionID, Before: before, After: after})
	}), "cancel session %d", id)
}

// RevealCandidateID is the full ID number of one candidate, for the clerk
// comparing it with the card on the exam day (the check page shows it
// masked). Every reveal is audited.
func (s *Store) RevealCandidateID(ctx context.Context, a training.Actor, sessionID, entryID int64) (string, error) {
	if !a.IsCentre() {
		return "", training.ErrForbidden
	}
	var idn string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		x, err := s.sessionFor(ctx, tx, a, sessionID, false)
		if err != nil {
			return err
		}
		rs, err := training.DecideRevealID(a, x.Status, x.ExamDate, s.Today())
		if err != nil {
			return err
		}
		if !rs.OK() {
			return rs.Err()
		}
		var no, name string
		if err := tx.QueryRow(ctx, `SELECT x.candidate_no, t.name, t.id_number FROM exam_entries x JOIN enrolments e ON e.id = x.enrolment_id
			JOIN trainees t ON t.id = e.trainee_id WHERE x.id = $1 AND x.session_id = $2`, entryID, sessionID).Scan(&no, &name, &idn); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.id_reveal", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, After: map[string]any{"candidate_no": no, "name": name}})
	})
	return idn, translate(err, "reveal id of entry %d", entryID)
}

// RetakeChoices lists an application's candidates whose published first
// attempt failed and who have no retake yet, for the retake form: the ones
// who may retake (EXAM-5 on today's date) with the parts they sit, and the
// ones who may not with the reason, so the form offers only the first.
func (s *Store) RetakeChoices(ctx context.Context, a training.Actor, appID int64) ([]training.RetakeChoice, error) {
	if !a.IsCentre() {
		return nil, training.ErrForbidden
	}
	if _, err := s.applicationFor(ctx, s.pool, a, appID, false); err != nil {
		return nil, translate(err, "application %d", appID)
	}
	rows, err := s.pool.Query(ctx, retakeChoicesSQL, appID)
	if err != nil {
		return nil, translate(err, "retake choices %d", appID)
	}
	list, err := collectRetakeChoices(rows, s.Today())
	return list, translate(err, "retake choices %d", appID)
}

// retakeChoicesSQL lists application $1's failed first attempts of
// published sessions not retaken yet.
const retakeChoicesSQL = `SELECT x.enrolment_id, x.candidate_no, t.name, x.theory_score, x.theory_absent, x.practical_score,
		x.practical_absent, s.exam_date, x.outcome
	FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id JOIN enrolments e ON e.id = x.enrolment_id JOIN trainees t ON t.id = e.trainee_id
	WHERE s.application_id = $1 AND s.status = 'published' AND x.attempt = 1 AND x.outcome = 'fail' AND e.status = 'enrolled'
	  AND NOT EXISTS (SELECT 1 FROM exam_entries r WHERE r.enrolment_id = x.enrolment_id AND r.attempt = 2)
	ORDER BY x.candidate_no`

// collectRetakeChoices scans retakeChoicesSQL's rows, each with the parts
// a retake today would sit or why it may not (training.RetakeParts).
func collectRetakeChoices(rows pgx.Rows, today time.Time) ([]training.RetakeChoice, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.RetakeChoice, error) {
		var c training.RetakeChoice
		var ts, ps *int16
		var at training.Attempt
		var outcome string
		err := row.Scan(&c.Entry.EnrolmentID, &c.Entry.CandidateNo, &c.Entry.Name, &ts, &c.Entry.Theory.Absent, &ps, &c.Entry.Practical.Absent,
			&at.ExamDate, &outcome)
		c.Entry.Theory.Score, c.Entry.Practical.Score = intPtr(ts), intPtr(ps)
		at.Parts, at.Outcome, at.Published = training.BothParts, training.Outcome(outcome), true
		at.TheoryPassed, at.PracticalPassed = c.Entry.Theory.Passed(), c.Entry.Practical.Passed()
		c.Parts, c.Refusal = training.RetakeParts([]training.Attempt{at}, today)
		return c, err
	})
}

// SessionFormData is the session form's (and the reschedule form's) one
// read: the application with its candidates, the retake choices when
// asked for, and the organisation's examiner pool — one batch. Centre
// only; an application of another organisation is ErrNotFound.
func (s *Store) SessionFormData(ctx context.Context, a training.Actor, appID int64, retake bool) (training.Application, []training.RetakeChoice, []training.PoolExaminer, error) {
	if !a.IsCentre() {
		return training.Application{}, nil, nil, training.ErrForbidden
	}
	var ap training.Application
	var choices []training.RetakeChoice
	b := &pgx.Batch{}
	if !queueApplication(b, a, appID, &ap) {
		return training.Application{}, nil, nil, training.ErrNotFound
	}
	if retake {
		today := s.Today()
		b.Queue(retakeChoicesSQL, appID).Query(func(rows pgx.Rows) error {
			var err error
			choices, err = collectRetakeChoices(rows, today)
			return err
		})
	}
	pool := queuePool(b, a, nil)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return training.Application{}, nil, nil, translate(err, "session form of application %d", appID)
	}
	return ap, choices, pool.list(), nil
}

// ExamAffairsExport is an application's candidates as Zhejiang's online
// exam-affairs system wants them: full ID numbers and phones, so the
// export is the centre's only (its own organisation's applications) and
// audited.
func (s *Store) ExamAffairsExport(ctx context.Context, a training.Actor, appID int64) (training.Application, []training.ExamAffairsCandidate, error) {
	if !a.IsCentre() {
		return training.Application{}, nil, training.ErrForbidden
	}
	var ap training.Application
	var list []training.ExamAffairsCandidate
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if ap, err = s.applicationFor(ctx, tx, a, appID, false); err != nil {
			return err
		}
		if rs := training.DecideExportExamAffairs(ap.Status); !rs.OK() {
			return rs.Err()
		}
		rows, err := tx.Query(ctx, `SELECT t.id_number, t.name, t.birth_date, t.sex = 'M', t.phone, t.employer, ec.attendance_rate::float8,
				coalesce((SELECT c.cert_no FROM certificates c JOIN exam_entries cx ON cx.id = c.entry_id JOIN exam_sessions cs ON cs.id = cx.session_id
					WHERE c.id_number = t.id_number AND c.revoked_at IS NULL AND cs.application_id <> ec.application_id
					ORDER BY c.issue_date DESC, c.id DESC LIMIT 1), ''),
				f.id IS NOT NULL, coalesce(fs.status = 'published', false), coalesce(f.outcome, ''), coalesce(fs.exam_date, DATE '0001-01-01'),
				f.theory_score, coalesce(f.theory_absent, false), f.practical_score, coalesce(f.practical_absent, false),
				EXISTS (SELECT 1 FROM exam_entries r WHERE r.enrolment_id = e.id AND r.attempt = 2)
			FROM exam_candidates ec JOIN enrolments e ON e.id = ec.enrolment_id JOIN trainees t ON t.id = e.trainee_id
			LEFT JOIN exam_entries f ON f.enrolment_id = e.id AND f.attempt = 1 LEFT JOIN exam_sessions fs ON fs.id = f.session_id
			WHERE ec.application_id = $1 ORDER BY e.id`, appID)
		if err != nil {
			return err
		}
		list, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ExamAffairsCandidate, error) {
			var c training.ExamAffairsCandidate
			var hasFirst, published bool
			var outcome string
			var date time.Time
			var th, pr training.PartScore
			var ts, ps *int16
			err := row.Scan(&c.Trainee.IDNumber, &c.Trainee.Name, &c.Trainee.BirthDate, &c.Trainee.Male, &c.Trainee.Phone, &c.Trainee.Employer,
				&c.AttendanceRate, &c.PreviousCertNo, &hasFirst, &published, &outcome, &date, &ts, &th.Absent, &ps, &pr.Absent, &c.RetakeScheduled)
			if hasFirst {
				th.Score, pr.Score = intPtr(ts), intPtr(ps)
				c.FirstAttempt = &training.Attempt{ExamDate: date, Parts: training.BothParts, Outcome: training.Outcome(outcome),
					TheoryPassed: th.Passed(), PracticalPassed: pr.Passed(), Published: published}
			}
			return c, err
		})
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.affairs_export", Entity: "class", EntityID: ap.ClassID,
			InstitutionID: ap.InstitutionID, After: map[string]any{"application": appID, "candidates": len(list)}})
	})
	return ap, list, translate(err, "exam affairs export %d", appID)
}
