package repository

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Claim exports (SUB-3): the claim's workbook and printed form read what
// its page reads (the actor's scope: an institution its own claims). ID
// numbers leave masked unless the bureau asks for the full list with a
// reason; that choice is audited before anything is returned.

// ClaimFullExport reads a claim for its workbook with full ID numbers:
// the bureau only, with a reason, recorded in the audit log.
func (s *Store) ClaimFullExport(ctx context.Context, a training.Actor, id int64, reason string) (training.ClaimDetail, error) {
	reason = strings.TrimSpace(reason)
	if !a.IsBureau() {
		if _, err := s.ClaimByID(ctx, a, id); err != nil {
			return training.ClaimDetail{}, err
		}
		return training.ClaimDetail{}, training.ErrForbidden
	}
	if rs := training.DecideFullIDExport(a, reason); !rs.OK() {
		return training.ClaimDetail{}, rs.Err()
	}
	p, err := s.ClaimPage(ctx, a, id)
	if err != nil {
		return p, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "claim.export_full_ids", Entity: "claim", EntityID: id,
			InstitutionID: p.Claim.InstitutionID, After: map[string]any{"claim_no": p.Claim.ClaimNo, "reason": reason,
				"lines": len(p.Lines), "excluded": len(p.Exclusions)}})
	})
	return p, translate(err, "full export of claim %d", id)
}

// PaymentBatchFull is the bureau's payment batch with full ID numbers
// (for the finance office's transfer list), asked for from the claim page
// of one of the batch's payments: a reason is required (DecideFullIDExport)
// and the export is audited with it, as a view of personal data. A payment
// not of the claim is ErrNotFound.
func (s *Store) PaymentBatchFull(ctx context.Context, a training.Actor, claimID, paymentID int64, reason string) (training.PaymentBatch, error) {
	reason = strings.TrimSpace(reason)
	if !a.IsBureau() {
		return training.PaymentBatch{}, training.ErrForbidden
	}
	if rs := training.DecideFullIDExport(a, reason); !rs.OK() {
		return training.PaymentBatch{}, rs.Err()
	}
	b, err := s.PaymentBatchOf(ctx, a, paymentID)
	if err != nil {
		return b, err
	}
	var inst int64
	for _, p := range b.Payments {
		if p.ID == paymentID && p.ClaimID == claimID {
			if err := s.pool.QueryRow(ctx, `SELECT institution_id FROM subsidy_claims WHERE id = $1`, claimID).Scan(&inst); err != nil {
				return b, translate(err, "claim %d", claimID)
			}
		}
	}
	if inst == 0 {
		return training.PaymentBatch{}, training.ErrNotFound
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "claim.batch_full_ids", Entity: "claim", EntityID: claimID,
			InstitutionID: inst, After: map[string]any{"payment_id": paymentID, "batch_no": b.BatchNo, "reason": reason,
				"payments": len(b.Payments), "lines": len(b.Lines)}})
	})
	return b, translate(err, "full export of the batch of payment %d", paymentID)
}

// PaymentBatchOf reads the payment batch a payment belongs to: every
// payment recorded under its batch number with its claim, and the live
// lines of those claims (names and ID numbers as stored: the writer
// masks). An institution sees only its own claims of the batch; a
// payment it may not see is ErrNotFound. One round trip.
func (s *Store) PaymentBatchOf(ctx context.Context, a training.Actor, paymentID int64) (training.PaymentBatch, error) {
	var b training.PaymentBatch
	var batchOf, scope string
	var args []any
	switch {
	case a.IsBureau():
		batchOf, scope, args = `(SELECT p.batch_no FROM subsidy_claim_payments p WHERE p.id = $1)`, "true", []any{paymentID}
	case a.IsInstitution():
		batchOf = `(SELECT p.batch_no FROM subsidy_claim_payments p JOIN subsidy_claims sc ON sc.id = p.claim_id
			WHERE p.id = $1 AND sc.institution_id = $2)`
		scope, args = "sc.institution_id = $2", []any{paymentID, a.InstitutionID}
	default:
		return b, training.ErrNotFound
	}
	bt := &pgx.Batch{}
	bt.Queue(`SELECT p.id, p.batch_no, p.paid_on, p.voucher_no, p.amount, p.status, p.failure_reason, p.recorded_by, p.recorded_at,
			p.settled_by, sc.id, sc.claim_no, i.name, sc.lines
		FROM subsidy_claim_payments p JOIN subsidy_claims sc ON sc.id = p.claim_id JOIN institutions i ON i.id = sc.institution_id
		WHERE p.batch_no = `+batchOf+` AND `+scope+` ORDER BY i.name, sc.claim_no, p.id`, args...)
	bt.Queue(`SELECT sc.claim_no, i.name, `+claimLineColumns+claimLineFrom+`
		JOIN subsidy_claims sc ON sc.id = l.claim_id JOIN institutions i ON i.id = sc.institution_id
		WHERE l.status = 'active' AND sc.id IN (SELECT p.claim_id FROM subsidy_claim_payments p WHERE p.batch_no = `+batchOf+`)
			AND `+scope+` ORDER BY i.name, sc.claim_no, l.class_id, l.id`, args...)
	br := s.pool.SendBatch(ctx, bt)
	defer br.Close()
	rows, _ := br.Query()
	var err error
	b.Payments, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.BatchPayment, error) {
		var p training.BatchPayment
		err := row.Scan(&p.ID, &p.BatchNo, &p.PaidOn, &p.VoucherNo, &p.Amount, &p.Status, &p.FailureReason, &p.RecordedBy,
			&p.RecordedAt, &p.SettledBy, &p.ClaimID, &p.ClaimNo, &p.InstitutionName, &p.Lines)
		return p, err
	})
	if err != nil {
		return b, translate(err, "payment batch of %d", paymentID)
	}
	if len(b.Payments) == 0 {
		return b, training.ErrNotFound
	}
	b.BatchNo = b.Payments[0].BatchNo
	rows, _ = br.Query()
	b.Lines, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.BatchLine, error) {
		var l training.BatchLine
		var group, typ string
		err := row.Scan(&l.ClaimNo, &l.InstitutionName, &l.ID, &l.ClassID, &l.ClassNo, &l.EnrolmentID, &l.TraineeID, &l.CertificateID,
			&l.CertNo, &l.CertDate, &l.Name, &l.IDNumber, &group, &typ, &l.Level, &l.OccupationID, &l.OccupationName, &l.StandardID,
			&l.Standard, &l.StandardDoc, &l.RateID, &l.Percent, &l.Shortage, &l.Amount, &l.Status, &l.Removed, &l.Recovery, &l.RecoveryWhy)
		l.Group, l.ClassType = training.TargetGroup(group), training.ClassType(typ)
		return l, err
	})
	if err != nil {
		return b, translate(err, "payment batch of %d", paymentID)
	}
	return b, translate(br.Close(), "payment batch of %d", paymentID)
}
