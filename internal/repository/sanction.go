package repository

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Sanctions (SUP-4, INST-3, INST-4, 第十六条): recorded decisions that rest
// on findings; suspension, revocation and lifting change the designation
// in the same transaction.

func init() {
	for k, v := range map[string][2]string{
		"sanctions_institution_id_fkey":        {"", "培训机构不存在"},
		"sanctions_kind_check":                 {"kind", training.RuleSanctionKind.Msg()},
		"sanctions_ground_check":               {"ground", "请选择处理依据"},
		"sanctions_reason_check":               {"reason", training.RuleSanctionReason.Msg()},
		"sanctions_decision_no_check":          {"decision_no", training.RuleSanctionDecisionNo.Msg()},
		"sanctions_decided_by_check":           {"decided_by", training.RuleSanctionDecider.Msg()},
		"sanctions_recover_fen_check":          {"recover", training.RuleSanctionRecover.Msg()},
		"sanctions_referral_note_check":        {"referral_note", training.RuleSanctionReferral.Msg()},
		"sanctions_order_id_fkey":              {"", "整改通知不存在"},
		"sanctions_recover_check":              {"recover", "追缴金额和移交司法机关只用于取消定点资格"},
		"sanctions_referral_check":             {"referral_note", training.RuleSanctionReferral.Msg()},
		"sanctions_lift_check":                 {"", training.RuleSanctionLift.Msg("暂停")},
		"sanctions_revoked_check":              {"", training.RuleSanctionRevoked.Msg()},
		"sanction_findings_pkey":               {"findings", "同一问题只能选择一次"},
		"sanction_findings_sanction_id_fkey":   {"", "处理决定不存在"},
		"sanction_findings_finding_id_fkey":    {"findings", "检查发现的问题不存在"},
		"sanction_recoveries_sanction_id_fkey": {"", "处理决定不存在"},
		"sanction_recoveries_line_id_fkey":     {"lines", "补贴明细不存在"},
		"sanction_recoveries_fen_check":        {"lines", training.RuleSanctionLinesOwn.Msg()},
		"sanction_recoveries_line_key":         {"lines", training.RuleSanctionLinesOwn.Msg()},
		"class_stops_class_id_fkey":            {"", "培训班不存在"},
		"class_stops_institution_id_fkey":      {"", "培训机构不存在"},
		"class_stops_decided_by_check":         {"decided_by", training.RuleStopDecider.Msg()},
		"class_stops_status_before_check":      {"", training.RuleStopClassStatus.Msg("非已备案")},
	} {
		constraintErrors[k] = v
	}
}

