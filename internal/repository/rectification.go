package repository

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Rectification orders (限期整改, SUP-4, 第十六条).

func init() {
	for k, v := range map[string][2]string{
		"rectification_orders_finding_id_fkey":     {"", "检查发现的问题不存在"},
		"rectification_orders_institution_id_fkey": {"", "培训机构不存在"},
		"rectification_orders_requirement_check":   {"requirement", training.RuleOrderRequirement.Msg()},
		"rectification_orders_working_days_check":  {"working_days", training.RuleOrderDays.Msg()},
		"rectification_orders_due_check":           {"working_days", training.RuleOrderDays.Msg()},
		"rectification_orders_status_check":        {"", "整改通知的状态无效"},
		"rectification_orders_answer_check":        {"answer", training.RuleOrderAnswer.Msg()},
		"rectification_orders_answered_check":      {"file", training.RuleOrderEvidence.Msg()},
		"rectification_orders_file_name_check":     {"file", "文件名不能为空（最多200字）"},
		"rectification_orders_file_type_check":     {"file", "只能上传 JPG、PNG 图片或 PDF 文件（按文件内容识别）"},
		"rectification_orders_file_size_check":     {"file", "文件过大：不能超过5 MB"},
		"rectification_orders_file_sha256_check":   {"file", "文件校验值无效"},
		"rectification_orders_decided_check":       {"", "验收或升级须记录处理人和时间"},
		"rectification_orders_decision_note_check": {"note", training.RuleOrderNote.Msg()},
		"rectification_orders_finding_key":         {"", training.RuleOrderExists.Msg()},
	} {
		constraintErrors[k] = v
	}
}

const orderColumns = `o.id, o.finding_id, f.inspection_id, o.institution_id, i.name, it.text || '：' || r.note, o.requirement,
	o.ordered_on, o.working_days, o.due_on, o.status, o.answer, o.answered_at, o.answered_by, o.file_name, o.file_type,
	o.file_size, o.file_sha256, o.decided_by, o.decided_at, o.decision_note, o.overdue_since, o.ordered_by, o.version`

const orderJoins = `JOIN inspection_findings f ON f.id = o.finding_id
	JOIN inspection_results r ON r.inspection_id = f.inspection_id AND r.item_id = f.item_id
	JOIN inspection_items it ON it.id = f.item_id JOIN institutions i ON i.id = o.institution_id`

func scanOrder(row pgx.CollectableRow) (training.RectificationOrder, error) {
	var o training.RectificationOrder
	var status string
	var fname, ftype *string
	var fsize *int
	var fsum []byte
	err := row.Scan(&o.ID, &o.FindingID, &o.InspectionID, &o.InstitutionID, &o.InstitutionName, &o.Finding, &o.Requirement,
		&o.OrderedOn, &o.WorkingDays, &o.DueOn, &status, &o.Answer, &o.AnsweredAt, &o.AnsweredBy, &fname, &ftype, &fsize, &fsum,
		&o.DecidedBy, &o.DecidedAt, &o.DecisionNote, &o.OverdueSince, &o.OrderedBy, &o.Version)
	o.Status = training.OrderStatus(status)
	if fname != nil && ftype != nil && fsize != nil {
		o.File = &training.EvidenceFile{Filename: *fname, ContentType: *ftype, Size: *fsize, SHA256: hex.EncodeToString(fsum)}
	}
	return o, err
}

