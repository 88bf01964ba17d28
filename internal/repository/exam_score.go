package repository

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Scores (EXAM-4), approval by a second centre user and publication
// (EXAM-7), and amendments after publication.

// EnterScores records the scores of a whole session in one transaction:
// the rows given replace those candidates' scores. A score for a candidate
// whose ID was not checked is refused (EXAM-3); a part a retake candidate
// already passed is not scored again (EXAM-5). When every candidate has a
// result the session waits for approval.
func (s *Store) EnterScores(ctx context.Context, a training.Actor, sessionID int64, version int, rows []training.ScoreRow) error {
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
		if _, msg := training.NextSessionStatus(x.Status, training.ActSessScore, false); msg != "" {
			return training.ErrConflict
		}
		if msg := training.ExamDayReached(x.ExamDate, s.Today()); msg != "" {
			return training.InvalidGeneral(msg)
		}
		if err := s.loadSessionParts(ctx, tx, &x); err != nil {
			return err
		}
		byID := make(map[int64]*training.ExamEntry, len(x.Entries))
		for i := range x.Entries {
			byID[x.Entries[i].ID] = &x.Entries[i]
		}
		var p training.Problems
		b := &pgx.Batch{}
		changed := 0
		for _, r := range rows {
			e, ok := byID[r.EntryID]
			if !ok {
				return training.ErrNotFound
			}
			key := strconv.FormatInt(e.ID, 10)
			if !e.Checked() && (r.Theory.Score != nil || r.Practical.Score != nil) {
				p.Add("theory_"+key, training.MsgIDNotChecked)
				p.AddGeneral(e.CandidateNo + " " + e.Name + "：" + training.MsgIDNotChecked)
				continue
			}
			if !e.Parts.Theory && r.Theory.Entered() {
				p.Add("theory_"+key, "第十条：补考只考不合格的科目，该考生应知考试已合格")
				continue
			}
			if !e.Parts.Practical && r.Practical.Entered() {
				p.Add("practical_"+key, "第十条：补考只考不合格的科目，该考生应会考试已合格")
				continue
			}
			outcome := training.Result(e.Parts, r.Theory, r.Practical)
			if samePart(e.Theory, r.Theory) && samePart(e.Practical, r.Practical) {
				continue
			}
			e.Theory, e.Practical, e.Outcome = r.Theory, r.Practical, outcome
			changed++
			b.Queue(`UPDATE exam_entries SET theory_score = $2, theory_absent = $3, practical_score = $4, practical_absent = $5, outcome = $6
				WHERE id = $1`, e.ID, int16Ptr(r.Theory.Score), r.Theory.Absent, int16Ptr(r.Practical.Score), r.Practical.Absent, string(outcome))
		}
		if err := p.Err(); err != nil {
			return err
		}
		complete := len(x.Entries) > 0
		passed := 0
		for _, e := range x.Entries {
			if e.Outcome == training.OutcomePending {
				complete = false
			}
			if e.Outcome == training.OutcomePass {
				passed++
			}
		}
		to, _ := training.NextSessionStatus(x.Status, training.ActSessScore, complete)
		b.Queue(`UPDATE exam_sessions SET status = $2, entered_by_id = $3, entered_by = $4, entered_at = $5, version = version + 1 WHERE id = $1`,
			sessionID, string(to), a.UserID, actorLabel(a), s.now())
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.scores", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, After: map[string]any{"changed": changed, "complete": complete, "passed": passed, "status": to.Label()}})
	}), "enter scores of session %d", sessionID)
}

func samePart(a, b training.PartScore) bool {
	if a.Absent != b.Absent || (a.Score == nil) != (b.Score == nil) {
		return false
	}
	return a.Score == nil || *a.Score == *b.Score
}

// ApproveResults is the centre approving a session's results. The approver
// must not be the user who last entered them (four eyes, EXAM-7); the
// database refuses it too.
func (s *Store) ApproveResults(ctx context.Context, a training.Actor, sessionID int64, version int) error {
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
		to, msg := training.NextSessionStatus(x.Status, training.ActSessApprove, false)
		if msg != "" {
			if x.Status == training.SessScheduled {
				return training.InvalidGeneral(msg)
			}
			return training.ErrConflict
		}
		if msg := training.CheckFourEyes(x.EnteredByID, a.UserID); msg != "" {
			return training.InvalidGeneral(msg)
		}
		if _, err := tx.Exec(ctx, `UPDATE exam_sessions SET status = $2, approved_by_id = $3, approved_by = $4, approved_at = $5, version = version + 1
			WHERE id = $1`, sessionID, string(to), a.UserID, actorLabel(a), s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.approve", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, Before: map[string]any{"entered_by": x.EnteredBy}, After: map[string]any{"status": to.Label()}})
	}), "approve session %d", sessionID)
}

