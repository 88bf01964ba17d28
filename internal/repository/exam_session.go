package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Exam sessions: scheduling with examiners (EXAM-2), candidate numbers,
// the ID check (EXAM-3).

// conflictFacts loads what EXAM-2 is checked against: the class's teachers
// and the institution's teachers (its staff in the pool), by ID number.
func conflictFacts(ctx context.Context, tx pgx.Tx, classID, institutionID int64, institutionName string) (training.ConflictFacts, error) {
	f := training.ConflictFacts{ClassTeachers: map[string]bool{}, Staff: map[string]bool{}, InstitutionName: institutionName}
	rows, err := tx.Query(ctx, `SELECT t.id_number, true FROM class_teachers ct JOIN teachers t ON t.id = ct.teacher_id WHERE ct.class_id = $1
		UNION ALL
		SELECT t.id_number, false FROM teacher_institutions ti JOIN teachers t ON t.id = ti.teacher_id WHERE ti.institution_id = $2`,
		classID, institutionID)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var idn string
		var class bool
		if err := rows.Scan(&idn, &class); err != nil {
			return f, err
		}
		if class {
			f.ClassTeachers[idn] = true
		} else {
			f.Staff[idn] = true
		}
	}
	return f, rows.Err()
}

// ScheduleSession is the centre scheduling an exam session for an accepted
// application: date, venue, the times of both parts, examiners (EXAM-2).
// A first session takes every chosen candidate who has no first attempt
// yet; a retake session (EXAM-5) takes the candidates in in.EnrolmentIDs,
// each for the parts they failed. Candidate numbers are given in order.
func (s *Store) ScheduleSession(ctx context.Context, a training.Actor, appID int64, in training.SessionInput) (int64, error) {
	if !a.IsCentre() {
		return 0, training.ErrForbidden
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		ap, err := s.applicationFor(ctx, tx, a, appID, true)
		if err != nil {
			return err
		}
		if err := training.DecideScheduleSession(ap.Status).Err(); err != nil {
			return err
		}
		plan, picks, err := s.checkSessionPlan(ctx, tx, a, ap, in)
		if err != nil {
			return err
		}
		var enrolments []int64
		if plan.Retake {
			enrolments = uniqueIDs(in.EnrolmentIDs)
			if len(enrolments) == 0 {
				return training.Invalid("candidates", "请选择参加补考的学员")
			}
		} else {
			rows, err := tx.Query(ctx, `SELECT ec.enrolment_id FROM exam_candidates ec JOIN enrolments e ON e.id = ec.enrolment_id
				WHERE ec.application_id = $1 AND e.status = 'enrolled'
				  AND NOT EXISTS (SELECT 1 FROM exam_entries x WHERE x.enrolment_id = ec.enrolment_id AND x.attempt = 1)
				ORDER BY ec.enrolment_id`, appID)
			if err != nil {
				return err
			}
			if enrolments, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
			if len(enrolments) == 0 {
				return training.InvalidGeneral("本申报的考生均已安排考试")
			}
		}
		// Session numbers count the sessions of the exam date; the lock
		// keeps two schedulers from taking the same number.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('exam_session_no'))`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM exam_sessions WHERE exam_date = $1`, plan.ExamDate).Scan(&n); err != nil {
			return err
		}
		no := training.SessionNo(plan.ExamDate, n+1)
		err = tx.QueryRow(ctx, `INSERT INTO exam_sessions (session_no, application_id, retake, exam_date, venue, theory_time, practical_time, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			no, appID, plan.Retake, plan.ExamDate, plan.Venue, plan.TheoryTime, plan.PracticalTime, actorLabel(a), s.now()).Scan(&id)
		if err != nil {
			return err
		}
		names, err := insertExaminers(ctx, tx, id, plan.Examiners, picks)
		if err != nil {
			return err
		}
		var p training.Problems
		for _, eid := range enrolments {
			if _, err := s.addCandidate(ctx, tx, ap, id, plan.ExamDate, plan.Retake, eid); err != nil {
				if v, ok := training.AsValidation(err); ok {
					for _, m := range v.General {
						p.AddGeneral(m)
					}
					p.Add("candidates", v.General[0])
					continue
				}
				return err
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.schedule", Entity: "class", EntityID: ap.ClassID, InstitutionID: ap.InstitutionID,
			After: map[string]any{"session": no, "exam_date": dateText(plan.ExamDate), "venue": plan.Venue, "retake": plan.Retake,
				"examiners": names, "candidates": len(enrolments)}})
	})
	return id, translate(err, "schedule session for application %d", appID)
}

// AddCandidate enters one more candidate into a session that has not been
// approved yet: a chosen candidate without a first attempt, or (in a retake
// session) a candidate who may retake. It returns the candidate number.
func (s *Store) AddCandidate(ctx context.Context, a training.Actor, sessionID, enrolmentID int64) (string, error) {
	if !a.IsCentre() {
		return "", training.ErrForbidden
	}
	var no string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var appID int64
		var retake bool
		var date time.Time
		var status string
		if err := tx.QueryRow(ctx, `SELECT application_id, retake, exam_date, status FROM exam_sessions WHERE id = $1`, sessionID).
			Scan(&appID, &retake, &date, &status); err != nil {
			return err
		}
		ap, err := s.applicationFor(ctx, tx, a, appID, false)
		if err != nil {
			return err
		}
		if st := training.ExamSessionStatus(status); st != training.SessScheduled && st != training.SessScored {
			return training.ErrConflict
		}
		no, err = s.addCandidate(ctx, tx, ap, sessionID, date, retake, enrolmentID)
		if err != nil {
			return err
		}
		// A scored session with a new candidate is incomplete again.
		if _, err := tx.Exec(ctx, `UPDATE exam_sessions SET status = 'scheduled', version = version + 1 WHERE id = $1`, sessionID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.candidate_add", Entity: "class", EntityID: ap.ClassID,
			InstitutionID: ap.InstitutionID, After: map[string]any{"candidate_no": no}})
	})
	return no, translate(err, "add candidate %d to session %d", enrolmentID, sessionID)
}

// addCandidate checks the candidate (chosen on the application; EXAM-5 for
// a retake) and gives the next candidate number of the session. The number
// comes from the session row's counter, raised under its row lock, so
// concurrent additions get distinct, gap-free numbers.
func (s *Store) addCandidate(ctx context.Context, tx pgx.Tx, ap training.Application, sessionID int64, date time.Time, retake bool, enrolmentID int64) (string, error) {
	var name string
	err := tx.QueryRow(ctx, `SELECT t.name FROM exam_candidates ec JOIN enrolments e ON e.id = ec.enrolment_id JOIN trainees t ON t.id = e.trainee_id
		WHERE ec.application_id = $1 AND ec.enrolment_id = $2 AND e.status = 'enrolled'`, ap.ID, enrolmentID).Scan(&name)
	if err == pgx.ErrNoRows {
		return "", training.InvalidGeneral("该学员不是本申报的考生")
	}
	if err != nil {
		return "", err
	}
	rows, err := tx.Query(ctx, `SELECT s.exam_date, x.theory_required, x.practical_required, x.outcome, s.status = 'published',
			x.theory_score, x.theory_absent, x.practical_score, x.practical_absent
		FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id WHERE x.enrolment_id = $1 ORDER BY x.attempt`, enrolmentID)
	if err != nil {
		return "", err
	}
	earlier, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Attempt, error) {
		var at training.Attempt
		var outcome string
		var th, pr training.PartScore
		var ts, ps *int16
		err := row.Scan(&at.ExamDate, &at.Parts.Theory, &at.Parts.Practical, &outcome, &at.Published, &ts, &th.Absent, &ps, &pr.Absent)
		th.Score, pr.Score = intPtr(ts), intPtr(ps)
		at.Outcome = training.Outcome(outcome)
		at.TheoryPassed, at.PracticalPassed = th.Passed() || !at.Parts.Theory, pr.Passed() || !at.Parts.Practical
		return at, err
	})
	if err != nil {
		return "", err
	}
	var parts training.Parts
	attempt := 1
	if retake {
		var rs training.Refusals
		if parts, rs = training.DecideRetake(name, earlier, date); !rs.OK() {
			return "", rs.Err()
		}
		attempt = 2
	} else {
		if len(earlier) > 0 {
			return "", training.InvalidGeneral(name + "：已安排首次考核")
		}
		parts = training.BothParts
	}
	var seq int
	var sessionNo string
	if err := tx.QueryRow(ctx, `UPDATE exam_sessions SET next_seq = next_seq + 1 WHERE id = $1 RETURNING next_seq, session_no`,
		sessionID).Scan(&seq, &sessionNo); err != nil {
		return "", err
	}
	no := training.CandidateNo(sessionNo, seq)
	_, err = tx.Exec(ctx, `INSERT INTO exam_entries (session_id, enrolment_id, attempt, seq, candidate_no, theory_required, practical_required)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, sessionID, enrolmentID, attempt, seq, no, parts.Theory, parts.Practical)
	return no, err
}

