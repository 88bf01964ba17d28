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
