package training

import (
	"strconv"
	"time"
)

// LedgerPart is one part of a ledger as a table: the page prints it, the
// workbook writes it as a sheet, so both show the same thing. Personal
// data in it is already masked (ID numbers and phones: the ledger is a
// supervision record; the full roster is the bureau's audited export).
type LedgerPart struct {
	Key    string // for data-testid and anchors
	Title  string // the sheet's name too (at most 31 characters)
	Header []string
	Rows   [][]string
	Widths []float64
}

func ledgerDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func ledgerDatePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ledgerDate(*t)
}

func ledgerTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(deadlineZone).Format("2006-01-02 15:04")
}

func ledgerTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ledgerTime(*t)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func scoreText(v *int, absent bool) string {
	switch {
	case absent:
		return "缺考"
	case v == nil:
		return ""
	}
	return strconv.Itoa(*v)
}

func sexLabel(s string) string {
	switch s {
	case "M":
		return "男"
	case "F":
		return "女"
	}
	return s
}

func kindLabel(k string) string {
	switch k {
	case "theory":
		return "理论"
	case "practical":
		return "实操"
	}
	return k
}

// OutcomeLabel is the Chinese name of an exam outcome.
func OutcomeLabel(o string, published bool) string {
	switch {
	case !published:
		return "未公布"
	case o == "pass":
		return "合格"
	case o == "fail":
		return "不合格"
	}
	return "未评定"
}

