package repository_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestFeeApplicationFlow: applied before the start, one open application
// per class, approved or returned by the bureau, withdrawn by the
// institution; another institution neither sees nor touches it.
func TestFeeApplicationFlow(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	id := cf.approvedClass() // starts 2026-03-16; today 2026-03-02
	in := training.FeeInput{Amount: "300", Covers: "实训耗材、教材", Reason: "中式烹调实训耗材较多"}

	if _, err := s.ApplyFee(ctx, cf.acad, id, in); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution applied: %v", err)
	}
	if _, err := s.ApplyFee(ctx, cf.bureau, id, in); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("the bureau applied: %v", err)
	}
	app, err := s.ApplyFee(ctx, cf.school, id, in)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ApplyFee(ctx, cf.school, id, in)
	wantRule(t, err, "第十二条：该培训班已有「待审核」的收费申请")

	// No payment before approval.
	enr, err := s.AddTrainee(ctx, cf.school, id, traineeIn(1))
	if err != nil {
		t.Fatal(err)
	}
	pay := training.FeePaymentInput{EnrolmentID: enr, Amount: "300", PaidOn: "2026-03-02", ReceiptNo: "SJ-1"}
	_, err = s.RecordFeePayments(ctx, cf.school, id, []training.FeePaymentInput{pay})
	wantRule(t, err, "第十二条：该培训班的收费未经区人力社保局核准")

	// Return needs a reason; the institution cannot decide; the bureau can.
	if _, err := s.StepFee(ctx, cf.bureau, app, 1, training.ActFeeReturn, ""); err == nil {
		t.Fatal("returned without a reason")
	}
	if _, err := s.StepFee(ctx, cf.school, app, 1, training.ActFeeApprove, ""); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution approved: %v", err)
	}
	if _, err := s.StepFee(ctx, cf.bureau, app, 1, training.ActFeeReturn, "请说明耗材明细"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StepFee(ctx, cf.bureau, app, 2, training.ActFeeApprove, ""); err == nil {
		t.Fatal("approved a returned application")
	}
	// Apply again, then approve; a stale version is a conflict.
	app2, err := s.ApplyFee(ctx, cf.school, id, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StepFee(ctx, cf.bureau, app2, 7, training.ActFeeApprove, ""); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := s.StepFee(ctx, cf.bureau, app2, 1, training.ActFeeApprove, ""); err != nil {
		t.Fatal(err)
	}
	page, err := s.ClassFees(ctx, cf.school, id)
	if err != nil || page.Open == nil || page.Open.ID != app2 || page.Open.Status != training.FeeApproved || len(page.Applications) != 2 {
		t.Fatalf("fee page: %+v %v", page, err)
	}
	if _, err := s.ClassFees(ctx, cf.acad, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution sees the fee page: %v", err)
	}
	// The demo holds one approved application too (the claims' fee payer).
	demoApproved := cf.count(`SELECT count(*) FROM fee_applications WHERE status = 'approved' AND id <> $1`, app2)
	if list, n, err := s.FeeApplications(ctx, cf.bureau, repository.FeeFilter{Status: training.FeeApproved}, repository.Page{}); err != nil ||
		n != demoApproved+1 || !slices.ContainsFunc(list, func(f training.FeeApplication) bool { return f.ID == app2 }) {
		t.Fatalf("bureau list: %v %d %v", list, n, err)
	}
	if _, n, err := s.FeeApplications(ctx, cf.acad, repository.FeeFilter{}, repository.Page{}); err != nil || n != 0 {
		t.Fatalf("academy sees %d applications: %v", n, err)
	}

	// On the start date nobody may apply any more (the CHECK holds it too).
	cf.setNow(time.Date(2026, 3, 16, 9, 0, 0, 0, repository.Shanghai))
	if _, err := s.StepFee(ctx, cf.school, app2, 2, training.ActFeeWithdraw, ""); err == nil {
		t.Fatal("withdrew an approved application")
	}
	_, err = s.Pool().Exec(ctx, `UPDATE fee_applications SET submitted_on = class_start WHERE id = $1`, app2)
	if err == nil || !strings.Contains(err.Error(), "fee_applications_before_start_check") {
		t.Fatalf("CHECK on the start date: %v", err)
	}
}

// TestFeePayments: recorded on the roster or by import, never above the
// approved amount (第十六条) — also when SQL skips the rule — and once.
func TestFeePayments(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	id := cf.approvedClass()
	var enr []int64
	for i := range 3 {
		e, err := s.AddTrainee(ctx, cf.school, id, traineeIn(10+i))
		if err != nil {
			t.Fatal(err)
		}
		enr = append(enr, e)
	}
	app, err := s.ApplyFee(ctx, cf.school, id, training.FeeInput{Amount: "300", Covers: "耗材", Reason: "实训"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StepFee(ctx, cf.bureau, app, 1, training.ActFeeApprove, ""); err != nil {
		t.Fatal(err)
	}
	one := training.FeePaymentInput{EnrolmentID: enr[0], Amount: "300.01", PaidOn: "2026-03-02", ReceiptNo: "SJ-1"}
	_, err = s.RecordFeePayments(ctx, cf.school, id, []training.FeePaymentInput{one})
	wantRule(t, err, "第十二条、第十六条：缴费金额¥300.01超过核准的收费标准¥300.00")
	one.Amount = "280"
	if n, err := s.RecordFeePayments(ctx, cf.school, id, []training.FeePaymentInput{one}); err != nil || n != 1 {
		t.Fatalf("record: %d %v", n, err)
	}
	_, err = s.RecordFeePayments(ctx, cf.school, id, []training.FeePaymentInput{one})
	wantRule(t, err, "已登记缴费")
	if _, err := s.RecordFeePayments(ctx, cf.acad, id, []training.FeePaymentInput{one}); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution recorded: %v", err)
	}

	// An import is all or nothing: one bad row saves nothing.
	var idn []string
	if err := s.Pool().QueryRow(ctx, `SELECT array_agg(t.id_number ORDER BY e.id) FROM enrolments e JOIN trainees t ON t.id = e.trainee_id
		WHERE e.id = ANY($1)`, enr[1:]).Scan(&idn); err != nil {
		t.Fatal(err)
	}
	rows := []training.FeePaymentInput{
		{Line: 2, IDNumber: idn[0], Amount: "300", PaidOn: "2026-03-01", ReceiptNo: "SJ-2"},
		{Line: 3, IDNumber: idn[1], Amount: "500", PaidOn: "2026-03-01", ReceiptNo: "SJ-3"},
	}
	_, err = s.RecordFeePayments(ctx, cf.school, id, rows)
	wantRule(t, err, "超过核准的收费标准")
	rows[1].Amount = "300"
	if n, err := s.RecordFeePayments(ctx, cf.school, id, rows); err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	page, err := s.ClassFees(ctx, cf.bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	paid := 0
	for _, r := range page.Roster {
		if r.Paid {
			paid++
		}
	}
	if paid != 3 || page.Open.Payments != 3 || page.Open.PaidTotal != 88000 {
		t.Fatalf("paid %d, application %d payments %d fen", paid, page.Open.Payments, page.Open.PaidTotal)
	}

	// The constraints hold without the repository: above the approved
	// amount, or under an application that is not approved.
	_, err = s.Pool().Exec(ctx, `UPDATE fee_payments SET amount = 30001 WHERE enrolment_id = $1`, enr[0])
	if err == nil || !strings.Contains(err.Error(), "fee_payments_over_approved_check") {
		t.Fatalf("over the approved amount by SQL: %v", err)
	}
	_, err = s.Pool().Exec(ctx, `UPDATE fee_applications SET status = 'returned', decision_note = 'x' WHERE id = $1`, app)
	if err == nil || !strings.Contains(err.Error(), "fee_payments_application_fkey") {
		t.Fatalf("un-approving an application with payments: %v", err)
	}
	// Audit rows: apply, approve, two payment records.
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'class' AND entity_id = $1 AND action LIKE 'fee.%'`, id).Scan(&n); err != nil || n != 4 {
		t.Fatalf("fee audit rows %d %v", n, err)
	}
}
