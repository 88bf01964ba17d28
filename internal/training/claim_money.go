package training

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// After the notice (SUB-3, SUB-5): objections, payments and recovery.

// ObjectionInput is an objection as typed on the public notice page.
type ObjectionInput struct {
	LineID   string
	Objector string
	Contact  string
	Body     string
}

// Objection is a validated objection, or one on record.
type Objection struct {
	ID        int64
	ClaimID   int64
	LineID    int64
	LineName  string // masked on public pages
	Objector  string
	Contact   string
	Body      string
	Status    string // pending, upheld, dismissed
	FiledAt   time.Time
	DecidedBy string
	DecidedAt *time.Time
	Decision  string
}

// ObjectionStatusLabel is the Chinese name of an objection's status.
func ObjectionStatusLabel(s string) string {
	switch s {
	case "pending":
		return "待处理"
	case "upheld":
		return "异议成立"
	case "dismissed":
		return "异议不成立"
	}
	return s
}

func cleanText(p *Problems, field, s string, min, max int, r *Rule) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		p.Add(field, RuleObjectionText.Msg())
		return ""
	}
	if n := utf8.RuneCountInString(s); n < min || n > max {
		p.Add(field, r.Msg())
	}
	return s
}

// ParseObjection validates the public objection form against the claim's
// live lines (lineIDs; 0 or empty: about the claim as a whole).
func ParseObjection(in ObjectionInput, lineIDs []int64) (Objection, error) {
	var p Problems
	var o Objection
	o.Body = cleanText(&p, "body", in.Body, 5, 1000, RuleObjectionBody)
	o.Objector = cleanText(&p, "objector", in.Objector, 0, 50, RuleObjectionShort)
	o.Contact = cleanText(&p, "contact", in.Contact, 0, 50, RuleObjectionShort)
	if s := strings.TrimSpace(in.LineID); s != "" && s != "0" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || !slices.Contains(lineIDs, id) {
			p.Add("line_id", RuleObjectionLine.Msg())
		}
		o.LineID = id
	}
	return o, p.Err()
}

// DecideObjection says whether the bureau may decide the objection: the
// claim on notice or past it with objections pending, the objection
// pending, a reason, and an upheld objection naming a line.
func DecideObjection(c Claim, o Objection, upheld bool, reason string) Refusals {
	var rs Refusals
	if c.Status != ClaimNotice && c.Status != ClaimObjections {
		rs.General(RuleObjectionStage, c.Status.Label())
	}
	if o.Status != "pending" {
		rs.General(RuleObjectionDecided)
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(reason)); {
	case n == 0:
		rs.Add("decision", RuleObjectionReason)
	case n > MaxReasonLen:
		rs.Add("decision", RuleClaimNoteLen)
	}
	if upheld && o.LineID == 0 {
		rs.Add("line_id", RuleObjectionNoLine)
	}
	return rs
}

// ClaimPaymentInput is a payment as typed by the bureau.
type ClaimPaymentInput struct {
	BatchNo   string
	PaidOn    string
	VoucherNo string
	Amount    string // yuan
}

// ClaimPayment is a payment on record.
type ClaimPayment struct {
	ID            int64
	BatchNo       string
	PaidOn        time.Time
	VoucherNo     string
	Amount        int64
	Status        string // recorded, paid, failed
	FailureReason string
	RecordedBy    string
	RecordedAt    time.Time
	SettledBy     string
}

// PaymentStatusLabel is the Chinese name of a payment's status.
func PaymentStatusLabel(s string) string {
	switch s {
	case "recorded":
		return "已登记"
	case "paid":
		return "已到账"
	case "failed":
		return "失败"
	}
	return s
}

