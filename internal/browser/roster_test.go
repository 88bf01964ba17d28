package browser_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tianmu/internal/roster"
	"tianmu/internal/training"
)

// rosterFile writes an .xlsx roster with rows numbered from..to-1 (valid
// trainees) plus the extra rows, and returns its path.
func rosterFile(t *testing.T, name string, from, to int, extra ...[]string) string {
	t.Helper()
	head := make([]string, len(training.RosterColumns))
	for i, c := range training.RosterColumns {
		head[i] = c.Label
	}
	rows := [][]string{head}
	for n := from; n < to; n++ {
		prefix := fmt.Sprintf("110105%04d%02d%02d%03d", 1970+n, n%12+1, n%28+1, n)
		rows = append(rows, []string{prefix + string(training.IDCheckChar(prefix)), fmt.Sprintf("浏览器学员%d", n),
			fmt.Sprintf("1390000%04d", n), "失业人员", "未就业", "本地城镇", ""})
	}
	rows = append(rows, extra...)
	dir, err := os.MkdirTemp("", "roster")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := roster.WriteSheet(f, rows, false); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitFor polls until sel is on the page: the progress page reloads
// itself, so a plain wait would lose its page.
func (e *env) waitFor(sel chromedp.CSS) {
	e.t.Helper()
	for i := 0; i < 100; i++ {
		ctx, cancel := context.WithTimeout(e.ctx, time.Second)
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", string(sel))))
		cancel()
		if err == nil && n > 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Fatalf("%s never appeared (at %s)", sel, e.location())
}

// TestRosterImportWithErrorsFixImport: the school uploads a roster with
// errors, reads the report, fixes the file, uploads it again and imports.
func TestRosterImportWithErrorsFixImport(t *testing.T) {
	e := newEnv(t)
	var class int64
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT id FROM classes WHERE content = $1`,
		"烹饪原料知识、刀工刀法、火候掌握、热菜烹调、冷菜制作、食品安全与卫生").Scan(&class); err != nil {
		t.Fatal(err)
	}
	e.login("school")
	e.visit(fmt.Sprintf("/classes/%d", class))
	e.click(tid("roster-link"))
	if n := e.count(tid("roster-row")); n != 25 {
		t.Fatalf("demo roster: %d rows", n)
	}

	bad := rosterFile(t, "名单.xlsx", 1, 4,
		[]string{"3.30185E+17", "数字学员", "13900009999", "企业职工", "在职", "本地城镇", ""},
		[]string{"330185199003071234", "", "13900009998", "企业职工", "在职", "本地城镇", ""})
	e.do("choose the file", chromedp.SetUploadFiles(field("file"), []string{bad}))
	e.click(tid("import-submit"))
	e.waitFor(tid("import-summary"))
	e.shot("roster-report")
	if v, inv := e.text(tid("import-valid")), e.text(tid("import-invalid")); v != "3" || inv != "2" {
		t.Fatalf("valid %s, invalid %s", v, inv)
	}
	report := e.text(tid("import-report"))
	if !strings.Contains(report, "Excel") || !strings.Contains(report, "请填写姓名") {
		t.Fatalf("report: %s", report)
	}

	// Fix the file (drop the bad rows, add two) and upload it again.
	e.click(tid("import-again"))
	fixed := rosterFile(t, "名单-修改.xlsx", 1, 6)
	e.do("choose the fixed file", chromedp.SetUploadFiles(field("file"), []string{fixed}))
	e.click(tid("import-submit"))
	e.waitFor(tid("import-summary"))
	if v, inv := e.text(tid("import-valid")), e.text(tid("import-invalid")); v != "5" || inv != "0" {
		t.Fatalf("fixed file: valid %s, invalid %s", v, inv)
	}
	e.click(tid("import-run"))
	if got := e.text(tid("roster-count")); !strings.Contains(got, "在册 30 人") {
		t.Fatalf("after import: %q", got)
	}
	e.shot("roster-imported")
}
