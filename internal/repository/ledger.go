package repository

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Ledgers (SUP-1, 第十四条): a class's ledger read in one batch, frozen
// into class_ledgers in the archive's transaction, and verified on read.

// ledgerQueries reads one class's ledger. found is set when the class row
// (scoped by the caller's where) exists; every other query is keyed by the
// class id alone, and its rows are dropped when the class is not found.
type ledgerQueries struct {
	l     training.Ledger
	found bool
}

const ledgerClassSQL = `SELECT c.id, c.class_no, c.institution_id, i.name, coalesce(o.code, ''), coalesce(o.name, ''), c.level, c.type,
	c.status, coalesce(c.start_date, '0001-01-01'), coalesce(c.end_date, '0001-01-01'), c.venue, c.content, c.planned_size,
	c.theory_hours, c.practical_hours, c.approved_on, c.approved_by, c.plan_no,
	coalesce((SELECT ap.cert_kind FROM exam_applications ap WHERE ap.class_id = c.id AND ap.status <> 'returned'), '')
	FROM classes c JOIN institutions i ON i.id = c.institution_id LEFT JOIN occupations o ON o.id = c.occupation_id`

// queue adds the ledger's queries to b; w scopes the class row.
func (q *ledgerQueries) queue(b *pgx.Batch, w where, classID int64) {
	w.add("c.id = ?", classID)
	b.Queue(ledgerClassSQL+w.sql(), w.args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			q.found = true
			c := &q.l.Class
			var typ string
			if err := rows.Scan(&c.ID, &c.ClassNo, &c.InstitutionID, &c.InstitutionName, &c.OccupationCode, &c.OccupationName,
				&c.Level, &typ, &c.Status, &c.Start, &c.End, &c.Venue, &c.Content, &c.PlannedSize, &c.TheoryHours, &c.PracticalHours,
				&c.ApprovedOn, &c.ApprovedBy, &c.PlanNo, &c.CertKind); err != nil {
				return err
			}
			c.Type = training.ClassType(typ)
		}
		return rows.Err()
	})
	b.Queue(`SELECT no, kind, note, actor_name, created_at, plan FROM class_versions WHERE class_id = $1 ORDER BY no`, classID).
		Query(func(rows pgx.Rows) error {
			var err error
			q.l.Versions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerVersion, error) {
				var v training.LedgerVersion
				var plan []byte
				if err := row.Scan(&v.No, &v.Kind, &v.Note, &v.ActorName, &v.At, &plan); err != nil {
					return v, err
				}
				var p training.Plan
				if err := json.Unmarshal(plan, &p); err != nil {
					return v, err
				}
				v.Start, v.End, v.Sessions, v.Size = dateOrEmpty(p.StartDate), dateOrEmpty(p.EndDate), len(p.Sessions), p.PlannedSize
				for _, s := range p.Sessions {
					v.Hours += s.Hours
				}
				return v, nil
			})
			return err
		})
	b.Queue(`SELECT e.id, t.name, t.id_number, t.phone, t.sex, t.target_group, e.status = 'withdrawn', e.withdrawn_reason,
			coalesce(e.agreement_no, ''), e.agreement_date, e.pays_fee,
			coalesce(ea.sessions_recorded, 0), coalesce(ea.sessions_attended, 0), coalesce(ea.hours_attended, 0)
		FROM enrolments e JOIN trainees t ON t.id = e.trainee_id LEFT JOIN enrolment_attendance ea ON ea.enrolment_id = e.id
		WHERE e.class_id = $1 ORDER BY e.id`, classID).Query(func(rows pgx.Rows) error {
		var err error
		q.l.Trainees, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerTrainee, error) {
			var t training.LedgerTrainee
			err := row.Scan(&t.EnrolmentID, &t.Name, &t.IDNumber, &t.Phone, &t.Sex, &t.TargetGroup, &t.Withdrawn, &t.WithdrawnReason,
				&t.AgreementNo, &t.AgreementDate, &t.PaysFee, &t.SessionsRecorded, &t.SessionsAttended, &t.HoursAttended)
			return t, err
		})
		return err
	})
	b.Queue(`SELECT s.seq, s.day, coalesce(s.kind, ''), s.hours, coalesce(pt.name, ''), d.session_id IS NOT NULL, coalesce(d.hours, 0),
			coalesce(dt.name, ''), coalesce(m.present, 0), coalesce(m.absent, 0), coalesce(m.leave, 0), coalesce(d.recorded_by, ''), d.recorded_at,
			d.session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM class_teachers ct WHERE ct.class_id = s.class_id AND ct.teacher_id = d.teacher_id)
		FROM class_sessions s LEFT JOIN teachers pt ON pt.id = s.teacher_id
		LEFT JOIN session_deliveries d ON d.session_id = s.id LEFT JOIN teachers dt ON dt.id = d.teacher_id
		LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE a.status IN ('present', 'late', 'left_early')) AS present,
			count(*) FILTER (WHERE a.status = 'absent') AS absent, count(*) FILTER (WHERE a.status = 'leave') AS leave
			FROM attendance a WHERE a.session_id = d.session_id) m ON true
		WHERE s.class_id = $1 ORDER BY s.seq`, classID).Query(func(rows pgx.Rows) error {
		var err error
		q.l.Sessions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerSession, error) {
			var s training.LedgerSession
			err := row.Scan(&s.Seq, &s.Day, &s.Kind, &s.PlannedHours, &s.Teacher, &s.Held, &s.Delivered, &s.DeliveredBy,
				&s.Present, &s.Absent, &s.Leave, &s.RecordedBy, &s.RecordedAt, &s.TeacherOffPlan)
			return s, err
		})
		return err
	})
	// Scores of a session not yet published are nobody's to read here
	// (EXAM-7): the ledger shows the entry and that it is pending.
	b.Queue(`SELECT x.enrolment_id, t.name, t.id_number, s.session_no, s.exam_date, x.attempt, x.candidate_no, s.status,
			CASE WHEN s.status = 'published' THEN x.theory_score END, s.status = 'published' AND x.theory_absent,
			CASE WHEN s.status = 'published' THEN x.practical_score END, s.status = 'published' AND x.practical_absent,
			CASE WHEN s.status = 'published' THEN x.outcome ELSE '' END,
			coalesce(ce.cert_no, ''), ce.issue_date, ce.revoked_at IS NOT NULL
		FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id JOIN exam_applications ap ON ap.id = s.application_id
		JOIN enrolments e ON e.id = x.enrolment_id JOIN trainees t ON t.id = e.trainee_id
		LEFT JOIN certificates ce ON ce.entry_id = x.id
		WHERE ap.class_id = $1 AND s.status <> 'cancelled' ORDER BY x.enrolment_id, x.attempt`, classID).Query(func(rows pgx.Rows) error {
		var err error
		q.l.Results, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerResult, error) {
			var r training.LedgerResult
			var th, pr *int16
			err := row.Scan(&r.EnrolmentID, &r.Name, &r.IDNumber, &r.SessionNo, &r.ExamDate, &r.Attempt, &r.CandidateNo, &r.SessionStatus,
				&th, &r.TheoryAbsent, &pr, &r.PracticalAbsnt, &r.Outcome, &r.CertNo, &r.CertIssued, &r.CertRevoked)
			r.Theory, r.Practical = intOrNil(th), intOrNil(pr)
			return r, err
		})
		return err
	})
	b.Queue(`SELECT id, amount, covers, status, submitted_by, submitted_at, decided_by, decided_at, decision_note
		FROM fee_applications WHERE class_id = $1 ORDER BY id`, classID).Query(func(rows pgx.Rows) error {
		var err error
		q.l.Fees, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerFee, error) {
			var f training.LedgerFee
			var st string
			err := row.Scan(&f.ID, &f.Amount, &f.Covers, &st, &f.SubmittedBy, &f.SubmittedAt, &f.DecidedBy, &f.DecidedAt, &f.Note)
			f.Status = training.FeeStatus(st)
			return f, err
		})
		return err
	})
	b.Queue(`SELECT p.enrolment_id, t.name, t.id_number, p.amount, p.paid_on, p.receipt_no
		FROM fee_payments p JOIN enrolments e ON e.id = p.enrolment_id JOIN trainees t ON t.id = e.trainee_id
		WHERE p.class_id = $1 ORDER BY p.enrolment_id`, classID).Query(func(rows pgx.Rows) error {
		var err error
		q.l.Payments, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerPayment, error) {
			var p training.LedgerPayment
			err := row.Scan(&p.EnrolmentID, &p.Name, &p.IDNumber, &p.Amount, &p.PaidOn, &p.ReceiptNo)
			return p, err
		})
		return err
	})
	b.Queue(`SELECT l.enrolment_id, l.name, l.id_number, sc.claim_no, l.cert_no, l.percent, l.amount_fen, l.recovery_fen, sc.status, l.status
		FROM subsidy_claim_lines l JOIN subsidy_claims sc ON sc.id = l.claim_id
		WHERE l.class_id = $1 ORDER BY l.enrolment_id, l.id`, classID).Query(func(rows pgx.Rows) error {
		var err error
		q.l.Subsidies, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerSubsidy, error) {
			var x training.LedgerSubsidy
			err := row.Scan(&x.EnrolmentID, &x.Name, &x.IDNumber, &x.ClaimNo, &x.CertNo, &x.Percent, &x.Amount, &x.Recovered,
				&x.ClaimStatus, &x.LineStatus)
			return x, err
		})
		return err
	})
	b.Queue(`SELECT category, amount, spent_on, voucher_no, description FROM fund_use_entries
		WHERE class_id = $1 AND status = 'recorded' ORDER BY spent_on, id`, classID).Query(func(rows pgx.Rows) error {
		var err error
		q.l.FundUse, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerFundUse, error) {
			var u training.LedgerFundUse
			var cat string
			err := row.Scan(&cat, &u.Amount, &u.SpentOn, &u.VoucherNo, &u.Description)
			u.Category = training.FundCategory(cat)
			return u, err
		})
		return err
	})
	b.Queue(`SELECT at, actor_name, action, entity FROM (
			SELECT id, at, actor_name, action, entity FROM audit_log WHERE entity = 'class' AND entity_id = $1
			UNION ALL
			SELECT id, at, actor_name, action, entity FROM audit_log WHERE entity = 'exam_session' AND entity_id = ANY (ARRAY(
				SELECT s.id FROM exam_sessions s JOIN exam_applications ap ON ap.id = s.application_id WHERE ap.class_id = $1))
		) h ORDER BY id`, classID).Query(func(rows pgx.Rows) error {
		var err error
		q.l.History, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LedgerEvent, error) {
			var e training.LedgerEvent
			err := row.Scan(&e.At, &e.Actor, &e.Action, &e.Entity)
			return e, err
		})
		return err
	})
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func intOrNil(v *int16) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
}

