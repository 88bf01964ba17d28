package roster_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tianmu/internal/roster"
	"tianmu/internal/training"
)

func claimOf(n int) training.ClaimDetail {
	d := training.ClaimDetail{Claim: training.Claim{ClaimNo: "BZ2026000001", InstitutionName: "=HYPERLINK(\"x\")", Status: training.ClaimPaid,
		Lines: n, Excluded: 1, CreatedAt: time.Date(2026, 5, 6, 2, 0, 0, 0, time.UTC)}}
	for i := range n {
		l := training.ClaimLine{ID: int64(i + 1), Amount: 75000, Standard: 150000, Percent: 50, Status: "active"}
		l.Name, l.IDNumber, l.Level, l.CertDate = fmt.Sprintf("学员%d", i), fmt.Sprintf("330185199001%06d", i), training.Level4, time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)
		d.Claim.Total += l.Amount
		d.Lines = append(d.Lines, l)
	}
	x := training.ClaimExclusion{Reasons: []string{training.ExclFeePaid, training.ExclAttendance}}
	x.Name, x.IDNumber = "应志强", "330185199205051234"
	d.Exclusions = []training.ClaimExclusion{x}
	d.Payments = []training.ClaimPayment{{BatchNo: "PC-1", VoucherNo: "PZ-1", Amount: d.Claim.Total, Status: "paid"}}
	return d
}

// TestClaimWorkbookSheets: three sheets; masked or full ID numbers; both
// reasons of the excluded person with their articles; no cell starts a
// formula.
func TestClaimWorkbookSheets(t *testing.T) {
	for _, full := range []bool{false, true} {
		var b bytes.Buffer
		if err := roster.WriteClaim(&b, claimOf(3), full); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.GetSheetList(), ","); got != "申领汇总,补贴明细,不予补贴名单" {
			t.Fatalf("sheets %s", got)
		}
		lines, err := f.GetRows("补贴明细")
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 5 || lines[2][3] != map[bool]string{false: "330185********0000", true: "330185199001000000"}[full] || lines[2][12] != "750.00" {
			t.Fatalf("full=%v lines %q", full, lines)
		}
		excl, err := f.GetRows("不予补贴名单")
		if err != nil {
			t.Fatal(err)
		}
		if len(excl) != 3 || !strings.Contains(excl[2][4], training.RuleClaimFeePaid.Msg()) || !strings.Contains(excl[2][4], training.RuleClaimAttendance.Msg()) {
			t.Fatalf("exclusions %q", excl)
		}
		sum, err := f.GetRows("申领汇总")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range sum {
			for _, c := range r {
				if strings.HasPrefix(c, "=") {
					t.Fatalf("a formula: %q", c)
				}
			}
		}
		f.Close()
	}
}

// BenchmarkClaimWorkbook500: the workbook of a 500-line claim.
func BenchmarkClaimWorkbook500(b *testing.B) {
	d := claimOf(500)
	for b.Loop() {
		var buf bytes.Buffer
		if err := roster.WriteClaim(&buf, d, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPaymentBatch5000: the workbook of a payment batch as large as
// the province data's largest (5,142 lines).
func BenchmarkPaymentBatch5000(b *testing.B) {
	d := claimOf(5000)
	pb := training.PaymentBatch{BatchNo: "PC20261103-01"}
	for _, l := range d.Lines {
		pb.Lines = append(pb.Lines, training.BatchLine{ClaimNo: "BT202611030001", InstitutionName: "临安区某某职业技能培训学校", ClaimLine: l})
	}
	for b.Loop() {
		var buf bytes.Buffer
		if err := roster.WritePaymentBatch(&buf, pb, false); err != nil {
			b.Fatal(err)
		}
	}
}
