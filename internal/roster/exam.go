package roster

import (
	"time"

	"tianmu/internal/training"
)

// ResultTable is a session's result sheet; blank makes it the score sheet
// the centre fills in and imports (the same first columns: 考号, 姓名,
// 应知, 应会 — a part a retake does not sit is marked and must stay blank).
func ResultTable(x training.ExamSession, blank bool) Table {
	t := Table{Sheet: "成绩表", Width: []float64{20, 12, 12, 12, 22, 14, 10, 16}}
	t.Header = []string{"考号", "姓名", "应知", "应会", "身份证号码", "科目", "结果", "证书编号"}
	for _, e := range x.Entries {
		th, pr := e.TheoryText(), e.PracticalText()
		if blank {
			th, pr = scoreInput(e.Parts.Theory, e.Theory), scoreInput(e.Parts.Practical, e.Practical)
		}
		outcome, cert := e.Outcome.Label(), e.CertificateNo
		if blank {
			outcome, cert = "", ""
		}
		t.Rows = append(t.Rows, []string{e.CandidateNo, e.Name, th, pr, training.MaskID(e.IDNumber), e.Parts.Label(), outcome, cert})
	}
	t.Notes = [][2]string{
		{"成绩表", x.No + " " + x.OccupationName + " " + x.Level.Label() + "，考试日期 " + x.ExamDate.Format("2006-01-02") + "，" + x.Venue},
		{"填写", "应知、应会各填0至100的整数，缺考填“缺考”；补考时已合格的科目留空（成绩保留）。第一行表头请勿修改，考号、姓名须与准考名单一致。"},
		{"导入", "整份文件按录入页面的同样规则检查：任何一行有误，全部成绩均不保存，并列出有误的行；未核对身份的考生不能录入分数（第十条）。"},
	}
	return t
}

func scoreInput(required bool, p training.PartScore) string {
	if !required {
		return ""
	}
	if p.Absent {
		return training.AbsentText
	}
	if p.Score != nil {
		return p.Text()
	}
	return ""
}

// ExamAffairsTable is an application's candidates in the field layout of
// Zhejiang's online exam-affairs system.
func ExamAffairsTable(ap training.Application, list []training.ExamAffairsCandidate, at time.Time) Table {
	return Table{Sheet: "考生报名数据", Header: training.ExamAffairsColumns, Rows: training.ExamAffairsRows(ap, list),
		Width: []float64{6, 10, 12, 22, 6, 12, 8, 10, 14, 14, 14, 14, 16, 40, 30, 24, 20, 10, 16, 12, 12, 28, 24, 8, 12},
		Notes: training.ExamAffairsNotes(ap, at)}
}

// ScheduleTemplate is the class schedule spreadsheet to fill in, with two
// example rows.
func ScheduleTemplate() Table {
	return Table{Sheet: "课程安排", Header: training.ScheduleColumns, Width: []float64{14, 12, 12, 14, 8, 14},
		Rows: [][]string{{"2026-03-16", "08:30", "11:30", "理论课", "3", "（教师姓名）"}, {"2026-03-17", "13:30", "17:30", "操作技能课", "4", "（教师姓名）"}},
		Notes: [][2]string{
			{"课程表导入说明", "在“课程安排”工作表第2行起每行填写一次课，第1行表头请勿修改；示例行请改写或删除。也可另存为CSV（UTF-8或GB18030编码）上传。"},
			{"日期", "例如 2026-03-16，须在开班日期与结业日期之间"},
			{"开始、结束时间", "例如 08:30、11:30"},
			{"类型", "理论课 或 操作技能课"},
			{"学时", "正整数，每学时不少于40分钟"},
			{"授课教师", "本机构师资名单中的教师姓名（第五条：须已审核入库）；该教师会按课程类型加入本班上课师资"},
			{"检查", "整个文件先全部检查，逐行列出问题；有任何问题则不导入。导入后保存为草稿，提交时再做全部检查。"},
		}}
}
