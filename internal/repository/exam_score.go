package repository

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Scores (EXAM-4), approval by a second centre user and publication
// (EXAM-7), and amendments after publication.

// EnterScores records the scores of a whole session in one transaction:
// the rows given replace those candidates' scores. A score for a candidate
// whose ID was not checked is refused (EXAM-3); a part a retake candidate
// already passed is not scored again (EXAM-5). When every candidate has a
// result the session waits for approval. Every candidate whose score
// changed is recorded with who and when (exam_score_changes, four eyes);
// a save that changes nothing writes nothing, not even an audit row. It
// returns how many candidates' scores changed.
func (s *Store) EnterScores(ctx context.Context, a training.Actor, sessionID int64, version int, rows []training.ScoreRow) (int, error) {
	if !a.IsCentre() || a.UserID == 0 {
		return 0, training.ErrForbidden
	}
	changed := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		changed = 0
		x, err := s.sessionFor(ctx, tx, a, sessionID, true)
		if err != nil {
			return err
		}
		if x.Version != version {
			return training.ErrConflict
		}
		if _, msg := training.NextSessionStatus(x.Status, training.ActSessScore, false); msg != "" {
			return training.InvalidGeneral(msg)
		}
		if msg := training.BeforeExamDayReason(x.ExamDate, s.Today()); msg != "" {
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
		var ids []int64
		var nos []string
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
			if rs := training.DecideRetakeParts(e.Parts, r.Theory, r.Practical, "_"+key); !rs.OK() {
				p.Add(rs[0].Field, rs[0].Message)
				continue
			}
			if training.SamePart(e.Theory, r.Theory) && training.SamePart(e.Practical, r.Practical) {
				continue
			}
			outcome := training.Result(e.Parts, r.Theory, r.Practical)
			e.Theory, e.Practical, e.Outcome = r.Theory, r.Practical, outcome
			ids, nos = append(ids, e.ID), append(nos, e.CandidateNo)
			b.Queue(`UPDATE exam_entries SET theory_score = $2, theory_absent = $3, practical_score = $4, practical_absent = $5, outcome = $6
				WHERE id = $1`, e.ID, int16Ptr(r.Theory.Score), r.Theory.Absent, int16Ptr(r.Practical.Score), r.Practical.Absent, string(outcome))
		}
		if err := p.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
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
		now := s.now()
		b.Queue(`INSERT INTO exam_score_changes (session_id, entry_id, user_id, changed_by, changed_at)
			SELECT $1, id, $3, $4, $5 FROM unnest($2::bigint[]) AS id`, sessionID, ids, a.UserID, actorLabel(a), now)
		b.Queue(`UPDATE exam_sessions SET status = $2, entered_by_id = $3, entered_by = $4, entered_at = $5, version = version + 1
			WHERE id = $1`, sessionID, string(to), a.UserID, actorLabel(a), now)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		changed = len(ids)
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.scores", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, After: map[string]any{"changed": changed, "candidates": nos, "complete": complete,
				"passed": passed, "status": to.Label()}})
	})
	return changed, translate(err, "enter scores of session %d", sessionID)
}

// sessionScorers loads everyone who entered or changed a score of the
// session (four eyes).
func sessionScorers(ctx context.Context, tx pgx.Tx, sessionID int64) (map[int64]bool, []string, error) {
	rows, err := tx.Query(ctx, `SELECT user_id, min(changed_by) FROM exam_score_changes WHERE session_id = $1 GROUP BY user_id ORDER BY user_id`, sessionID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	ids := map[int64]bool{}
	var names []string
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, err
		}
		ids[id] = true
		names = append(names, name)
	}
	return ids, names, rows.Err()
}

// ApproveResults is the centre approving a session's results (EXAM-7). It
// is refused to anyone who entered or changed any score of the session
// (four eyes, 第十一条: training.DecideApproveResults on the recorded
// changes); a trigger refuses it in the database too.
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
		scorers, names, err := sessionScorers(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		to, refused, err := training.DecideApproveResults(a, training.ResultsFacts{Status: x.Status, Scorers: scorers})
		if err != nil {
			return err
		}
		if err := refused.Err(); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE exam_sessions SET status = $2, approved_by_id = $3, approved_by = $4, approved_at = $5, version = version + 1
			WHERE id = $1 AND status = $6 AND version = $7`, sessionID, string(to), a.UserID, actorLabel(a), s.now(), string(x.Status), version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.approve", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, Before: map[string]any{"status": x.Status.Label(), "scored_by": names},
			After: map[string]any{"status": to.Label()}})
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
			return training.InvalidGeneral(msg)
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
		if err := s.NotifyInstitution(ctx, tx, x.InstitutionID, InboxNotice{Kind: "exam.publish",
			Title: fmt.Sprintf("考核成绩已公布：%s %s（%d 人合格）", x.ClassNo, x.OccupationName, len(passes)),
			Href:  "/exam-sessions/" + strconv.FormatInt(sessionID, 10)}); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.publish", Entity: "exam_session", EntityID: sessionID,
			InstitutionID: x.InstitutionID, After: map[string]any{"status": to.Label(), "certificates": len(passes)}})
	}), "publish session %d", sessionID)
}