// sanctionFacts loads what DecideSanction needs, with the institution row
// locked: its status and when it began, how many of findingIDs are its
// findings, its INST-4 state, and an order accepted since the status began.
func (s *Store) sanctionFacts(ctx context.Context, tx pgx.Tx, id int64, findingIDs, lineIDs []int64) (training.SanctionFacts, int, error) {
	f := training.SanctionFacts{Today: s.Today()}
	var status string
	var changed *time.Time
	var version int
	err := tx.QueryRow(ctx, `SELECT status, status_changed, version FROM institutions WHERE id = $1 FOR UPDATE`, id).Scan(&status, &changed, &version)
	if err != nil {
		return f, 0, err
	}
	f.Status = training.InstitutionStatus(status)
	if changed != nil {
		f.StatusChanged = *changed
	}
	if findingIDs == nil {
		findingIDs = []int64{}
	}
	if lineIDs == nil {
		lineIDs = []int64{}
	}
	var activity string
	err = tx.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM inspection_findings WHERE id = ANY ($2) AND institution_id = $1),
			coalesce((SELECT state FROM institution_activity WHERE institution_id = $1), ''),
			coalesce((SELECT max(o.id) FROM rectification_orders o WHERE o.institution_id = $1 AND o.status = 'accepted'
				AND o.decided_at >= $3), 0),
			l.n, l.fen
		FROM (SELECT count(*) AS n, coalesce(sum(l.recovery_fen), 0) AS fen FROM subsidy_claim_lines l
			WHERE l.id = ANY ($4) AND l.institution_id = $1 AND l.recovery_fen > 0
				AND NOT EXISTS (SELECT 1 FROM sanction_recoveries r WHERE r.line_id = l.id)) l`,
		id, findingIDs, f.StatusChanged, uniqueIDs(lineIDs)).Scan(&f.Findings, &activity, &f.AcceptedOrder, &f.Lines, &f.LinesFen)
	f.Activity = training.Activity(activity)
	return f, version, err
}

// RecordSanction records a sanction and applies it to the designation.
func (s *Store) RecordSanction(ctx context.Context, a training.Actor, id int64, in training.SanctionInput) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	var sid int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		f, _, err := s.sanctionFacts(ctx, tx, id, in.FindingIDs, in.LineIDs)
		if err != nil {
			return err
		}
		if f.Findings != len(uniqueIDs(in.FindingIDs)) {
			return training.Invalid("findings", "所选问题不属于该机构")
		}
		d, rs := training.DecideSanction(a, in, f)
		if !rs.OK() {
			return rs.Err()
		}
		var order *int64
		if in.Kind == training.SanctionLift {
			order = &f.AcceptedOrder
		}
		sid, err = s.insertSanction(ctx, tx, a, id, in, d, f.Status, order)
		if err != nil {
			return err
		}
		if len(in.FindingIDs) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO sanction_findings (sanction_id, finding_id) SELECT $1, unnest($2::bigint[])`,
				sid, uniqueIDs(in.FindingIDs)); err != nil {
				return err
			}
		}
		if lines := uniqueIDs(in.LineIDs); len(lines) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO sanction_recoveries (sanction_id, line_id, recovery_fen)
				SELECT $1, l.id, l.recovery_fen FROM subsidy_claim_lines l WHERE l.id = ANY ($2)`, sid, lines); err != nil {
				return err
			}
		}
		if d.To != f.Status {
			tag, err := tx.Exec(ctx, `UPDATE institutions SET status = $2, status_reason = $3, status_changed = $4,
					version = version + 1, updated_at = $4 WHERE id = $1 AND status = $5`,
				id, string(d.To), in.Kind.Label()+"："+strings.TrimSpace(in.Reason), s.now(), string(f.Status))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return training.ErrConflict
			}
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "sanction." + string(in.Kind), Entity: "sanction", EntityID: sid,
			InstitutionID: id, Before: map[string]any{"status": f.Status},
			After: map[string]any{"status": d.To, "ground": in.Ground, "reason": strings.TrimSpace(in.Reason),
				"decided_by": strings.TrimSpace(in.DecidedBy), "decided_on": d.DecidedOn.Format("2006-01-02"),
				"decision_no": strings.TrimSpace(in.DecisionNo), "findings": uniqueIDs(in.FindingIDs),
				"recover_fen": d.RecoverFen, "recovery_lines": uniqueIDs(in.LineIDs), "referral": in.Referral,
				"referral_note": strings.TrimSpace(in.ReferralNote)}})
	})
	return sid, translate(err, "sanction institution %d", id)
}

func (s *Store) insertSanction(ctx context.Context, tx pgx.Tx, a training.Actor, id int64, in training.SanctionInput,
	d training.SanctionDecision, from training.InstitutionStatus, order *int64) (int64, error) {
	var sid int64
	referral := in.Kind == training.SanctionRevocation && in.Referral
	note := ""
	if referral {
		note = strings.TrimSpace(in.ReferralNote)
	}
	err := tx.QueryRow(ctx, `INSERT INTO sanctions (institution_id, kind, ground, reason, decision_no, decided_by, decided_on,
			recover_fen, referral, referral_note, order_id, status_before, status_after, recorded_by, recorded_by_id, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		id, string(in.Kind), string(in.Ground), strings.TrimSpace(in.Reason), strings.TrimSpace(in.DecisionNo),
		strings.TrimSpace(in.DecidedBy), d.DecidedOn, d.RecoverFen, referral, note, order, string(from), string(d.To),
		actorLabel(a), nullID(a.UserID), s.now()).Scan(&sid)
	return sid, err
}

