package browser_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
)

// TestClaimFromBuildToPaid is a subsidy claim's whole life (SUB-3, 第十二条)
// in the browser: the school builds a claim from its class with published
// results and reads who is left out and why (the trainee below the
// attendance threshold, the one who paid the fee) and how each amount was
// computed (the employee at 50 %), then submits; one bureau user reviews
// and may not approve, a second approves; signed out, anyone reads the
// masked public notice and files an objection; after the five working
// days the bureau upholds it (the person leaves the claim), records the
// payment and confirms it; the school sees its claim paid. The claim page
// is checked at 1024 px by the layout test's overflow script.
func TestClaimFromBuildToPaid(t *testing.T) {
	e := newEnv(t)
	e.do("viewport", chromedp.EmulateViewport(1024, 900))
	e.login("school")

	// Build: the class with published results, chosen by its checkbox.
	e.visit("/claims/new")
	e.do("choose the class", chromedp.Click(tid("claim-class-"+demo.ClaimBuildClassNo)))
	e.click(tid("claim-build"))
	loc := e.location()
	if !strings.HasPrefix(loc, "/claims/") {
		t.Fatalf("after build at %s: %s", loc, e.text(chromedp.CSS("main")))
	}
	claimPath := loc
	var claimID int64
	if _, err := fmt.Sscanf(loc, "/claims/%d", &claimID); err != nil {
		t.Fatal(err)
	}
	if s := e.text(tid("claim-status")); s != "草稿" {
		t.Fatalf("new claim: %s", s)
	}
	reasons := strings.Join(e.texts(`[data-testid="claim-exclusion-reason"]`), "\n")
	for _, want := range []string{"出勤率低于", "第八条", "已缴纳培训费", "第十二条"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("exclusion reasons lack %q:\n%s", want, reasons)
		}
	}
	lines := e.count(`[data-testid="claim-line"]`)
	if lines < 2 {
		t.Fatalf("%d lines", lines)
	}
	computed := strings.Join(e.texts(`[data-testid="claim-computation"]`), "\n")
	if !strings.Contains(computed, "× 50%（企业职工）") || !strings.Contains(computed, "× 100%") {
		t.Errorf("computations:\n%s", computed)
	}
	for _, id := range e.texts(`[data-testid="claim-exclusion"] td:nth-child(3)`) {
		if !strings.Contains(id, "*") {
			t.Errorf("exclusion ID number not masked: %s", id)
		}
	}
	e.overflowFree("the school's draft claim")
	e.shot("claim-draft-1024")
	e.click(tid("claim-submit"))
	if s := e.text(tid("claim-status")); s != "待审核" {
		t.Fatalf("after submit: %s", s)
	}
	e.click(tid("logout"))

	// Review by one bureau user, who may not approve.
	e.login("bureau")
	e.visit(claimPath)
	e.click(tid("claim-review"))
	if s := e.text(tid("claim-status")); s != "已初审，待审批" {
		t.Fatalf("after review: %s", s)
	}
	if e.count(`[data-testid="claim-approve"]`) != 0 || !strings.Contains(e.text(tid("claim-four-eyes")), "初审人以外") {
		t.Fatal("the reviewer is offered the approval")
	}
	e.click(tid("logout"))

	// Approval by a second: on public notice for five working days.
	e.login("bureau2")
	e.visit(claimPath)
	e.click(tid("claim-approve"))
	if s := e.text(tid("claim-status")); s != "公示中" {
		t.Fatalf("after approval: %s", s)
	}
	period := e.text(tid("claim-notice"))
	e.click(tid("logout"))

	// Signed out: the notice lists the claim, names and IDs masked; an
	// objection about the first person.
	e.visit("/notices")
	if e.count(chromedp.CSS(fmt.Sprintf(`a[href="/notices/%d"]`, claimID))) == 0 {
		t.Fatalf("notice list: %s", e.text(chromedp.CSS("main")))
	}
	e.click(chromedp.CSS(fmt.Sprintf(`a[href="/notices/%d"]`, claimID)))
	if p := e.text(tid("notice-period")); !strings.Contains(period, p) {
		t.Errorf("notice period %q, claim says %q", p, period)
	}
	ids := e.texts(`[data-testid="notice-id"]`)
	if len(ids) != lines {
		t.Errorf("%d people on notice, %d lines", len(ids), lines)
	}
	for _, id := range ids {
		if strings.Count(id, "*") < 8 {
			t.Errorf("ID number on the public notice not masked: %s", id)
		}
	}
	e.overflowFree("the public notice")
	first := run(e, "first person", chromedp.Evaluate[string](`document.querySelector('#f-line_id').options[1].text`))
	e.choose(field("line_id"), first)
	e.typeInto("body", "该学员培训期间一直在外地务工，没有参加培训。")
	e.click(tid("objection-submit"))
	if e.count(`[data-testid="objection-done"]`) != 1 {
		t.Fatalf("objection not taken: %s", e.text(chromedp.CSS("main")))
	}

	// Five working days later the notice closes (the claim_notice_close
	// job's work), with the objection still to decide.
	until := e.scalar(`SELECT to_char(notice_until, 'YYYYMMDD')::bigint FROM subsidy_claims WHERE id = $1`, claimID)
	day, err := time.ParseInLocation("20060102", fmt.Sprint(until), repository.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	e.setNow(day.AddDate(0, 0, 1).Add(9 * time.Hour))
	if closed, err := e.store.CloseClaimNotice(context.Background(), claimID); err != nil || !closed {
		t.Fatalf("close the notice: %v %v", closed, err)
	}

	// The bureau upholds the objection: the person leaves the claim.
	e.login("bureau")
	e.visit(claimPath)
	if s := e.text(tid("claim-status")); s != "公示期满，待处理异议" {
		t.Fatalf("after the notice: %s", s)
	}
	before := e.text(tid("claim-total"))
	e.do("uphold", chromedp.Click(`[data-testid="objection-decide-form"] input[value="upheld"]`),
		chromedp.SendKeys(`[data-testid="objection-decide-form"] input[name="decision"]`, "经核查属实，移出申领"))
	e.click(tid("objection-decide"))
	if s := e.text(tid("objection-status")); s != "成立" && !strings.Contains(s, "成立") {
		t.Errorf("objection: %s", s)
	}
	if s := e.text(tid("claim-status")); s != "待拨付" {
		t.Fatalf("after the decision: %s", s)
	}
	if n := e.text(tid("claim-lines")); n != fmt.Sprint(lines-1) {
		t.Errorf("lines after the upheld objection: %s, want %d", n, lines-1)
	}
	if after := e.text(tid("claim-total")); after == before {
		t.Errorf("total unchanged after removing a line: %s", after)
	}
	removed := strings.Join(e.texts(`[data-testid="claim-line-status"]`), "\n")
	if !strings.Contains(removed, "已移出：经核查属实") {
		t.Errorf("line statuses:\n%s", removed)
	}

	// Payment recorded (the amount is the claim's total), then confirmed.
	e.typeInto("batch_no", "PC20260310-01")
	e.typeInto("voucher_no", "PZ-2026-0310-17")
	e.click(tid("claim-payment"))
	if s := e.text(tid("claim-status")); s != "已登记拨付" {
		t.Fatalf("after the payment: %s (%s)", s, e.text(chromedp.CSS("main")))
	}
	e.click(tid("claim-paid"))
	if s := e.text(tid("claim-status")); s != "已拨付" {
		t.Fatalf("after confirming: %s", s)
	}
	e.overflowFree("the bureau's paid claim")
	if e.count(tid("batch-full-form")) != 1 {
		t.Fatal("the bureau's paid claim offers no full-ID batch export beside its payment")
	}
	e.shot("claim-paid-bureau-1024")
	e.click(tid("logout"))

	// The school sees its claim paid, in the list and on its page.
	e.login("school")
	e.visit("/claims")
	found := false
	for _, row := range e.texts(`[data-testid="claim-row"]`) {
		found = found || strings.Contains(row, "已拨付") && strings.Contains(row, e.scalarText(`SELECT claim_no FROM subsidy_claims WHERE id = $1`, claimID))
	}
	if !found {
		t.Fatalf("the school's list: %q", e.texts(`[data-testid="claim-row"]`))
	}
	e.visit(claimPath)
	if s := e.text(tid("claim-status")); s != "已拨付" {
		t.Fatalf("the school's claim: %s", s)
	}
	if rows := e.count(`[data-testid="claim-payment-row"]`); rows != 1 {
		t.Errorf("%d payment rows", rows)
	}
	e.overflowFree("the school's paid claim")
	e.shot("claim-paid-1024")
}

// overflowFree fails the test when something sticks out of the page at
// the current width (the layout test's overflow script).
func (e *env) overflowFree(what string) {
	e.t.Helper()
	if out := run(e, "overflow "+what, chromedp.Evaluate[[]string](overflowJS)); len(out) > 0 {
		e.t.Errorf("%s at %s: %s", what, e.location(), strings.Join(out, "; "))
	}
}

// scalarText is the text a one-value query answers.
func (e *env) scalarText(q string, args ...any) string {
	e.t.Helper()
	var s string
	if err := e.store.Pool().QueryRow(context.Background(), q, args...).Scan(&s); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return s
}
