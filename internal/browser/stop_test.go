package browser_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
)

// TestSuspendThenStopClass: the bureau suspends the school (INST-3: its
// approved classes continue), then stops one of them with a reason from
// the school's supervision page; the school sees the class stopped (已撤销,
// with the reason) and, on the class's first training day, cannot record
// attendance on it.
func TestSuspendThenStopClass(t *testing.T) {
	e := newEnv(t)
	school := e.institutionID(schoolName)
	var class, session int64
	var day time.Time
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT c.id, cs.id, cs.day FROM classes c JOIN class_sessions cs ON cs.class_id = c.id
		WHERE c.institution_id = $1 AND c.status = 'approved' ORDER BY c.start_date, cs.day, cs.id LIMIT 1`, school).Scan(&class, &session, &day); err != nil {
		t.Fatal(err)
	}
	const reason = "机构暂停期间师资不到位，决定停止该班培训。"

	e.login("bureau")
	e.visit(fmt.Sprintf("/institutions/%d/supervision", school))
	e.choose(field("kind"), "暂停定点资质")
	e.choose(field("ground"), "年度考评验审结果")
	e.typeInto("reason", "年度考评不合格，暂停定点资质。")
	e.typeInto("decision_no", "临人社监〔2026〕2号")
	e.click(tid("sanction-submit"))
	if st := e.text(tid("inst-status")); st != "暂停" {
		t.Fatalf("status after the suspension: %q (%s)", st, e.text(chromedp.CSS("main")))
	}
	// The approved class continues until the bureau stops it.
	form := fmt.Sprintf(`form[action="/classes/%d/stop"]`, class)
	if n := e.count(chromedp.CSS(form)); n != 1 {
		t.Fatalf("%d stop forms for class %d: %q", n, class, e.texts(`[data-testid="stoppable-row"]`))
	}
	e.typeInto(fmt.Sprintf("classes-%d-stop-reason", class), reason) // the step's own field id
	e.click(chromedp.CSS(form + ` [data-testid="stop-submit"]`))
	if loc := e.location(); !strings.HasPrefix(loc, fmt.Sprintf("/institutions/%d/supervision", school)) {
		t.Fatalf("after stopping: %s (%s)", loc, e.text(chromedp.CSS("main")))
	}
	if got := e.text(tid("flash")); !strings.Contains(got, "已决定停止该培训班") {
		t.Fatalf("flash: %q", got)
	}
	if rows := e.texts(`[data-testid="stop-row"]`); len(rows) != 1 || !strings.Contains(rows[0], reason) {
		t.Fatalf("stops: %q", rows)
	}
	e.shot("stopped")
	if n := e.scalar(`SELECT count(*) FROM classes WHERE id = $1 AND status = 'cancelled'`, class); n != 1 {
		t.Fatalf("class %d not cancelled", class)
	}

	// The school: the class stopped, with the reason; no attendance on its
	// first training day.
	e.relogin("school")
	e.setNow(time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, repository.Shanghai))
	e.visit(fmt.Sprintf("/classes/%d", class))
	if got := e.text(tid("class-status")); got != "已撤销" {
		t.Fatalf("the school sees its class as %q", got)
	}
	if main := e.text(chromedp.CSS("main")); !strings.Contains(main, reason) {
		t.Fatalf("the class page does not give the reason: %s", main)
	}
	e.visit(fmt.Sprintf("/classes/%d/sessions/%d/attendance", class, session))
	if got := e.text(tid("attendance-blocked")); !strings.Contains(got, "培训班已撤销，不能登记考勤") {
		t.Fatalf("attendance on the stopped class: %q", got)
	}
	if e.count(tid("attendance-save")) > 0 {
		e.click(tid("attendance-save"))
	}
	if n := e.scalar(`SELECT count(*) FROM session_deliveries WHERE session_id = $1`, session); n != 0 {
		t.Fatalf("%d deliveries recorded on the stopped class", n)
	}
	if n := e.scalar(`SELECT count(*) FROM attendance WHERE session_id = $1`, session); n != 0 {
		t.Fatalf("%d marks recorded on the stopped class", n)
	}
	e.shot("no-attendance")
}

// TestArchivedLedgerVerifiedAndExported: the school opens the ledger of
// the demo's archived class: 已归档, the frozen snapshot's checksum
// verified; the workbook downloads with a sheet per part.
func TestArchivedLedgerVerifiedAndExported(t *testing.T) {
	e := newEnv(t)
	class := e.scalar(`SELECT id FROM classes WHERE class_no = $1`, demo.ArchivedClassNo)
	e.login("school")
	e.visit(fmt.Sprintf("/classes/%d/ledger", class))
	if main := e.text(chromedp.CSS("main")); !strings.Contains(main, "已归档") {
		t.Fatalf("the archived class's ledger: %s", main)
	}
	seal := e.text(tid("ledger-seal"))
	sum := e.scalarText(`SELECT checksum FROM class_ledgers WHERE class_id = $1`, class)
	if !strings.Contains(seal, "已核验") || sum == "" || !strings.Contains(seal, sum) {
		t.Fatalf("seal %q, stored checksum %q", seal, sum)
	}
	e.shot("archived-ledger")
	href := run(e, "xlsx link", chromedp.Evaluate[string](`document.querySelector('[data-testid="ledger-xlsx"]').getAttribute('href')`))
	status, ctype, body := e.fetchBytes(href)
	if status != 200 || !strings.Contains(ctype, "spreadsheetml") {
		t.Fatalf("workbook: %d %s", status, ctype)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 9 || sheets[2] != "学员名单" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows("学员名单")
	if err != nil || len(rows) < 6 {
		t.Fatalf("roster sheet: %d rows (%v)", len(rows), err)
	}
}
