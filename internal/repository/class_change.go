package repository

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// RequestChange files a change request on an approved filing (FILE-5): the
// same checks run on the changed plan; it takes effect only when the bureau
// approves it. Occupation, level and type cannot change (that is a new class).
func (s *Store) RequestChange(ctx context.Context, a training.Actor, id int64, version int, p training.Plan, reason string) error {
	if !a.IsInstitution() {
		if _, err := s.ClassByID(ctx, a, id); err != nil {
			return err
		}
		return training.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if err := training.CheckPlanText(p); err != nil {
		return err
	}
	if msg := training.TooLong("class_changes.reason", reason); msg != "" {
		return training.Invalid("change_reason", msg)
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.lockClass(ctx, tx, a, id, version)
		if err != nil {
			return err
		}
		if err := training.DecideRequestChange(c.Status, c.PendingChange != nil).Err(); err != nil {
			return err
		}
		p.OccupationID, p.Level, p.Type = c.Plan.OccupationID, c.Plan.Level, c.Plan.Type
		facts := training.ChangeRequestFacts{Current: c.Plan, Today: s.Today()}
		if !training.ChangeMovesStartedClass(c.Plan, p, facts.Today) {
			fc, err := s.filingContext(ctx, tx, c.InstitutionID, p)
			if err != nil {
				return err
			}
			fc.ApprovedCap, fc.ExceptionAsked = c.ExceptionApproved, c.ExceptionAsked
			facts.Filing = &fc
		}
		if facts.Held, err = heldSessions(ctx, tx, id); err != nil {
			return err
		}
		if err := training.CheckChangeRequest(p, reason, facts).Err(); err != nil {
			return err
		}
		plan, err := snapshot(p)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO class_changes (class_id, reason, plan, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5)`, id, reason, plan, actorLabel(a), s.now()); err != nil {
			return err
		}
		if _, err := s.addVersion(ctx, tx, a, id, "change_requested", p, reason); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE classes SET version = version + 1, updated_at = $2 WHERE id = $1`, id, s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "class.change_request", Entity: "class", EntityID: id,
			InstitutionID: c.InstitutionID, Before: planAudit(c.Plan), After: planAudit(p)})
	}), "request change %d", id)
}

