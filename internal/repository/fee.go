package repository

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Fees (SUB-2, 第十二条): applications before the class starts, the
// bureau's decision, and payments recorded per trainee.

const classRefSQL = `SELECT c.id, c.class_no, c.institution_id, i.name, coalesce(c.occupation_id, 0), coalesce(o.name, ''),
	c.level, c.type, c.status, c.start_date, c.end_date
	FROM classes c JOIN institutions i ON i.id = c.institution_id LEFT JOIN occupations o ON o.id = c.occupation_id`

func scanClassRef(row pgx.Row, c *training.ClassRef) error {
	var status, typ string
	err := row.Scan(&c.ID, &c.ClassNo, &c.InstitutionID, &c.InstitutionName, &c.OccupationID, &c.OccupationName,
		&c.Level, &typ, &status, &c.Start, &c.End)
	c.Status, c.Type = training.ClassStatus(status), training.ClassType(typ)
	return err
}

const feeAppColumns = `f.id, f.class_id, c.class_no, f.institution_id, i.name, coalesce(o.name, ''), c.level, f.class_start,
	f.amount, f.covers, f.reason, f.status, f.submitted_by, f.submitted_at, f.decided_by, f.decided_at, f.decision_note, f.version,
	(SELECT count(*) FROM fee_payments p WHERE p.application_id = f.id), (SELECT coalesce(sum(amount), 0) FROM fee_payments p WHERE p.application_id = f.id)`

const feeAppFrom = ` FROM fee_applications f JOIN classes c ON c.id = f.class_id JOIN institutions i ON i.id = f.institution_id
	LEFT JOIN occupations o ON o.id = c.occupation_id`

func scanFeeApp(row pgx.CollectableRow) (training.FeeApplication, error) {
	var f training.FeeApplication
	var status string
	err := row.Scan(&f.ID, &f.ClassID, &f.ClassNo, &f.InstitutionID, &f.InstitutionName, &f.OccupationName, &f.Level, &f.ClassStart,
		&f.Amount, &f.Covers, &f.Reason, &status, &f.SubmittedBy, &f.SubmittedAt, &f.DecidedBy, &f.DecidedAt, &f.DecisionNote, &f.Version,
		&f.Payments, &f.PaidTotal)
	f.Status = training.FeeStatus(status)
	return f, err
}

// feeRosterSQL lists a class's enrolments with the agreement's fee answer,
// any payment, and any live subsidy claim listing the enrolment.
const feeRosterSQL = `SELECT e.id, t.name, t.id_number, e.status = 'withdrawn', e.pays_fee,
		p.amount, p.paid_on, p.receipt_no, ` + liveClaimOfEnrolmentSQL + `
	FROM enrolments e JOIN trainees t ON t.id = e.trainee_id LEFT JOIN fee_payments p ON p.enrolment_id = e.id
	WHERE e.class_id = $1 ORDER BY e.id`

func scanFeeRosterRow(row pgx.CollectableRow) (training.FeeRosterRow, error) {
	var r training.FeeRosterRow
	var amount *int64
	var paidOn *time.Time
	var receipt *string
	err := row.Scan(&r.EnrolmentID, &r.Name, &r.IDNumber, &r.Withdrawn, &r.SelfPaid, &amount, &paidOn, &receipt, &r.OnClaim)
	if amount != nil {
		r.Paid = true
		r.Payment = &training.FeePayment{EnrolmentID: r.EnrolmentID, Name: r.Name, Amount: *amount, PaidOn: *paidOn, ReceiptNo: *receipt}
	}
	return r, err
}

