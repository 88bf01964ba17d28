package training

import (
	"strings"
	"unicode/utf8"
)

// What people take away from a claim (SUB-3): the workbook, the printed
// claim form (申领表) and the payment batch. ID numbers are masked unless
// the bureau asks for the full list with a reason, which is audited.

// Rules of claim exports.
var (
	RuleClaimFullIDBureau = NewRule("SUB-3", "", "只有区人力社保局可以导出完整身份证号码")
	RuleClaimFullIDReason = NewRule("SUB-3", "", "请填写导出完整身份证号码的理由（最多500字，将记入审计日志）")
)

// DecideFullIDExport says whether actor may take a claim's lists with full
// ID numbers: the bureau only, and a reason.
func DecideFullIDExport(a Actor, reason string) Refusals {
	var rs Refusals
	if !a.IsBureau() {
		rs.General(RuleClaimFullIDBureau)
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(reason)); n == 0 || n > MaxReasonLen {
		rs.Add("reason", RuleClaimFullIDReason)
	}
	return rs
}

// BatchPayment is one claim's payment in a payment batch.
type BatchPayment struct {
	ClaimPayment
	ClaimID         int64
	ClaimNo         string
	InstitutionName string
	Lines           int
}

// BatchLine is one subsidised person of a claim paid in a batch.
type BatchLine struct {
	ClaimNo         string
	InstitutionName string
	ClaimLine
}

// PaymentBatch is a payment batch (拨付批次) as the actor may see it: the
// bureau every claim paid in it, an institution its own.
type PaymentBatch struct {
	BatchNo  string
	Payments []BatchPayment
	Lines    []BatchLine
}

// Total is the sum of the batch's payments (fen).
func (b PaymentBatch) Total() int64 {
	var t int64
	for _, p := range b.Payments {
		t += p.Amount
	}
	return t
}
