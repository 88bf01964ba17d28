package training

import (
	"strconv"
	"strings"
	"time"
)

// Employment follow-up (SUP-3): the institution records each trainee's
// employment 3 and 6 months after the class ends (employed or not,
// employer, start date, self-employed), one by one or from a spreadsheet
// with the same checks; the bureau spot-checks records by phone and sees
// the employment rate per class, institution and year with the missing
// records counted.

// FollowUpMonths are the follow-up points.
var FollowUpMonths = []int{3, 6}

// MaxEmployer is the employer's length limit (the schema's CHECK).
const MaxEmployer = 100

// CheckResult is the result of the bureau's phone check.
type CheckResult string

// Spot-check results.
const (
	CheckConfirmed   CheckResult = "confirmed"
	CheckDiffers     CheckResult = "differs"
	CheckUnreachable CheckResult = "unreachable"
)

// CheckResults lists the results in display order.
var CheckResults = []CheckResult{CheckConfirmed, CheckDiffers, CheckUnreachable}

// Label is the Chinese name.
func (c CheckResult) Label() string {
	switch c {
	case CheckConfirmed:
		return "核实一致"
	case CheckDiffers:
		return "与登记不符"
	case CheckUnreachable:
		return "无法联系"
	}
	return string(c)
}

// Valid reports whether c is a known result.
func (c CheckResult) Valid() bool {
	for _, x := range CheckResults {
		if c == x {
			return true
		}
	}
	return false
}

// Rules of the employment follow-up.
var (
	RuleEmploymentMonths    = NewRule("SUP-3", "第十五条", "回访期只能是结业后3个月或6个月")
	RuleEmploymentNotDue    = NewRule("SUP-3", "第十五条", "结业后%d个月（%s）起方可登记该回访期的就业情况")
	RuleEmploymentNotOver   = NewRule("SUP-3", "第十五条", "培训班结业后方可登记就业情况（当前状态「%s」）")
	RuleEmploymentEmployed  = NewRule("SUP-3", "", "请选择是否就业")
	RuleEmploymentEmployer  = NewRule("SUP-3", "第十五条", "已就业（非自主创业）须填写就业单位（最多100字）")
	RuleEmploymentStart     = NewRule("SUP-3", "第十五条", "已就业须填写入职（创业）日期（如 2026-03-16），不能晚于今天")
	RuleEmploymentNotEmp    = NewRule("SUP-3", "", "未就业的不填写就业单位和入职日期")
	RuleEmploymentTrainee   = NewRule("SUP-3", "", "身份证号码%s不在本班学员名单中")
	RuleEmploymentWithdrawn = NewRule("SUP-3", "", "%s已退学，不登记就业情况")
	RuleEmploymentDup       = NewRule("SUP-3", "", "身份证号码%s在文件中重复出现")
	RuleEmploymentExists    = NewRule("SUP-3", "", "%s结业后%d个月的就业情况已登记")
	RuleEmploymentChoose    = NewRule("SUP-3", "", "请选择学员")
	RuleCheckResult         = NewRule("SUP-3", "第十五条", "请选择抽查结果")
	RuleCheckNote           = NewRule("SUP-3", "", "抽查说明最多500字；与登记不符时须写明情况")
)

// EmploymentInput is one record as typed, or one row of an import file
// (Line > 0, the trainee by ID number).
type EmploymentInput struct {
	Line         int
	EnrolmentID  int64
	IDNumber     string
	Employed     string // "1"/"0", or 是/否 in a file
	SelfEmployed string
	Employer     string
	StartDate    string
}

// EmploymentRecord is a validated (or stored) record.
type EmploymentRecord struct {
	ID           int64
	EnrolmentID  int64
	Name         string
	Months       int
	Employed     bool
	SelfEmployed bool
	Employer     string
	StartDate    *time.Time
	RecordedBy   string
	RecordedAt   time.Time
	CheckResult  CheckResult
	CheckNote    string
	CheckedBy    string
}

// yes reads a yes/no cell or field.
func yes(s string) (bool, bool) {
	switch strings.TrimSpace(s) {
	case "1", "是", "true", "on", "yes", "Y", "y":
		return true, true
	case "0", "否", "false", "no", "N", "n":
		return false, true
	}
	return false, false
}

// ParseEmploymentRecord validates one record against today.
func ParseEmploymentRecord(in EmploymentInput, today time.Time) (EmploymentRecord, []Refusal) {
	var rs Refusals
	r := EmploymentRecord{EnrolmentID: in.EnrolmentID}
	emp, ok := yes(in.Employed)
	if !ok {
		rs.Add("employed", RuleEmploymentEmployed)
	}
	r.Employed = emp
	self, _ := yes(in.SelfEmployed)
	employer := strings.TrimSpace(in.Employer)
	date := strings.TrimSpace(in.StartDate)
	if !ok {
		return r, rs
	}
	if !emp {
		if self || employer != "" || date != "" {
			rs.Add("employer", RuleEmploymentNotEmp)
		}
		return r, rs
	}
	r.SelfEmployed = self
	if !CleanText(employer) || len([]rune(employer)) > MaxEmployer || (!self && employer == "") {
		rs.Add("employer", RuleEmploymentEmployer)
	} else {
		r.Employer = employer
	}
	if d, err := time.Parse("2006-01-02", date); err == nil && !d.After(today) {
		r.StartDate = &d
	} else {
		rs.Add("start_date", RuleEmploymentStart)
	}
	return r, rs
}

// FollowUpDate is the first day a follow-up at months may be recorded:
// that many months after the class's end date.
func FollowUpDate(end time.Time, months int) time.Time { return end.AddDate(0, months, 0) }

