package training

import (
	"strings"
	"time"
)

// The centre types an application's candidates once more into Zhejiang's
// online exam-affairs system (浙江省职业技能鉴定考务管理系统) unless the
// portal hands them over in that system's field layout (the 2015 candidate
// data specification). ExamAffairsColumns is that layout; the portal fills
// what it holds and leaves empty what it does not collect (民族, 文化程度,
// 通讯地址, 从事本职业年限: see the README).

// ExamAffairsColumns is the header row of the export.
var ExamAffairsColumns = []string{
	"序号", "姓名", "证件类型", "证件号码", "性别", "出生日期", "民族", "文化程度", "手机号码",
	"申报职业（工种）代码", "申报职业（工种）", "申报级别", "证书类别", "申报条件", "考生来源", "工作单位", "通讯地址",
	"从事本职业（工种）年限", "原证书编号", "理论知识考试", "操作技能考核", "培训机构", "培训起止日期", "出勤率", "备注",
}

// ExamAffairsCandidate is one candidate of an application with what the
// export needs.
type ExamAffairsCandidate struct {
	Trainee         Trainee
	AttendanceRate  *float64
	PreviousCertNo  string // the person's latest earlier certificate, if the portal issued one
	FirstAttempt    *Attempt
	RetakeScheduled bool
}

// ExamAffairsPart is 新考, 补考 or 免考 for one part: a candidate who failed
// a published first attempt retakes the failed part (补考) and is exempt
// from the passed one (免考, EXAM-5); everyone else sits it new.
func ExamAffairsPart(first *Attempt, theory bool) string {
	if first == nil || !first.Published || first.Outcome != OutcomeFail {
		return "新考"
	}
	passed := first.PracticalPassed
	if theory {
		passed = first.TheoryPassed
	}
	if passed {
		return "免考"
	}
	return "补考"
}

// ExamAffairsRows is the export's data rows for application ap.
func ExamAffairsRows(ap Application, list []ExamAffairsCandidate) [][]string {
	rows := make([][]string, 0, len(list))
	dates := ap.ClassStart.Format("2006-01-02") + "至" + ap.ClassEnd.Format("2006-01-02")
	cond := "经本职业（工种）正规培训达规定标准学时数（" + ap.ClassNo + "，" + dates + "）"
	for i, c := range list {
		t := c.Trainee
		sex := "女"
		if t.Male {
			sex = "男"
		}
		rate := ""
		if c.AttendanceRate != nil {
			rate = Candidate{AttendanceRate: c.AttendanceRate}.RateText()
		}
		note := ""
		if c.RetakeScheduled {
			note = "已安排补考"
		}
		rows = append(rows, []string{
			itoa(i + 1), t.Name, "居民身份证", t.IDNumber, sex, dateOrEmpty(t.BirthDate), "", "", t.Phone,
			ap.OccupationCode, ap.OccupationName, levelOrEmpty(ap.Level), ap.CertKind.Label(), cond,
			"培训机构组织（" + ap.InstitutionName + "）", t.Employer, "", "", c.PreviousCertNo,
			ExamAffairsPart(c.FirstAttempt, true), ExamAffairsPart(c.FirstAttempt, false), ap.InstitutionName, dates, rate, note,
		})
	}
	return rows
}

// ExamAffairsNotes explain the export on its 说明 sheet.
func ExamAffairsNotes(ap Application, at time.Time) [][2]string {
	return [][2]string{
		{"考务系统报名数据", "鉴定申报 " + ap.ClassNo + "（" + ap.InstitutionName + "）的考生，按浙江省职业技能鉴定考务管理系统考生数据规范（2015）的字段排列，可整列复制到考务系统。"},
		{"未采集字段", strings.Join([]string{"民族", "文化程度", "通讯地址", "从事本职业（工种）年限"}, "、") + "：本平台不采集，导出为空，请在考务系统中补录。"},
		{"理论/技能", "新考：首次参加；补考：首次考核该科目不合格；免考：首次考核该科目合格，成绩保留（第十条，同一培训年度内补考一次）。"},
		{"原证书编号", "本平台此前为该考生颁发的最近一本证书；在其他地方取得的证书请在考务系统中补录。"},
		{"个人信息", "本表含完整身份证号码和手机号码，导出已记入操作日志，请妥善保管。"},
		{"导出时间", at.In(shanghai).Format("2006-01-02 15:04")},
	}
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func levelOrEmpty(l Level) string {
	if !l.Valid() {
		return ""
	}
	return l.Label()
}
