package repository

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Corrections after publication (第十一条, EXAM-7). A correction is a change
// of a score, so four eyes hold for it as for the results: one centre user
// registers it with a reason, another who registered nothing of it and
// entered or changed none of the session's scores confirms it, and only
// then do the result and the certificate change. Until then the published
// result stands.

// Amendment is one recorded correction.
type Amendment struct {
	ID          int64
	EntryID     int64
	CandidateNo string
	Name        string
	Before      string
	After       string
	Reason      string
	By          string
	At          string
	Status      training.AmendmentStatus
	DecidedBy   string
	DecidedAt   string
	Facts       training.AmendmentFacts
}

// AmendEntry registers a correction of a published result: checked like a
// score entry, with its reason (never a silent overwrite). It waits for a
// second centre user (ConfirmAmendment); one correction per candidate
// waits at a time.
func (s *Store) AmendEntry(ctx context.Context, a training.Actor, sessionID, entryID int64, theory, practical training.PartScore, reason string) error {
	if !a.IsCentre() || a.UserID == 0 {
		return training.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		x, err := s.sessionFor(ctx, tx, a, sessionID, true)
		if err != nil {
			return err
		}
		if !training.CanAmendScores(x.Status) {
			_, rs := training.DecideAmendEntry(training.AmendFacts{Status: x.Status})
			return rs.Err()
		}
		if err := s.loadSessionParts(ctx, tx, &x); err != nil {
			return err
		}
		var e *training.ExamEntry
		for i := range x.Entries {
			if x.Entries[i].ID == entryID {
				e = &x.Entries[i]
			}
		}
		if e == nil {
			return training.ErrNotFound
		}
		outcome, rs := training.DecideAmendEntry(training.AmendFacts{Status: x.Status, Entry: *e, Theory: theory,
			Practical: practical, Reason: reason})
		if err := rs.Err(); err != nil {
			return err
		}
		before := map[string]any{"theory": e.Theory.Text(), "practical": e.Practical.Text(), "outcome": e.Outcome.Label()}
		after := map[string]any{"theory": theory.Text(), "practical": practical.Text(), "outcome": outcome.Label()}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO exam_amendments (entry_id, before, after, reason, amended_by, amended_at, status, proposed_by_id,
				theory_score, theory_absent, practical_score, practical_absent)
			VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11) RETURNING id`,
			entryID, before, after, reason, actorLabel(a), s.now(), a.UserID,
			int16Ptr(theory.Score), theory.Absent, int16Ptr(practical.Score), practical.Absent).Scan(&id); err != nil {
			return err
		}
		before["candidate_no"] = e.CandidateNo
		after["reason"], after["amendment"], after["status"] = reason, id, training.AmendPending.Label()
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.amend", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, Before: before, After: after})
	}), "amend entry %d", entryID)
}

// pendingAmendment is a registered correction with what applying it needs.
type pendingAmendment struct {
	entryID    int64
	status     training.AmendmentStatus
	proposedBy int64
	reason     string
	proposer   string
	before     map[string]any
	theory     training.PartScore
	practical  training.PartScore
}

func lockAmendment(ctx context.Context, tx pgx.Tx, sessionID, amendmentID int64) (pendingAmendment, error) {
	var am pendingAmendment
	var st string
	var ts, ps *int16
	var proposedBy *int64
	err := tx.QueryRow(ctx, `SELECT am.entry_id, am.status, am.proposed_by_id, am.reason, am.amended_by, am.before,
			am.theory_score, am.theory_absent, am.practical_score, am.practical_absent
		FROM exam_amendments am JOIN exam_entries x ON x.id = am.entry_id
		WHERE am.id = $1 AND x.session_id = $2 FOR UPDATE OF am`, amendmentID, sessionID).
		Scan(&am.entryID, &st, &proposedBy, &am.reason, &am.proposer, &am.before, &ts, &am.theory.Absent, &ps, &am.practical.Absent)
	am.status = training.AmendmentStatus(st)
	am.theory.Score, am.practical.Score = intPtr(ts), intPtr(ps)
	if proposedBy != nil {
		am.proposedBy = *proposedBy
	}
	return am, err
}

// ConfirmAmendment is the second centre user confirming a registered
// correction (training.DecideConfirmAmendment): the result changes, the
// proposer is recorded as having changed that score, and a pass that
// becomes a fail revokes its certificate (a fail that becomes a pass gets
// one). A trigger refuses an ineligible confirmer in the database too.
// version is the session's, as the page showed it.
func (s *Store) ConfirmAmendment(ctx context.Context, a training.Actor, sessionID, amendmentID int64, version int) error {
	return s.decideAmendment(ctx, a, sessionID, amendmentID, version, true)
}

// RejectAmendment rejects (or, for its proposer, withdraws) a registered
// correction: nothing about the result changes.
func (s *Store) RejectAmendment(ctx context.Context, a training.Actor, sessionID, amendmentID int64, version int) error {
	return s.decideAmendment(ctx, a, sessionID, amendmentID, version, false)
}

func (s *Store) decideAmendment(ctx context.Context, a training.Actor, sessionID, amendmentID int64, version int, confirm bool) error {
	if !a.IsCentre() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		x, err := s.sessionFor(ctx, tx, a, sessionID, true)
		if err != nil {
			return err
		}
		if x.Version != version {
			return training.ErrConflict
		}
		am, err := lockAmendment(ctx, tx, sessionID, amendmentID)
		if err != nil {
			return err
		}
		scorers, _, err := sessionScorers(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		facts := training.AmendmentFacts{Status: am.status, ProposedBy: am.proposedBy, Scorers: scorers}
		to, action := training.AmendRejected, "exam.amend_reject"
		if confirm {
			to, action = training.AmendConfirmed, "exam.amend_confirm"
			var refused training.Refusals
			if refused, err = training.DecideConfirmAmendment(a, facts); err == nil {
				err = refused.Err()
			}
		} else {
			err = training.DecideRejectAmendment(a, facts)
		}
		if err != nil {
			return err
		}
		if confirm && x.Status != training.SessPublished {
			return training.ErrConflict
		}
		now := s.now()
		tag, err := tx.Exec(ctx, `UPDATE exam_amendments SET status = $2, decided_by_id = $3, decided_by = $4, decided_at = $5
			WHERE id = $1 AND status = 'pending'`, amendmentID, string(to), a.UserID, actorLabel(a), now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		if _, err := tx.Exec(ctx, `UPDATE exam_sessions SET version = version + 1 WHERE id = $1`, sessionID); err != nil {
			return err
		}
		audit := auditRecord{Action: action, Entity: "exam_session", EntityID: sessionID, InstitutionID: x.InstitutionID,
			Before: map[string]any{"amendment": amendmentID, "registered_by": am.proposer, "reason": am.reason},
			After:  map[string]any{"status": to.Label()}}
		if confirm {
			if err := s.applyAmendment(ctx, tx, &x, am, amendmentID, now); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, a, audit)
	}), "decide amendment %d", amendmentID)
}

// applyAmendment writes a confirmed correction to its entry, records the
// proposer as having changed that score, and issues or revokes the
// certificate.
func (s *Store) applyAmendment(ctx context.Context, tx pgx.Tx, x *training.ExamSession, am pendingAmendment, amendmentID int64, now time.Time) error {
	if err := s.loadSessionParts(ctx, tx, x); err != nil {
		return err
	}
	var e *training.ExamEntry
	for i := range x.Entries {
		if x.Entries[i].ID == am.entryID {
			e = &x.Entries[i]
		}
	}
	if e == nil {
		return training.ErrNotFound
	}
	// The result must still be the one the correction was registered against.
	if am.before["theory"] != e.Theory.Text() || am.before["practical"] != e.Practical.Text() {
		return training.ErrConflict
	}
	outcome := training.Result(e.Parts, am.theory, am.practical)
	if _, err := tx.Exec(ctx, `UPDATE exam_entries SET theory_score = $2, theory_absent = $3, practical_score = $4, practical_absent = $5, outcome = $6
		WHERE id = $1`, e.ID, int16Ptr(am.theory.Score), am.theory.Absent, int16Ptr(am.practical.Score), am.practical.Absent, string(outcome)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO exam_score_changes (session_id, entry_id, user_id, changed_by, changed_at, amendment_id)
		VALUES ($1, $2, $3, $4, $5, $6)`, x.ID, e.ID, am.proposedBy, am.proposer, now, amendmentID); err != nil {
		return err
	}
	switch {
	case outcome == training.OutcomePass && e.Outcome != training.OutcomePass:
		return s.issueCertificate(ctx, tx, e.ID)
	case outcome != training.OutcomePass && e.Outcome == training.OutcomePass:
		_, err := tx.Exec(ctx, `UPDATE certificates SET revoked_at = $2, revoked_reason = $3 WHERE entry_id = $1 AND revoked_at IS NULL`,
			e.ID, now, "成绩更正："+am.reason)
		return err
	}
	return nil
}

