package browser_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tianmu/internal/demo"
	"tianmu/internal/training"
)

// Each role's day, from the home page (issue 17): read the to-do count,
// follow the first to-do item, finish the work there, come back home and
// see the count drop; the other side sees what happened (its inbox, with
// the unread count in the header, marked read when opened, or its own
// to-do list).

// leadingInt is the number a count badge starts with ("3项待办" → 3; 0
// when there is none).
func leadingInt(s string) int {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(s[:i])
	return n
}

// todoTotal is the home page's to-do total.
func (e *env) todoTotal() int {
	e.t.Helper()
	return leadingInt(e.text(tid("todo-total")))
}

// todoCount is the count of one kind on the home page (0 when absent).
func (e *env) todoCount(kind string) int {
	e.t.Helper()
	if e.count(tid("todo-count-"+kind)) == 0 {
		return 0
	}
	return leadingInt(e.text(tid("todo-count-" + kind)))
}

// navTotal is the to-do total beside 首页 in the navigation of the page
// shown (the first count of the navigation; 0 when none).
func (e *env) navTotal() int {
	e.t.Helper()
	counts := e.texts(`nav.main-nav [data-testid="nav-count"]`)
	if len(counts) == 0 {
		return 0
	}
	return leadingInt(counts[0])
}

// navCountOf is the navigation count of the entry linking to href.
func (e *env) navCountOf(href string) int {
	e.t.Helper()
	counts := e.texts(chromedp.CSS(`nav.main-nav a[href="` + href + `"] [data-testid="nav-count"]`))
	if len(counts) == 0 {
		return 0
	}
	return leadingInt(counts[0])
}

// unread is the unread count beside 消息 in the header.
func (e *env) unread() int {
	e.t.Helper()
	return leadingInt(strings.TrimSpace(strings.TrimPrefix(e.text(tid("inbox-link")), "消息")))
}

// firstTodo is the kind of the first item of the home page's to-do list
// and the address of its first line; it follows that line.
func (e *env) followFirstTodo() (kind, href string) {
	e.t.Helper()
	kind = strings.TrimPrefix(run(e, "first to-do item", chromedp.Evaluate[string](
		`document.querySelector('.todo-item').dataset.testid`)), "todo-")
	href = run(e, "first to-do line", chromedp.Evaluate[string](
		`document.querySelector('.todo-item [data-testid="todo-line"]').getAttribute('href')`))
	e.click(chromedp.CSS(`.todo-item [data-testid="todo-line"]`))
	if got := e.location(); got != href {
		e.t.Fatalf("followed %s to %s, want %s", kind, got, href)
	}
	return kind, href
}

// goHome follows the brand link back to the home page.
func (e *env) goHome() {
	e.t.Helper()
	e.click(chromedp.CSS(`.brand a`))
	if loc := e.location(); loc != "/" {
		e.t.Fatalf("home link went to %s", loc)
	}
}

// openInboxMessage opens (a POST) the newest unread message whose title
// holds want, and checks that it is marked read and the header's unread
// count drops by one.
func (e *env) openInboxMessage(want, wantHref string) {
	e.t.Helper()
	before := e.unread()
	if before == 0 {
		e.t.Fatalf("no unread count in the header (at %s)", e.location())
	}
	e.click(tid("inbox-link"))
	rows := e.texts(`[data-testid="inbox-row"]`)
	if len(rows) == 0 || !strings.Contains(rows[0], want) || !strings.Contains(rows[0], "未读") {
		e.t.Fatalf("inbox: newest message %q, want %q unread", rows, want)
	}
	if n := e.count(`[data-testid="inbox-unread"]`); n != before {
		e.t.Fatalf("inbox lists %d unread, the header says %d", n, before)
	}
	e.click(chromedp.CSS(`[data-testid="inbox-row"]:first-child [data-testid="inbox-open"]`))
	if loc := e.location(); loc != wantHref {
		e.t.Fatalf("the message opened %s, want %s", loc, wantHref)
	}
	if after := e.unread(); after != before-1 {
		e.t.Fatalf("unread in the header: %d before opening, %d after", before, after)
	}
	e.click(tid("inbox-link"))
	if first := e.texts(`[data-testid="inbox-row"]`)[0]; !strings.Contains(first, "已读") {
		e.t.Fatalf("the opened message: %q", first)
	}
}

// TestBureauDayApprovesTheFirstFiling: the bureau's first to-do item is a
// filing to review; approved there, the count drops on the next page and
// at home; the institution finds the approval in its inbox.
func TestBureauDayApprovesTheFirstFiling(t *testing.T) {
	e := newEnv(t)
	e.login("bureau")
	total, review := e.todoTotal(), e.todoCount("class.review")
	if total == 0 || review == 0 || e.navTotal() != total {
		t.Fatalf("bureau's home: %d to do, %d filings, navigation says %d", total, review, e.navTotal())
	}
	kind, href := e.followFirstTodo()
	if kind != "class.review" || !strings.HasPrefix(href, "/classes/") {
		t.Fatalf("first to-do item: %s %s", kind, href)
	}
	if e.navTotal() != total || e.navCountOf("/review") != review {
		t.Fatalf("navigation on the filing: %d (备案审核 %d), home said %d (%d)", e.navTotal(), e.navCountOf("/review"), total, review)
	}
	e.click(tid("class-approve"))
	if got := e.text(tid("class-status")); got != "已备案" {
		t.Fatalf("after approval: %q", got)
	}
	// The count drops on the very next page, not only at home.
	if e.navTotal() != total-1 || e.navCountOf("/review") != review-1 {
		t.Fatalf("navigation after approving: %d (备案审核 %d), want %d (%d)", e.navTotal(), e.navCountOf("/review"), total-1, review-1)
	}
	e.goHome()
	if got := e.todoTotal(); got != total-1 || e.todoCount("class.review") != review-1 {
		t.Fatalf("home after approving: %d to do (%d filings), want %d (%d)", got, e.todoCount("class.review"), total-1, review-1)
	}

	id, _ := strconv.ParseInt(strings.TrimPrefix(href, "/classes/"), 10, 64)
	var user, classNo string
	e.must(e.store.Pool().QueryRow(context.Background(), `SELECT u.username, c.class_no FROM classes c
		JOIN users u ON u.institution_id = c.institution_id AND u.role = 'institution'
		WHERE c.id = $1 ORDER BY u.id LIMIT 1`, id).Scan(&user, &classNo))
	e.click(tid("logout"))
	e.login(user)
	e.openInboxMessage("办班备案已同意："+classNo, href)
}