// Parts lists the ledger's parts in the order of 第十四条's file: the
// filing, its versions, the roster, the agreements, attendance and hours,
// results and certificates, fees and subsidies, and the history.
func (l Ledger) Parts() []LedgerPart {
	c := l.Class
	planned, delivered := l.DeliveredHours()
	held := 0
	for _, s := range l.Sessions {
		if s.Held {
			held++
		}
	}
	level := ""
	if c.Level.Valid() {
		level = c.Level.Label()
	}
	cert := ""
	if c.CertKind != "" {
		cert = CertKind(c.CertKind).Label()
	}
	filing := LedgerPart{Key: "filing", Title: "备案信息", Header: []string{"项目", "内容"}, Widths: []float64{18, 70}, Rows: [][]string{
		{"培训班编号", c.ClassNo}, {"培训机构", c.InstitutionName}, {"工种", c.OccupationCode + " " + c.OccupationName},
		{"等级", level}, {"培训类型", c.Type.Label()}, {"状态", ClassStatus(c.Status).Label()},
		{"培训日期", ledgerDate(c.Start) + " 至 " + ledgerDate(c.End)}, {"培训地点", c.Venue}, {"培训内容", c.Content},
		{"计划人数", strconv.Itoa(c.PlannedSize)}, {"在册人数", strconv.Itoa(l.Enrolled())},
		{"计划学时", strconv.Itoa(c.PlannedHours()) + "（理论 " + strconv.Itoa(c.TheoryHours) + "，实操 " + strconv.Itoa(c.PracticalHours) + "）"},
		{"已授课时", strconv.Itoa(delivered) + " / " + strconv.Itoa(planned) + "（已登记 " + strconv.Itoa(held) + " / " + strconv.Itoa(len(l.Sessions)) + " 次课）"},
		{"备案日期", ledgerDatePtr(c.ApprovedOn)}, {"审核人", c.ApprovedBy}, {"生效版本", strconv.Itoa(c.PlanNo)},
		{"鉴定证书类别", cert}, {"台账生成时间", ledgerTime(l.BuiltAt)},
	}}
	versions := LedgerPart{Key: "versions", Title: "备案版本", Widths: []float64{8, 18, 18, 12, 12, 10, 10, 10, 18, 30},
		Header: []string{"版本", "类别", "时间", "开班日期", "结业日期", "课次", "学时", "人数", "经办人", "说明"}}
	for _, v := range l.Versions {
		versions.Rows = append(versions.Rows, []string{strconv.Itoa(v.No), VersionKindLabel(v.Kind), ledgerTime(v.At), v.Start, v.End,
			strconv.Itoa(v.Sessions), strconv.Itoa(v.Hours), strconv.Itoa(v.Size), v.ActorName, v.Note})
	}
	roster := LedgerPart{Key: "roster", Title: "学员名单", Widths: []float64{6, 12, 22, 6, 16, 16, 10, 24},
		Header: []string{"序号", "姓名", "身份证号码", "性别", "手机号码", "人员类别", "状态", "退学原因"}}
	agreements := LedgerPart{Key: "agreements", Title: "培训协议", Widths: []float64{6, 12, 22, 22, 14, 10},
		Header: []string{"序号", "姓名", "身份证号码", "协议编号", "签订日期", "是否缴费"}}
	for i, t := range l.Trainees {
		n := strconv.Itoa(i + 1)
		status := "在册"
		if t.Withdrawn {
			status = "已退学"
		}
		roster.Rows = append(roster.Rows, []string{n, t.Name, MaskID(t.IDNumber), sexLabel(t.Sex), MaskPhone(t.Phone),
			TargetGroup(t.TargetGroup).Label(), status, t.WithdrawnReason})
		fee := "未登记"
		if t.PaysFee != nil {
			fee = yesNo(*t.PaysFee)
		}
		no := t.AgreementNo
		if no == "" {
			no = "未登记"
		}
		agreements.Rows = append(agreements.Rows, []string{n, t.Name, MaskID(t.IDNumber), no, ledgerDatePtr(t.AgreementDate), fee})
	}
	attendance := LedgerPart{Key: "attendance", Title: "考勤与课时", Widths: []float64{6, 12, 8, 10, 12, 10, 12, 8, 8, 8, 18, 18},
		Header: []string{"课次", "日期", "类别", "计划学时", "计划教师", "实授学时", "授课教师", "出勤", "缺勤", "请假", "登记人", "登记时间"}}
	for _, s := range l.Sessions {
		row := []string{strconv.Itoa(s.Seq), ledgerDatePtr(s.Day), kindLabel(s.Kind), strconv.Itoa(s.PlannedHours), s.Teacher}
		if s.Held {
			teacher := s.DeliveredBy
			if s.TeacherOffPlan {
				teacher += "（非备案教师）"
			}
			row = append(row, strconv.Itoa(s.Delivered), teacher, strconv.Itoa(s.Present), strconv.Itoa(s.Absent), strconv.Itoa(s.Leave),
				s.RecordedBy, ledgerTimePtr(s.RecordedAt))
		} else {
			row = append(row, "未登记", "", "", "", "", "", "")
		}
		attendance.Rows = append(attendance.Rows, row)
	}
	attendance.Rows = append(attendance.Rows, []string{"合计", "", "", strconv.Itoa(planned), "", strconv.Itoa(delivered)})
	rates := LedgerPart{Key: "rates", Title: "学员出勤", Widths: []float64{6, 12, 22, 12, 12, 12},
		Header: []string{"序号", "姓名", "身份证号码", "登记课次", "出勤课次", "出勤学时"}}
	for i, t := range l.Trainees {
		rates.Rows = append(rates.Rows, []string{strconv.Itoa(i + 1), t.Name, MaskID(t.IDNumber), strconv.Itoa(t.SessionsRecorded),
			strconv.Itoa(t.SessionsAttended), strconv.Itoa(t.HoursAttended)})
	}
	results := LedgerPart{Key: "results", Title: "考核与证书", Widths: []float64{12, 22, 16, 12, 8, 18, 8, 8, 10, 22, 12, 8},
		Header: []string{"姓名", "身份证号码", "考试场次", "考试日期", "次别", "准考证号", "理论", "实操", "结果", "证书编号", "发证日期", "证书状态"}}
	for _, r := range l.Results {
		attempt := "首考"
		if r.Attempt == 2 {
			attempt = "补考"
		}
		certState := ""
		if r.CertNo != "" {
			certState = "有效"
			if r.CertRevoked {
				certState = "已注销"
			}
		}
		results.Rows = append(results.Rows, []string{r.Name, MaskID(r.IDNumber), r.SessionNo, ledgerDate(r.ExamDate), attempt, r.CandidateNo,
			scoreText(r.Theory, r.TheoryAbsent), scoreText(r.Practical, r.PracticalAbsnt), OutcomeLabel(r.Outcome, r.Published()),
			r.CertNo, ledgerDatePtr(r.CertIssued), certState})
	}
	money := LedgerPart{Key: "money", Title: "收费与补贴", Widths: []float64{12, 12, 22, 14, 14, 18, 30},
		Header: []string{"类别", "姓名", "身份证号码", "金额", "日期", "状态/票据", "说明"}}
	for _, f := range l.Fees {
		money.Rows = append(money.Rows, []string{"收费申请", "", "", YuanText(f.Amount) + "/人", ledgerTime(f.SubmittedAt),
			f.Status.Label(), f.Covers + joinNote(f.DecidedBy, f.Note)})
	}
	var paid int64
	for _, p := range l.Payments {
		paid += p.Amount
		money.Rows = append(money.Rows, []string{"学员缴费", p.Name, MaskID(p.IDNumber), YuanText(p.Amount), ledgerDate(p.PaidOn), p.ReceiptNo, ""})
	}
	var subsidy int64
	for _, s := range l.Subsidies {
		state := ClaimStatus(s.ClaimStatus).Label()
		switch s.LineStatus {
		case "removed":
			state += "（已剔除）"
		case "released":
			state += "（已撤回）"
		default:
			subsidy += s.Amount - s.Recovered
		}
		note := "申请 " + s.ClaimNo + "，证书 " + s.CertNo + "，比例 " + strconv.Itoa(s.Percent) + "%"
		if s.Recovered > 0 {
			note += "，追缴 " + YuanText(s.Recovered)
		}
		money.Rows = append(money.Rows, []string{"培训补贴", s.Name, MaskID(s.IDNumber), YuanText(s.Amount), "", state, note})
	}
	var spent int64
	for _, u := range l.FundUse {
		spent += u.Amount
		money.Rows = append(money.Rows, []string{"经费使用", "", "", YuanText(u.Amount), ledgerDate(u.SpentOn), u.VoucherNo,
			u.Category.Label() + "：" + u.Description})
	}
	money.Rows = append(money.Rows, []string{"合计", "", "", "缴费 " + YuanText(paid) + "；补贴 " + YuanText(subsidy) + "；使用 " + YuanText(spent)})
	history := LedgerPart{Key: "history", Title: "操作记录", Widths: []float64{18, 22, 30},
		Header: []string{"时间", "操作人", "操作"}}
	for _, e := range l.History {
		history.Rows = append(history.Rows, []string{ledgerTime(e.At), e.Actor, AuditActionLabel(e.Action)})
	}
	return []LedgerPart{filing, versions, roster, agreements, attendance, rates, results, money, history}
}

func joinNote(by, note string) string {
	switch {
	case by == "" && note == "":
		return ""
	case note == "":
		return "（" + by + "）"
	}
	return "（" + by + "：" + note + "）"
}
