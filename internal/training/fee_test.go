package training

import (
	"strings"
	"testing"
)

func TestDecideApplyFee(t *testing.T) {
	start := day("2026-03-16")
	for _, c := range []struct {
		name  string
		f     ApplyFeeFacts
		allow bool
		want  string
	}{
		{"the day before the start", ApplyFeeFacts{ClassStatus: ClassApproved, ClassStart: &start, Today: day("2026-03-15")}, true, ""},
		{"a draft before the start", ApplyFeeFacts{ClassStatus: ClassDraft, ClassStart: &start, Today: day("2026-03-01")}, true, ""},
		{"on the start date", ApplyFeeFacts{ClassStatus: ClassApproved, ClassStart: &start, Today: start}, false, "第十二条：向学员收费须在开班（2026-03-16）前"},
		{"after the start", ApplyFeeFacts{ClassStatus: ClassFinished, ClassStart: &start, Today: day("2026-04-01")}, false, "前事先申请"},
		{"no start date yet", ApplyFeeFacts{ClassStatus: ClassDraft, Today: day("2026-03-01")}, false, "请先在办班备案中填写开班日期"},
		{"cancelled", ApplyFeeFacts{ClassStatus: ClassCancelled, ClassStart: &start, Today: day("2026-03-01")}, false, "培训班状态为「已撤销」"},
		{"an open application", ApplyFeeFacts{ClassStatus: ClassApproved, ClassStart: &start, Today: day("2026-03-01"),
			Open: &FeeApplication{Status: FeeApproved}}, false, "已有「已核准」的收费申请"},
	} {
		rs := DecideApplyFee(c.f)
		if rs.OK() != c.allow {
			t.Errorf("%s: allowed=%v, want %v (%v)", c.name, rs.OK(), c.allow, rs.Messages())
			continue
		}
		if !c.allow && !strings.Contains(strings.Join(rs.Messages(), "|"), c.want) {
			t.Errorf("%s: %v, want %q", c.name, rs.Messages(), c.want)
		}
	}
}

func TestFeeStateMachine(t *testing.T) {
	bureau := Actor{UserID: 1, Role: RoleBureau}
	inst := Actor{UserID: 2, Role: RoleInstitution, InstitutionID: 5}
	for _, from := range FeeStatuses {
		for _, act := range []FeeAction{ActFeeApprove, ActFeeReturn, ActFeeWithdraw} {
			to, r := NextFeeStatus(from, act)
			if from != FeeSubmitted {
				if r == nil {
					t.Errorf("%s --%s--> allowed", from, act)
				}
				continue
			}
			want := map[FeeAction]FeeStatus{ActFeeApprove: FeeApproved, ActFeeReturn: FeeReturned, ActFeeWithdraw: FeeWithdrawn}[act]
			if r != nil || to != want {
				t.Errorf("%s --%s--> %s %v, want %s", from, act, to, r, want)
			}
		}
	}
	app := FeeApplication{Status: FeeSubmitted}
	if !CanFeeStep(bureau, app, ActFeeApprove) || CanFeeStep(inst, app, ActFeeApprove) || !CanFeeStep(inst, app, ActFeeWithdraw) || CanFeeStep(bureau, app, ActFeeWithdraw) {
		t.Error("CanFeeStep roles")
	}
	if rs := DecideFeeStep(bureau, app, ActFeeReturn, " "); rs.OK() || rs[0].Field != "note" {
		t.Errorf("return without a reason: %v", rs.Messages())
	}
	if rs := DecideFeeStep(bureau, FeeApplication{Status: FeeApproved}, ActFeeApprove, ""); rs.OK() || !strings.HasPrefix(rs.Messages()[0], "第十二条") {
		t.Errorf("approve twice: %v", rs.Messages())
	}
}

func TestParseFee(t *testing.T) {
	if f, err := ParseFee(FeeInput{Amount: "300", Covers: "教材、耗材", Reason: "实训耗材较多"}); err != nil || f.Amount != 30000 {
		t.Fatalf("valid: %+v %v", f, err)
	}
	_, err := ParseFee(FeeInput{Amount: "0", Covers: "", Reason: strings.Repeat("长", MaxReasonLen+1)})
	v, ok := AsValidation(err)
	if !ok || v.Fields["amount"] == "" || v.Fields["covers"] == "" || v.Fields["reason"] == "" {
		t.Fatalf("invalid: %v", err)
	}
}

