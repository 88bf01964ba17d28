package training

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// AgreementTemplate is one version of the bureau's training agreement
// template (职业培训协议书, 第十六条). The newest version is printed.
type AgreementTemplate struct {
	No        int
	Body      string
	Note      string
	CreatedBy string
	CreatedAt time.Time
}

// AgreementPlaceholders are the fields a template may use, in the order the
// template page lists them.
var AgreementPlaceholders = []string{"协议编号", "签订日期", "机构名称", "机构地址", "学员姓名", "性别", "身份证号码", "联系电话",
	"工种", "等级", "培训班编号", "培训日期", "培训地点", "计划学时", "培训内容", "是否缴费"}

// requiredPlaceholders must appear: an agreement that does not name the
// trainee and the number is not the trainee's agreement.
var requiredPlaceholders = []string{"协议编号", "学员姓名", "身份证号码"}

var placeholderRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// CheckAgreementTemplate checks a template before it is saved: not empty,
// not too long, only known placeholders, and the required ones present.
func CheckAgreementTemplate(body string) error {
	var p Problems
	switch n := utf8.RuneCountInString(strings.TrimSpace(body)); {
	case n == 0:
		p.Add("body", "请填写协议文本")
	case n > 10000:
		p.Add("body", "协议文本过长（最多10000字）")
	}
	known := map[string]bool{}
	for _, k := range AgreementPlaceholders {
		known[k] = true
	}
	used := map[string]bool{}
	var unknown []string
	for _, m := range placeholderRe.FindAllStringSubmatch(body, -1) {
		if !known[m[1]] {
			unknown = append(unknown, "{{"+m[1]+"}}")
		}
		used[m[1]] = true
	}
	if len(unknown) > 0 {
		p.Add("body", "协议文本中有无法填写的占位符："+strings.Join(unknown, "、"))
	} else if strings.TrimSpace(body) != "" {
		var missing []string
		for _, k := range requiredPlaceholders {
			if !used[k] {
				missing = append(missing, "{{"+k+"}}")
			}
		}
		if len(missing) > 0 {
			p.Add("body", RuleAgreementBody.Msg(strings.Join(missing, "、")))
		}
	}
	return p.Err()
}

// FillAgreement replaces each {{placeholder}} with its value; a value not
// given (an agreement not yet recorded) prints as a blank to fill by hand.
func FillAgreement(body string, vals map[string]string) string {
	return placeholderRe.ReplaceAllStringFunc(body, func(m string) string {
		k := placeholderRe.FindStringSubmatch(m)[1]
		if v := vals[k]; v != "" {
			return v
		}
		return "＿＿＿＿＿＿"
	})
}

// FeeLabel is the printed answer to 是否缴费.
func FeeLabel(pays *bool) string {
	switch {
	case pays == nil:
		return ""
	case *pays:
		return "是（自费）"
	default:
		return "否（不缴费）"
	}
}

// AgreementInput is one enrolment's agreement as typed on the class page.
type AgreementInput struct {
	No   string
	Date string
	Fee  string // "yes", "no" or ""
}

// Blank reports whether nothing was typed.
func (in AgreementInput) Blank() bool {
	return strings.TrimSpace(in.No) == "" && strings.TrimSpace(in.Date) == "" && in.Fee == ""
}

// Agreement is a signed training agreement (DELIV-1).
type Agreement struct {
	No      string
	Date    time.Time
	PaysFee bool
}

// AgreementRow is an enrolled trainee's agreement as stored.
type AgreementRow struct {
	EnrolmentID int64
	No          string
	Date        *time.Time
	PaysFee     *bool
}

// AgreementSet is one row a save writes.
type AgreementSet struct {
	EnrolmentID int64
	Agreement
}

// AgreementPlan is what a save of the agreements page changes: the rows to
// write and the rows to clear, and which row asked for each number (for
// AgreementNumbersTaken).
type AgreementPlan struct {
	Set     []AgreementSet
	Clear   []int64
	FirstNo map[string]int64
}