// PublishResults publishes approved results (EXAM-7): institutions and the
// public lookup see them from now on, each pass gets its certificate, and
// the class moves to assessed.
func (s *Store) PublishResults(ctx context.Context, a training.Actor, sessionID int64, version int) error {
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
		to, msg := training.NextSessionStatus(x.Status, training.ActSessPublish, false)
		if msg != "" {
			return training.ErrConflict
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE exam_sessions SET status = $2, published_by = $3, published_at = $4, version = version + 1 WHERE id = $1`,
			sessionID, string(to), actorLabel(a), now); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM exam_entries WHERE session_id = $1 AND outcome = 'pass' ORDER BY seq`, sessionID)
		if err != nil {
			return err
		}
		passes, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, eid := range passes {
			if err := s.issueCertificate(ctx, tx, eid); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE classes SET status = 'assessed', version = version + 1, updated_at = $2
			WHERE id = $1 AND status = 'assessment_applied'`, x.ClassID, now); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.publish", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, After: map[string]any{"status": to.Label(), "certificates": len(passes)}})
	}), "publish session %d", sessionID)
}

// Amendment is one recorded correction after publication.
type Amendment struct {
	CandidateNo string
	Name        string
	Before      string
	After       string
	Reason      string
	By          string
	At          string
}

// AmendEntry corrects a published result. The correction is recorded with
// its reason (never a silent overwrite); a pass that becomes a fail revokes
// the certificate, a fail that becomes a pass issues one.
func (s *Store) AmendEntry(ctx context.Context, a training.Actor, sessionID, entryID int64, theory, practical training.PartScore, reason string) error {
	if !a.IsCentre() {
		return training.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		x, err := s.sessionFor(ctx, tx, a, sessionID, true)
		if err != nil {
			return err
		}
		if _, msg := training.NextSessionStatus(x.Status, training.ActSessAmend, false); msg != "" {
			return training.InvalidGeneral("第十一条：成绩公布前请直接在成绩录入页修改；公布后的更正须登记原因")
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
		var p training.Problems
		if reason == "" {
			p.Add("reason", "第十一条：更正已公布的成绩须填写原因")
		}
		if !e.Checked() && (theory.Score != nil || practical.Score != nil) {
			p.Add("theory", training.MsgIDNotChecked)
		}
		if !e.Parts.Theory && theory.Entered() || !e.Parts.Practical && practical.Entered() {
			p.Add("theory", "第十条：补考只考不合格的科目")
		}
		outcome := training.Result(e.Parts, theory, practical)
		if outcome == training.OutcomePending {
			p.Add("theory", "请填写完整的成绩（或标记缺考）")
		}
		if samePart(e.Theory, theory) && samePart(e.Practical, practical) {
			p.Add("theory", "成绩没有变化")
		}
		if err := p.Err(); err != nil {
			return err
		}
		before := map[string]any{"theory": e.Theory.Text(), "practical": e.Practical.Text(), "outcome": e.Outcome.Label()}
		after := map[string]any{"theory": theory.Text(), "practical": practical.Text(), "outcome": outcome.Label()}
		if _, err := tx.Exec(ctx, `INSERT INTO exam_amendments (entry_id, before, after, reason, amended_by, amended_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			entryID, before, after, reason, actorLabel(a), s.now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE exam_entries SET theory_score = $2, theory_absent = $3, practical_score = $4, practical_absent = $5, outcome = $6
			WHERE id = $1`, entryID, int16Ptr(theory.Score), theory.Absent, int16Ptr(practical.Score), practical.Absent, string(outcome)); err != nil {
			return err
		}
		switch {
		case outcome == training.OutcomePass && e.Outcome != training.OutcomePass:
			if err := s.issueCertificate(ctx, tx, entryID); err != nil {
				return err
			}
		case outcome != training.OutcomePass && e.Outcome == training.OutcomePass:
			if _, err := tx.Exec(ctx, `UPDATE certificates SET revoked_at = $2, revoked_reason = $3 WHERE entry_id = $1 AND revoked_at IS NULL`,
				entryID, s.now(), "成绩更正："+reason); err != nil {
				return err
			}
		}
		before["candidate_no"] = e.CandidateNo
		after["reason"] = reason
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.amend", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, Before: before, After: after})
	}), "amend entry %d", entryID)
}

// Amendments lists a session's recorded corrections.
func (s *Store) Amendments(ctx context.Context, a training.Actor, sessionID int64) ([]Amendment, error) {
	if _, err := s.sessionFor(ctx, s.pool, a, sessionID, false); err != nil {
		return nil, translate(err, "session %d", sessionID)
	}
	rows, err := s.pool.Query(ctx, `SELECT x.candidate_no, t.name,
			concat_ws(' / ', am.before->>'theory', am.before->>'practical', am.before->>'outcome'),
			concat_ws(' / ', am.after->>'theory', am.after->>'practical', am.after->>'outcome'),
			am.reason, am.amended_by, to_char(am.amended_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')
		FROM exam_amendments am JOIN exam_entries x ON x.id = am.entry_id JOIN enrolments e ON e.id = x.enrolment_id
		JOIN trainees t ON t.id = e.trainee_id WHERE x.session_id = $1 ORDER BY am.id`, sessionID)
	if err != nil {
		return nil, translate(err, "amendments %d", sessionID)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Amendment])
	return list, translate(err, "amendments %d", sessionID)
}