// ClassFees reads a class's fee page in one round trip: the bureau sees
// every class, an institution its own (another's is ErrNotFound).
func (s *Store) ClassFees(ctx context.Context, a training.Actor, classID int64) (training.ClassFees, error) {
	p := training.ClassFees{Today: s.Today()}
	var w where
	if !classScope(a, &w) {
		return p, training.ErrNotFound
	}
	w.add("c.id = ?", classID)
	found := false
	b := &pgx.Batch{}
	b.Queue(classRefSQL+w.sql(), w.args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			found = true
			if err := scanClassRef(rows, &p.Class); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	b.Queue(`SELECT `+feeAppColumns+feeAppFrom+` WHERE f.class_id = $1 ORDER BY f.id DESC`, classID).Query(func(rows pgx.Rows) error {
		var err error
		p.Applications, err = pgx.CollectRows(rows, scanFeeApp)
		return err
	})
	b.Queue(feeRosterSQL, classID).Query(func(rows pgx.Rows) error {
		var err error
		p.Roster, err = pgx.CollectRows(rows, scanFeeRosterRow)
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return p, translate(err, "fee page %d", classID)
	}
	if !found {
		return p, training.ErrNotFound
	}
	for i := range p.Applications {
		if p.Applications[i].Status.Open() {
			p.Open = &p.Applications[i]
			break
		}
	}
	return p, nil
}

// ApplyFee is the institution applying to charge the trainees of its class
// (第十二条: before the class starts). One open application per class,
// backed by a partial unique index; the start date is copied so a CHECK
// holds the "before" too.
func (s *Store) ApplyFee(ctx context.Context, a training.Actor, classID int64, in training.FeeInput) (int64, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		f := training.ApplyFeeFacts{Today: s.Today()}
		var status string
		if err := tx.QueryRow(ctx, `SELECT status, start_date FROM classes WHERE id = $1 AND institution_id = $2 FOR UPDATE`,
			classID, a.InstitutionID).Scan(&status, &f.ClassStart); err != nil {
			return err
		}
		plan, err := training.ParseFee(in)
		if err != nil {
			return err
		}
		f.ClassStatus = training.ClassStatus(status)
		rows, _ := tx.Query(ctx, `SELECT `+feeAppColumns+feeAppFrom+` WHERE f.class_id = $1 AND f.status IN ('submitted', 'approved')`, classID)
		open, err := pgx.CollectRows(rows, scanFeeApp)
		if err != nil {
			return err
		}
		if len(open) > 0 {
			f.Open = &open[0]
		}
		if rs := training.DecideApplyFee(f); !rs.OK() {
			return rs.Err()
		}
		err = tx.QueryRow(ctx, `INSERT INTO fee_applications (class_id, institution_id, amount, covers, reason, class_start, submitted_on,
				submitted_by_id, submitted_by, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			classID, a.InstitutionID, plan.Amount, plan.Covers, plan.Reason, *f.ClassStart, f.Today, a.UserID, actorLabel(a), s.now()).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "fee.apply", Entity: "class", EntityID: classID, InstitutionID: a.InstitutionID,
			After: map[string]any{"application": id, "amount": plan.Amount, "covers": plan.Covers, "reason": plan.Reason}})
	})
	return id, translate(err, "apply fee for class %d", classID)
}

// StepFee approves or returns an application (bureau) or withdraws it
// (its institution), guarded by status and version.
func (s *Store) StepFee(ctx context.Context, a training.Actor, id int64, version int, action training.FeeAction, note string) (int64, error) {
	if a.Role != action.Role() {
		return 0, training.ErrForbidden
	}
	var classID int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var w where
		w.add("f.id = ?", id)
		if a.IsInstitution() {
			w.add("f.institution_id = ?", a.InstitutionID)
		}
		rows, _ := tx.Query(ctx, `SELECT `+feeAppColumns+feeAppFrom+w.sql()+` FOR UPDATE OF f`, w.args...)
		f, err := pgx.CollectExactlyOneRow(rows, scanFeeApp)
		if err != nil {
			return err
		}
		classID = f.ClassID
		if f.Version != version {
			return training.ErrConflict
		}
		if rs := training.DecideFeeStep(a, f, action, note); !rs.OK() {
			return rs.Err()
		}
		to, _ := training.NextFeeStatus(f.Status, action)
		var tag interface{ RowsAffected() int64 }
		if action == training.ActFeeWithdraw {
			tag, err = tx.Exec(ctx, `UPDATE fee_applications SET status = $3, version = version + 1 WHERE id = $1 AND version = $2 AND status = 'submitted'`,
				id, version, string(to))
		} else {
			tag, err = tx.Exec(ctx, `UPDATE fee_applications SET status = $3, decided_by_id = $4, decided_by = $5, decided_at = $6,
					decision_note = $7, version = version + 1
				WHERE id = $1 AND version = $2 AND status = 'submitted'`, id, version, string(to), a.UserID, actorLabel(a), s.now(), note)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		if action != training.ActFeeWithdraw {
			n := InboxNotice{Kind: "fee." + string(action), Title: "收费申请已核准：" + f.ClassNo, Href: "/classes/" + strconv.FormatInt(f.ClassID, 10) + "/fees"}
			if action == training.ActFeeReturn {
				n.Title, n.Body = "收费申请被退回："+f.ClassNo, note
			}
			if err := s.NotifyInstitution(ctx, tx, f.InstitutionID, n); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "fee." + string(action), Entity: "class", EntityID: f.ClassID,
			InstitutionID: f.InstitutionID, Before: map[string]any{"application": id, "status": f.Status},
			After: map[string]any{"status": to, "note": note, "amount": f.Amount}})
	})
	return classID, translate(err, "fee application %d %s", id, action)
}

// RecordFeePayments records payments on a class's roster (the roster form
// sends one, an import every row of a file): all or nothing, each checked
// by training.DecideFeePayments, backed by the foreign key to the approved
// application and the CHECK against its amount.
func (s *Store) RecordFeePayments(ctx context.Context, a training.Actor, classID int64, in []training.FeePaymentInput) (int, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	var n int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT true FROM classes WHERE id = $1 AND institution_id = $2 FOR UPDATE`, classID, a.InstitutionID).Scan(&ok); err != nil {
			return err
		}
		f := training.FeePaymentFacts{Today: s.Today()}
		rows, _ := tx.Query(ctx, `SELECT `+feeAppColumns+feeAppFrom+` WHERE f.class_id = $1 AND f.status = 'approved'`, classID)
		approved, err := pgx.CollectRows(rows, scanFeeApp)
		if err != nil {
			return err
		}
		if len(approved) > 0 {
			f.Approved = &approved[0]
		}
		// The enrolments are locked so a claim being built cannot list one
		// while its payment is recorded (the claim build locks them too).
		rows, _ = tx.Query(ctx, feeRosterSQL+` FOR UPDATE OF e`, classID)
		roster, err := pgx.CollectRows(rows, scanFeeRosterRow)
		if err != nil {
			return err
		}
		for _, r := range roster {
			f.Roster = append(f.Roster, r.FeeTrainee)
		}
		pays, rs := training.DecideFeePayments(f, in)
		if !rs.OK() {
			return rs.Err()
		}
		ids, amounts, days, receipts := make([]int64, len(pays)), make([]int64, len(pays)), make([]time.Time, len(pays)), make([]string, len(pays))
		var total int64
		names := make([]string, len(pays))
		for i, p := range pays {
			ids[i], amounts[i], days[i], receipts[i], names[i] = p.EnrolmentID, p.Amount, p.PaidOn, p.ReceiptNo, p.Name
			total += p.Amount
		}
		_, err = tx.Exec(ctx, `INSERT INTO fee_payments (enrolment_id, class_id, application_id, approved_amount, amount, paid_on, receipt_no, recorded_by, recorded_at)
			SELECT u.e, $1, $2, $3, u.a, u.d, u.r, $8, $9 FROM unnest($4::bigint[], $5::bigint[], $6::date[], $7::text[]) AS u (e, a, d, r)`,
			classID, f.Approved.ID, f.Approved.Amount, ids, amounts, days, receipts, actorLabel(a), s.now())
		if err != nil {
			return err
		}
		n = len(pays)
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "fee.payment", Entity: "class", EntityID: classID, InstitutionID: a.InstitutionID,
			After: map[string]any{"trainees": names, "count": n, "total": total}})
	})
	return n, translate(err, "record fee payments for class %d", classID)
}

