package training

import (
	"strconv"
	"strings"
	"time"
)

// Fees (SUB-2, 第十二条): an institution may charge trainees only after
// the bureau approved its application for that class, made before the
// class starts; no payment above the approved amount (第十六条); a trainee
// who paid gets no subsidy for that enrolment.

// FeeStatus is a fee application's status.
type FeeStatus string

// Fee application statuses.
const (
	FeeSubmitted FeeStatus = "submitted"
	FeeApproved  FeeStatus = "approved"
	FeeReturned  FeeStatus = "returned"
	FeeWithdrawn FeeStatus = "withdrawn"
)

// FeeStatuses lists the statuses in display order.
var FeeStatuses = []FeeStatus{FeeSubmitted, FeeApproved, FeeReturned, FeeWithdrawn}

// Label is the Chinese name.
func (s FeeStatus) Label() string {
	switch s {
	case FeeSubmitted:
		return "待审核"
	case FeeApproved:
		return "已核准"
	case FeeReturned:
		return "已退回"
	case FeeWithdrawn:
		return "已撤回"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s FeeStatus) Valid() bool {
	for _, x := range FeeStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Open reports whether the application blocks another for its class.
func (s FeeStatus) Open() bool { return s == FeeSubmitted || s == FeeApproved }

// FeeAction is a step on a fee application.
type FeeAction string

// Fee actions: the bureau approves or returns, the institution withdraws.
const (
	ActFeeApprove  FeeAction = "approve"
	ActFeeReturn   FeeAction = "return"
	ActFeeWithdraw FeeAction = "withdraw"
)

// Label is the Chinese name.
func (a FeeAction) Label() string {
	switch a {
	case ActFeeApprove:
		return "核准收费"
	case ActFeeReturn:
		return "退回"
	case ActFeeWithdraw:
		return "撤回"
	}
	return string(a)
}

// Role is who takes the action.
func (a FeeAction) Role() Role {
	if a == ActFeeWithdraw {
		return RoleInstitution
	}
	return RoleBureau
}

// FeeApplication is an application to charge the trainees of a class.
type FeeApplication struct {
	ID              int64
	ClassID         int64
	ClassNo         string
	InstitutionID   int64
	InstitutionName string
	OccupationName  string
	Level           Level
	ClassStart      time.Time
	Amount          int64 // per person, fen
	Covers          string
	Reason          string
	Status          FeeStatus
	SubmittedBy     string
	SubmittedAt     time.Time
	DecidedBy       string
	DecidedAt       *time.Time
	DecisionNote    string
	Version         int
	Payments        int   // trainees recorded as paid
	PaidTotal       int64 // fen
}

// Rules of fees.
var (
	RuleFeeBeforeStart   = NewRule("SUB-2", "第十二条", "向学员收费须在开班（%s）前事先申请，经区人力社保局核准后方可收费")
	RuleFeeNoStart       = NewRule("SUB-2", "第十二条", "请先在办班备案中填写开班日期，再申请收费")
	RuleFeeOpen          = NewRule("SUB-2", "第十二条", "该培训班已有「%s」的收费申请，不能重复申请")
	RuleFeeClassClosed   = NewRule("SUB-2", "第十二条", "培训班状态为「%s」，不能申请收费")
	RuleFeeAmount        = NewRule("SUB-2", "第十二条", "请填写每人收费金额（元，大于0，最多两位小数）")
	RuleFeeCovers        = NewRule("SUB-2", "第十二条", "请写明收费包含的内容（如教材、耗材、鉴定费）")
	RuleFeeReason        = NewRule("SUB-2", "第十二条", "请写明收费理由")
	RuleFeeStep          = NewRule("SUB-2", "第十二条", "收费申请当前状态为「%s」，不能%s")
	RuleFeeReturnReason  = NewRule("SUB-2", "", "请填写退回理由")
	RuleFeeNotApproved   = NewRule("SUB-2", "第十二条", "该培训班的收费未经区人力社保局核准，不能登记学员缴费")
	RuleFeeOverApproved  = NewRule("SUB-2", "第十二条、第十六条", "缴费金额%s超过核准的收费标准%s（违反规定标准收取培训费用）")
	RuleFeePayAmount     = NewRule("SUB-2", "", "请填写缴费金额（元，大于0，最多两位小数）")
	RuleFeePaidOn        = NewRule("SUB-2", "", "请填写缴费日期（如 2026-03-16），不能晚于今天")
	RuleFeeReceipt       = NewRule("SUB-2", "", "请填写收据编号（最多40字）")
	RuleFeeAlreadyPaid   = NewRule("SUB-2", "", "%s已登记缴费，不能重复登记")
	RuleFeeOnClaim       = NewRule("SUB-2", "第十二条", "%s已列入补贴申领%s；缴费学员不再享受政府培训补贴，须先处理该申领，才能登记缴费")
	RuleFeeWithdrawnOne  = NewRule("SUB-2", "", "%s已退学，不能登记缴费")
	RuleFeeNotOnRoster   = NewRule("SUB-2", "", "身份证号码%s不在本班学员名单中")
	RuleFeeDuplicateRow  = NewRule("SUB-2", "", "身份证号码%s在文件中重复出现")
	RuleFeeChooseTrainee = NewRule("SUB-2", "", "请选择学员")
)

// FeeInput is a fee application as typed.
type FeeInput struct {
	Amount string // yuan per person
	Covers string
	Reason string
}

// FeePlan is a validated fee application.
type FeePlan struct {
	Amount int64
	Covers string
	Reason string
}

// ParseFee validates the application form.
func ParseFee(in FeeInput) (FeePlan, error) {
	var p Problems
	var f FeePlan
	if fen, ok := ParseYuan(in.Amount); ok && fen > 0 {
		f.Amount = fen
	} else {
		p.Add("amount", RuleFeeAmount.Msg())
	}
	f.Covers = textLen(&p, "covers", in.Covers, true, MaxReasonLen, RuleFeeCovers.Msg())
	f.Reason = textLen(&p, "reason", in.Reason, true, MaxReasonLen, RuleFeeReason.Msg())
	return f, p.Err()
}

// ApplyFeeFacts is what the repository loads to decide an application.
type ApplyFeeFacts struct {
	ClassStatus ClassStatus
	ClassStart  *time.Time // nil: a draft without dates
	Today       time.Time
	Open        *FeeApplication // a submitted or approved application of the class
}

// DecideApplyFee says whether a fee application may be made now: before
// the class starts (事前申请), for a class that is not cancelled or over,
// and only one open application per class.
func DecideApplyFee(f ApplyFeeFacts) Refusals {
	var rs Refusals
	switch {
	case f.ClassStatus == ClassCancelled || f.ClassStatus == ClassArchived:
		rs.General(RuleFeeClassClosed, f.ClassStatus.Label())
	case f.ClassStart == nil:
		rs.General(RuleFeeNoStart)
	case !f.Today.Before(*f.ClassStart):
		rs.General(RuleFeeBeforeStart, f.ClassStart.Format("2006-01-02"))
	}
	if f.Open != nil {
		rs.General(RuleFeeOpen, f.Open.Status.Label())
	}
	return rs
}

// NextFeeStatus applies action to from, or returns the rule that refuses it.
func NextFeeStatus(from FeeStatus, action FeeAction) (FeeStatus, *Rule) {
	if from == FeeSubmitted {
		switch action {
		case ActFeeApprove:
			return FeeApproved, nil
		case ActFeeReturn:
			return FeeReturned, nil
		case ActFeeWithdraw:
			return FeeWithdrawn, nil
		}
	}
	return from, RuleFeeStep
}

// DecideFeeStep says whether actor may take action on the application.
func DecideFeeStep(a Actor, f FeeApplication, action FeeAction, note string) Refusals {
	var rs Refusals
	if _, r := NextFeeStatus(f.Status, action); r != nil {
		rs.General(r, f.Status.Label(), action.Label())
		return rs
	}
	if action == ActFeeReturn && strings.TrimSpace(note) == "" {
		rs.Add("note", RuleFeeReturnReason)
	}
	return rs
}

// CanFeeStep reports whether actor's role takes the action and the
// application's status allows it (for showing the buttons).
func CanFeeStep(a Actor, f FeeApplication, action FeeAction) bool {
	if a.Role != action.Role() {
		return false
	}
	_, r := NextFeeStatus(f.Status, action)
	return r == nil
}

// FeeTrainee is one enrolment of the class, as the payment rules see it.
type FeeTrainee struct {
	EnrolmentID int64
	Name        string
	IDNumber    string
	Withdrawn   bool
	Paid        bool
	OnClaim     string // claim number of a live claim that lists the enrolment
}

// FeePaymentInput is one payment as typed on the roster, or one row of an
// import file (Line > 0, the trainee by ID number).
type FeePaymentInput struct {
	Line        int
	EnrolmentID int64
	IDNumber    string
	Amount      string
	PaidOn      string
	ReceiptNo   string
}

// FeePayment is a validated payment.
type FeePayment struct {
	EnrolmentID int64
	Name        string
	Amount      int64
	PaidOn      time.Time
	ReceiptNo   string
}

// FeePaymentFacts is what the repository loads to decide payments.
type FeePaymentFacts struct {
	Approved *FeeApplication // the class's approved application, nil if none
	Today    time.Time
	Roster   []FeeTrainee
}

// FeeRowField is the field of a payment's messages: the form's own fields
// for one payment, "row.N" for line N of an import.
func FeeRowField(line int, field string) string {
	if line == 0 {
		return field
	}
	return "row." + strconv.Itoa(line)
}

// DecideFeePayments checks payments to record (one from the roster form,
// or every row of an import, all or nothing): an approved application
// (第十二条), at most the approved amount (第十六条: 超标收费), a trainee on
// the roster, enrolled, not yet recorded and not on a live subsidy claim.
func DecideFeePayments(f FeePaymentFacts, rows []FeePaymentInput) ([]FeePayment, Refusals) {
	var rs Refusals
	if f.Approved == nil || f.Approved.Status != FeeApproved {
		rs.General(RuleFeeNotApproved)
		return nil, rs
	}
	byEnrolment := map[int64]FeeTrainee{}
	byID := map[string]FeeTrainee{}
	for _, t := range f.Roster {
		byEnrolment[t.EnrolmentID] = t
		byID[t.IDNumber] = t
	}
	seen := map[int64]bool{}
	var out []FeePayment
	for _, in := range rows {
		var t FeeTrainee
		var ok bool
		if in.Line == 0 {
			if t, ok = byEnrolment[in.EnrolmentID]; !ok {
				rs.Add("enrolment_id", RuleFeeChooseTrainee)
			}
		} else {
			idn := NormalizeIDNumber(in.IDNumber)
			if t, ok = byID[idn]; !ok {
				rs.Add(FeeRowField(in.Line, ""), RuleFeeNotOnRoster, MaskID(idn))
			}
		}
		if ok {
			switch {
			case seen[t.EnrolmentID]:
				rs.Add(FeeRowField(in.Line, "enrolment_id"), RuleFeeDuplicateRow, MaskID(t.IDNumber))
			case t.Withdrawn:
				rs.Add(FeeRowField(in.Line, "enrolment_id"), RuleFeeWithdrawnOne, t.Name)
			case t.Paid:
				rs.Add(FeeRowField(in.Line, "enrolment_id"), RuleFeeAlreadyPaid, t.Name)
			case t.OnClaim != "":
				rs.Add(FeeRowField(in.Line, "enrolment_id"), RuleFeeOnClaim, t.Name, t.OnClaim)
			}
			seen[t.EnrolmentID] = true
		}
		pay := FeePayment{EnrolmentID: t.EnrolmentID, Name: t.Name}
		amount, okAmount := ParseYuan(in.Amount)
		switch {
		case !okAmount || amount <= 0:
			rs.Add(FeeRowField(in.Line, "amount"), RuleFeePayAmount)
		case amount > f.Approved.Amount:
			rs.Add(FeeRowField(in.Line, "amount"), RuleFeeOverApproved, YuanText(amount), YuanText(f.Approved.Amount))
		}
		pay.Amount = amount
		d, okDay := ParseDay(in.PaidOn)
		if !okDay || d.After(f.Today) {
			rs.Add(FeeRowField(in.Line, "paid_on"), RuleFeePaidOn)
		}
		pay.PaidOn = d
		pay.ReceiptNo = strings.TrimSpace(in.ReceiptNo)
		if pay.ReceiptNo == "" || len([]rune(pay.ReceiptNo)) > MaxNoLen {
			rs.Add(FeeRowField(in.Line, "receipt_no"), RuleFeeReceipt)
		}
		out = append(out, pay)
	}
	if !rs.OK() {
		return nil, rs
	}
	return out, rs
}

// FeeImportColumns are the header of a fee import file.
var FeeImportColumns = []string{"身份证号码", "姓名", "缴费金额（元）", "缴费日期", "收据编号"}

// RuleFeeImportHeader refuses a file whose header is not the template's.
var RuleFeeImportHeader = NewRule("SUB-2", "", "文件表头应为：%s")

// ParseFeeImportRow reads one data row (line is its 1-based line in the
// file) of a file whose header passed CheckFeeImportHeader.
func ParseFeeImportRow(line int, cells []string) (FeePaymentInput, bool) {
	get := func(i int) string {
		if i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	in := FeePaymentInput{Line: line, IDNumber: get(0), Amount: get(2), PaidOn: get(3), ReceiptNo: get(4)}
	blank := in.IDNumber == "" && in.Amount == "" && in.PaidOn == "" && in.ReceiptNo == ""
	return in, !blank
}

// CheckFeeImportHeader checks the header row.
func CheckFeeImportHeader(cells []string) Refusals {
	var rs Refusals
	for i, want := range FeeImportColumns {
		if i >= len(cells) || strings.TrimSpace(strings.TrimPrefix(cells[i], "\ufeff")) != want {
			rs.Add("file", RuleFeeImportHeader, strings.Join(FeeImportColumns, "、"))
			break
		}
	}
	return rs
}

// ClassRef is what money pages show of a class: number, institution,
// occupation, level, type, status and dates.
type ClassRef struct {
	ID              int64
	ClassNo         string
	InstitutionID   int64
	InstitutionName string
	OccupationID    int64
	OccupationName  string
	Level           Level
	Type            ClassType
	Status          ClassStatus
	Start           *time.Time
	End             *time.Time
}

// Title is "中式烹调师 四级（BB2026…）".
func (c ClassRef) Title() string {
	t := c.OccupationName
	if c.Level != LevelNone {
		t += " " + c.Level.Short()
	} else {
		t += " " + c.Type.Label()
	}
	return t + "（" + c.ClassNo + "）"
}

// FeeRosterRow is one trainee on a class's fee page: the enrolment, what
// the agreement says about fees, and the payment recorded.
type FeeRosterRow struct {
	FeeTrainee
	SelfPaid *bool // the agreement's 是否缴费 answer; nil: no agreement yet
	Payment  *FeePayment
}

// CanApplyFee reports whether the institution may apply now (for showing
// the form).
func CanApplyFee(a Actor, f ApplyFeeFacts) bool { return a.IsInstitution() && DecideApplyFee(f).OK() }

// ClassFees is a class's fee page: the class, its applications (newest
// first), the open one, and the roster with what each trainee paid.
type ClassFees struct {
	Class        ClassRef
	Applications []FeeApplication
	Open         *FeeApplication
	Roster       []FeeRosterRow
	Today        time.Time
}

// ApplyFacts are the facts DecideApplyFee needs, from the page.
func (p ClassFees) ApplyFacts() ApplyFeeFacts {
	return ApplyFeeFacts{ClassStatus: p.Class.Status, ClassStart: p.Class.Start, Today: p.Today, Open: p.Open}
}
