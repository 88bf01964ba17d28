package browser_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"tianmu/internal/repository"
)

// schoolName is the demo's main institution.
const schoolName = "杭州市临安区天目职业技能培训学校"

// inspectWithFinding records an inspection of the school through the form,
// of its first class when class is set: every checklist item 符合 except the
// first, 不符合 with note; then orders rectification within days working
// days and returns the order page's path.
func (e *env) inspectWithFinding(school int64, mode string, class bool, note string, days int) string {
	e.t.Helper()
	e.visit(fmt.Sprintf("/institutions/%d/supervision", school))
	e.click(tid("inspect-link"))
	e.choose(field("mode"), mode)
	e.setDate("date", e.now.Format("2006-01-02"))
	e.typeInto("inspectors", "陈监察、林监察")
	if class {
		ok := run(e, "choose a class", chromedp.Evaluate[bool](`(() => {
			const s = document.querySelector('#f-class_id');
			const o = Array.from(s.options).find(o => o.value !== '');
			if (!o) return false;
			s.value = o.value; return true; })()`))
		if !ok {
			e.t.Fatal("the school has no class to inspect")
		}
	}
	first := run(e, "answer the checklist", chromedp.Evaluate[string](`(() => {
		const sel = Array.from(document.querySelectorAll('select[name^="result_"]'));
		sel.forEach((s, i) => { s.value = i === 0 ? 'fail' : 'ok'; });
		return sel.length ? sel[0].name.replace('result_', 'note_') : ''; })()`))
	if first == "" {
		e.t.Fatal("the checklist is empty")
	}
	e.setByName(first, note)
	e.typeInto("summary", "按检查清单逐项核对。")
	e.click(tid("inspection-save"))
	if !strings.HasPrefix(e.location(), "/inspections/") {
		e.t.Fatalf("after saving the inspection: %s: %s", e.location(), e.text(chromedp.CSS("main")))
	}
	if got := e.text(tid("finding")); !strings.Contains(got, note) {
		e.t.Fatalf("finding: %s", got)
	}
	e.setByName("working_days", fmt.Sprint(days))
	e.setByName("requirement", "按备案计划整改并报送佐证材料。")
	e.click(tid("order-submit"))
	if !strings.HasPrefix(e.location(), "/rectifications/") {
		e.t.Fatalf("after the order: %s", e.location())
	}
	return e.location()
}

// answerOrder: the school answers the order with text and a PDF.
func (e *env) answerOrder(order, pdf string) {
	e.t.Helper()
	e.visit(order)
	e.typeInto("answer", "已更换为备案教师授课，并补齐考勤记录。")
	e.do("choose the evidence", chromedp.SetUploadFiles(field("file"), []string{pdf}))
	e.click(tid("answer-submit"))
	if st := e.text(tid("order-status")); !strings.Contains(st, "已报送整改情况") {
		e.t.Fatalf("after answering: %s", e.text(chromedp.CSS("main")))
	}
	if got := e.text(tid("order-file")); got != "整改报告.pdf" {
		e.t.Fatalf("evidence: %q", got)
	}
}

func (e *env) relogin(username string) {
	e.t.Helper()
	e.click(tid("logout"))
	e.login(username)
}

