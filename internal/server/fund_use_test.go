package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFundUseThroughPages: the institution reports spending (a category
// outside the seven of 第十三条 comes back beside the field with what was
// typed), voids an entry, and the bureau's report shows the year with a
// chart-free table; the institution's page has the category chart.
func TestFundUseThroughPages(t *testing.T) {
	e := newEnv(t)
	school, bureau := e.login("school"), e.login("bureau")
	r := school.get("/fund-use")
	if r.status != http.StatusOK || !r.has("fund-use-form") || !r.has("chart") || !r.has("fund-balance") {
		t.Fatalf("institution page: %d", r.status)
	}
	day := e.store.Today().Format("2006-01-02")
	r = school.post("/fund-use", url.Values{"category": {"office"}, "amount": {"88.5"}, "spent_on": {day}, "description": {"办公室打印纸"}, "voucher_no": {"X-1"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-category"), "第十三条") || !strings.Contains(r.body, "办公室打印纸") {
		t.Fatalf("outside the seven: %d %q", r.status, r.text("err-category"))
	}
	r = school.post("/fund-use", url.Values{"category": {"supplies"}, "amount": {"88.5"}, "spent_on": {day}, "description": {"实训围裙"}, "voucher_no": {"X-1"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/fund-use?year=") {
		t.Fatalf("record: %d %s", r.status, r.text("form-errors"))
	}
	r = school.get(r.location)
	if !strings.Contains(r.text("fund-use-table"), "实训围裙") || !strings.Contains(r.text("fund-categories"), "¥88.50") {
		t.Fatalf("after recording: %s", r.text("fund-use-table"))
	}
	id := e.queryID(`SELECT id FROM fund_use_entries WHERE description = '实训围裙'`)
	if r := school.post("/fund-use/"+itoa(id)+"/void", url.Values{"version": {"1"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("void without a reason: %d", r.status)
	}
	if r := school.post("/fund-use/"+itoa(id)+"/void", url.Values{"version": {"1"}, "reason": {"录错"}}); r.status != http.StatusSeeOther {
		t.Fatalf("void: %d", r.status)
	}
	r = bureau.get("/fund-use?sort=balance&desc=1")
	if r.status != http.StatusOK || len(r.texts("fund-report-row")) == 0 || !strings.Contains(r.text("fund-report"), "杭州市临安区天目职业技能培训学校") {
		t.Fatalf("bureau report: %d %s", r.status, r.text("fund-report"))
	}
	inst := e.institutionID("杭州市临安区天目职业技能培训学校")
	r = bureau.get("/institutions/" + itoa(inst) + "/fund-use?year=1999")
	if r.status != http.StatusOK || r.has("fund-use-form") || !r.has("fund-use-void") {
		t.Fatalf("bureau on the school's year: %d", r.status)
	}
	x := bureau.get("/institutions/" + itoa(inst) + "/fund-use.xlsx")
	if x.status != http.StatusOK || !strings.HasPrefix(x.body, "PK") {
		t.Fatalf("export: %d", x.status)
	}
	if r := e.login("academy").get("/institutions/" + itoa(inst) + "/fund-use"); r.status != http.StatusNotFound {
		t.Fatalf("academy: %d", r.status)
	}
}

// TestSubsidyOverviewPage: the bureau's overview has its four charts
// beside the tables (plain SVG, no script) and a year filter; others are
// refused (the access table checks the roles).
func TestSubsidyOverviewPage(t *testing.T) {
	e := newEnv(t)
	r := e.login("bureau").get("/subsidy-overview?year=2025")
	if r.status != http.StatusOK || len(r.texts("chart")) != 4 || !r.has("overview-total") || !r.has("overview-months") {
		t.Fatalf("overview: %d charts %d", r.status, len(r.texts("chart")))
	}
	if !strings.Contains(r.body, "培训补贴概览 · 2025年") || strings.Contains(r.body, "<script") {
		t.Fatal("year or script")
	}
	// Every row of every cut is in the export the page links to (a year
	// the demo paid subsidies in).
	if !strings.Contains(r.body, `href="/subsidy-overview.xlsx?year=2025"`) {
		t.Fatal("no export link")
	}
	year := itoa(e.queryID(`SELECT year FROM subsidy_paid_totals WHERE cut = 2 AND lines > 0 ORDER BY year DESC LIMIT 1`))
	r = e.login("bureau").get("/subsidy-overview?year=" + year)
	x := e.login("bureau").get("/subsidy-overview.xlsx?year=" + year)
	if x.status != http.StatusOK {
		t.Fatalf("export: %d", x.status)
	}
	rows := sheets(t, x.body)["补贴概览"]
	cuts := map[string]int{}
	for _, row := range rows[2:] {
		cuts[row[0]]++
	}
	if len(rows) < 3 || rows[1][0] != "分类" || cuts["合计"] != 1 || cuts["按月"] != 12 || cuts["按培训机构"] == 0 {
		t.Fatalf("export rows: %v", cuts)
	}
	table := r.text("overview-institutions")
	for _, row := range rows[2:] {
		if row[0] == "按培训机构" && !strings.Contains(table, row[1]) {
			t.Fatalf("%s exported, not in the page's table (the demo has fewer than 20)", row[1])
		}
	}
}
