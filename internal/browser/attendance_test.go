package browser_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tianmu/internal/repository"
)

// TestAgreementsAndTwoSessionsOfAttendance: the school records the
// agreements of its approved class on one page (a wrong row comes back
// with its message and nothing saved), then, on the first day of training,
// records two sessions of attendance; the second was taught an hour short,
// which the class page flags (第十六条).
func TestAgreementsAndTwoSessionsOfAttendance(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var id int64
	var day time.Time
	if err := e.store.Pool().QueryRow(ctx, `SELECT c.id, min(cs.day) FROM classes c JOIN class_sessions cs ON cs.class_id = c.id
		WHERE c.content = '烹饪原料知识、刀工刀法、火候掌握、热菜烹调、冷菜制作、食品安全与卫生' GROUP BY c.id`).Scan(&id, &day); err != nil {
		t.Fatal(err)
	}
	var first, second int64
	if err := e.store.Pool().QueryRow(ctx, `SELECT min(id), max(id) FROM enrolments WHERE class_id = $1`, id).Scan(&first, &second); err != nil {
		t.Fatal(err)
	}
	classPage := fmt.Sprintf("/classes/%d", id)

	e.login("school")
	e.visit(classPage)
	e.click(tid("agreements-link"))
	no, date := fmt.Sprintf("agreement_no.%d", first), fmt.Sprintf("agreement_date.%d", first)
	e.setByName(no, "TMXY-B-001")
	e.setByName(date, "")
	e.click(tid("agreements-save"))
	if got := e.text(chromedp.CSS(fmt.Sprintf(`[data-testid="err-%s"]`, date))); !strings.Contains(got, "第十六条") {
		t.Fatalf("incomplete agreement: %q", got)
	}
	if got := e.value(byName(no)); got != "TMXY-B-001" {
		t.Fatalf("typed number after 422: %q", got)
	}
	e.setByName(date, "2026-03-01")
	e.click(tid("agreements-save"))
	if got := e.text(tid("flash")); !strings.Contains(got, "已保存1名") {
		t.Fatalf("flash: %q", got)
	}
	e.shot("agreements")

	e.setNow(time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, repository.Shanghai))
	e.visit(classPage)
	e.click(chromedp.CSS(`[data-testid="delivery-session"]:nth-child(1) [data-testid="session-link"]`))
	e.choose(byName(fmt.Sprintf("mark.%d", second)), "迟到")
	e.click(tid("attendance-save"))
	if got := e.text(tid("delivery-hours")); !strings.Contains(got, "已登记 1 / 4 节") {
		t.Fatalf("after session 1: %q", got)
	}
	e.click(chromedp.CSS(`[data-testid="delivery-session"]:nth-child(2) [data-testid="session-link"]`))
	e.typeInto("hours", "3")
	e.choose(byName(fmt.Sprintf("mark.%d", first)), "请假")
	e.click(tid("attendance-save"))
	if got := e.text(tid("delivery-hours")); !strings.Contains(got, "已登记 2 / 4 节") {
		t.Fatalf("after session 2: %q", got)
	}
	if got := e.text(tid("delivery-flags")); !strings.Contains(got, "缩减课时") {
		t.Fatalf("flags: %q", got)
	}
	if got := e.text(tid("class-status")); got != "培训中" {
		t.Fatalf("status: %q", got)
	}
	rates := e.texts(`[data-testid="attendance-rate"]`)
	if len(rates) == 0 || !strings.Contains(rates[0], "50.0%") {
		t.Fatalf("rates: %q", rates)
	}
	e.shot("delivery")
}