// OrderRectification orders the rectification of a finding within a number
// of working days (the deadline is the end of the Nth working day after
// today, on the training calendar).
func (s *Store) OrderRectification(ctx context.Context, a training.Actor, findingID int64, in training.OrderInput) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var inst, inspection int64
		var status string
		var has bool
		err := tx.QueryRow(ctx, `SELECT f.institution_id, f.inspection_id, i.status,
				EXISTS (SELECT 1 FROM rectification_orders o WHERE o.finding_id = f.id)
			FROM inspection_findings f JOIN institutions i ON i.id = f.institution_id WHERE f.id = $1 FOR UPDATE OF f`,
			findingID).Scan(&inst, &inspection, &status, &has)
		if err != nil {
			return err
		}
		n, rs := training.DecideOrder(a, in, has, training.InstitutionStatus(status))
		if !rs.OK() {
			return rs.Err()
		}
		today := s.Today()
		due, _ := cal.AddWorkingDays(today, n)
		err = tx.QueryRow(ctx, `INSERT INTO rectification_orders (finding_id, institution_id, requirement, ordered_on, working_days, due_on, ordered_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			findingID, inst, strings.TrimSpace(in.Requirement), today, n, due, actorLabel(a)).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "rectification.order", Entity: "rectification_order", EntityID: id,
			InstitutionID: inst, After: map[string]any{"finding_id": findingID, "inspection_id": inspection,
				"working_days": n, "due_on": due.Format("2006-01-02"), "requirement": strings.TrimSpace(in.Requirement)}})
	})
	return id, translate(err, "order rectification of finding %d", findingID)
}

// OrderByID reads an order; an institution sees its own only.
func (s *Store) OrderByID(ctx context.Context, a training.Actor, id int64) (training.RectificationOrder, error) {
	scope, ok := inspectionScope(a, "o.institution_id")
	if !ok {
		return training.RectificationOrder{}, training.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `SELECT `+orderColumns+` FROM rectification_orders o `+orderJoins+` WHERE o.id = $1 AND `+scope, id)
	if err != nil {
		return training.RectificationOrder{}, translate(err, "order %d", id)
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOrder)
	return o, translate(err, "order %d", id)
}

func (s *Store) lockOrder(ctx context.Context, tx pgx.Tx, a training.Actor, id int64) (training.RectificationOrder, error) {
	scope, ok := inspectionScope(a, "o.institution_id")
	if !ok {
		return training.RectificationOrder{}, training.ErrNotFound
	}
	rows, err := tx.Query(ctx, `SELECT `+orderColumns+` FROM rectification_orders o `+orderJoins+` WHERE o.id = $1 AND `+scope+` FOR UPDATE OF o`, id)
	if err != nil {
		return training.RectificationOrder{}, err
	}
	return pgx.CollectExactlyOneRow(rows, scanOrder)
}

// AnswerOrder is the institution's answer: text and one evidence file
// (type sniffed from the content by the server), before the deadline.
func (s *Store) AnswerOrder(ctx context.Context, a training.Actor, id int64, version int, answer, filename, contentType string, data []byte) error {
	if !a.IsInstitution() {
		return training.ErrForbidden
	}
	filename = training.CleanFilename(filename)
	sum := sha256.Sum256(data)
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := s.lockOrder(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if o.Version != version {
			return training.ErrConflict
		}
		rs := training.DecideOrderStep(a, o, training.ActOrderAnswer, training.AnswerFacts{Answer: answer, HasFile: len(data) > 0, Now: s.now()}, "")
		if len(data) > 0 {
			if msg := training.CheckUpload(filename, contentType, len(data), MaxUpload); msg != "" {
				return training.Invalid("file", msg)
			}
		}
		if !rs.OK() {
			return rs.Err()
		}
		tag, err := tx.Exec(ctx, `UPDATE rectification_orders SET status = 'answered', answer = $2, answered_at = $3, answered_by = $4,
				file_name = $5, file_type = $6, file_size = $7, file_sha256 = $8, file_data = $9, version = version + 1
			WHERE id = $1 AND status = 'open' AND version = $10`,
			id, strings.TrimSpace(answer), s.now(), actorLabel(a), filename, contentType, len(data), sum[:], data, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "rectification.answer", Entity: "rectification_order", EntityID: id,
			InstitutionID: o.InstitutionID, Before: map[string]any{"status": o.Status},
			After: map[string]any{"status": training.OrderAnswered, "answer": strings.TrimSpace(answer), "filename": filename,
				"content_type": contentType, "size": len(data), "sha256": hex.EncodeToString(sum[:])}})
	}), "answer order %d", id)
}

// DecideOrder is the bureau's acceptance or escalation of an order.
func (s *Store) DecideOrder(ctx context.Context, a training.Actor, id int64, version int, act training.OrderAction, note string) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := s.lockOrder(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if o.Version != version {
			return training.ErrConflict
		}
		if rs := training.DecideOrderStep(a, o, act, training.AnswerFacts{Now: s.now()}, note); !rs.OK() {
			return rs.Err()
		}
		to, _ := training.NextOrderStatus(o.Status, act)
		tag, err := tx.Exec(ctx, `UPDATE rectification_orders SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5,
				version = version + 1 WHERE id = $1 AND status = $6 AND version = $7`,
			id, string(to), actorLabel(a), s.now(), strings.TrimSpace(note), string(o.Status), version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "rectification." + string(act), Entity: "rectification_order", EntityID: id,
			InstitutionID: o.InstitutionID, Before: map[string]any{"status": o.Status},
			After: map[string]any{"status": to, "note": strings.TrimSpace(note)}})
	}), "%s order %d", act, id)
}

// OrderFileData returns the evidence of an answer, to the bureau and the
// institution.
func (s *Store) OrderFileData(ctx context.Context, a training.Actor, id int64) (training.EvidenceFile, []byte, error) {
	var f training.EvidenceFile
	scope, ok := inspectionScope(a, "o.institution_id")
	if !ok {
		return f, nil, training.ErrNotFound
	}
	var data, sum []byte
	err := s.pool.QueryRow(ctx, `SELECT o.file_name, o.file_type, o.file_size, o.file_sha256, o.file_data FROM rectification_orders o
		WHERE o.id = $1 AND o.file_data IS NOT NULL AND `+scope, id).Scan(&f.Filename, &f.ContentType, &f.Size, &sum, &data)
	if err != nil {
		return f, nil, translate(err, "order %d file", id)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != hex.EncodeToString(sum) {
		return f, nil, errors.New("repository: order file checksum mismatch")
	}
	f.SHA256 = hex.EncodeToString(sum)
	return f, data, nil
}

// Orders lists rectification orders: the bureau every one not yet closed
// (open or answered) or every one of an institution, an institution its
// own; open overdue first, then by deadline.
func (s *Store) Orders(ctx context.Context, a training.Actor, institutionID int64, openOnly bool) ([]training.RectificationOrder, error) {
	var w where
	switch {
	case a.IsBureau():
		if institutionID != 0 {
			w.add("o.institution_id = ?", institutionID)
		}
	case a.IsInstitution():
		w.add("o.institution_id = ?", a.InstitutionID)
	default:
		return nil, training.ErrForbidden
	}
	if openOnly {
		w.add("o.status IN ('open', 'answered')")
	}
	rows, err := s.pool.Query(ctx, `SELECT `+orderColumns+` FROM rectification_orders o `+orderJoins+w.sql()+`
		ORDER BY o.status <> 'open', o.due_on, o.id LIMIT 200`, w.args...)
	if err != nil {
		return nil, translate(err, "orders")
	}
	list, err := pgx.CollectRows(rows, scanOrder)
	return list, translate(err, "orders")
}

// MarkOverdueOrders flags the open orders whose deadline passed (the
// nightly job): overdue_since is set once, with one audit row listing
// them; both sides see the flag on their pages. Idempotent.
func (s *Store) MarkOverdueOrders(ctx context.Context) ([]int64, error) {
	today := s.Today()
	var ids []int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE rectification_orders SET overdue_since = due_on + 1
			WHERE status = 'open' AND due_on < $1 AND overdue_since IS NULL RETURNING id`, today)
		if err != nil {
			return err
		}
		if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, training.System, auditRecord{Action: "rectification.overdue", Entity: "rectification_order",
			After: map[string]any{"date": today.Format(time.DateOnly), "orders": ids}})
	})
	return ids, translate(err, "mark overdue orders")
}