func intPtr(p *int16) *int {
	if p == nil {
		return nil
	}
	n := int(*p)
	return &n
}

func int16Ptr(p *int) *int16 {
	if p == nil {
		return nil
	}
	n := int16(*p)
	return &n
}

const sessionColumns = `s.id, s.session_no, s.application_id, s.retake, s.exam_date, s.venue, s.theory_time, s.practical_time, s.status,
	coalesce(s.entered_by_id, 0), s.entered_by, s.entered_at, s.approved_by, s.approved_at, s.published_by, s.published_at, s.version,
	ap.class_id, c.class_no, ap.institution_id, i.name, coalesce(o.name, ''), c.level, ap.cert_kind, eo.name,
	s.cancel_reason, s.cancelled_by, s.cancelled_at`

const sessionFrom = ` FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id JOIN classes c ON c.id = ap.class_id
	JOIN institutions i ON i.id = ap.institution_id JOIN eval_orgs eo ON eo.id = ap.eval_org_id LEFT JOIN occupations o ON o.id = c.occupation_id`

func scanSession(row pgx.Row, x *training.ExamSession) error {
	var st, kind string
	var level int16
	err := row.Scan(&x.ID, &x.No, &x.ApplicationID, &x.Retake, &x.ExamDate, &x.Venue, &x.TheoryTime, &x.PracticalTime, &st,
		&x.EnteredByID, &x.EnteredBy, &x.EnteredAt, &x.ApprovedBy, &x.ApprovedAt, &x.PublishedBy, &x.PublishedAt, &x.Version,
		&x.ClassID, &x.ClassNo, &x.InstitutionID, &x.InstitutionName, &x.OccupationName, &level, &kind, &x.EvalOrgName,
		&x.CancelReason, &x.CancelledBy, &x.CancelledAt)
	x.Status, x.Level, x.CertKind = training.ExamSessionStatus(st), training.Level(level), training.CertKind(kind)
	return err
}

