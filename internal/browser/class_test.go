package browser_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// setByName sets a form control's value by its name (repeated rows have no
// id), as typing or picking would.
func (e *env) setByName(name, value string) {
	e.t.Helper()
	ok := run(e, "set "+name, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const el = document.querySelector('[name=%q]');
		if (!el) return false;
		el.value = %q;
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return el.value === %q;
	})()`, name, value, value)))
	if !ok {
		e.t.Fatalf("cannot set %s to %q", name, value)
	}
}

func byName(name string) chromedp.CSS { return chromedp.CSS(fmt.Sprintf(`[name=%q]`, name)) }

// TestFilingDraftReturnApproveChange: the school files a class (draft,
// then submit), the bureau returns it with reasons, the school resubmits,
// the bureau approves, the school asks for a change and the bureau
// approves it after seeing the before/after comparison.
func TestFilingDraftReturnApproveChange(t *testing.T) {
	e := newEnv(t)
	var book string
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT id::text FROM textbooks WHERE title = '中式烹调师（初级 中级 高级）'`).Scan(&book); err != nil {
		t.Fatal(err)
	}

	e.login("school")
	e.visit("/classes")
	e.click(tid("new-class"))
	e.choose(field("occupation_id"), "4-03-02-01 中式烹调师（最高二级）")
	e.choose(field("level"), "三级/高级工")
	e.typeInto("planned_size", "40")
	e.setDate("start_date", "2026-03-16")
	e.setDate("end_date", "2026-03-20")
	e.typeInto("venue", "天目学校实训中心二楼")
	e.typeInto("content", "宴席菜肴设计与制作")
	e.typeInto("theory_hours", "3")
	e.typeInto("practical_hours", "4")
	e.click(tid("class-save"))
	if got := e.text(tid("deadline")); !strings.Contains(got, "2026-03-11") {
		t.Fatalf("deadline after saving the draft: %q", got)
	}
	e.choose(byName("teachers.0.teacher_id"), "李晓燕")
	e.choose(byName("teachers.0.role"), "理论课")
	e.choose(byName("teachers.1.teacher_id"), "王建华")
	e.choose(byName("teachers.1.role"), "操作技能课")
	for i, s := range []struct{ date, start, end, kind, hours, teacher string }{
		{"2026-03-16", "08:30", "11:30", "理论课", "3", "李晓燕"},
		{"2026-03-17", "13:30", "17:30", "操作技能课", "4", "王建华"},
	} {
		k := fmt.Sprintf("sessions.%d.", i)
		e.setByName(k+"date", s.date)
		e.setByName(k+"start", s.start)
		e.setByName(k+"end", s.end)
		e.choose(byName(k+"kind"), s.kind)
		e.setByName(k+"hours", s.hours)
		e.choose(byName(k+"teacher_id"), s.teacher)
	}
	e.do("tick the textbook", chromedp.Click(chromedp.CSS(`input[name="textbook"][value="`+book+`"]`)))
	e.shot("form")
	e.click(tid("class-submit"))
	if got := e.text(tid("class-status")); got != "已提交" {
		t.Fatalf("after submit: %q (%s)", got, e.text(`main`))
	}
	classPage := e.location()

	e.click(tid("logout"))
	e.login("bureau")
	e.visit("/review")
	if rows := e.texts(`[data-testid="class-row"]`); len(rows) == 0 || !strings.Contains(rows[0], "2026-03-16") {
		t.Fatalf("queue: %q", rows)
	}
	e.visit(classPage)
	e.typeIntoStep("class-return", "reason", "请在教学计划中注明实操场地")
	e.click(tid("class-return"))
	if got := e.text(tid("class-status")); got != "退回" {
		t.Fatalf("after return: %q", got)
	}

	e.click(tid("logout"))
	e.login("school")
	e.visit(classPage)
	if got := e.text(tid("return-reason")); !strings.Contains(got, "实操场地") {
		t.Fatalf("return reason: %q", got)
	}
	e.click(tid("class-submit"))
	if got := e.text(tid("class-status")); got != "已提交" {
		t.Fatalf("after resubmit: %q", got)
	}

	e.click(tid("logout"))
	e.login("bureau")
	e.visit(classPage)
	e.click(tid("class-approve"))
	if got := e.text(tid("class-status")); got != "已备案" {
		t.Fatalf("after approval: %q", got)
	}

	e.click(tid("logout"))
	e.login("school")
	e.visit(classPage)
	e.click(tid("class-change"))
	e.typeInto("venue", "天目学校实训中心三楼")
	e.typeInto("change_reason", "二楼实训室设备检修")
	e.click(tid("change-submit"))
	if got := e.text(tid("change-pending")); got == "" {
		t.Fatal("change request not pending")
	}

	e.click(tid("logout"))
	e.login("bureau")
	e.visit(classPage)
	diff := e.text(tid("change-diff"))
	if !strings.Contains(diff, "天目学校实训中心二楼") || !strings.Contains(diff, "天目学校实训中心三楼") {
		t.Fatalf("before/after: %q", diff)
	}
	e.shot("change-diff")
	e.click(tid("change-approve"))
	if got := e.text(tid("plan")); !strings.Contains(got, "实训中心三楼") {
		t.Fatalf("plan after the change: %q", got)
	}
	if n := e.count(`[data-testid="version"]`); n != 5 {
		t.Fatalf("versions kept: %d, want 5 (submitted twice, approved, change requested, change approved)", n)
	}
}