// FeeFilter narrows the fee application list.
type FeeFilter struct {
	Status training.FeeStatus
}

var feeSorts = map[string]string{
	"submitted": "f.submitted_at, f.id",
	"start":     "f.class_start, f.id",
}

// FeeApplications lists applications: the bureau's queue (every
// institution), or an institution's own.
func (s *Store) FeeApplications(ctx context.Context, a training.Actor, f FeeFilter, p Page) ([]training.FeeApplication, int, error) {
	var w where
	switch {
	case a.IsBureau():
	case a.IsInstitution():
		w.add("f.institution_id = ?", a.InstitutionID)
	default:
		return nil, 0, training.ErrForbidden
	}
	if f.Status.Valid() {
		w.add("f.status = ?", string(f.Status))
	}
	sql := `SELECT ` + feeAppColumns + `, count(*) OVER ()` + feeAppFrom + w.sql() + orderBy(p, feeSorts, "submitted") +
		` LIMIT ` + w.arg(p.limit()) + ` OFFSET ` + w.arg(p.offset())
	rows, err := s.pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, 0, translate(err, "fee applications")
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.FeeApplication, error) {
		var f training.FeeApplication
		var status string
		err := row.Scan(&f.ID, &f.ClassID, &f.ClassNo, &f.InstitutionID, &f.InstitutionName, &f.OccupationName, &f.Level, &f.ClassStart,
			&f.Amount, &f.Covers, &f.Reason, &status, &f.SubmittedBy, &f.SubmittedAt, &f.DecidedBy, &f.DecidedAt, &f.DecisionNote, &f.Version,
			&f.Payments, &f.PaidTotal, &total)
		f.Status = training.FeeStatus(status)
		return f, err
	})
	return list, total, translate(err, "fee applications")
}

// liveClaimOfEnrolmentSQL is the claim number of a live subsidy claim that
// lists enrolment e (” when none).
const liveClaimOfEnrolmentSQL = `coalesce((SELECT sc.claim_no FROM subsidy_claim_lines l JOIN subsidy_claims sc ON sc.id = l.claim_id
	WHERE l.enrolment_id = e.id AND l.status = 'active' LIMIT 1), '')`

// CanRecordFees answers, before an upload is read, whether the actor may
// record payments on the class: ErrForbidden for another role, ErrNotFound
// for another institution's class.
func (s *Store) CanRecordFees(ctx context.Context, a training.Actor, classID int64) error {
	if !a.IsInstitution() {
		return training.ErrForbidden
	}
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT true FROM classes WHERE id = $1 AND institution_id = $2`, classID, a.InstitutionID).Scan(&ok)
	return translate(err, "class %d", classID)
}