// TestInstitutionDaySubmitsTheFirstDraft: the school's first to-do item
// is its draft filing; submitted from the form, it leaves the school's
// list and arrives on the bureau's.
func TestInstitutionDaySubmitsTheFirstDraft(t *testing.T) {
	e := newEnv(t)
	e.login("school")
	total, drafts := e.todoTotal(), e.todoCount("class.draft")
	if total == 0 || drafts == 0 || e.navTotal() != total {
		t.Fatalf("school's home: %d to do, %d drafts, navigation says %d", total, drafts, e.navTotal())
	}
	kind, href := e.followFirstTodo()
	if kind != "class.draft" || !strings.HasSuffix(href, "/edit") {
		t.Fatalf("first to-do item: %s %s", kind, href)
	}
	classPage := strings.TrimSuffix(href, "/edit")
	e.click(tid("class-submit"))
	if got := e.text(tid("class-status")); got != "已提交" {
		t.Fatalf("after submitting: %q (at %s)", got, e.location())
	}
	if e.navTotal() != total-1 {
		t.Fatalf("navigation after submitting: %d, want %d", e.navTotal(), total-1)
	}
	e.goHome()
	if got := e.todoTotal(); got != total-1 || e.todoCount("class.draft") != drafts-1 {
		t.Fatalf("home after submitting: %d to do (%d drafts), want %d (%d)", got, e.todoCount("class.draft"), total-1, drafts-1)
	}

	// The other side: the filing waits on the bureau's to-do list.
	e.click(tid("logout"))
	e.login("bureau")
	submitted := int(e.scalar(`SELECT count(*) FROM classes WHERE status = 'submitted'`))
	if got := e.todoCount("class.review"); got != submitted {
		t.Fatalf("bureau's filings to review: %d, want %d", got, submitted)
	}
	lines := run(e, "review lines", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('[data-testid="todo-class.review"] [data-testid="todo-line"]'), a => a.getAttribute('href'))`))
	found := false
	for _, l := range lines {
		found = found || l == classPage
	}
	if !found {
		t.Fatalf("the submitted filing %s is not on the bureau's list: %q", classPage, lines)
	}
}

// TestCentreDayAcceptsTheFirstApplication: the centre's first to-do item
// is an application to accept; accepted, it leaves that item (and waits
// to be scheduled); the school finds the acceptance in its inbox.
func TestCentreDayAcceptsTheFirstApplication(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// The school applies for its finished class (the browser flow of
	// applying is TestAssessmentApplyScoreApprovePublishVerify).
	cls := e.scalar(`SELECT id FROM classes WHERE content = $1`, demo.FinishedClassContent)
	org := e.scalar(`SELECT id FROM eval_orgs WHERE kind = 'centre'`)
	rows, err := e.store.Pool().Query(ctx, `SELECT id FROM enrolments WHERE class_id = $1 AND status = 'enrolled' ORDER BY id`, cls)
	e.must(err)
	var ids []int64
	reasons := map[int64]string{}
	for rows.Next() {
		var id int64
		e.must(rows.Scan(&id))
		ids, reasons[id] = append(ids, id), "病假已补课"
	}
	e.must(rows.Err())
	app, err := e.store.Apply(ctx, e.actor("school"), cls, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: org,
		EnrolmentIDs: ids, Reasons: reasons})
	e.must(err)

	e.login("centre")
	total, accept, schedule := e.todoTotal(), e.todoCount("application.accept"), e.todoCount("session.schedule")
	if accept == 0 || e.navTotal() != total || e.navCountOf("/assessments") == 0 {
		t.Fatalf("centre's home: %d to do, %d to accept, navigation says %d", total, accept, e.navTotal())
	}
	kind, href := e.followFirstTodo()
	if kind != "application.accept" || href != "/assessments/"+strconv.FormatInt(app, 10) {
		t.Fatalf("first to-do item: %s %s", kind, href)
	}
	e.click(tid("application-accept"))
	if got := e.text(tid("application-status")); got != training.AppAccepted.Label() {
		t.Fatalf("after accepting: %q", got)
	}
	e.goHome()
	if got := e.todoCount("application.accept"); got != accept-1 {
		t.Fatalf("applications to accept after accepting one: %d, want %d", got, accept-1)
	}
	// The same work moves on: now it waits to be scheduled.
	if got := e.todoCount("session.schedule"); got != schedule+1 || e.todoTotal() != total {
		t.Fatalf("to schedule: %d (was %d); total %d (was %d)", got, schedule, e.todoTotal(), total)
	}

	var classNo string
	e.must(e.store.Pool().QueryRow(ctx, `SELECT class_no FROM classes WHERE id = $1`, cls).Scan(&classNo))
	e.click(tid("logout"))
	e.login("school")
	e.openInboxMessage("鉴定申报已受理："+classNo, href)
}
