package browser_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRefusedFilingCorrectedOnReturnedForm: a new filing submitted with
// its teachers, schedule and textbook missing is refused, and comes back as
// a saved draft on its form; the school completes it on that returned form
// and submits again, which succeeds (it used to answer 409: the returned
// form had no version).
func TestRefusedFilingCorrectedOnReturnedForm(t *testing.T) {
	e := newEnv(t)
	var book string
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT id::text FROM textbooks WHERE title = '中式烹调师（初级 中级 高级）'`).Scan(&book); err != nil {
		t.Fatal(err)
	}
	e.login("school")
	e.visit("/classes/new")
	e.choose(field("occupation_id"), "4-03-02-01 中式烹调师（最高二级）")
	e.choose(field("level"), "三级/高级工")
	e.typeInto("planned_size", "40")
	e.setDate("start_date", "2026-03-16")
	e.setDate("end_date", "2026-03-20")
	e.typeInto("venue", "天目学校实训中心二楼")
	e.typeInto("content", "宴席菜肴设计与制作")
	e.typeInto("theory_hours", "3")
	e.typeInto("practical_hours", "4")
	e.click(tid("class-submit"))
	if got := e.text(tid("form-errors")); !strings.Contains(got, "提交的内容有误") {
		t.Fatalf("the incomplete filing was not refused: %q", got)
	}
	if got := e.text(tid("err-textbooks")); !strings.Contains(got, "教材") {
		t.Fatalf("textbook message: %q", got)
	}
	e.shot("refused")

	// Correct it on the returned form.
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
	e.click(tid("class-submit"))
	if got := e.text(tid("class-status")); got != "已提交" {
		t.Fatalf("after correcting on the returned form: %q (%s)", got, e.text(`main`))
	}
	var n int
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM classes WHERE venue = '天目学校实训中心二楼'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d filings, want the one draft, submitted", n)
	}
}