// legacySanction records the status steps of the institution page
// (suspend, resume, revoke without a form of their own) as sanctions with
// the ground 其他, and refuses to resume without an accepted rectification.
// It runs inside ChangeInstitutionStatus's transaction, after the row lock.
func (s *Store) legacySanction(ctx context.Context, tx pgx.Tx, a training.Actor, id int64, in training.StatusChangeInput,
	from, to training.InstitutionStatus) error {
	kind := map[training.InstitutionAction]training.SanctionKind{training.ActSuspend: training.SanctionSuspension,
		training.ActResume: training.SanctionLift, training.ActRevoke: training.SanctionRevocation}[in.Action]
	if kind == "" || from == training.InstPending {
		return nil
	}
	f, _, err := s.sanctionFacts(ctx, tx, id, nil, nil)
	if err != nil {
		return err
	}
	var order *int64
	ground := training.GroundOther
	if kind == training.SanctionLift {
		if f.AcceptedOrder == 0 {
			var rs training.Refusals
			rs.General(training.RuleSanctionLift, f.StatusChanged.In(Shanghai).Format("2006-01-02"))
			return rs.Err()
		}
		order, ground = &f.AcceptedOrder, training.GroundRectified
	}
	_, err = s.insertSanction(ctx, tx, a, id, training.SanctionInput{Kind: kind, Ground: ground, Reason: in.Reason,
		DecisionNo: in.DecisionNo, DecidedBy: actorName(a)}, training.SanctionDecision{DecidedOn: f.Today, To: to}, from, order)
	return err
}

func actorName(a training.Actor) string {
	n := a.Name
	if n == "" {
		n = a.Username
	}
	if r := []rune(n); len(r) > 50 {
		n = string(r[:50])
	}
	return n
}

