package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tianmu/internal/training"
)

// TestClaimStepAnswers: the claim steps through the router: 303 back to the
// claim on success, 422 with the message beside the field or above the
// buttons on a refusal, 409 on a stale version.
func TestClaimStepAnswers(t *testing.T) {
	e := newEnv(t)
	version := func(id int64) string {
		return itoa(e.queryID(`SELECT version FROM subsidy_claims WHERE id = $1`, id))
	}
	school, bureau, bureau2 := e.login("school"), e.login("bureau"), e.login("bureau2")

	// Submit the draft: stale → 409, current → 303.
	draft := e.claimOf(training.ClaimDraft)
	path := "/claims/" + itoa(draft)
	stale := version(draft)
	if r := school.post(path+"/submit", url.Values{"version": {"0"}}); r.status != http.StatusConflict {
		t.Fatalf("stale submit: %d", r.status)
	}
	if r := school.post(path+"/submit", url.Values{"version": {stale}}); r.status != http.StatusSeeOther || r.location != path {
		t.Fatalf("submit: %d %s", r.status, r.location)
	}
	if r := school.post(path+"/submit", url.Values{"version": {stale}}); r.status != http.StatusConflict {
		t.Fatalf("submit again on the old version: %d", r.status)
	}

	// Return without a reason: 422, the message beside the return field.
	r := bureau.post(path+"/return", url.Values{"version": {version(draft)}, "note": {" "}})
	if r.status != http.StatusUnprocessableEntity || r.text("err-note") != training.RuleClaimReturnNote.Msg() ||
		!strings.Contains(formOf(r, "claim-return"), training.RuleClaimReturnNote.Msg()) {
		t.Fatalf("return without a reason: %d %q", r.status, r.text("err-note"))
	}
	if r.text("claim-status") != training.ClaimSubmitted.Label() {
		t.Fatalf("status after the refusal: %q", r.text("claim-status"))
	}

	// Review (303), then the reviewer's approval is refused (four eyes,
	// above the buttons), a second user's goes through.
	if r := bureau.post(path+"/review", url.Values{"version": {version(draft)}}); r.status != http.StatusSeeOther {
		t.Fatalf("review: %d %s", r.status, r.text("form-errors"))
	}
	r = bureau.post(path+"/approve", url.Values{"version": {version(draft)}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("form-errors"), training.RuleClaimFourEyes.Msg()) {
		t.Fatalf("the reviewer approves: %d %q", r.status, r.text("form-errors"))
	}
	if r.has("claim-approve") {
		t.Fatal("the reviewer is offered the approval button")
	}
	if r := bureau2.post(path+"/approve", url.Values{"version": {version(draft)}}); r.status != http.StatusSeeOther || r.location != path {
		t.Fatalf("approve: %d %s", r.status, r.location)
	}
	if st := bureau2.get(path).text("claim-status"); st != training.ClaimNotice.Label() {
		t.Fatalf("after approval: %q", st)
	}

	// A payment that does not match the total: 422 beside the amount.
	payable := e.claimOf(training.ClaimPayable)
	pp := "/claims/" + itoa(payable)
	r = bureau.post(pp+"/payment", url.Values{"version": {version(payable)}, "batch_no": {"PC-T-1"}, "paid_on": {e.store.Today().Format("2006-01-02")},
		"voucher_no": {"PZ-T-1"}, "amount": {"0.01"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-amount"), "不一致") {
		t.Fatalf("payment of the wrong amount: %d %q", r.status, r.text("err-amount"))
	}
	if r := bureau.post(pp+"/payment", url.Values{"version": {"0"}, "batch_no": {"PC-T-1"}, "paid_on": {e.store.Today().Format("2006-01-02")},
		"voucher_no": {"PZ-T-1"}, "amount": {"1"}}); r.status != http.StatusConflict {
		t.Fatalf("stale payment: %d", r.status)
	}
}
