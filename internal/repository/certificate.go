package repository

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Certificates (EXAM-7) and the public pages: certificate verification and
// the result lookup by name and ID number.

// issueCertificate gives an approved pass its certificate: the next serial
// number and an unguessable verification code. The person's details are
// copied as printed.
func (s *Store) issueCertificate(ctx context.Context, tx pgx.Tx, entryID int64) error {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM certificates WHERE entry_id = $1)`, entryID).Scan(&exists); err != nil {
		return err
	}
	today := s.Today()
	if exists {
		// A pass again after a correction: the same certificate is valid again.
		_, err := tx.Exec(ctx, `UPDATE certificates SET revoked_at = NULL, revoked_reason = '' WHERE entry_id = $1`, entryID)
		return err
	}
	var kind string
	var serial int64
	if err := tx.QueryRow(ctx, `SELECT ap.cert_kind, nextval('certificate_serial_seq') FROM exam_entries x
		JOIN exam_sessions s ON s.id = x.session_id JOIN exam_applications ap ON ap.id = s.application_id WHERE x.id = $1`, entryID).
		Scan(&kind, &serial); err != nil {
		return err
	}
	no := training.CertificateNo(today.Year(), training.CertKind(kind), serial)
	_, err := tx.Exec(ctx, `INSERT INTO certificates (entry_id, cert_no, verify_code, kind, name, id_number, occupation_code, occupation_name, level, issuer, issue_date)
		SELECT x.id, $2, $3, ap.cert_kind, t.name, t.id_number, coalesce(o.code, ''), coalesce(o.name, ''), c.level, eo.name, $4
		FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id JOIN exam_applications ap ON ap.id = s.application_id
		JOIN classes c ON c.id = ap.class_id LEFT JOIN occupations o ON o.id = c.occupation_id JOIN eval_orgs eo ON eo.id = ap.eval_org_id
		JOIN enrolments e ON e.id = x.enrolment_id JOIN trainees t ON t.id = e.trainee_id WHERE x.id = $1`,
		entryID, no, training.NewVerifyCode(), today)
	return err
}

const certificateColumns = `ce.id, ce.cert_no, ce.verify_code, ce.kind, ce.name, ce.id_number, ce.occupation_code, ce.occupation_name,
	ce.level, ce.issuer, ce.issue_date, ce.revoked_at IS NOT NULL, ce.revoked_reason, ce.entry_id`

func scanCertificate(row pgx.CollectableRow) (training.IssuedCertificate, error) {
	var c training.IssuedCertificate
	var kind string
	var level int16
	err := row.Scan(&c.ID, &c.No, &c.VerifyCode, &kind, &c.Name, &c.IDNumber, &c.OccupationCode, &c.OccupationName,
		&level, &c.Issuer, &c.IssueDate, &c.Revoked, &c.RevokedReason, &c.EntryID)
	c.Kind, c.Level = training.CertKind(kind), training.Level(level)
	return c, err
}

// SessionCertificates returns the valid certificates of a published session
// in candidate-number order, for printing (the centre only).
func (s *Store) SessionCertificates(ctx context.Context, a training.Actor, sessionID int64) ([]training.IssuedCertificate, error) {
	if !a.IsCentre() {
		return nil, training.ErrForbidden
	}
	x, err := s.sessionFor(ctx, s.pool, a, sessionID, false)
	if err != nil {
		return nil, translate(err, "session %d", sessionID)
	}
	if err := training.DecidePrintCertificates(x.Status).Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+certificateColumns+` FROM certificates ce JOIN exam_entries x ON x.id = ce.entry_id
		WHERE x.session_id = $1 AND ce.revoked_at IS NULL ORDER BY x.seq`, sessionID)
	if err != nil {
		return nil, translate(err, "certificates of session %d", sessionID)
	}
	list, err := pgx.CollectRows(rows, scanCertificate)
	return list, translate(err, "certificates of session %d", sessionID)
}

// CertificateByCode is the public verification by code (the QR code). An
// unknown code is ErrNotFound.
func (s *Store) CertificateByCode(ctx context.Context, code string) (training.IssuedCertificate, error) {
	code, ok := training.NormalizeVerifyCode(code)
	if !ok {
		return training.IssuedCertificate{}, training.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `SELECT `+certificateColumns+` FROM certificates ce WHERE ce.verify_code = $1`, code)
	if err != nil {
		return training.IssuedCertificate{}, translate(err, "certificate by code")
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCertificate)
	return c, translate(err, "certificate by code")
}

// CertificateByNo is the public verification by certificate number and the
// holder's name; both must match.
func (s *Store) CertificateByNo(ctx context.Context, no, name string) (training.IssuedCertificate, error) {
	no, name = strings.ToUpper(strings.TrimSpace(no)), strings.TrimSpace(name)
	if no == "" || name == "" {
		return training.IssuedCertificate{}, training.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `SELECT `+certificateColumns+` FROM certificates ce WHERE ce.cert_no = $1 AND ce.name = $2`, no, name)
	if err != nil {
		return training.IssuedCertificate{}, translate(err, "certificate by number")
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCertificate)
	return c, translate(err, "certificate by number")
}

// PublicResults is the public lookup (EXAM-7): the published results of the
// person with exactly this name and ID number, and nothing else. No match
// and a wrong name look the same (an empty list).
func (s *Store) PublicResults(ctx context.Context, name, idNumber string) ([]training.PublicResult, error) {
	name, idNumber = strings.TrimSpace(name), training.NormalizeIDNumber(idNumber)
	if name == "" || idNumber == "" {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT coalesce(o.name, ''), c.level, ap.cert_kind, s.exam_date, x.attempt,
			x.theory_required, x.theory_score, x.theory_absent, x.practical_required, x.practical_score, x.practical_absent, x.outcome,
			coalesce(ce.cert_no, ''), f.theory_score, coalesce(f.theory_absent, false), f.practical_score, coalesce(f.practical_absent, false)
		FROM trainees t JOIN enrolments e ON e.trainee_id = t.id JOIN exam_entries x ON x.enrolment_id = e.id
		LEFT JOIN exam_entries f ON x.attempt = 2 AND f.enrolment_id = x.enrolment_id AND f.attempt = 1
		JOIN exam_sessions s ON s.id = x.session_id AND s.status = 'published' JOIN exam_applications ap ON ap.id = s.application_id
		JOIN classes c ON c.id = ap.class_id LEFT JOIN occupations o ON o.id = c.occupation_id
		LEFT JOIN certificates ce ON ce.entry_id = x.id AND ce.revoked_at IS NULL
		WHERE t.id_number = $1 AND t.name = $2 ORDER BY s.exam_date, x.attempt`, idNumber, name)
	if err != nil {
		return nil, translate(err, "public results")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.PublicResult, error) {
		var r training.PublicResult
		var level int16
		var kind, outcome string
		var thReq, prReq bool
		var ts, ps, fts, fps *int16
		var fta, fpa bool
		err := row.Scan(&r.OccupationName, &level, &kind, &r.ExamDate, &r.Attempt, &thReq, &ts, &r.Theory.Absent,
			&prReq, &ps, &r.Practical.Absent, &outcome, &r.CertificateNo, &fts, &fta, &fps, &fpa)
		r.Level, r.CertKind, r.Outcome = training.Level(level), training.CertKind(kind), training.Outcome(outcome)
		r.Theory.Score, r.Practical.Score = intPtr(ts), intPtr(ps)
		r.TheoryRequired, r.PracticalRequired = thReq, prReq
		r.CarriedTheory, r.CarriedPractical = carried(r.Attempt, thReq, fts, fta), carried(r.Attempt, prReq, fps, fpa)
		return r, err
	})
	return list, translate(err, "public results")
}

