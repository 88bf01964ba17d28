package repository

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Evaluation organisations as the bureau keeps them (EXAM-6): the centre
// users each belongs to, and the withdrawal of a social organisation's
// approval.

// CentreUser is a centre account and the organisation it works for.
type CentreUser struct {
	ID        int64
	Username  string
	Name      string
	Disabled  bool
	EvalOrgID int64 // the district centre's id when the account has none
	OrgName   string
}

// EvalOrgPage is everything the bureau's organisation page shows.
type EvalOrgPage struct {
	Orgs  []training.EvalOrg
	Users []CentreUser
}

// EvalOrgAdmin loads the organisations and the centre accounts in one
// round trip. Bureau only.
func (s *Store) EvalOrgAdmin(ctx context.Context, a training.Actor) (EvalOrgPage, error) {
	var p EvalOrgPage
	if !a.IsBureau() {
		return p, training.ErrForbidden
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, name, kind, approved, approval_no, withdrawn_reason, withdrawn_by, withdrawn_at, version
		FROM eval_orgs ORDER BY kind = 'social', name, id`).Query(func(rows pgx.Rows) error {
		var err error
		p.Orgs, err = pgx.CollectRows(rows, scanEvalOrg)
		return err
	})
	b.Queue(`SELECT u.id, u.username, u.name, u.disabled_at IS NOT NULL, o.id, o.name FROM users u
		JOIN eval_orgs o ON o.id = coalesce(u.eval_org_id, (SELECT id FROM eval_orgs WHERE kind = 'centre'))
		WHERE u.role = 'centre' ORDER BY u.username`).Query(func(rows pgx.Rows) error {
		var err error
		p.Users, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (CentreUser, error) {
			var u CentreUser
			err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Disabled, &u.EvalOrgID, &u.OrgName)
			return u, err
		})
		return err
	})
	return p, translate(s.pool.SendBatch(ctx, b).Close(), "eval org page")
}

// AssignCentreUser makes a centre account work for an evaluation
// organisation: it handles the applications addressed there and keeps that
// organisation's examiner pool. The district centre is stored as none.
func (s *Store) AssignCentreUser(ctx context.Context, a training.Actor, userID, orgID int64) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var role, before string
		err := tx.QueryRow(ctx, `SELECT u.role, o.name FROM users u
			JOIN eval_orgs o ON o.id = coalesce(u.eval_org_id, (SELECT id FROM eval_orgs WHERE kind = 'centre'))
			WHERE u.id = $1 FOR UPDATE OF u`, userID).Scan(&role, &before)
		if err != nil {
			return err
		}
		if training.Role(role) != training.RoleCentre {
			var rs training.Refusals
			rs.Add("eval_org_id", training.RuleOrgUserRole)
			return rs.Err()
		}
		var kind, name string
		err = tx.QueryRow(ctx, `SELECT kind, name FROM eval_orgs WHERE id = $1`, orgID).Scan(&kind, &name)
		if err == pgx.ErrNoRows {
			return training.Invalid("eval_org_id", "请选择考核机构")
		}
		if err != nil {
			return err
		}
		var stored *int64
		if training.EvalOrgKind(kind) != training.OrgCentre {
			stored = &orgID
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET eval_org_id = $2 WHERE id = $1`, userID, stored); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "user.eval_org", Entity: "user", EntityID: userID,
			Before: map[string]any{"eval_org": before}, After: map[string]any{"eval_org": name}})
	}), "assign user %d to org %d", userID, orgID)
}

// WithdrawEvalOrg withdraws a social organisation's approval, with a
// reason: it is offered for no new application, and no new session can be
// scheduled for its applications (a trigger backs this).
func (s *Store) WithdrawEvalOrg(ctx context.Context, a training.Actor, id int64, version int, reason string) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var f training.WithdrawFacts
		var kind, name string
		var v int
		err := tx.QueryRow(ctx, `SELECT kind, name, approved, coalesce(to_char(withdrawn_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), ''), version
			FROM eval_orgs WHERE id = $1 FOR UPDATE`, id).Scan(&kind, &name, &f.Approved, &f.WithdrawnOn, &v)
		if err != nil {
			return err
		}
		f.Kind = training.EvalOrgKind(kind)
		if v != version {
			return training.ErrConflict
		}
		rs, err := training.DecideWithdrawOrg(a, f, reason)
		if err != nil {
			return err
		}
		if !rs.OK() {
			return rs.Err()
		}
		tag, err := tx.Exec(ctx, `UPDATE eval_orgs SET approved = false, withdrawn_reason = $3, withdrawn_by = $4, withdrawn_at = $5,
			version = version + 1 WHERE id = $1 AND version = $2 AND approved`, id, version, reason, actorLabel(a), s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "eval_org.withdraw", Entity: "eval_org", EntityID: id,
			Before: map[string]any{"name": name, "approved": true}, After: map[string]any{"approved": false, "reason": reason}})
	}), "withdraw eval org %d", id)
}