// DecideChange approves or rejects the pending change request. Approval
// makes the changed plan the one in force; the old one is kept.
func (s *Store) DecideChange(ctx context.Context, a training.Actor, id int64, version int, approve bool, note string) error {
	if !a.IsBureau() {
		if _, err := s.ClassByID(ctx, a, id); err != nil {
			return err
		}
		return training.ErrForbidden
	}
	note = strings.TrimSpace(note)
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.lockClass(ctx, tx, a, id, version)
		if err != nil {
			return err
		}
		ch := c.PendingChange
		if rs := training.DecideChangeDecision(ch != nil, approve, note); !rs.OK() {
			return rs.Err()
		}
		status, kind, action := "rejected", "change_rejected", "class.change_reject"
		if approve {
			status, kind, action = "approved", "change_approved", "class.change_approve"
			if err := training.DecideApproveChange(c.Status, c.Plan, ch.Plan, s.Today()).Err(); err != nil {
				return err
			}
			fc, err := s.filingContext(ctx, tx, c.InstitutionID, ch.Plan)
			if err != nil {
				return err
			}
			// Attendance may have been recorded since the request.
			held, err := heldSessions(ctx, tx, id)
			if err != nil {
				return err
			}
			if problems := training.ChangeApprovalProblems(fc, c.Plan, held, ch.Plan); len(problems) > 0 {
				return &training.ValidationError{General: problems}
			}
			if err := writePlan(ctx, tx, id, ch.Plan); err != nil {
				return err
			}
			// The plan in force changed: its sessions, hours and teachers.
			if _, err := tx.Exec(ctx, refreshClassDeliverySQL, id); err != nil {
				return err
			}
		}
		no, err := s.addVersion(ctx, tx, a, id, kind, ch.Plan, note)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE class_changes SET status = $2, decided_by = $3, decided_at = $4, decision = $5
			WHERE id = $1 AND status = 'pending'`, ch.ID, status, actorLabel(a), s.now(), note)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		set := `version = version + 1, updated_at = $2`
		args := []any{id, s.now()}
		if approve {
			set += `, plan_no = $3`
			args = append(args, no)
		}
		if _, err := tx.Exec(ctx, `UPDATE classes SET `+set+` WHERE id = $1`, args...); err != nil {
			return err
		}
		n := InboxNotice{Kind: action, Title: "备案变更申请未获同意：" + c.ClassNo, Body: note, Href: "/classes/" + strconv.FormatInt(id, 10)}
		if approve {
			n.Title = "备案变更申请已同意：" + c.ClassNo
		}
		if err := s.NotifyInstitution(ctx, tx, c.InstitutionID, n); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "class", EntityID: id,
			InstitutionID: c.InstitutionID, Before: planAudit(c.Plan), After: map[string]any{"decision": status, "note": note}})
	}), "decide change %d", id)
}

// queueClassVisible adds to b a query that fails with pgx.ErrNoRows unless
// the actor may see filing id, so that the queries queued after it in the
// same batch (one round trip) never reach the caller for another
// institution's filing.
func queueClassVisible(b *pgx.Batch, a training.Actor, id int64) bool {
	var w where
	if !classScope(a, &w) {
		return false
	}
	w.add("c.id = ?", id)
	b.Queue(`SELECT c.id FROM classes c`+w.sql(), w.args...).QueryRow(func(row pgx.Row) error {
		var x int64
		return row.Scan(&x)
	})
	return true
}

// ClassVersions lists every kept version of a filing's plan, newest first.
func (s *Store) ClassVersions(ctx context.Context, a training.Actor, id int64) ([]training.ClassVersion, error) {
	b := &pgx.Batch{}
	if !queueClassVisible(b, a, id) {
		return nil, training.ErrNotFound
	}
	var list []training.ClassVersion
	queueClassVersions(b, id, &list)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, translate(err, "class versions %d", id)
	}
	return list, nil
}

// queueClassVersions queues the read of filing id's versions into list.
func queueClassVersions(b *pgx.Batch, id int64, list *[]training.ClassVersion) {
	b.Queue(`SELECT no, kind, plan, note, actor_name, created_at FROM class_versions
		WHERE class_id = $1 ORDER BY no DESC`, id).Query(func(rows pgx.Rows) error {
		var err error
		*list, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ClassVersion, error) {
			var v training.ClassVersion
			var plan []byte
			if err := row.Scan(&v.No, &v.Kind, &plan, &v.Note, &v.ActorName, &v.CreatedAt); err != nil {
				return v, err
			}
			return v, json.Unmarshal(plan, &v.Plan)
		})
		return err
	})
}

// ClassHistory is one page of a filing's audit trail, newest first, and
// the number of entries (a class of fifty trainees has hundreds).
func (s *Store) ClassHistory(ctx context.Context, a training.Actor, id int64, p Page) ([]training.AuditEntry, int, error) {
	b := &pgx.Batch{}
	if !queueClassVisible(b, a, id) {
		return nil, 0, training.ErrNotFound
	}
	var list []training.AuditEntry
	var total int
	queueClassHistory(b, id, p, &list, &total)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, 0, translate(err, "class history %d", id)
	}
	return list, total, nil
}

// queueClassHistory queues the read of page p of filing id's audit trail
// into list, and the number of entries into total.
func queueClassHistory(b *pgx.Batch, id int64, p Page, list *[]training.AuditEntry, total *int) {
	b.Queue(`SELECT `+auditColumns+`, count(*) OVER () FROM audit_log WHERE entity = 'class' AND entity_id = $1
		ORDER BY id DESC LIMIT $2 OFFSET $3`, id, p.limit(), p.offset()).Query(func(rows pgx.Rows) error {
		var err error
		*list, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.AuditEntry, error) {
			return scanAuditCounted(row, total)
		})
		return err
	})
}
