package server_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestEffectReportsChartAndExport: the bureau's satisfaction report (the
// demo's finished class has its five answers) shows a plain SVG chart
// beside the table and downloads the same rows, in every grouping; the
// employment report does the same, by occupation too; an institution has
// neither.
func TestEffectReportsChartAndExport(t *testing.T) {
	e := newEnv(t)
	c := e.login("bureau")
	for _, by := range []string{"class", "institution", "occupation", "year"} {
		r := c.get("/surveys?by=" + by)
		if r.status != http.StatusOK {
			t.Fatalf("surveys by %s: %d", by, r.status)
		}
		if !r.has("survey-chart") || !strings.Contains(r.body, "<svg") || strings.Contains(r.body, "<script") ||
			!strings.Contains(r.text("survey-chart"), "（5份）") {
			t.Fatalf("surveys by %s: chart %q", by, r.text("survey-chart"))
		}
		x := c.get("/surveys.xlsx?by=" + by)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("surveys.xlsx by %s: %d %v", by, x.status, err)
		}
		rows, err := f.GetRows("满意度")
		f.Close()
		if err != nil || len(rows) < 3 || rows[1][0] != "分组" || len(r.texts("survey-report-row")) != len(rows)-2 {
			t.Fatalf("surveys.xlsx by %s: %q %v (page rows %d)", by, rows, err, len(r.texts("survey-report-row")))
		}
		found := false
		for _, row := range rows[2:] {
			found = found || (len(row) > 2 && row[2] == "5")
		}
		if !found {
			t.Fatalf("surveys.xlsx by %s: no group with the finished class's five answers: %q", by, rows)
		}
	}
	for _, by := range []string{"class", "institution", "occupation", "year"} {
		r := c.get("/employment?months=3&by=" + by)
		if r.status != http.StatusOK {
			t.Fatalf("employment by %s: %d", by, r.status)
		}
		x := c.get("/employment.xlsx?months=3&by=" + by)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("employment.xlsx by %s: %d %v", by, x.status, err)
		}
		rows, err := f.GetRows("就业情况")
		f.Close()
		if err != nil || len(rows) < 2 || rows[1][0] != "分组" || !strings.Contains(rows[0][0], "结业后3个月") {
			t.Fatalf("employment.xlsx by %s: %q %v", by, rows, err)
		}
	}
	s := e.login("school")
	for _, p := range []string{"/surveys.xlsx", "/employment.xlsx"} {
		if r := s.get(p); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Fatalf("school %s: %d", p, r.status)
		}
	}
}