// sessionFor loads a session the actor may see. Results are the centre's
// until published (EXAM-7): for an institution an unpublished session does
// not exist.
func (s *Store) sessionFor(ctx context.Context, q queryBatcher, a training.Actor, id int64, lock bool) (training.ExamSession, error) {
	var x training.ExamSession
	var w where
	if !applicationScope(a, &w) {
		return x, training.ErrNotFound
	}
	w.add("s.id = ?", id)
	if !a.IsCentre() && !a.IsBureau() {
		w.add("s.status = 'published'")
	}
	sql := `SELECT ` + sessionColumns + sessionFrom + w.sql()
	if lock {
		sql += ` FOR UPDATE OF s`
	}
	return x, scanSession(q.QueryRow(ctx, sql, w.args...), &x)
}

// SessionByID returns a session with its examiners and candidates. An
// institution sees its own sessions once published, and then only its
// candidates' results; before that the session is not found.
func (s *Store) SessionByID(ctx context.Context, a training.Actor, id int64) (training.ExamSession, error) {
	x, err := s.sessionFor(ctx, s.pool, a, id, false)
	if err != nil {
		return x, translate(err, "session %d", id)
	}
	err = s.loadSessionParts(ctx, s.pool, &x)
	return x, translate(err, "session %d parts", id)
}