// InstitutionSupervision reads the supervision page of an institution in
// one round trip; an institution sees its own only.
func (s *Store) InstitutionSupervision(ctx context.Context, a training.Actor, id int64) (training.SanctionPage, error) {
	p := training.SanctionPage{Today: s.Today()}
	if !canSeeInstitution(a, id) {
		return p, training.ErrNotFound
	}
	var changed *time.Time
	err := s.pool.QueryRow(ctx, `SELECT i.id, i.name, i.status, i.status_reason, i.status_changed, i.version,
			coalesce(a.state, ''), a.since
		FROM institutions i LEFT JOIN institution_activity a ON a.institution_id = i.id WHERE i.id = $1`, id).
		Scan(&p.Institution.ID, &p.Institution.Name, &p.Institution.Status, &p.Institution.StatusReason, &changed,
			&p.Institution.Version, &p.Activity, &p.ActivitySince)
	if err != nil {
		return p, translate(err, "institution %d", id)
	}
	p.Institution.StatusChanged = changed
	since := time.Time{}
	if changed != nil {
		since = *changed
	}
	byID := map[int64]int{}
	b := &pgx.Batch{}
	b.Queue(`SELECT s.id, s.kind, s.ground, s.reason, s.decision_no, s.decided_by, s.decided_on, s.recover_fen, s.referral,
			s.referral_note, coalesce(s.order_id, 0), s.status_before, s.status_after, s.recorded_by, s.recorded_at
		FROM sanctions s WHERE s.institution_id = $1 ORDER BY s.decided_on DESC, s.id DESC`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Sanctions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Sanction, error) {
			var x training.Sanction
			var kind, ground, before, after string
			err := row.Scan(&x.ID, &kind, &ground, &x.Reason, &x.DecisionNo, &x.DecidedBy, &x.DecidedOn, &x.RecoverFen,
				&x.Referral, &x.ReferralNote, &x.OrderID, &before, &after, &x.RecordedBy, &x.RecordedAt)
			x.Kind, x.Ground = training.SanctionKind(kind), training.SanctionGround(ground)
			x.StatusBefore, x.StatusAfter = training.InstitutionStatus(before), training.InstitutionStatus(after)
			x.InstitutionID = id
			return x, err
		})
		for i, x := range p.Sanctions {
			byID[x.ID] = i
		}
		return err
	})
	b.Queue(`SELECT sf.sanction_id, `+findingColumns+` FROM sanction_findings sf JOIN inspection_findings f ON f.id = sf.finding_id
		JOIN inspection_results r USING (inspection_id, item_id) JOIN inspection_items it ON it.id = f.item_id
		LEFT JOIN rectification_orders o ON o.finding_id = f.id
		WHERE f.institution_id = $1 ORDER BY f.found_on, f.id`, id).Query(func(rows pgx.Rows) error {
		var sid int64
		var f training.Finding
		_, err := pgx.ForEachRow(rows, []any{&sid, &f.ID, &f.InspectionID, &f.InstitutionID, &f.Date, &f.Text, &f.Note, &f.OrderID}, func() error {
			if i, ok := byID[sid]; ok {
				p.Sanctions[i].Findings = append(p.Sanctions[i].Findings, f)
			}
			return nil
		})
		return err
	})
	b.Queue(`SELECT `+findingColumns+` FROM inspection_findings f JOIN inspection_results r USING (inspection_id, item_id)
		JOIN inspection_items it ON it.id = f.item_id LEFT JOIN rectification_orders o ON o.finding_id = f.id
		WHERE f.institution_id = $1 ORDER BY f.found_on DESC, f.id DESC LIMIT 200`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Findings, err = pgx.CollectRows(rows, scanFinding)
		return err
	})
	b.Queue(`SELECT `+orderColumns+` FROM rectification_orders o `+orderJoins+` WHERE o.institution_id = $1
		ORDER BY o.ordered_on DESC, o.id DESC LIMIT 200`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Orders, err = pgx.CollectRows(rows, scanOrder)
		return err
	})
	b.Queue(`SELECT `+inspectionColumns+` FROM inspections n JOIN institutions i ON i.id = n.institution_id
		LEFT JOIN classes c ON c.id = n.class_id WHERE n.institution_id = $1 ORDER BY n.inspected_on DESC, n.id DESC LIMIT 50`, id).
		Query(func(rows pgx.Rows) error {
			var err error
			p.Inspections, err = pgx.CollectRows(rows, scanInspection)
			return err
		})
	b.Queue(`SELECT coalesce(max(o.id), 0) FROM rectification_orders o WHERE o.institution_id = $1 AND o.status = 'accepted'
		AND o.decided_at >= $2`, id, since).QueryRow(func(row pgx.Row) error { return row.Scan(&p.AcceptedOrder) })
	scanLine := func(row pgx.CollectableRow) (training.RecoveryLine, error) {
		var l training.RecoveryLine
		err := row.Scan(&l.ID, &l.ClaimID, &l.ClaimNo, &l.Name, &l.AmountFen, &l.RecoveryFen, &l.Reason)
		l.Name = training.MaskName(l.Name)
		return l, err
	}
	const lineColumns = `l.id, l.claim_id, c.claim_no, l.name, l.amount_fen, l.recovery_fen, l.recovery_reason`
	b.Queue(`SELECT r.sanction_id, `+lineColumns+` FROM sanction_recoveries r JOIN sanctions s ON s.id = r.sanction_id
		JOIN subsidy_claim_lines l ON l.id = r.line_id JOIN subsidy_claims c ON c.id = l.claim_id
		WHERE s.institution_id = $1 ORDER BY l.claim_id, l.id`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var sid int64
			var l training.RecoveryLine
			if err := rows.Scan(&sid, &l.ID, &l.ClaimID, &l.ClaimNo, &l.Name, &l.AmountFen, &l.RecoveryFen, &l.Reason); err != nil {
				return err
			}
			l.Name = training.MaskName(l.Name)
			if i, ok := byID[sid]; ok {
				p.Sanctions[i].Lines = append(p.Sanctions[i].Lines, l)
			}
		}
		return rows.Err()
	})
	b.Queue(`SELECT `+lineColumns+` FROM subsidy_claim_lines l JOIN subsidy_claims c ON c.id = l.claim_id
		WHERE l.institution_id = $1 AND l.recovery_fen > 0
			AND NOT EXISTS (SELECT 1 FROM sanction_recoveries r WHERE r.line_id = l.id)
		ORDER BY l.recovery_at, l.id LIMIT 200`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.RecoveryLines, err = pgx.CollectRows(rows, scanLine)
		return err
	})
	queueStops(b, id, &p)
	return p, translate(s.pool.SendBatch(ctx, b).Close(), "supervision of institution %d", id)
}

