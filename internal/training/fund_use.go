package training

import (
	"strconv"
	"strings"
	"time"
)

// Fund use (SUB-4, 第十三条): subsidies and fees are spent only on the
// seven categories of the article; institutions report what they spent,
// per class or for the year as a whole, and the bureau compares it with
// what they received (subsidies paid, fees collected) per year.

// FundCategory is one of the seven spending categories of 第十三条.
type FundCategory string

// The seven categories, in the article's order.
const (
	FundTeachers    FundCategory = "teachers"    // 培训师资
	FundMaterials   FundCategory = "materials"   // 教材设备
	FundVenue       FundCategory = "venue"       // 场地
	FundSupplies    FundCategory = "supplies"    // 培训用品
	FundConsumables FundCategory = "consumables" // 耗材
	FundMeals       FundCategory = "meals"       // 学员用餐
	FundVisits      FundCategory = "visits"      // 观摩学习
)

// FundCategories lists the categories in the article's order.
var FundCategories = []FundCategory{FundTeachers, FundMaterials, FundVenue, FundSupplies, FundConsumables, FundMeals, FundVisits}

// Label is the Chinese name, as the article words it.
func (c FundCategory) Label() string {
	switch c {
	case FundTeachers:
		return "培训师资"
	case FundMaterials:
		return "教材设备"
	case FundVenue:
		return "场地"
	case FundSupplies:
		return "培训用品"
	case FundConsumables:
		return "耗材"
	case FundMeals:
		return "学员用餐"
	case FundVisits:
		return "观摩学习"
	}
	return string(c)
}

// Index is the category's place in FundCategories, -1 for an unknown one.
func (c FundCategory) Index() int {
	for i, x := range FundCategories {
		if x == c {
			return i
		}
	}
	return -1
}

// Valid reports whether c is one of the seven.
func (c FundCategory) Valid() bool { return c.Index() >= 0 }

// FundUseStatus is an entry's status: recorded, or voided by its
// institution with a reason (entries are never deleted).
type FundUseStatus string

// Fund-use entry statuses.
const (
	FundUseRecorded FundUseStatus = "recorded"
	FundUseVoid     FundUseStatus = "void"
)

// Label is the Chinese name.
func (s FundUseStatus) Label() string {
	if s == FundUseVoid {
		return "已作废"
	}
	return "有效"
}

// MaxFundUseYuan bounds one spending entry (¥1,000,000.00): a year's
// venue rent is one entry.
const MaxFundUseYuan = 1000000

// MinFundUseYear is the first year the portal takes reports for.
const MinFundUseYear = 2020

// Rules of fund use.
var (
	RuleFundCategory    = NewRule("SUB-4", "第十三条", "培训补助经费和培训费只能用于培训师资、教材设备、场地、培训用品、耗材、学员用餐、观摩学习，请从这七类中选择支出类别")
	RuleFundAmount      = NewRule("SUB-4", "", "请填写支出金额（元，大于0，最多两位小数，不超过¥1,000,000.00）")
	RuleFundSpentOn     = NewRule("SUB-4", "", "请填写支出日期（如 2026-03-16），不能晚于今天，不能早于2020年")
	RuleFundDescription = NewRule("SUB-4", "", "请写明支出内容（最多200字，如 教师课酬3人×40课时）")
	RuleFundVoucher     = NewRule("SUB-4", "", "请填写记账凭证或发票编号（最多40字）")
	RuleFundClass       = NewRule("SUB-4", "第十三条", "所选培训班不是本机构经备案核准的培训班，不能列支")
	RuleFundClassStart  = NewRule("SUB-4", "第十三条", "支出日期早于培训班开班年度（%d年），请按年度填报或改正日期")
	RuleFundVoidStep    = NewRule("SUB-4", "", "该支出记录已作废")
	RuleFundVoidReason  = NewRule("SUB-4", "", "请填写作废原因")
	RuleFundOverspent   = NewRule("SUB-4", "第十三条", "%d年支出%s超过当年收到的培训补助经费和培训费%s，差额%s")
)

// FundUseEntry is one spending record.
type FundUseEntry struct {
	ID            int64
	InstitutionID int64
	ClassID       int64 // 0: for the year as a whole
	ClassNo       string
	Year          int
	Category      FundCategory
	Amount        int64 // fen
	SpentOn       time.Time
	Description   string
	VoucherNo     string
	Status        FundUseStatus
	VoidReason    string
	RecordedBy    string
	RecordedAt    time.Time
	Version       int
}

// FundUseInput is an entry as typed.
type FundUseInput struct {
	ClassID     string // "" or "0": for the year
	Category    string
	Amount      string // yuan
	SpentOn     string
	Description string
	VoucherNo   string
}

// FundUsePlan is a validated entry.
type FundUsePlan struct {
	ClassID     int64
	Category    FundCategory
	Amount      int64
	SpentOn     time.Time
	Year        int
	Description string
	VoucherNo   string
}