func (s *Store) loadSessionParts(ctx context.Context, q batcher, x *training.ExamSession) error {
	b := &pgx.Batch{}
	x.Examiners, x.Entries = nil, nil
	x.ExaminerPool = nil
	b.Queue(`SELECT name, id_number, organisation, coalesce(examiner_id, 0) FROM exam_examiners WHERE session_id = $1 ORDER BY seq`, x.ID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var e training.Examiner
			var pool int64
			if err := rows.Scan(&e.Name, &e.IDNumber, &e.Organisation, &pool); err != nil {
				return err
			}
			x.Examiners = append(x.Examiners, e)
			x.ExaminerPool = append(x.ExaminerPool, pool)
		}
		return rows.Err()
	})
	b.Queue(`SELECT x.id, x.session_id, x.enrolment_id, x.attempt, x.seq, x.candidate_no, t.name, t.id_number, x.theory_required, x.practical_required,
			x.checked_at, x.checked_by, x.theory_score, x.theory_absent, x.practical_score, x.practical_absent, x.outcome,
			coalesce(ce.cert_no, ''), (SELECT count(*) FROM exam_amendments am WHERE am.entry_id = x.id AND am.status = 'confirmed'),
			EXISTS (SELECT 1 FROM exam_amendments am WHERE am.entry_id = x.id AND am.status = 'pending'),
			f.theory_score, coalesce(f.theory_absent, false), f.practical_score, coalesce(f.practical_absent, false)
		FROM exam_entries x JOIN enrolments e ON e.id = x.enrolment_id JOIN trainees t ON t.id = e.trainee_id
		LEFT JOIN certificates ce ON ce.entry_id = x.id AND ce.revoked_at IS NULL
		LEFT JOIN exam_entries f ON x.attempt = 2 AND f.enrolment_id = x.enrolment_id AND f.attempt = 1
		WHERE x.session_id = $1 ORDER BY x.seq`, x.ID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var e training.ExamEntry
			var ts, ps, fts, fps *int16
			var fta, fpa bool
			var outcome string
			if err := rows.Scan(&e.ID, &e.SessionID, &e.EnrolmentID, &e.Attempt, &e.Seq, &e.CandidateNo, &e.Name, &e.IDNumber,
				&e.Parts.Theory, &e.Parts.Practical, &e.CheckedAt, &e.CheckedBy, &ts, &e.Theory.Absent, &ps, &e.Practical.Absent,
				&outcome, &e.CertificateNo, &e.Amendments, &e.Pending, &fts, &fta, &fps, &fpa); err != nil {
				return err
			}
			e.Theory.Score, e.Practical.Score, e.Outcome = intPtr(ts), intPtr(ps), training.Outcome(outcome)
			e.CarriedTheory, e.CarriedPractical = carried(e.Attempt, e.Parts.Theory, fts, fta), carried(e.Attempt, e.Parts.Practical, fps, fpa)
			x.Entries = append(x.Entries, e)
		}
		return rows.Err()
	})
	x.ScoreChanges = nil
	queueScoreChanges(b, x.ID, &x.ScoreChanges)
	queueSessionChanges(b, x.ID, &x.Changes)
	return q.SendBatch(ctx, b).Close()
}

// queueScoreChanges queues the query of who entered or changed which
// candidate's score of a session, in order (four eyes).
func queueScoreChanges(b *pgx.Batch, sessionID int64, out *[]training.ScoreChange) {
	b.Queue(`SELECT c.user_id, c.changed_by, c.changed_at, c.entry_id, x.candidate_no, t.name, c.amendment_id IS NOT NULL
		FROM exam_score_changes c JOIN exam_entries x ON x.id = c.entry_id JOIN enrolments e ON e.id = x.enrolment_id
		JOIN trainees t ON t.id = e.trainee_id WHERE c.session_id = $1 ORDER BY c.id`, sessionID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var c training.ScoreChange
			if err := rows.Scan(&c.UserID, &c.By, &c.At, &c.EntryID, &c.CandidateNo, &c.Name, &c.Amendment); err != nil {
				return err
			}
			*out = append(*out, c)
		}
		return rows.Err()
	})
}

// scoreChanges lists a session's recorded score changes.
func scoreChanges(ctx context.Context, q batcher, sessionID int64) ([]training.ScoreChange, error) {
	var out []training.ScoreChange
	b := &pgx.Batch{}
	queueScoreChanges(b, sessionID, &out)
	return out, q.SendBatch(ctx, b).Close()
}

// SessionSummary is a session in an application's list.
type SessionSummary struct {
	ID         int64
	No         string
	Retake     bool
	ExamDate   time.Time
	Venue      string
	Theory     string
	Practical  string
	Status     training.ExamSessionStatus
	Candidates int
	Passed     int // shown only when the actor may see results
}

// ApplicationSessions lists an application's sessions. Institutions see the
// schedule; pass counts only once published.
func (s *Store) ApplicationSessions(ctx context.Context, a training.Actor, appID int64) ([]SessionSummary, error) {
	if _, err := s.applicationFor(ctx, s.pool, a, appID, false); err != nil {
		return nil, translate(err, "application %d", appID)
	}
	rows, err := s.pool.Query(ctx, applicationSessionsSQL, appID)
	if err != nil {
		return nil, translate(err, "application %d sessions", appID)
	}
	list, err := collectSessionSummaries(rows, a)
	return list, translate(err, "application %d sessions", appID)
}