// DecideClaimPayment validates a payment for the claim: batch and voucher
// numbers, a date not after today, and exactly the claim's total.
func DecideClaimPayment(c Claim, in ClaimPaymentInput, today time.Time) (ClaimPayment, Refusals) {
	var rs Refusals
	var p ClaimPayment
	if _, r := NextClaimStatus(c.Status, ActClaimRecordPayment, c.Pending); r != nil {
		rs.General(r, c.Status.Label(), ActClaimRecordPayment.Label())
	} else if c.Lines == 0 {
		rs.General(RuleClaimAllRemoved, ActClaimRecordPayment.Label())
	}
	p.BatchNo = strings.TrimSpace(in.BatchNo)
	if n := utf8.RuneCountInString(p.BatchNo); n == 0 || n > MaxNoLen || !utf8.ValidString(p.BatchNo) {
		rs.Add("batch_no", RulePaymentBatch)
	}
	p.VoucherNo = strings.TrimSpace(in.VoucherNo)
	if n := utf8.RuneCountInString(p.VoucherNo); n == 0 || n > MaxNoLen || !utf8.ValidString(p.VoucherNo) {
		rs.Add("voucher_no", RulePaymentVoucher)
	}
	d, ok := ParseDay(in.PaidOn)
	if !ok || d.After(today) {
		rs.Add("paid_on", RulePaymentDate)
	}
	p.PaidOn = d
	amount, ok := ParseYuan(in.Amount)
	if !ok || amount != c.Total {
		rs.Add("amount", RulePaymentAmount, strings.TrimSpace(in.Amount)+"元", YuanText(c.Total))
	}
	p.Amount = amount
	return p, rs
}

// RecoveryInput is a recovery (追缴) as typed by the bureau.
type RecoveryInput struct {
	Amount string // yuan
	Reason string
}

// LineRecoverable reports whether line l may be marked for recovery: live
// on the claim and not marked yet (SUB-5).
func LineRecoverable(l ClaimLine) bool { return l.Status == "active" && l.Recovery == 0 }

// CanMarkRecovery reports whether a may mark lines of claim c for recovery
// now (to show the form; DecideRecoveries decides): the bureau, once the
// claim is settled.
func CanMarkRecovery(a Actor, c Claim) bool { return a.IsBureau() && c.Status.Settled() }

// MaxRecoveryLines bounds one recovery: a claim holds at most this many
// lines at a time in practice (500 per class, a few classes).
const MaxRecoveryLines = 5000

// DecideRecoveries says whether the chosen lines of a claim may be marked
// for recovery (追缴, SUB-5) at once, and each line's amount: the amount
// typed per person (up to the smallest chosen line's), or with none each
// line's whole amount. asked is how many lines were chosen (a chosen line
// not found on the claim is refused as gone); lines are those found.
func DecideRecoveries(c Claim, asked int, lines []ClaimLine, in RecoveryInput) (map[int64]int64, Refusals) {
	var rs Refusals
	if !c.Status.Settled() {
		rs.General(RuleRecoveryStage, c.Status.Label())
	}
	if asked == 0 || asked > MaxRecoveryLines {
		rs.General(RuleRecoveryChoose)
	}
	var gone []string
	if len(lines) < asked {
		gone = append(gone, "所选人员中有人")
	}
	least := int64(-1)
	for _, l := range lines {
		if !LineRecoverable(l) {
			gone = append(gone, MaskName(l.Name))
		}
		if least < 0 || l.Amount < least {
			least = l.Amount
		}
	}
	if len(gone) > 0 {
		rs.General(RuleRecoveryLines, strings.Join(gone, "、"))
	}
	each := int64(0)
	if s := strings.TrimSpace(in.Amount); s != "" {
		amount, ok := ParseYuan(s)
		if !ok || amount <= 0 || least >= 0 && amount > least {
			rs.Add("amount", RuleRecoveryEach, YuanText(max(least, 0)))
		}
		each = amount
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Reason)); {
	case n == 0:
		rs.Add("reason", RuleRecoveryReason)
	case n > MaxReasonLen:
		rs.Add("reason", RuleClaimNoteLen)
	}
	if !rs.OK() {
		return nil, rs
	}
	out := make(map[int64]int64, len(lines))
	for _, l := range lines {
		out[l.ID] = l.Amount
		if each > 0 {
			out[l.ID] = each
		}
	}
	return out, rs
}