func TestDecideFeePayments(t *testing.T) {
	approved := &FeeApplication{Status: FeeApproved, Amount: 30000}
	roster := []FeeTrainee{
		{EnrolmentID: 1, Name: "方晓东", IDNumber: "330185199203151021"},
		{EnrolmentID: 2, Name: "俞佳琪", IDNumber: "330185199507212048", Paid: true},
		{EnrolmentID: 3, Name: "潘国华", IDNumber: "330185198809093010", Withdrawn: true},
		{EnrolmentID: 4, Name: "盛雨萱", IDNumber: "33018520000102402X", OnClaim: "BZ2026000001"},
	}
	f := FeePaymentFacts{Approved: approved, Today: day("2026-03-20"), Roster: roster}
	row := func(id int64, amount string) FeePaymentInput {
		return FeePaymentInput{EnrolmentID: id, Amount: amount, PaidOn: "2026-03-10", ReceiptNo: "SJ001"}
	}
	pays, rs := DecideFeePayments(f, []FeePaymentInput{row(1, "300")})
	if !rs.OK() || len(pays) != 1 || pays[0].Amount != 30000 || pays[0].Name != "方晓东" {
		t.Fatalf("valid payment: %+v %v", pays, rs.Messages())
	}
	for _, c := range []struct {
		name  string
		f     FeePaymentFacts
		in    FeePaymentInput
		field string
		want  string
	}{
		{"no approved application", FeePaymentFacts{Today: f.Today, Roster: roster}, row(1, "300"), "", "第十二条：该培训班的收费未经区人力社保局核准"},
		{"returned application", FeePaymentFacts{Approved: &FeeApplication{Status: FeeReturned}, Today: f.Today, Roster: roster}, row(1, "300"), "", "未经区人力社保局核准"},
		{"above the approved amount", f, row(1, "300.01"), "amount", "第十二条、第十六条：缴费金额¥300.01超过核准的收费标准¥300.00"},
		{"already paid", f, row(2, "300"), "enrolment_id", "俞佳琪已登记缴费"},
		{"withdrawn", f, row(3, "300"), "enrolment_id", "潘国华已退学"},
		{"on a claim", f, row(4, "300"), "enrolment_id", "第十二条：盛雨萱已列入补贴申领BZ2026000001"},
		{"not on the roster", f, row(9, "300"), "enrolment_id", "请选择学员"},
		{"paid in the future", f, FeePaymentInput{EnrolmentID: 1, Amount: "300", PaidOn: "2026-03-21", ReceiptNo: "SJ"}, "paid_on", "不能晚于今天"},
		{"no receipt", f, FeePaymentInput{EnrolmentID: 1, Amount: "300", PaidOn: "2026-03-10"}, "receipt_no", "收据编号"},
	} {
		_, rs := DecideFeePayments(c.f, []FeePaymentInput{c.in})
		if rs.OK() {
			t.Errorf("%s: allowed", c.name)
			continue
		}
		var got string
		for _, r := range rs {
			if r.Field == c.field {
				got = r.Message
				break
			}
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %v, want %q on %q", c.name, rs.Messages(), c.want, c.field)
		}
	}
	// An import: by ID number, duplicates and strangers refused, all or nothing.
	rows := []FeePaymentInput{
		{Line: 2, IDNumber: "330185199203151021", Amount: "300", PaidOn: "2026-03-10", ReceiptNo: "A1"},
		{Line: 3, IDNumber: "330185199203151021", Amount: "300", PaidOn: "2026-03-10", ReceiptNo: "A2"},
		{Line: 4, IDNumber: "110101199001011237", Amount: "300", PaidOn: "2026-03-10", ReceiptNo: "A3"},
	}
	if pays, rs := DecideFeePayments(f, rows); rs.OK() || pays != nil || len(rs) != 2 || rs[0].Field != "row.3" || rs[1].Field != "row.4" {
		t.Fatalf("import refusals: %v %+v", rs.Messages(), rs)
	}
	if pays, rs := DecideFeePayments(f, rows[:1]); !rs.OK() || len(pays) != 1 || pays[0].EnrolmentID != 1 {
		t.Fatalf("import of one row: %v %v", pays, rs.Messages())
	}
}

func TestFeeImportHeader(t *testing.T) {
	if rs := CheckFeeImportHeader([]string{"\ufeff身份证号码", "姓名", "缴费金额（元）", "缴费日期", "收据编号"}); !rs.OK() {
		t.Fatalf("template header: %v", rs.Messages())
	}
	if rs := CheckFeeImportHeader([]string{"身份证号码", "姓名"}); rs.OK() {
		t.Fatal("short header accepted")
	}
	if in, ok := ParseFeeImportRow(5, []string{" 330185199203151021 ", "方晓东", "300", "2026-03-10", "A1"}); !ok || in.Line != 5 || in.IDNumber != "330185199203151021" || in.ReceiptNo != "A1" {
		t.Fatalf("row: %+v %v", in, ok)
	}
	if _, ok := ParseFeeImportRow(6, []string{"", "", "", ""}); ok {
		t.Fatal("blank row counted")
	}
}