// applicationSessionsSQL lists application $1's sessions with their
// candidates and passes.
const applicationSessionsSQL = `SELECT s.id, s.session_no, s.retake, s.exam_date, s.venue, s.theory_time, s.practical_time, s.status,
		count(x.id), count(x.id) FILTER (WHERE x.outcome = 'pass')
	FROM exam_sessions s LEFT JOIN exam_entries x ON x.session_id = s.id
	WHERE s.application_id = $1 GROUP BY s.id ORDER BY s.exam_date, s.id`

// collectSessionSummaries scans applicationSessionsSQL's rows; the passes
// of a session whose results a may not see yet are 0.
func collectSessionSummaries(rows pgx.Rows, a training.Actor) ([]SessionSummary, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (SessionSummary, error) {
		var x SessionSummary
		var st string
		err := row.Scan(&x.ID, &x.No, &x.Retake, &x.ExamDate, &x.Venue, &x.Theory, &x.Practical, &st, &x.Candidates, &x.Passed)
		x.Status = training.ExamSessionStatus(st)
		if !training.ResultsVisible(a, x.Status) {
			x.Passed = 0
		}
		return x, err
	})
}

// queueApplication queues the read of application id as a may see it,
// with its candidates, into *ap; false when a sees no applications at all.
// An application a may not see makes the batch fail with ErrNoRows
// (translated to ErrNotFound).
func queueApplication(b *pgx.Batch, a training.Actor, id int64, ap *training.Application) bool {
	var w where
	if !applicationScope(a, &w) {
		return false
	}
	w.add("ap.id = ?", id)
	b.Queue(`SELECT `+applicationColumns+applicationFrom+w.sql(), w.args...).QueryRow(func(row pgx.Row) error {
		var err error
		*ap, err = scanApplication(row)
		return err
	})
	b.Queue(applicationCandidatesSQL, id).Query(func(rows pgx.Rows) error {
		var err error
		ap.Candidates, err = collectCandidates(rows)
		return err
	})
	return true
}

// ApplicationPage reads the application page in one round trip: the
// application as the actor may see it, its candidates and its sessions
// (the candidates and sessions are keyed by the id in SQL, sent in the
// same batch; an application the actor may not see is ErrNotFound and
// what else was read is dropped).
func (s *Store) ApplicationPage(ctx context.Context, a training.Actor, id int64) (training.Application, []SessionSummary, error) {
	var ap training.Application
	var sessions []SessionSummary
	b := &pgx.Batch{}
	if !queueApplication(b, a, id, &ap) {
		return training.Application{}, nil, training.ErrNotFound
	}
	b.Queue(applicationSessionsSQL, id).Query(func(rows pgx.Rows) error {
		var err error
		sessions, err = collectSessionSummaries(rows, a)
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return training.Application{}, nil, translate(err, "application page %d", id)
	}
	return ap, sessions, nil
}

// CheckCandidate records EXAM-3 for one candidate: the candidate number
// and the ID card were checked and match.
func (s *Store) CheckCandidate(ctx context.Context, a training.Actor, sessionID, entryID int64) error {
	if !a.IsCentre() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		x, err := s.sessionFor(ctx, tx, a, sessionID, true)
		if err != nil {
			return err
		}
		var no string
		var at *time.Time
		err = tx.QueryRow(ctx, `SELECT candidate_no, checked_at FROM exam_entries WHERE id = $1 AND session_id = $2 FOR UPDATE`,
			entryID, sessionID).Scan(&no, &at)
		if err == pgx.ErrNoRows {
			return training.ErrNotFound
		} else if err != nil {
			return err
		}
		if rs := training.DecideIDCheck(x.Status, x.ExamDate, s.Today(), no, at); !rs.OK() {
			return rs.Err()
		}
		tag, err := tx.Exec(ctx, `UPDATE exam_entries SET checked_at = $3, checked_by = $4 WHERE id = $1 AND session_id = $2 AND checked_at IS NULL`,
			entryID, sessionID, s.now(), actorLabel(a))
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.id_check", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, After: map[string]any{"candidate_no": no}})
	}), "check entry %d", entryID)
}
