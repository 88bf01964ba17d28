package repository_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestFundUseFlow: an institution reports spending by the seven
// categories of 第十三条 (never outside them, not even by SQL), charged to
// its own class or to the year; another institution neither sees nor
// charges to it; a voided entry leaves the balance; the bureau's report
// compares fees collected with spending.
func TestFundUseFlow(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	class := cf.approvedClass() // the school's, starts 2026-03-16; today 2026-03-02
	schoolID := cf.school.InstitutionID

	before, err := s.FundUseYear(ctx, cf.school, schoolID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	// A fee collected in the year shows as received.
	app, err := s.ApplyFee(ctx, cf.school, class, training.FeeInput{Amount: "300", Covers: "耗材", Reason: "实训"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StepFee(ctx, cf.bureau, app, 1, training.ActFeeApprove, ""); err != nil {
		t.Fatal(err)
	}
	enr, err := s.AddTrainee(ctx, cf.school, class, traineeIn(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordFeePayments(ctx, cf.school, class, []training.FeePaymentInput{{EnrolmentID: enr, Amount: "300", PaidOn: "2026-03-02", ReceiptNo: "SJ-1"}}); err != nil {
		t.Fatal(err)
	}

	in := training.FundUseInput{ClassID: itoa64(class), Category: "teachers", Amount: "1,200.50", SpentOn: "2026-03-01",
		Description: "理论课教师课酬", VoucherNo: "记-031"}
	if _, err := s.RecordFundUse(ctx, cf.bureau, in); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("the bureau reported: %v", err)
	}
	// Another institution's class is refused like a missing one.
	_, err = s.RecordFundUse(ctx, cf.acad, in)
	wantRule(t, err, training.RuleFundClass.Msg())
	bad := in
	bad.Category = "office"
	_, err = s.RecordFundUse(ctx, cf.school, bad)
	wantRule(t, err, "第十三条：培训补助经费和培训费只能用于")
	id, err := s.RecordFundUse(ctx, cf.school, in)
	if err != nil {
		t.Fatal(err)
	}
	year := in
	year.ClassID, year.Category, year.Amount, year.Description = "", "venue", "500", "实训场地年租金（分摊）"
	if _, err := s.RecordFundUse(ctx, cf.school, year); err != nil {
		t.Fatal(err)
	}

	// The CHECK holds the seven categories even for a statement that
	// skips the rule.
	_, err = s.Pool().Exec(ctx, `INSERT INTO fund_use_entries (institution_id, year, category, amount, spent_on, description, voucher_no, recorded_by, recorded_at)
		VALUES ($1, 2026, 'office', 100, '2026-03-01', '办公用品', 'X', '测试', now())`, schoolID)
	if err == nil {
		t.Fatal("a category outside the seven was stored")
	}
	// And a class of another institution cannot carry the school's spending.
	acadClass := cf.queryID(`SELECT min(id) FROM classes WHERE institution_id = $1`, cf.acad.InstitutionID)
	_, err = s.Pool().Exec(ctx, `INSERT INTO fund_use_entries (institution_id, class_id, year, category, amount, spent_on, description, voucher_no, recorded_by, recorded_at)
		VALUES ($1, $2, 2026, 'venue', 100, '2026-03-01', '场地', 'X', '测试', now())`, schoolID, acadClass)
	if err == nil {
		t.Fatal("spending charged to another institution's class")
	}

	p, err := s.FundUseYear(ctx, cf.school, schoolID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != len(before.Entries)+2 || p.Entries[0].ID != id && p.Entries[1].ID != id {
		t.Fatalf("entries %+v", p.Entries)
	}
	if got := p.Balance.FeesCollected - before.Balance.FeesCollected; got != 30000 {
		t.Fatalf("fees collected grew by %d", got)
	}
	if got := p.Balance.Spent() - before.Balance.Spent(); got != 120050+50000 {
		t.Fatalf("spent grew by %d", got)
	}
	if _, err := s.FundUseYear(ctx, cf.acad, schoolID, 2026); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution read the page: %v", err)
	}
	if _, err := s.FundUseYear(ctx, cf.bureau, 999999, 2026); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("missing institution: %v", err)
	}

	// Void: a reason, the own institution, the current version.
	if _, err := s.VoidFundUse(ctx, cf.acad, id, 1, "重复"); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution voided: %v", err)
	}
	_, err = s.VoidFundUse(ctx, cf.school, id, 1, " ")
	wantRule(t, err, training.RuleFundVoidReason.Msg())
	if _, err := s.VoidFundUse(ctx, cf.school, id, 7, "重复录入"); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := s.VoidFundUse(ctx, cf.school, id, 1, "重复录入"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VoidFundUse(ctx, cf.school, id, 2, "再次"); err == nil {
		t.Fatal("voided twice")
	}
	p, err = s.FundUseYear(ctx, cf.bureau, schoolID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Balance.Spent() - before.Balance.Spent(); got != 50000 {
		t.Fatalf("after the void, spent grew by %d", got)
	}

	// The bureau's report agrees with the institution's page.
	if _, _, err := s.FundUseReport(ctx, cf.school, 2026, repository.Page{}); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("an institution read the report: %v", err)
	}
	for _, sort := range []string{"name", "balance", "spent", "received", "bogus"} {
		rows, total, err := s.FundUseReport(ctx, cf.bureau, 2026, repository.Page{Sort: sort, Size: 200})
		if err != nil {
			t.Fatal(err)
		}
		if total < 1 || len(rows) != total {
			t.Fatalf("report rows %d total %d", len(rows), total)
		}
		found := false
		for _, r := range rows {
			if r.InstitutionID == schoolID {
				found = true
				if r.Spent() != p.Balance.Spent() || r.FeesCollected != p.Balance.FeesCollected || r.Balance() != p.Balance.Balance() {
					t.Fatalf("report %+v, page %+v", r, p.Balance)
				}
			}
		}
		if !found {
			t.Fatal("the school is not in the report")
		}
	}
	var audits int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action LIKE 'fund_use.%' AND institution_id = $1`, schoolID).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if audits < 3 {
		t.Fatalf("audit rows %d", audits)
	}
}

// TestFundUseConstraintsHaveMessages: every constraint of the fund-use
// table (and the one it adds to classes) maps to a Chinese message.
func TestFundUseConstraintsHaveMessages(t *testing.T) {
	pool := dbtest.Pool(t)
	rows, err := pool.Query(context.Background(), `SELECT k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relname = 'fund_use_entries' AND k.contype <> 'p'`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 12 {
		t.Fatalf("only %d constraints found", len(names))
	}
	for _, n := range append(names, "classes_id_institution_key") {
		if _, ok := repository.ConstraintMessage(n); !ok {
			t.Errorf("constraint %s has no message", n)
		}
	}
}