// ledgerSnapshotSQL reads a class's frozen ledger with the checksum its
// archive's audit row recorded.
const ledgerSnapshotSQL = `SELECT l.snapshot, l.checksum, l.archived_at, l.archived_by, l.retain_until,
	coalesce((SELECT a.after->>'ledger_sha256' FROM audit_log a WHERE a.entity = 'class' AND a.entity_id = l.class_id
		AND a.action = 'exam.archive' ORDER BY a.id DESC LIMIT 1), '')
	FROM class_ledgers l WHERE l.class_id = $1`

// LedgerPage reads a class's ledger in one round trip: the bureau any
// class's, an institution its own (another's is ErrNotFound, like a
// missing one). A class that has not finished has no ledger (422 with the
// rule). An archived class reads its frozen snapshot, verified.
func (s *Store) LedgerPage(ctx context.Context, a training.Actor, classID int64) (training.LedgerPage, error) {
	p := training.LedgerPage{Today: s.Today()}
	var w where
	if !classScope(a, &w) {
		return p, training.ErrForbidden
	}
	var q ledgerQueries
	var snapshot []byte
	b := &pgx.Batch{}
	q.queue(b, w, classID)
	b.Queue(ledgerSnapshotSQL, classID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			p.Frozen = true
			if err := rows.Scan(&snapshot, &p.Seal.Checksum, &p.Seal.ArchivedAt, &p.Seal.ArchivedBy, &p.Seal.RetainUntil, &p.Seal.Audited); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return p, translate(err, "ledger %d", classID)
	}
	if !q.found {
		return p, training.ErrNotFound
	}
	if err := training.DecideLedger(training.ClassStatus(q.l.Class.Status)).Err(); err != nil {
		return p, err
	}
	p.Ledger = q.l
	p.Ledger.BuiltAt = s.now()
	if p.Frozen {
		p.Seal.Computed = training.Checksum(snapshot)
		var frozen training.Ledger
		if err := json.Unmarshal(snapshot, &frozen); err != nil {
			// An unreadable snapshot is a tampered one: the page says so
			// and shows the records as they stand.
			p.Seal.Computed = ""
			return p, nil
		}
		p.Ledger = frozen
	}
	return p, nil
}

