package repository_test

import (
	"errors"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// paidClaim takes a claim of the school (3 passes of 中式烹调师 四级) to
// paid in May 2026 and returns its id.
func (cf *claimFixture) paidClaim(tag string) int64 {
	cf.t.Helper()
	p := cf.passes(cf.school.InstitutionID, tag, 1, 3)
	id, err := cf.s.BuildClaim(cf.ctx, cf.school, p.ClassIDs)
	if err != nil {
		cf.t.Fatal(err)
	}
	cf.setNow(time.Date(2026, 4, 28, 10, 0, 0, 0, repository.Shanghai))
	cf.mustStep(cf.school, id, training.ActClaimSubmit, "")
	cf.mustStep(cf.bureau2, id, training.ActClaimReview, "")
	cf.mustStep(cf.actorWith("bureau3", training.RoleBureau), id, training.ActClaimApprove, "")
	cf.setNow(time.Date(2026, 5, 10, 0, 1, 0, 0, repository.Shanghai))
	if _, err := cf.s.CloseClaimNotice(cf.ctx, id); err != nil {
		cf.t.Fatal(err)
	}
	pg := cf.page(cf.bureau, id)
	cf.setNow(time.Date(2026, 5, 11, 10, 0, 0, 0, repository.Shanghai))
	pay := training.ClaimPaymentInput{BatchNo: "PC2026-05", PaidOn: "2026-05-11", VoucherNo: "PZ-" + tag, Amount: training.YuanInput(pg.Claim.Total)}
	if err := cf.s.RecordClaimPayment(cf.ctx, cf.bureau, id, pg.Claim.Version, pay); err != nil {
		cf.t.Fatal(err)
	}
	cf.mustStep(cf.bureau, id, training.ActClaimConfirmPaid, "")
	return id
}

// TestSubsidyOverviewAndFundUse: a paid claim shows in the bureau's
// overview (by month of payment, institution, occupation, level) and as
// subsidies paid on the institution's fund-use year and in the report.
func TestSubsidyOverviewAndFundUse(t *testing.T) {
	cf := newClaimFixture(t)
	// The demo holds paid claims of its own (the school's, in January):
	// the figures are compared with what they were before this claim.
	o0, err := cf.s.SubsidyOverview(cf.ctx, cf.bureau, 2026)
	if err != nil {
		t.Fatal(err)
	}
	y0, err := cf.s.FundUseYear(cf.ctx, cf.school, cf.school.InstitutionID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	id := cf.paidClaim("301")
	pg := cf.page(cf.bureau, id)
	if pg.Claim.Status != training.ClaimPaid || pg.Claim.Total <= 0 {
		t.Fatalf("claim %+v", pg.Claim)
	}
	if _, err := cf.s.SubsidyOverview(cf.ctx, cf.school, 2026); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("an institution read the overview: %v", err)
	}
	o, err := cf.s.SubsidyOverview(cf.ctx, cf.bureau, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if o.Total.Lines-o0.Total.Lines != pg.Claim.Lines || o.Total.Amount-o0.Total.Amount != pg.Claim.Total ||
		o.Months[4].Amount-o0.Months[4].Amount != pg.Claim.Total || o.Months[3].Amount != o0.Months[3].Amount {
		t.Fatalf("overview %+v, claim %+v", o, pg.Claim)
	}
	if len(o.Institutions) != 1 || o.Institutions[0].Key != cf.school.InstitutionID || o.Institutions[0].Label == "" ||
		len(o.Occupations) != 1 || o.Occupations[0].Label != "中式烹调师" || len(o.Levels) != 1 || o.Levels[0].Label != training.Level4.Short() {
		t.Fatalf("cuts %+v %+v %+v", o.Institutions, o.Occupations, o.Levels)
	}
	if o, err := cf.s.SubsidyOverview(cf.ctx, cf.bureau, 2025); err != nil || o.Total.Lines != 0 || len(o.Institutions) != 0 {
		t.Fatalf("2025: %+v %v", o, err)
	}
	y, err := cf.s.FundUseYear(cf.ctx, cf.school, cf.school.InstitutionID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if y.Balance.SubsidiesPaid-y0.Balance.SubsidiesPaid != pg.Claim.Total {
		t.Fatalf("subsidies paid %d, claim %d", y.Balance.SubsidiesPaid, pg.Claim.Total)
	}
	rows, _, err := cf.s.FundUseReport(cf.ctx, cf.bureau, 2026, repository.Page{Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.InstitutionID == cf.school.InstitutionID && r.SubsidiesPaid != y.Balance.SubsidiesPaid {
			t.Fatalf("report row %+v", r)
		}
	}
}