// Amendments lists a session's recorded corrections. Institutions see the
// confirmed ones only; the centre sees pending and rejected ones too.
func (s *Store) Amendments(ctx context.Context, a training.Actor, sessionID int64) ([]Amendment, error) {
	if _, err := s.sessionFor(ctx, s.pool, a, sessionID, false); err != nil {
		return nil, translate(err, "session %d", sessionID)
	}
	rows, err := s.pool.Query(ctx, `SELECT am.id, am.entry_id, x.candidate_no, t.name,
			concat_ws(' / ', am.before->>'theory', am.before->>'practical', am.before->>'outcome'),
			concat_ws(' / ', am.after->>'theory', am.after->>'practical', am.after->>'outcome'),
			am.reason, am.amended_by, to_char(am.amended_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
			am.status, am.decided_by, coalesce(to_char(am.decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),
			coalesce(am.proposed_by_id, 0)
		FROM exam_amendments am JOIN exam_entries x ON x.id = am.entry_id JOIN enrolments e ON e.id = x.enrolment_id
		JOIN trainees t ON t.id = e.trainee_id WHERE x.session_id = $1 AND (am.status = 'confirmed' OR $2) ORDER BY am.id`,
		sessionID, a.IsCentre())
	if err != nil {
		return nil, translate(err, "amendments %d", sessionID)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Amendment, error) {
		var am Amendment
		var st string
		err := row.Scan(&am.ID, &am.EntryID, &am.CandidateNo, &am.Name, &am.Before, &am.After, &am.Reason, &am.By, &am.At,
			&st, &am.DecidedBy, &am.DecidedAt, &am.Facts.ProposedBy)
		am.Status = training.AmendmentStatus(st)
		am.Facts.Status = am.Status
		return am, err
	})
	if err != nil {
		return nil, translate(err, "amendments %d", sessionID)
	}
	if a.IsCentre() {
		changes, err := scoreChanges(ctx, s.pool, sessionID)
		if err != nil {
			return nil, translate(err, "amendments %d", sessionID)
		}
		scorers := training.ScorersOf(changes)
		for i := range list {
			list[i].Facts.Scorers = scorers
		}
	}
	return list, nil
}