// Supervision reads the bureau's supervision page in one round trip.
func (s *Store) Supervision(ctx context.Context, a training.Actor) (training.SupervisionOverview, error) {
	var o training.SupervisionOverview
	if !a.IsBureau() {
		return o, training.ErrForbidden
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT ` + orderColumns + ` FROM rectification_orders o ` + orderJoins + ` WHERE o.status IN ('open', 'answered')
		ORDER BY o.status <> 'answered', o.due_on, o.id LIMIT 100`).Query(func(rows pgx.Rows) error {
		var err error
		o.Orders, err = pgx.CollectRows(rows, scanOrder)
		return err
	})
	b.Queue(`SELECT a.institution_id, i.name, i.status, a.state, a.since,
			coalesce((SELECT s.kind || ' ' || to_char(s.decided_on, 'YYYY-MM-DD') FROM sanctions s
				WHERE s.institution_id = a.institution_id AND s.ground = 'inactivity' AND s.decided_on >= a.since
				ORDER BY s.decided_on DESC, s.id DESC LIMIT 1), '')
		FROM institution_activity a JOIN institutions i ON i.id = a.institution_id
		ORDER BY a.state = 'warning', a.since, a.institution_id LIMIT 100`).Query(func(rows pgx.Rows) error {
		var err error
		o.Cases, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ActivityCase, error) {
			var c training.ActivityCase
			var st, state, decided string
			err := row.Scan(&c.InstitutionID, &c.Name, &st, &state, &c.Since, &decided)
			c.Status, c.State = training.InstitutionStatus(st), training.Activity(state)
			if k, day, ok := strings.Cut(decided, " "); ok {
				c.Decided = training.SanctionKind(k).Label() + " " + day
			}
			return c, err
		})
		return err
	})
	b.Queue(`SELECT ` + inspectionColumns + ` FROM inspections n JOIN institutions i ON i.id = n.institution_id
		LEFT JOIN classes c ON c.id = n.class_id ORDER BY n.inspected_on DESC, n.id DESC LIMIT 20`).Query(func(rows pgx.Rows) error {
		var err error
		o.Inspections, err = pgx.CollectRows(rows, scanInspection)
		return err
	})
	b.Queue(`SELECT s.id, s.institution_id, i.name, s.kind, s.ground, s.reason, s.decided_by, s.decided_on, s.recover_fen, s.referral
		FROM sanctions s JOIN institutions i ON i.id = s.institution_id ORDER BY s.decided_on DESC, s.id DESC LIMIT 20`).
		Query(func(rows pgx.Rows) error {
			var err error
			o.Sanctions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Sanction, error) {
				var x training.Sanction
				var kind, ground string
				err := row.Scan(&x.ID, &x.InstitutionID, &x.InstitutionName, &kind, &ground, &x.Reason, &x.DecidedBy,
					&x.DecidedOn, &x.RecoverFen, &x.Referral)
				x.Kind, x.Ground = training.SanctionKind(kind), training.SanctionGround(ground)
				return x, err
			})
			return err
		})
	return o, translate(s.pool.SendBatch(ctx, b).Close(), "supervision")
}
