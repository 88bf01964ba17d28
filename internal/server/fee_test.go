package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFeeFlowThroughPages: the institution applies (an invalid form comes
// back with what was typed), the bureau approves, the institution records
// a payment (above the approved amount refused beside the field), and the
// roster says the payer gets no subsidy.
func TestFeeFlowThroughPages(t *testing.T) {
	e := newEnv(t)
	school, bureau := e.login("school"), e.login("bureau")
	cls := e.classID(approvedDemoClass)
	page := "/classes/" + itoa(cls) + "/fees"
	r := school.get(page)
	if r.status != http.StatusOK || !r.has("fee-apply-form") || !r.has("fee-none") {
		t.Fatalf("fee page: %d", r.status)
	}
	r = school.post(page, url.Values{"amount": {"abc"}, "covers": {"实训耗材"}, "reason": {""}})
	if r.status != http.StatusUnprocessableEntity || r.text("err-amount") == "" || r.text("err-reason") == "" ||
		!strings.Contains(r.body, `value="abc"`) || !strings.Contains(r.body, "实训耗材") {
		t.Fatalf("invalid application: %d %q %q", r.status, r.text("err-amount"), r.text("err-reason"))
	}
	r = school.post(page, url.Values{"amount": {"300"}, "covers": {"实训耗材"}, "reason": {"烹饪原料消耗"}})
	if r.status != http.StatusSeeOther || r.location != page {
		t.Fatalf("apply: %d %s", r.status, r.text("form-errors"))
	}
	// The bureau sees it in its queue and approves it.
	if q := bureau.get("/fees?status=submitted"); !strings.Contains(q.text("fee-table"), "待审核") {
		t.Fatalf("queue: %s", q.text("fee-table"))
	}
	app := e.queryID(`SELECT id FROM fee_applications WHERE class_id = $1`, cls)
	if r := bureau.post("/fees/"+itoa(app)+"/approve", url.Values{"version": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.status)
	}
	r = school.get(page)
	if r.text("fee-status") != "已核准" || !r.has("fee-pay-form") {
		t.Fatalf("after approval: %q", r.text("fee-status"))
	}
	enr := e.queryID(`SELECT min(id) FROM enrolments WHERE class_id = $1`, cls)
	r = school.post(page+"/payments", url.Values{"enrolment_id": {itoa(enr)}, "amount": {"350"}, "paid_on": {"2026-03-01"}, "receipt_no": {"SJ-9"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-amount"), "第十二条、第十六条") || !strings.Contains(r.body, `value="350"`) {
		t.Fatalf("above the approved amount: %d %q", r.status, r.text("err-amount"))
	}
	r = school.post(page+"/payments", url.Values{"enrolment_id": {itoa(enr)}, "amount": {"300"}, "paid_on": {"2026-03-01"}, "receipt_no": {"SJ-9"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("payment: %d %s", r.status, r.text("form-errors"))
	}
	r = bureau.get(page)
	if len(r.texts("fee-paid")) != 1 || !strings.Contains(r.text("fee-no-subsidy"), "不享受政府培训补贴（第十二条）") {
		t.Fatalf("roster after payment: %q %q", r.texts("fee-paid"), r.text("fee-no-subsidy"))
	}
	// Another institution gets 404.
	if r := e.login("academy").get(page); r.status != http.StatusNotFound {
		t.Fatalf("academy: %d", r.status)
	}
}

// TestSubsidyStandardsPage: the bureau adds a standard (a refused one
// comes back with the message beside the field).
func TestSubsidyStandardsPage(t *testing.T) {
	e := newEnv(t)
	bureau := e.login("bureau")
	r := bureau.get("/subsidy-standards")
	if r.status != http.StatusOK || len(r.texts("standard-row")) != 12 || len(r.texts("rate-row")) != 7 {
		t.Fatalf("page: %d, %d standards, %d rates", r.status, len(r.texts("standard-row")), len(r.texts("rate-row")))
	}
	form := url.Values{"kind": {"standard"}, "type": {"skill_level"}, "level": {"4"}, "amount": {"1800"}, "from": {"2020-01-01"}, "source_doc": {"杭人社发〔2026〕9号"}}
	r = bureau.post("/subsidy-standards", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-from"), "第十二条") || !strings.Contains(r.body, "杭人社发〔2026〕9号") {
		t.Fatalf("overlap: %d %q", r.status, r.text("err-from"))
	}
	form.Set("from", "2026-07-01")
	if r := bureau.post("/subsidy-standards", form); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.status, r.text("form-errors"))
	}
	if r := bureau.get("/subsidy-standards"); len(r.texts("standard-row")) != 13 || !strings.Contains(r.text("standards"), "¥1,800.00") {
		t.Fatalf("after add: %d rows", len(r.texts("standard-row")))
	}
}
