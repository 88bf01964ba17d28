package browser_test

// TODO(merge): harness_test.go in this branch is a verbatim copy of the one
// on branch `browser` (commit c61307a) so that this test runs here; on
// merge keep the browser branch's version.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tianmu/internal/training"
)

// setDate fills a date input; the picker's typed format depends on the
// browser's locale, its value does not.
func (e *env) setDate(name, iso string) {
	e.t.Helper()
	run(e, "set "+name, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.value = %q; return el.value === %q })()`,
		string(field(name)), iso, iso)))
}

// TestTeacherProposedApprovedEligible: the institution proposes a teacher
// (one invalid ID number first), records a certificate and submits; the
// bureau approves; the eligibility table shows the right answers, and the
// bureau's "who may teach" query finds the teacher.
func TestTeacherProposedApprovedEligible(t *testing.T) {
	e := newEnv(t)
	prefix := "33018519820315123"
	good := prefix + string(training.IDCheckChar(prefix))
	bad := prefix + "0"
	if bad == good {
		bad = prefix + "1"
	}

	e.login("school")
	e.visit("/teachers")
	e.click(tid("new-teacher"))
	e.typeInto("name", "钱大厨")
	e.typeInto("id_number", bad)
	e.typeInto("phone", "13812345678")
	e.choose(field("education"), "中专(含职高、技校)")
	e.choose(field("title"), "中级")
	e.click(tid("teacher-submit"))
	if msg := e.text(tid("err-id_number")); !strings.Contains(msg, "校验位") {
		t.Fatalf("bad ID number message: %q", msg)
	}
	e.typeInto("id_number", good)
	e.click(tid("teacher-submit"))
	if got := e.text(tid("teacher-id-number")); got != good {
		t.Fatalf("detail shows %q", got)
	}

	e.choose(field("occupation_id"), "4-03-02-01 中式烹调师")
	e.choose(field("level"), "二级/技师")
	e.typeInto("number", "1433000000305678")
	e.setDate("issue_date", "2018-06-30")
	e.typeInto("issuer", "杭州市人力资源和社会保障局")
	e.click(tid("certificate-submit"))
	if n := e.count(`[data-testid="certificate-row"]`); n != 1 {
		t.Fatalf("certificates shown: %d (%s)", n, e.text(`main`))
	}
	e.click(tid("teacher-submit-review"))
	if got := e.text(tid("teacher-status")); got != "待审核" {
		t.Fatalf("status after submit: %q", got)
	}
	loc := e.location()

	e.click(tid("logout"))
	e.login("bureau")
	e.visit(loc)
	e.click(tid("teacher-approve"))
	if got := e.text(tid("teacher-status")); got != "已入库" {
		t.Fatalf("status after approval: %q", got)
	}
	cook := ""
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT id::text FROM occupations WHERE code = '4-03-02-01'`).Scan(&cook); err != nil {
		t.Fatal(err)
	}
	// 中专 + 中级 + 技师: everything except 高级 theory (needs 大专).
	want := map[string]string{"basic-theory": "可以", "basic-practical": "可以", "advanced-theory": "不可以", "advanced-practical": "可以"}
	for cell, w := range want {
		got := e.text(tid("elig-" + cook + "-" + cell))
		if first := strings.Fields(got); len(first) == 0 || first[0] != w {
			t.Errorf("eligibility %s: %q, want %s", cell, got, w)
		}
	}
	if got := e.text(tid("elig-" + cook + "-advanced-theory")); !strings.Contains(got, "大专以上学历") {
		t.Errorf("advanced theory reason: %q", got)
	}
	e.shot("teacher-eligibility")

	e.visit("/teachers/eligible")
	e.choose(field("occupation"), "4-03-02-01 中式烹调师")
	e.choose(field("level"), "三级/高级工")
	e.choose(field("role"), "操作技能课")
	e.click(tid("eligible-submit"))
	// The new teacher and the demo pool's 技师 王建华, nobody else.
	rows := e.texts(`[data-testid="eligible-row"]`)
	if all := strings.Join(rows, "\n"); len(rows) != 2 || !strings.Contains(all, "钱大厨") || !strings.Contains(all, "王建华") || strings.Contains(all, good) {
		t.Fatalf("eligible rows: %q", rows)
	}
}