// EmploymentFacts is what the repository loads to decide a record.
type EmploymentFacts struct {
	ClassStatus ClassStatus
	ClassEnd    time.Time
	Today       time.Time
	Months      int
}

// EmploymentRowFacts are what one employment record finds of its trainee:
// a row of an import (by ID number) or the form's one record (by the
// trainee chosen).
type EmploymentRowFacts struct {
	Imported  bool
	IDNumber  string // as typed in the file
	Found     bool   // on the class's roster
	Name      string
	Seen      bool // an earlier row of the file named the same trainee
	Withdrawn bool
	Recorded  bool // already recorded at this follow-up point
	Months    int
}

// DecideEmploymentRow lists what is wrong with one record's trainee
// (SUP-3): unknown (for the form: none chosen, beside the field), twice
// in one file, withdrawn (no follow-up), or recorded already.
func DecideEmploymentRow(f EmploymentRowFacts) Refusals {
	var rs Refusals
	if !f.Found {
		if f.Imported {
			rs.General(RuleEmploymentTrainee, MaskID(f.IDNumber))
		} else {
			rs.Add("enrolment_id", RuleEmploymentChoose)
		}
		return rs
	}
	if f.Imported && f.Seen {
		rs.General(RuleEmploymentDup, MaskID(f.IDNumber))
	}
	switch {
	case f.Withdrawn:
		rs.General(RuleEmploymentWithdrawn, f.Name)
	case f.Recorded:
		rs.General(RuleEmploymentExists, f.Name, f.Months)
	}
	return rs
}

// DecideEmployment says whether the class's follow-up at Months may be
// recorded now: a known follow-up point, the class over, and that many
// months since its end.
func DecideEmployment(f EmploymentFacts) Refusals {
	var rs Refusals
	switch {
	case f.Months != 3 && f.Months != 6:
		rs.Add("months", RuleEmploymentMonths)
	case !ClassOver(f.ClassStatus):
		rs.General(RuleEmploymentNotOver, f.ClassStatus.Label())
	case f.Today.Before(FollowUpDate(f.ClassEnd, f.Months)):
		rs.General(RuleEmploymentNotDue, f.Months, FollowUpDate(f.ClassEnd, f.Months).Format("2006-01-02"))
	}
	return rs
}

// ParseMonths reads the follow-up point of a form or URL.
func ParseMonths(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && (n == 3 || n == 6)
}

// SpotCheckInput is the bureau's phone check as typed.
type SpotCheckInput struct {
	Result string
	Note   string
}

// DecideSpotCheck validates a phone check: bureau only, a known result, a
// note (required when the record differs).
func DecideSpotCheck(a Actor, in SpotCheckInput) Refusals {
	var rs Refusals
	if !CheckResult(in.Result).Valid() {
		rs.Add("result", RuleCheckResult)
	}
	note := strings.TrimSpace(in.Note)
	if !CleanText(note) || len([]rune(note)) > MaxReasonLen || (CheckResult(in.Result) == CheckDiffers && note == "") {
		rs.Add("note", RuleCheckNote)
	}
	return rs
}

// EmploymentStats are the figures of a group (class, institution, year) at
// one follow-up point.
type EmploymentStats struct {
	Key      string
	KeyID    int64
	Months   int
	Enrolled int // enrolments due a record (not withdrawn, class over, point reached)
	Recorded int
	Employed int
	Checked  int
	Differs  int
}

// Missing is how many due records are not there.
func (s EmploymentStats) Missing() int {
	if s.Enrolled > s.Recorded {
		return s.Enrolled - s.Recorded
	}
	return 0
}

// RatePercent is the employment rate: employed ÷ recorded, whole percent
// (the missing ones are shown beside it, not counted as unemployed).
func (s EmploymentStats) RatePercent() int { return Percent(s.Employed, s.Recorded) }

// EmploymentRow is one trainee on the institution's follow-up page.
type EmploymentRow struct {
	EnrolmentID int64
	Name        string
	IDNumber    string // masked for display
	Withdrawn   bool
	Record      *EmploymentRecord
}

// EmploymentImportRow is one row of an import's whole-file report.
type EmploymentImportRow struct {
	Line     int
	IDNumber string
	Name     string
	Problems []string
}

// EmploymentImportColumns are the header of an employment import file.
var EmploymentImportColumns = []string{"身份证号码", "姓名", "是否就业", "是否自主创业", "就业单位", "入职（创业）日期"}

// RuleEmploymentImportHeader refuses a file whose header is not the
// template's.
var RuleEmploymentImportHeader = NewRule("SUP-3", "", "文件表头应为：%s")

// CheckEmploymentImportHeader checks the header row.
func CheckEmploymentImportHeader(cells []string) Refusals {
	var rs Refusals
	for i, want := range EmploymentImportColumns {
		if i >= len(cells) || strings.TrimSpace(strings.TrimPrefix(cells[i], "\ufeff")) != want {
			rs.Add("file", RuleEmploymentImportHeader, strings.Join(EmploymentImportColumns, "、"))
			break
		}
	}
	return rs
}

// ParseEmploymentImportRow reads one data row (line is its 1-based line);
// false for a blank row.
func ParseEmploymentImportRow(line int, cells []string) (EmploymentInput, bool) {
	get := func(i int) string {
		if i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	in := EmploymentInput{Line: line, IDNumber: NormalizeIDNumber(get(0)), Employed: get(2), SelfEmployed: get(3), Employer: get(4), StartDate: get(5)}
	return in, in.IDNumber != "" || in.Employed != "" || in.Employer != "" || in.StartDate != ""
}