// PlanAgreements decides a save of a class's agreements page (DELIV-1):
// each posted row is parsed (ParseAgreement); a blank row clears a
// recorded agreement unless attendance has started (then it is kept,
// RuleAgreementKeptAfterAtt); a number may appear once on the page
// (RuleAgreementNoTwice); an unchanged row is not written. Problems are
// keyed by AgreementField.
func PlanAgreements(rows []AgreementRow, posted map[int64]AgreementInput, attendanceStarted bool, classStart, today time.Time, p *Problems) AgreementPlan {
	plan := AgreementPlan{FirstNo: map[string]int64{}}
	for _, e := range rows {
		in, ok := posted[e.EnrolmentID]
		if !ok {
			continue
		}
		if in.Blank() {
			if e.Date != nil {
				if !CanClearAgreement(attendanceStarted) {
					p.Add(AgreementField("agreement_no", e.EnrolmentID), RuleAgreementKeptAfterAtt.Msg())
					continue
				}
				plan.Clear = append(plan.Clear, e.EnrolmentID)
			}
			continue
		}
		ag := ParseAgreement(e.EnrolmentID, in, classStart, today, p)
		if ag.No != "" {
			if other, dup := plan.FirstNo[ag.No]; dup && other != e.EnrolmentID {
				p.Add(AgreementField("agreement_no", e.EnrolmentID), RuleAgreementNoTwice.Msg())
			}
			plan.FirstNo[ag.No] = e.EnrolmentID
		}
		if e.Date != nil && e.No == ag.No && e.Date.Equal(ag.Date) && e.PaysFee != nil && *e.PaysFee == ag.PaysFee {
			continue // unchanged
		}
		plan.Set = append(plan.Set, AgreementSet{EnrolmentID: e.EnrolmentID, Agreement: ag})
	}
	return plan
}

// AgreementNumbersTaken refuses each number of the plan another
// enrolment already holds (numbers are unique across every class,
// RuleAgreementNoTaken), beside the row that asked for it.
func AgreementNumbersTaken(plan AgreementPlan, taken []string, p *Problems) {
	for _, no := range taken {
		if id, ok := plan.FirstNo[no]; ok {
			p.Add(AgreementField("agreement_no", id), RuleAgreementNoTaken.Msg(no))
		}
	}
}

// AgreementField is the form field of an enrolment's agreement value.
func AgreementField(name string, enrolmentID int64) string {
	return fmt.Sprintf("%s.%d", name, enrolmentID)
}

// ParseAgreement checks one row: the agreement is recorded whole (number,
// signing date and the fee answer), the number is short and printable, and
// it was signed no later than today and before training started (DELIV-1).
// Messages are keyed by AgreementField.
func ParseAgreement(id int64, in AgreementInput, classStart, today time.Time, p *Problems) Agreement {
	var a Agreement
	a.No = strings.TrimSpace(in.No)
	date := strings.TrimSpace(in.Date)
	if a.No == "" || date == "" || (in.Fee != "yes" && in.Fee != "no") {
		msg := RuleAgreementComplete.Msg()
		switch {
		case a.No == "":
			p.Add(AgreementField("agreement_no", id), msg)
		case date == "":
			p.Add(AgreementField("agreement_date", id), msg)
		default:
			p.Add(AgreementField("pays_fee", id), msg)
		}
	}
	if a.No != "" {
		if utf8.RuneCountInString(a.No) > 40 {
			p.Add(AgreementField("agreement_no", id), "协议编号过长（最多40字）")
		} else if strings.IndexFunc(a.No, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
			p.Add(AgreementField("agreement_no", id), "协议编号不能含空格")
		}
	}
	if date != "" {
		d, err := time.Parse("2006-01-02", date)
		switch {
		case err != nil:
			p.Add(AgreementField("agreement_date", id), "日期格式应为 2026-03-16")
		case !classStart.IsZero() && d.After(classStart):
			p.Add(AgreementField("agreement_date", id), RuleAgreementBeforeStart.Msg(classStart.Format("2006-01-02")))
		case d.After(today):
			p.Add(AgreementField("agreement_date", id), "签订日期不能晚于今天")
		}
		a.Date = d
	}
	a.PaysFee = in.Fee == "yes"
	return a
}

// AgreementsClosedReason says why agreements of a class in this status
// cannot be recorded, or "" while they can.
func AgreementsClosedReason(s ClassStatus) string {
	switch s {
	case ClassDraft, ClassReturned, ClassSubmitted, ClassApproved:
		return ""
	case ClassCancelled:
		return RuleAgreementCancelled.Msg()
	}
	return RuleAgreementFinished.Msg()
}