// ParseFundUse validates the form: one of the seven categories (第十三条),
// an amount, a date not in the future, what was bought, a voucher.
func ParseFundUse(in FundUseInput, today time.Time) (FundUsePlan, Refusals) {
	var rs Refusals
	var f FundUsePlan
	if s := strings.TrimSpace(in.ClassID); s != "" && s != "0" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			rs.Add("class_id", RuleFundClass)
		}
		f.ClassID = id
	}
	f.Category = FundCategory(strings.TrimSpace(in.Category))
	if !f.Category.Valid() {
		rs.Add("category", RuleFundCategory)
	}
	if fen, ok := parseYuanUpTo(in.Amount, MaxFundUseYuan); ok && fen > 0 {
		f.Amount = fen
	} else {
		rs.Add("amount", RuleFundAmount)
	}
	d, ok := ParseDay(in.SpentOn)
	if !ok || d.After(today) || d.Year() < MinFundUseYear {
		rs.Add("spent_on", RuleFundSpentOn)
	} else {
		f.SpentOn, f.Year = d, d.Year()
	}
	f.Description = strings.TrimSpace(in.Description)
	if f.Description == "" || len([]rune(f.Description)) > MaxNoteLen {
		rs.Add("description", RuleFundDescription)
	}
	f.VoucherNo = strings.TrimSpace(in.VoucherNo)
	if f.VoucherNo == "" || len([]rune(f.VoucherNo)) > MaxNoLen {
		rs.Add("voucher_no", RuleFundVoucher)
	}
	return f, rs
}

// FundClass is a class an entry may be charged to, as the rule sees it.
type FundClass struct {
	ID     int64
	Status ClassStatus
	Start  *time.Time
}

// Chargeable reports whether spending may be charged to the class: an
// approved filing that was not cancelled (drafts, submitted or returned
// filings never ran).
func (c FundClass) Chargeable() bool {
	switch c.Status {
	case ClassApproved, ClassTraining, ClassFinished, ClassAssessmentApplied, ClassAssessed, ClassArchived:
		return true
	}
	return false
}

// FundUseFacts is what the repository loads to decide an entry.
type FundUseFacts struct {
	Today time.Time
	Class *FundClass // the institution's class named by the entry; nil when none was named or it is not the institution's
}

// DecideRecordFundUse says whether actor may record the entry: an
// institution's staff, one of the seven categories, and, when charged to a
// class, one of its own approved classes, not before the class's year.
func DecideRecordFundUse(a Actor, in FundUseInput, f FundUseFacts) (FundUsePlan, Refusals) {
	plan, rs := ParseFundUse(in, f.Today)
	if !a.IsInstitution() {
		rs.General(RuleFundClass)
		return plan, rs
	}
	if plan.ClassID != 0 {
		switch {
		case f.Class == nil || f.Class.ID != plan.ClassID || !f.Class.Chargeable():
			rs.Add("class_id", RuleFundClass)
		case f.Class.Start != nil && plan.Year != 0 && plan.Year < f.Class.Start.Year():
			rs.Add("spent_on", RuleFundClassStart, f.Class.Start.Year())
		}
	}
	return plan, rs
}

// DecideVoidFundUse says whether an entry may be voided: a recorded entry,
// with a reason.
func DecideVoidFundUse(e FundUseEntry, reason string) Refusals {
	var rs Refusals
	if e.Status != FundUseRecorded {
		rs.General(RuleFundVoidStep)
		return rs
	}
	if strings.TrimSpace(reason) == "" {
		rs.Add("reason", RuleFundVoidReason)
	} else if len([]rune(strings.TrimSpace(reason))) > MaxReasonLen {
		rs.Add("reason", RuleFundVoidReason)
	}
	return rs
}

// CanRecordFundUse reports whether actor reports spending (an
// institution's staff).
func CanRecordFundUse(a Actor) bool { return a.IsInstitution() }

// CanVoidFundUse reports whether actor may void the entry (its
// institution, while it is recorded).
func CanVoidFundUse(a Actor, e FundUseEntry) bool {
	return a.IsInstitution() && a.InstitutionID == e.InstitutionID && e.Status == FundUseRecorded
}

// FundUseYear is an institution's year as its page shows it: the
// entries, the balance, and the classes it may charge spending to.
type FundUseYear struct {
	InstitutionID   int64
	InstitutionName string
	Year            int
	Today           time.Time
	Entries         []FundUseEntry
	Balance         FundBalance
	Classes         []ClassRef // chargeable classes started in the year or the year before
}

// FundBalance is one institution's year: what it received and what it
// reported spending, by category.
type FundBalance struct {
	InstitutionID   int64
	InstitutionName string
	Year            int
	SubsidiesPaid   int64    // subsidy lines paid to the institution in the year, fen
	FeesCollected   int64    // fees its trainees paid in the year, fen
	ByCategory      [7]int64 // spending per FundCategories, fen
}

// Received is subsidies paid plus fees collected.
func (b FundBalance) Received() int64 { return b.SubsidiesPaid + b.FeesCollected }

// Spent is the spending over the seven categories.
func (b FundBalance) Spent() int64 {
	var n int64
	for _, x := range b.ByCategory {
		n += x
	}
	return n
}

// Balance is received minus spent (negative: spending above receipts).
func (b FundBalance) Balance() int64 { return b.Received() - b.Spent() }

// Overspent says, when spending is above what the institution received,
// why the bureau's page flags the row ("" otherwise). Spending above the
// receipts is not forbidden (an institution may add its own money), but
// the bureau looks at it when comparing (第十三条).
func (b FundBalance) Overspent() string {
	if b.Balance() >= 0 {
		return ""
	}
	return RuleFundOverspent.Msg(b.Year, YuanText(b.Spent()), YuanText(b.Received()), YuanText(-b.Balance()))
}

// Add adds an amount to the category's column (unknown categories are
// impossible: the CHECK holds them out).
func (b *FundBalance) Add(c FundCategory, fen int64) {
	if i := c.Index(); i >= 0 {
		b.ByCategory[i] += fen
	}
}

// FundUseAuditLabels are the audit actions of fund use.
var fundUseAuditLabels = map[string]string{
	"fund_use.record": "填报经费支出",
	"fund_use.void":   "作废经费支出记录",
	"fund_use.export": "导出经费使用报表",
}

func init() {
	for k, v := range fundUseAuditLabels {
		auditLabels[k] = v
	}
}