// PublicLimits bounds the public lookups per client address.
type PublicLimits struct {
	Window     time.Duration
	PerAddress int
}

// DefaultPublicLimits: 30 lookups per address per 15 minutes.
var DefaultPublicLimits = PublicLimits{Window: 15 * time.Minute, PerAddress: 30}

// ReservePublicLookup counts one public lookup (result or certificate
// verification) against the address, atomically, and reports whether it
// may go ahead.
func (s *Store) ReservePublicLookup(ctx context.Context, addr string, l PublicLimits) (bool, error) {
	return s.reserveForAddress(ctx, "lookup", addr, l)
}

// reserveForAddress counts one public action of a kind (lookup, complaint,
// objection) against the address in the throttle table, atomically, and
// reports whether it is within the limits.
func (s *Store) reserveForAddress(ctx context.Context, kind, addr string, l PublicLimits) (bool, error) {
	var n int
	err := s.pool.QueryRow(ctx, `
		INSERT INTO login_throttle AS t (key, window_start, failures) VALUES ($1, $2, 1)
		ON CONFLICT (key) DO UPDATE SET
			window_start = CASE WHEN t.window_start <= $2 - $3::interval THEN $2 ELSE t.window_start END,
			failures     = CASE WHEN t.window_start <= $2 - $3::interval THEN 1 ELSE t.failures + 1 END
		RETURNING failures`, kind+":"+addr, s.now(), l.Window.String()).Scan(&n)
	if err != nil {
		return false, translate(err, "reserve %s", kind)
	}
	return n <= l.PerAddress, nil
}
