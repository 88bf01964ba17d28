package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"tianmu/internal/training"
	"tianmu/web"
)

// refusedStep is a one-button step the rules refuse (a wrong state, with
// the current version) or a stale version makes conflict.
type refusedStep struct {
	name   string
	user   string
	record string // SELECT id, version of a record in the state refused
	path   string // %d: the record's id
	form   url.Values
	stale  bool   // post version - 1: the step conflicts (409)
	status int    // the answer when not 422 (or 409 for stale)
	button string // data-testid of the step's button on the page
	want   string // the message's article, or the conflict's words
	page   string // a data-testid only the record's page has
	// prep makes the record instead of record (id, version).
	prep func(e *env) (int64, int)
}

// TestRefusedStepLandsBesideItsButton: every refused one-button step
// answers with the page it came from (not the error page), 422 for a rule
// (the message cites its article) or 409 for a stale version, the message
// inside the form of the button that was pressed, and the reason typed kept.
func TestRefusedStepLandsBesideItsButton(t *testing.T) {
	e := newEnv(t)
	// Records in the states the cases below refuse: a complaint just
	// received, a rectification order not answered yet, a published
	// evaluation year.
	e.walkComplaint()
	e.walkOrder()
	bureau := e.actorOf("bureau")
	_, err := e.store.SaveEvaluationSettings(e.ctx(), bureau, web.EvalSettingsFormOf(training.DefaultEvalSettings(2025)).Input)
	e.must(err)
	e.must(e.store.StartEvaluation(e.ctx(), bureau, 2025))
	_, err = e.store.RunEvaluation(e.ctx(), 2025)
	e.must(err)
	e.must(e.store.PublishEvaluation(e.ctx(), bureau, 2025))
	for _, c := range []refusedStep{
		{name: "institution revoke while pending", user: "bureau", record: `SELECT id, version FROM institutions WHERE status = 'pending'`,
			path: "/institutions/%d/revoke", form: url.Values{"reason": {"骗取补助（保留）"}}, button: "revoke-submit", want: "第十六条", page: "inst-status"},
		{name: "institution suspend, stale", user: "bureau", record: `SELECT id, version FROM institutions WHERE status = 'designated'`,
			path: "/institutions/%d/suspend", form: url.Values{"reason": {"整改（保留）"}}, stale: true, button: "suspend-submit", want: "已被他人修改", page: "inst-status"},
		{name: "class approve when approved", user: "bureau", record: `SELECT id, version FROM classes WHERE status = 'approved'`,
			path: "/classes/%d/approve", button: "class-approve", want: "第六条", page: "class-status"},
		{name: "class cancel, stale", user: "school", record: `SELECT c.id, c.version FROM classes c JOIN users u ON u.institution_id = c.institution_id
			WHERE u.username = 'school' AND c.status = 'approved'`,
			path: "/classes/%d/cancel", form: url.Values{"reason": {"场地不可用（保留）"}}, stale: true, button: "class-cancel", want: "已被他人修改", page: "class-status"},
		{name: "teacher approve when approved", user: "bureau", record: `SELECT id, version FROM teachers WHERE status = 'approved'`,
			path: "/teachers/%d/approve", button: "teacher-approve", want: "第五条", page: "teacher-status"},
		{name: "textbook approve when approved", user: "bureau", record: `SELECT id, version FROM textbooks WHERE status = 'approved'`,
			path: "/textbooks/%d/approve", button: "textbook-approve", want: "第六条", page: "textbook-status"},
		{name: "application accept when accepted", user: "centre", record: `SELECT id, version FROM exam_applications WHERE status IN ('accepted', 'archived')`,
			path: "/assessments/%d/accept", button: "application-accept", want: "第九条", page: "application-status"},
		{name: "session approve when published", user: "centre", record: `SELECT id, version FROM exam_sessions WHERE status = 'published'`,
			path: "/exam-sessions/%d/approve", button: "session-approve", want: "第十一条", page: "session-status"},
		{name: "fee approve when approved", user: "bureau", record: `SELECT id, version FROM fee_applications WHERE status = 'approved'`,
			path: "/fees/%d/approve", button: "fee-approve", want: "第十二条", page: "fee-status"},
		{name: "complaint close when just received", user: "bureau", record: `SELECT id, version FROM complaints WHERE status = 'received'`,
			path: "/complaints/%d/close", form: url.Values{"outcome": {"upheld"}}, button: "complaint-close", want: "第十五条", page: "complaint-status"},
		{name: "rectification accept before the answer", user: "bureau", record: `SELECT id, version FROM rectification_orders WHERE status = 'open'`,
			path: "/rectifications/%d/accept", button: "order-accept", want: "第十六条", page: "order-status"},
		{name: "rectification escalate before the due date", user: "bureau", record: `SELECT id, version FROM rectification_orders WHERE status = 'open'`,
			path: "/rectifications/%d/escalate", form: url.Values{"note": {"逾期未整改（保留）"}}, button: "order-escalate", want: "第十六条", page: "order-status"},
		{name: "user disables own account", user: "bureau", record: `SELECT id, 0 FROM users WHERE username = 'bureau'`,
			path: "/users/%d/disable", button: "disable-user", want: "不能停用自己的账号", page: "user-status"},
		{name: "evaluation re-run when published", user: "bureau", record: `SELECT year, version FROM evaluation_years WHERE status = 'published'`,
			path: "/evaluations/%d/run", button: "evaluation-run", want: "第十五条", page: "evaluation-status"},
		{name: "evaluation publish twice", user: "bureau", record: `SELECT year, version FROM evaluation_years WHERE status = 'published'`,
			path: "/evaluations/%d/publish", button: "evaluation-publish", want: "第十五条", page: "evaluation-status"},
		// Subsidy claims (第十二条), their payments, objections and
		// recovery (第十六条): the claim's page, beside the button.
		{name: "claim submit when submitted", user: "school", record: schoolClaim("submitted"),
			path: "/claims/%d/submit", button: "claim-submit", want: "第十二条", page: "claim-props"},
		{name: "claim withdraw, stale", user: "school", record: schoolClaim("draft"),
			path: "/claims/%d/withdraw", stale: true, button: "claim-withdraw", want: "已被他人修改", page: "claim-props"},
		{name: "claim rebuild when submitted", user: "school", record: schoolClaim("submitted"),
			path: "/claims/%d/rebuild", button: "claim-rebuild", want: "第十二条", page: "claim-props"},
		{name: "claim review when reviewed", user: "bureau", record: schoolClaim("reviewed"),
			path: "/claims/%d/review", button: "claim-review", want: "第十二条", page: "claim-props"},
		{name: "claim return when paid", user: "bureau", record: schoolClaim("paid"),
			path: "/claims/%d/return", form: url.Values{"note": {"材料不全（保留）"}}, button: "claim-return", want: "第十二条", page: "claim-props"},
		{name: "claim approve when submitted", user: "bureau2", record: schoolClaim("submitted"),
			path: "/claims/%d/approve", button: "claim-approve", want: "第十二条", page: "claim-props"},
		{name: "claim confirm paid when payable", user: "bureau", record: schoolClaim("payable"),
			path: "/claims/%d/paid", button: "claim-paid", want: "第十二条", page: "claim-props"},
		{name: "claim payment failed, stale", user: "bureau", record: schoolClaim("payment_recorded"),
			path: "/claims/%d/payment-failed", form: url.Values{"note": {"账户销户（保留）"}}, stale: true, button: "claim-payment-failed",
			want: "已被他人修改", page: "claim-props"},
		{name: "claim payment when paid", user: "bureau", record: schoolClaim("paid"),
			path: "/claims/%d/payment", form: url.Values{"batch_no": {"PC-KEEP-1"}, "voucher_no": {"PZ-KEEP-1"}, "paid_on": {"2026-01-05"}},
			button: "claim-payment", want: "第十二条", page: "claim-props"},
		{name: "objection decided twice", user: "bureau", prep: decidedObjection,
			path: "/objections/%d/decide", form: url.Values{"decision": {"再次处理（保留）"}}, button: "objection-decide", want: "第十二条", page: "claim-props"},
		// Reference data (SUB-1): an end date before the figure began; the
		// button is the row's own.
		{name: "figure end before its start", user: "bureau", record: `SELECT id, 0 FROM subsidy_standards WHERE valid_to IS NULL`,
			path: "/subsidy-standards/standard/%d/end", form: url.Values{"to": {"2001-01-01"}}, button: "end-standard-%d", want: "第十二条", page: "standards"},
		{name: "recovery before payment", user: "bureau", record: schoolClaim("payable"),
			path: "/claims/%d/recovery", form: url.Values{"amount": {"1"}, "reason": {"骗取补助（保留）"}}, button: "claim-recovery", want: "第十六条", page: "claim-props"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var id int64
			var version int
			if c.prep != nil {
				id, version = c.prep(e)
			} else {
				must(t, e.store.Pool().QueryRow(context.Background(), c.record+` ORDER BY 1 LIMIT 1`).Scan(&id, &version))
			}
			if c.stale {
				version--
			}
			form := url.Values{"version": {fmt.Sprint(version)}}
			for k, v := range c.form {
				form[k] = v
			}
			res := e.login(c.user).post(fmt.Sprintf(c.path, id), form)
			status := http.StatusUnprocessableEntity
			if c.stale {
				status = http.StatusConflict
			}
			if c.status != 0 {
				status = c.status
			}
			button := c.button
			if strings.Contains(button, "%d") {
				button = fmt.Sprintf(button, id)
			}
			assertBeside(t, res, status, button, c.want, c.page)
			for _, v := range c.form {
				if !strings.Contains(formOf(res, button), v[0]) {
					t.Errorf("the reason typed %q is not kept in the form", v[0])
				}
			}
		})
	}
}

