package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tianmu/internal/training"
)

// claimOf is the id of the school's demo claim in a status.
func (e *env) claimOf(status training.ClaimStatus) int64 {
	e.t.Helper()
	return e.queryID(`SELECT id FROM subsidy_claims WHERE status = $1 AND institution_id = (SELECT institution_id FROM users WHERE username = 'school')
		ORDER BY id LIMIT 1`, string(status))
}

func sheets(t *testing.T, body string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}

func joinRows(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteString("\n")
	}
	return b.String()
}

// TestClaimWorkbook: the institution takes its claim as a workbook (the
// three sheets, ID numbers masked, exclusions with reasons and articles);
// the bureau's full list needs a reason (422 beside the field), then
// carries the full numbers and is in the audit log as a view of personal
// data.
func TestClaimWorkbook(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	school := e.login("school")
	id := e.claimOf(training.ClaimDraft)
	path := "/claims/" + itoa(id)

	page := school.get(path)
	if page.status != http.StatusOK || !page.has("claim-export") || !page.has("claim-form-pdf") || page.has("claim-export-full-form") {
		t.Fatalf("claim page %d: the institution's export links", page.status)
	}
	x := school.get(path + "/export.xlsx")
	if x.status != http.StatusOK || !strings.HasPrefix(x.header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Fatalf("export: %d %s", x.status, x.header.Get("Content-Type"))
	}
	book := sheets(t, x.body)
	for _, name := range []string{"申领汇总", "补贴明细", "不予补贴名单"} {
		if _, ok := book[name]; !ok {
			t.Fatalf("no sheet %s: %v", name, book)
		}
	}
	var full []string
	rows, err := e.store.Pool().Query(ctx, `SELECT id_number FROM subsidy_claim_lines WHERE claim_id = $1`, id)
	must(t, err)
	for rows.Next() {
		var s string
		must(t, rows.Scan(&s))
		full = append(full, s)
	}
	must(t, rows.Err())
	if len(full) == 0 {
		t.Fatal("the demo draft has no lines")
	}
	lines := joinRows(book["补贴明细"])
	for _, n := range full {
		if strings.Contains(x.body, n) || strings.Contains(lines, n) {
			t.Fatal("the masked export holds a full ID number")
		}
		if !strings.Contains(lines, training.MaskID(n)) {
			t.Errorf("the lines sheet lacks %s:\n%s", training.MaskID(n), lines)
		}
	}
	if got := len(book["补贴明细"]) - 2; got != len(full) {
		t.Errorf("%d rows of lines, want %d", got, len(full))
	}

	// The build class's claim has exclusions: build one from it.
	cls := e.queryID(`SELECT id FROM classes WHERE class_no = 'BB9000000'`)
	res := school.post("/claims", url.Values{"class_id": {itoa(cls)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("build: %d %s", res.status, res.text("form-errors"))
	}
	x = school.get(res.location + "/export.xlsx")
	excl := joinRows(sheets(t, x.body)["不予补贴名单"])
	for _, want := range []string{training.RuleClaimAttendance.Msg(), training.RuleClaimFeePaid.Msg()} {
		if !strings.Contains(excl, want) {
			t.Errorf("the exclusions sheet lacks %q:\n%s", want, excl)
		}
	}

	// The bureau: no reason → the page again, the message beside the field.
	bureau := e.login("bureau")
	page = bureau.post(path+"/export-full", url.Values{"reason": {"  "}})
	if page.status != http.StatusUnprocessableEntity || !strings.Contains(page.text("err-reason"), training.RuleClaimFullIDReason.Text) {
		t.Fatalf("full export without a reason: %d %q", page.status, page.text("err-reason"))
	}
	x = bureau.post(path+"/export-full", url.Values{"reason": {"审计署抽查，需核对身份证号"}})
	if x.status != http.StatusOK {
		t.Fatalf("full export: %d", x.status)
	}
	lines = joinRows(sheets(t, x.body)["补贴明细"])
	for _, n := range full {
		if !strings.Contains(lines, n) {
			t.Errorf("the full export lacks %s", n)
		}
	}
	var n int
	must(t, e.store.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'claim.export_full_ids' AND entity_id = $1
		AND after->>'reason' = '审计署抽查，需核对身份证号'`, id).Scan(&n))
	if n != 1 {
		t.Fatalf("%d audit rows of the full export", n)
	}
	if !training.IsPIIView("claim.export_full_ids") {
		t.Fatal("the full export is not a view of personal data")
	}
	// The institution cannot ask for it (the bureau's routes answer 403).
	if r := school.post(path+"/export-full", url.Values{"reason": {"想要"}}); r.status != http.StatusForbidden {
		t.Fatalf("the institution's full export: %d", r.status)
	}
}

// TestClaimPaymentBatchAndFundReport: the payment batch of the demo's
// paid claim (one batch holds several of the school's claims), for the
// bureau and the school; the bureau's fund-use report workbook.
func TestClaimPaymentBatchAndFundReport(t *testing.T) {
	e := newEnv(t)
	paid := e.claimOf(training.ClaimPaid)
	pid := e.queryID(`SELECT min(id) FROM subsidy_claim_payments WHERE claim_id = $1`, paid)
	batch := e.queryID(`SELECT count(*) FROM subsidy_claim_payments WHERE batch_no = (SELECT batch_no FROM subsidy_claim_payments WHERE id = $1)`, pid)
	for _, who := range []string{"bureau", "school"} {
		c := e.login(who)
		page := c.get("/claims/" + itoa(paid))
		if !page.has("claim-batch-export") {
			t.Fatalf("%s: no batch link on the paid claim", who)
		}
		x := c.get("/claim-payments/" + itoa(pid) + "/batch.xlsx")
		if x.status != http.StatusOK {
			t.Fatalf("%s: batch export %d", who, x.status)
		}
		book := sheets(t, x.body)
		pays, lines := book["拨付批次"], book["拨付明细"]
		if int64(len(pays)-3) != batch { // title, header, total
			t.Errorf("%s: %d payments in the batch sheet, want %d:\n%s", who, len(pays)-3, batch, joinRows(pays))
		}
		if len(lines) < 3 || !strings.Contains(joinRows(lines), "********") {
			t.Errorf("%s: lines sheet:\n%s", who, joinRows(lines))
		}
	}
	if r := e.login("academy").get("/claim-payments/" + itoa(pid) + "/batch.xlsx"); r.status != http.StatusNotFound {
		t.Fatalf("another institution's batch: %d", r.status)
	}

	// The bureau's batch with full ID numbers (the finance office's
	// transfer list): refused without a reason beside that payment's form,
	// then exported whole and audited as a view of personal data; the
	// institution cannot ask for it.
	full := e.login("bureau")
	path := "/claims/" + itoa(paid) + "/payments/" + itoa(pid) + "/batch-full"
	page := full.post(path, url.Values{"reason": {" "}})
	if page.status != http.StatusUnprocessableEntity || !strings.Contains(page.text("err-reason"), training.RuleClaimFullIDReason.Text) ||
		!strings.Contains(page.body, `id="e-batch-`+itoa(pid)+`-reason"`) {
		t.Fatalf("batch without a reason: %d %q", page.status, page.text("err-reason"))
	}
	x := full.post(path, url.Values{"reason": {"财政拨付需核对收款人身份证号"}})
	if x.status != http.StatusOK || !strings.Contains(x.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("full batch: %d", x.status)
	}
	lines := joinRows(sheets(t, x.body)["拨付明细"])
	if strings.Contains(lines, "********") || !fullIDNumber.MatchString(lines) {
		t.Fatalf("the full batch masks its ID numbers:\n%s", lines)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'claim.batch_full_ids' AND entity_id = $1
		AND after->>'reason' = '财政拨付需核对收款人身份证号' AND (after->>'payment_id')::bigint = $2`, paid, pid); n != 1 {
		t.Fatalf("%d audit rows of the full batch", n)
	}
	if !training.IsPIIView("claim.batch_full_ids") || training.AuditActionLabel("claim.batch_full_ids") == "claim.batch_full_ids" {
		t.Fatal("the full batch is not a labelled view of personal data")
	}
	if r := full.post("/claims/"+itoa(e.claimOf(training.ClaimDraft))+"/payments/"+itoa(pid)+"/batch-full",
		url.Values{"reason": {"核对"}}); r.status != http.StatusNotFound {
		t.Fatalf("a payment under another claim: %d", r.status)
	}
	if r := e.login("school").post(path, url.Values{"reason": {"想要"}}); r.status != http.StatusForbidden {
		t.Fatalf("the institution's full batch: %d", r.status)
	}

	bureau := e.login("bureau")
	if !bureau.get("/fund-use").has("fund-report-export") {
		t.Fatal("no export link on the fund-use report")
	}
	x = bureau.get("/fund-use.xlsx?year=" + itoa(int64(e.store.Today().Year())))
	if x.status != http.StatusOK {
		t.Fatalf("fund report export: %d", x.status)
	}
	rows := sheets(t, x.body)["经费使用"]
	if len(rows) < 3 || !strings.Contains(joinRows(rows), "杭州市临安区天目职业技能培训学校") {
		t.Fatalf("fund report:\n%s", joinRows(rows))
	}
}

// TestClaimFormPDF: the printed claim form, read back with pdftotext.
func TestClaimFormPDF(t *testing.T) {
	e := newEnv(t)
	id := e.claimOf(training.ClaimPaid)
	x := e.login("school").get("/claims/" + itoa(id) + "/form.pdf")
	if x.status != http.StatusOK || x.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("form: %d %s", x.status, x.header.Get("Content-Type"))
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is missing (apt-get install poppler-utils)")
	}
	p := filepath.Join(t.TempDir(), "f.pdf")
	must(t, os.WriteFile(p, []byte(x.body), 0o600))
	out, err := exec.Command(bin, "-layout", p, "-").Output()
	must(t, err)
	c, err := e.store.ClaimByID(context.Background(), training.System, id)
	must(t, err)
	text := string(out)
	for _, want := range []string{"补贴申领表", c.ClaimNo, c.InstitutionName, training.YuanCapitals(c.Total), "培训机构（盖章）"} {
		if !strings.Contains(text, want) {
			t.Errorf("the form lacks %q:\n%s", want, text)
		}
	}
}