// TestSupervisionInspectRectifySuspendLift: the bureau inspects a class of
// the school against the checklist and orders rectification; the school
// sees the order on its home page and answers with a PDF before the
// deadline; the bureau escalates to a suspension resting on the finding;
// the school cannot file a new class (the refusal cites the articles); the
// bureau tries to lift the suspension and is refused (no rectification
// accepted since it began), orders rectification of a new finding, accepts
// the school's answer, and lifts it.
func TestSupervisionInspectRectifySuspendLift(t *testing.T) {
	e := newEnv(t)
	school := e.institutionID(schoolName)
	pdf := filepath.Join(t.TempDir(), "整改报告.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	e.login("bureau")
	order := e.inspectWithFinding(school, "现场检查", true, "授课教师不是备案教师", 5)
	due := e.text(tid("order-due"))
	if want := time.Date(2026, 3, 9, 0, 0, 0, 0, repository.Shanghai).Format("2006-01-02"); due != want {
		t.Fatalf("5 working days after Monday 2026-03-02: %s, want %s", due, want)
	}

	// The school sees the order on its home page and answers it.
	e.relogin("school")
	e.visit("/")
	if got := e.text(tid("home-orders")); !strings.Contains(got, "授课教师不是备案教师") {
		t.Fatalf("home page orders: %s", got)
	}
	e.answerOrder(order, pdf)
	e.shot("answered")

	// The bureau finds the answer wanting and escalates to a suspension.
	e.relogin("bureau")
	e.visit(order)
	e.typeIntoStep("order-escalate", "note", "整改不到位：仍由非备案教师授课。")
	e.click(tid("order-escalate"))
	if !strings.HasSuffix(e.location(), "#sanction") && !strings.Contains(e.location(), "/supervision") {
		t.Fatalf("after escalating: %s", e.location())
	}
	if v := e.value(field("kind")); v != "suspension" {
		t.Fatalf("the decision form offers %q", v)
	}
	e.typeInto("reason", "整改不到位，暂停定点资质至整改验收合格。")
	e.typeInto("decision_no", "临人社监〔2026〕1号")
	e.click(tid("sanction-submit"))
	if st := e.text(tid("inst-status")); st != "暂停" {
		t.Fatalf("status after the suspension: %q (%s)", st, e.text(chromedp.CSS("main")))
	}
	if row := e.text(tid("sanction-row")); !strings.Contains(row, "暂停定点资质") || !strings.Contains(row, "授课教师不是备案教师") { // newest first
		t.Fatalf("the sanction: %s", row)
	}

	// INST-3: no new filing while suspended.
	e.relogin("school")
	e.visit("/classes/new")
	e.choose(field("occupation_id"), "4-03-02-01 中式烹调师（最高二级）")
	e.choose(field("level"), "三级/高级工")
	e.typeInto("planned_size", "30")
	e.setDate("start_date", "2026-03-23")
	e.setDate("end_date", "2026-03-27")
	e.typeInto("venue", "天目学校实训中心二楼")
	e.typeInto("content", "宴席菜肴设计与制作")
	e.typeInto("theory_hours", "3")
	e.typeInto("practical_hours", "4")
	e.click(tid("class-save"))
	if got := e.text(tid("form-errors")); !strings.Contains(got, "第三条、第十六条：机构定点资质为「暂停」，不能新办培训班") {
		t.Fatalf("a suspended institution files a class: %s", got)
	}

	// Lifting before an accepted rectification is refused.
	e.relogin("bureau")
	e.visit(fmt.Sprintf("/institutions/%d/supervision", school))
	if e.count(tid("lift-blocked")) != 1 {
		t.Fatal("the page does not say the lift is blocked")
	}
	e.choose(field("kind"), "恢复定点资质")
	e.choose(field("ground"), "整改验收合格")
	e.typeInto("reason", "机构申请恢复。")
	e.click(tid("sanction-submit"))
	if got := e.text(tid("form-errors")); !strings.Contains(got, "第十六条：恢复定点资质须先验收通过暂停（2026-03-02）以后的整改") {
		t.Fatalf("lift without rectification: %s", got)
	}
	if st := e.text(tid("inst-status")); st != "暂停" {
		t.Fatalf("status after the refused lift: %q", st)
	}

	// A new finding, rectified and accepted; then the lift goes through.
	order2 := e.inspectWithFinding(school, "远程检查", false, "考勤记录未按日保存", 3)
	e.relogin("school")
	e.answerOrder(order2, pdf)
	e.relogin("bureau")
	e.visit(order2)
	e.click(tid("order-accept"))
	if st := e.text(tid("order-status")); !strings.Contains(st, "整改已验收") {
		t.Fatalf("after accepting: %s", st)
	}
	e.visit(fmt.Sprintf("/institutions/%d/supervision", school))
	if e.count(tid("lift-blocked")) != 0 {
		t.Fatal("the lift is still said to be blocked")
	}
	e.choose(field("kind"), "恢复定点资质")
	e.choose(field("ground"), "整改验收合格")
	e.typeInto("reason", "整改已验收合格，恢复定点资质。")
	e.click(tid("sanction-submit"))
	if st := e.text(tid("inst-status")); st != "定点" {
		t.Fatalf("status after the lift: %q (%s)", st, e.text(chromedp.CSS("main")))
	}
	if n := e.count(tid("sanction-row")); n != 3 {
		t.Fatalf("%d sanctions, want the demo's warning, the suspension and the lift", n)
	}
	e.shot("lifted")
	if n := e.scalar(`SELECT count(*) FROM audit_log WHERE action IN ('sanction.suspension', 'sanction.lift') AND institution_id = $1`, school); n != 2 {
		t.Fatalf("%d audit rows of sanctions", n)
	}
}

// TestEvaluationRunRankScorecardPublish: the bureau sets this year's
// weights and bands, runs the evaluation (a background job, progress on
// the page), reads the ranking, opens the school's scorecard with its SVG
// charts and records the outcome, publishes the year (no more runs), and
// the public list, signed out, shows the school's grade.
func TestEvaluationRunRankScorecardPublish(t *testing.T) {
	e := newEnv(t)
	school := e.institutionID(schoolName)
	e.login("bureau")
	e.visit("/evaluations")
	e.typeInto("year", "2025")
	e.typeInto("w_pass", "50")
	e.typeInto("w_employment", "30")
	e.typeInto("w_satisfaction", "20")
	e.click(tid("evaluation-save"))
	if e.location() != "/evaluations/2025" {
		t.Fatalf("after saving the settings: %s (%s)", e.location(), e.text(chromedp.CSS("main")))
	}
	if st := e.text(tid("evaluation-status")); st != "草稿" {
		t.Fatalf("status %q", st)
	}
	e.click(tid("evaluation-run"))
	deadline := time.Now().Add(20 * time.Second)
	for e.text(tid("evaluation-status")) != "已计算（未公布）" {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not finish: %s", e.text(chromedp.CSS("main")))
		}
		time.Sleep(500 * time.Millisecond) // the page refreshes itself every 2 s while running
	}
	rows := e.texts(`[data-testid="ranking-row"]`)
	designated := e.scalar(`SELECT count(*) FROM institutions WHERE status IN ('designated', 'suspended')`)
	if int64(len(rows)) != designated {
		t.Fatalf("%d ranking rows for %d designated institutions: %q", len(rows), designated, rows)
	}
	found := false
	for _, r := range rows {
		found = found || strings.Contains(r, schoolName)
	}
	if !found {
		t.Fatalf("the school is not ranked: %q", rows)
	}
	e.shot("ranking")

	// Sorted by score, best first, then exported in that order.
	e.click(chromedp.CSS(`[data-testid="ranking"] th a[href*="sort=score"]`))
	e.click(chromedp.CSS(`[data-testid="ranking"] th a[href*="sort=score"]`))
	if loc := e.location(); !strings.Contains(loc, "sort=score") || !strings.Contains(loc, "desc=1") {
		t.Fatalf("sorted: %s", loc)
	}
	scores := e.texts(`[data-testid="ranking-score"]`)
	href := run(e, "export link", chromedp.Evaluate[string](`document.querySelector('[data-testid="ranking-xlsx"]').getAttribute('href')`))
	if href != "/evaluations/2025/ranking.xlsx?desc=1&sort=score" {
		t.Fatalf("export link %s", href)
	}
	status, ctype, body := e.fetchBytes(href)
	if status != 200 || !strings.Contains(ctype, "spreadsheetml") {
		t.Fatalf("export: %d %s", status, ctype)
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := book.GetRows(book.GetSheetList()[0])
	book.Close()
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(sheet)) != designated+2 || sheet[1][2] != "得分" || sheet[2][2] != scores[0] {
		t.Fatalf("export: %d rows for %d institutions; %q; first score %q on the page", len(sheet), designated, sheet[:2], scores[0])
	}

	// The school's scorecard: the charts and this year's inputs.
	e.click(chromedp.CSS(fmt.Sprintf(`[data-testid="ranking"] a[href="/institutions/%d/scorecard"]`, school)))
	if n := e.count(`[data-testid="scorecard-charts"] svg`); n != 3 {
		t.Fatalf("%d charts on the scorecard", n)
	}
	// Two years: the demo's published one and this run; the outcome of
	// 2025 is recorded in its own section.
	years := e.texts(`[data-testid="scorecard-year"] h2`)
	if len(years) != 2 {
		t.Fatalf("scorecard years: %q", years)
	}
	picked := run(e, "the 2025 section", chromedp.Evaluate[bool](`(() => {
		const sec = Array.from(document.querySelectorAll('[data-testid="scorecard-year"]')).find(s => s.querySelector('h2').innerText.includes('2025 年度'));
		if (!sec || !sec.innerText.includes('培训合格率')) return false;
		const sel = sec.querySelector('select[name="outcome"]');
		sel.value = Array.from(sel.options).find(o => o.text === '继续认定').value;
		sec.querySelector('input[name="note"]').value = '考评结果已告知机构。';
		sec.querySelector('[data-testid="outcome-submit"]').setAttribute('data-pick', '1');
		sec.setAttribute('data-pick-year', '1');
		return true; })()`))
	if !picked {
		t.Fatalf("no 2025 section: %q", years)
	}
	e.click(chromedp.CSS(`[data-pick="1"]`))
	var outcome string
	for _, sec := range e.texts(`[data-testid="scorecard-year"]`) {
		if strings.Contains(sec, "2025 年度") {
			outcome = sec
		}
	}
	if !strings.Contains(outcome, "处理结果：继续认定 考评结果已告知机构。") {
		t.Fatalf("outcome: %q", outcome)
	}
	e.shot("scorecard")

	// Publish: the year is frozen.
	e.visit("/evaluations/2025")
	e.click(tid("evaluation-publish"))
	if st := e.text(tid("evaluation-status")); st != "已公布" {
		t.Fatalf("after publishing: %q", st)
	}
	if e.count(tid("evaluation-run")) != 0 {
		t.Fatal("a published year offers a re-run")
	}
	if n := e.scalar(`SELECT count(*) FROM evaluation_years WHERE year = 2025 AND status = 'published'`); n != 1 {
		t.Fatal("2025 is not published")
	}

	// Signed out: the public list with the last published grade (the
	// demo's year, after 2025).
	e.click(tid("logout"))
	e.visit("/designated")
	var line string
	for _, r := range e.texts(`[data-testid="designated-row"]`) {
		if strings.Contains(r, schoolName) {
			line = r
		}
	}
	if want := fmt.Sprintf("%d 年度", e.scalar(`SELECT max(year) FROM evaluation_years WHERE status = 'published'`)); !strings.Contains(line, want) {
		t.Fatalf("the public list: %q", line)
	}
}