// schoolClaim selects the school's demo claim in status.
func schoolClaim(status string) string {
	return `SELECT c.id, c.version FROM subsidy_claims c JOIN users u ON u.institution_id = c.institution_id
		WHERE u.username = 'school' AND c.status = '` + status + `'`
}

// decidedObjection is the objection on the claim on notice, decided (not
// upheld): deciding it again is refused.
func decidedObjection(e *env) (int64, int) {
	e.t.Helper()
	id := e.queryID(`SELECT o.id FROM subsidy_claim_objections o JOIN subsidy_claims c ON c.id = o.claim_id
		WHERE c.status = 'notice' AND o.status = 'pending' ORDER BY o.id LIMIT 1`)
	_, err := e.store.DecideClaimObjection(context.Background(), e.actorOf("bureau"), id, false, "经核查不属实")
	e.must(err)
	return id, 0
}

// assertBeside checks a refused step's answer: status, the record's page,
// and want inside the form of button, in an alert the button points to.
func assertBeside(t *testing.T, res response, status int, button, want, page string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d\n%s", res.status, status, res.text("form-errors"))
	}
	if res.has(fmt.Sprintf("error-%d", status)) || !res.has(page) {
		t.Fatalf("not the record's page (%s)", page)
	}
	f := formOf(res, button)
	if !strings.Contains(f, want) {
		t.Fatalf("the form of %s says %q, want %q", button, f, want)
	}
	if !strings.Contains(res.body, `role="alert"`) || !describedByErr.MatchString(res.body) {
		t.Fatalf("the message is not an alert the button points to")
	}
}

// describedByErr is a control that points at a message (err-…), after its
// hint or alone.
var describedByErr = regexp.MustCompile(`aria-describedby="([^"]* )?err-`)

// formOf is the text (and typed values) of the form holding the element
// with data-testid=button.
func formOf(res response, button string) string {
	doc, err := html.Parse(strings.NewReader(res.body))
	if err != nil {
		return ""
	}
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "data-testid" && a.Val == button {
					found = n
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for n := found; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && n.Data == "form" {
			return typedOf(n)
		}
	}
	return ""
}

// typedOf is a form's text with what its controls hold: each input's value
// and each selected option's value, so a test sees what the user typed.
func typedOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	if n.Type == html.ElementNode {
		attr := map[string]string{}
		has := map[string]bool{}
		for _, a := range n.Attr {
			attr[a.Key], has[a.Key] = a.Val, true
		}
		switch {
		case n.Data == "input" && attr["type"] != "hidden":
			b.WriteString(" " + attr["value"] + " ")
		case n.Data == "option" && has["selected"]:
			b.WriteString(" " + attr["value"] + " ")
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(typedOf(c))
	}
	return b.String()
}
