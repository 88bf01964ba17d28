package web

import (
	"net/url"
	"strconv"

	"tianmu/internal/training"
)

// EvalExportHeader is the header of the ranking's .xlsx export: the
// columns of the ranking table with the inputs behind each rate.
var EvalExportHeader = []string{"名次", "机构", "得分", "等级", "合格率", "合格/结业", "就业率", "就业/回访", "满意度", "测评份数",
	"成立投诉", "检查问题", "逾期整改", "课时不足班数", "追缴补贴（元）", "扣分", "建议", "处理结果", "说明"}

// EvalExportRow is one institution's line of the export.
func EvalExportRow(r training.EvalRow) []string {
	i := strconv.Itoa
	rank := ""
	if r.Rank > 0 {
		rank = i(r.Rank)
	}
	in := r.Inputs
	return []string{rank, r.InstitutionName, ScoreText(r.Score), r.Grade.Label(),
		RateText(in.PassRate()), i(in.Passed) + "/" + i(in.Enrolled),
		RateText(in.EmploymentRate()), i(in.Employed) + "/" + i(in.Followed),
		RateText(in.Satisfaction()), i(in.Surveys),
		i(in.Upheld), i(in.Findings), i(in.Overdue), i(in.Shortfalls), strconv.FormatFloat(float64(in.RecoveredFen)/100, 'f', 2, 64),
		training.Points(r.Deductions), r.Suggestion.Label(), r.Outcome.Label(), r.OutcomeNote}
}

// RankingExportURL is the export of a year's ranking in the table's order.
func RankingExportURL(year int, l List) string {
	q := url.Values{}
	if l.Sort != "" {
		q.Set("sort", l.Sort)
	}
	if l.Desc {
		q.Set("desc", "1")
	}
	u := "/evaluations/" + strconv.Itoa(year) + "/ranking.xlsx"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