// SupervisionNotices reads what the home pages show of supervision: for an
// institution its open orders (overdue flagged) and its INST-4 warning;
// for the bureau the number of overdue orders and of answers waiting.
func (s *Store) SupervisionNotices(ctx context.Context, a training.Actor) (training.SupervisionNotices, error) {
	var n training.SupervisionNotices
	b := &pgx.Batch{}
	queueSupervisionNotices(b, a, s.Today(), &n)
	return n, translate(s.pool.SendBatch(ctx, b).Close(), "supervision notices")
}

// queueSupervisionNotices queues SupervisionNotices' reads on b (the home
// pages send them in their own batch).
func queueSupervisionNotices(b *pgx.Batch, a training.Actor, today time.Time, n *training.SupervisionNotices) {
	switch {
	case a.IsBureau():
		b.Queue(`SELECT count(*) FILTER (WHERE status = 'open' AND due_on < $1),
				count(*) FILTER (WHERE status = 'answered')
			FROM rectification_orders WHERE status IN ('open', 'answered')`, today).
			QueryRow(func(row pgx.Row) error { return row.Scan(&n.Overdue, &n.Answered) })
	case a.IsInstitution():
		b.Queue(`SELECT `+orderColumns+` FROM rectification_orders o `+orderJoins+` WHERE o.institution_id = $1
			AND o.status IN ('open', 'answered') ORDER BY o.status <> 'open', o.due_on, o.id LIMIT 200`, a.InstitutionID).
			Query(func(rows pgx.Rows) error {
				var err error
				n.Orders, err = pgx.CollectRows(rows, scanOrder)
				return err
			})
		b.Queue(`SELECT coalesce((SELECT state FROM institution_activity WHERE institution_id = $1), '')`, a.InstitutionID).
			QueryRow(func(row pgx.Row) error {
				var state string
				err := row.Scan(&state)
				n.Activity = training.Activity(state)
				return err
			})
	}
}