// freezeLedger builds the class's ledger inside tx (after its status
// became archived) and stores the snapshot; it returns the checksum for
// the archive's audit row.
func (s *Store) freezeLedger(ctx context.Context, tx pgx.Tx, a training.Actor, classID int64) (string, error) {
	var q ledgerQueries
	b := &pgx.Batch{}
	q.queue(b, where{}, classID)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return "", err
	}
	if !q.found {
		return "", training.ErrNotFound
	}
	now := s.now()
	q.l.BuiltAt = now
	snap, sum, err := q.l.Snapshot()
	if err != nil {
		return "", err
	}
	year := q.l.Class.End.Year()
	if q.l.Class.End.IsZero() {
		year = now.In(Shanghai).Year()
	}
	_, err = tx.Exec(ctx, `INSERT INTO class_ledgers (class_id, institution_id, year, snapshot, checksum, archived_at, archived_by, retain_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, classID, q.l.Class.InstitutionID, year, snap, sum, now, actorLabel(a),
		training.RetainUntil(s.Today()))
	if err != nil {
		return "", err
	}
	return sum, nil
}

// PurgeLedger deletes a frozen ledger whose retention has run out
// (第十四条: kept at least ten years). Bureau only; the database refuses
// an earlier delete as well.
func (s *Store) PurgeLedger(ctx context.Context, a training.Actor, classID int64) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var until time.Time
		var inst int64
		if err := tx.QueryRow(ctx, `SELECT retain_until, institution_id FROM class_ledgers WHERE class_id = $1 FOR UPDATE`, classID).
			Scan(&until, &inst); err != nil {
			return err
		}
		if err := training.DecideLedgerPurge(until, s.Today()).Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM class_ledgers WHERE class_id = $1`, classID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "ledger.purge", Entity: "class", EntityID: classID, InstitutionID: inst,
			Before: map[string]any{"retain_until": until.Format(time.DateOnly)}})
	}), "purge ledger %d", classID)
}
