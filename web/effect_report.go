package web

import (
	"net/url"
	"strconv"

	"tianmu/internal/training"
)

// The bureau's satisfaction and employment reports (SUP-3): the export's
// columns are the page's, the chart is the page's main figure.

func groupLabel(opts []Option, by string) string {
	for _, o := range opts {
		if o.Value == by {
			return o.Label
		}
	}
	return by
}

// SurveyGroupLabel is the name of a satisfaction grouping (按培训机构, ...).
func SurveyGroupLabel(by string) string { return groupLabel(surveyGroupOptions(), by) }

// EmploymentGroupLabel is the name of an employment grouping.
func EmploymentGroupLabel(by string) string { return groupLabel(employmentGroupOptions(), by) }

// SurveyReportHeader is the header of the satisfaction table and export.
var SurveyReportHeader = []string{"分组", "评价码", "评价份数", "回收率", "总体", "教学", "场地设施", "组织管理", "满意率"}

// SurveyReportCells is one row of the satisfaction export, as the page
// writes it.
func SurveyReportCells(r training.SurveyStats) []string {
	out := []string{r.Key, Itoa(r.Codes), Itoa(r.Answers), Itoa(r.ResponsePercent()) + "%"}
	if r.Answers == 0 {
		return append(out, "—", "—", "—", "—", "—")
	}
	return append(out, training.TenthsLabel(r.Overall), training.TenthsLabel(r.Teaching), training.TenthsLabel(r.Venue),
		training.TenthsLabel(r.Organisation), Itoa(r.SatisfiedPercent())+"%")
}

// EmploymentReportHeader is the header of the employment table and export.
var EmploymentReportHeader = []string{"分组", "应回访", "已登记", "未登记", "就业", "就业率", "已抽查", "与登记不符"}

// EmploymentReportCells is one row of the employment export.
func EmploymentReportCells(r training.EmploymentStats) []string {
	return []string{r.Key, Itoa(r.Enrolled), Itoa(r.Recorded), Itoa(r.Missing()), Itoa(r.Employed), Itoa(r.RatePercent()) + "%",
		Itoa(r.Checked), Itoa(r.Differs)}
}

// SurveyPoints are the satisfied shares of the page's groups (groups
// without answers are left out: no share to draw).
func SurveyPoints(rows []training.SurveyStats) []ChartPoint {
	var pts []ChartPoint
	for _, r := range rows {
		if r.Answers > 0 {
			pts = append(pts, ChartPoint{Label: r.Key, Value: int64(r.SatisfiedPercent()),
				Display: Itoa(r.SatisfiedPercent()) + "%（" + Itoa(r.Answers) + "份）"})
		}
	}
	return pts
}

// EmploymentPoints are the employment rates of the page's groups (groups
// with nothing recorded are left out).
func EmploymentPoints(rows []training.EmploymentStats) []ChartPoint {
	var pts []ChartPoint
	for _, r := range rows {
		if r.Recorded > 0 {
			pts = append(pts, ChartPoint{Label: r.Key, Value: int64(r.RatePercent()),
				Display: Itoa(r.RatePercent()) + "%（" + Itoa(r.Recorded) + "人）"})
		}
	}
	return pts
}

// ExportURL is the download of what the page shows.
func (p SurveyReportPage) ExportURL() string {
	q := url.Values{"by": {p.By}}
	if p.Year != "" {
		q.Set("year", p.Year)
	}
	return "/surveys.xlsx?" + q.Encode()
}

// ExportURL is the download of what the page shows.
func (p EmploymentReportPage) ExportURL() string {
	q := url.Values{"by": {p.By}, "months": {strconv.Itoa(p.Months)}}
	if p.Year != "" {
		q.Set("year", p.Year)
	}
	return "/employment.xlsx?" + q.Encode()
}
