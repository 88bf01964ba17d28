package browser_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tianmu/internal/training"
)

// TestRefusedDesignationBesideItsButton: the bureau designates a pending
// institution that has no licensed scope yet. The refusal lands on the
// institution's page with the rule's message (第六条) inside the
// designation form, beside its button, and the decision typed kept; once
// the scope is filled in, the same form designates it.
func TestRefusedDesignationBesideItsButton(t *testing.T) {
	e := newEnv(t)
	var id int64
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT id FROM institutions WHERE status = 'pending' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Pool().Exec(t.Context(), `DELETE FROM institution_scopes WHERE institution_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	page := "/institutions/" + strconv.FormatInt(id, 10)
	e.login("bureau")
	e.visit(page)
	e.typeInto("decision_no", "临人社培〔2026〕21号")
	e.do("decision date", chromedp.SetValue(field("decision_date"), "2026-03-01"))
	e.typeInto("decided_by", "王科长")
	e.click(tid("designate-submit"))
	if got := e.location(); !strings.HasSuffix(got, page+"/designate") {
		t.Fatalf("answered at %s", got)
	}
	beside := `[data-testid="designate-form"] [role="alert"]`
	if got := e.text(chromedp.CSS(beside)); !strings.Contains(got, "第六条") || !strings.Contains(got, "许可范围") {
		t.Fatalf("the message beside the button: %q", got)
	}
	if e.count(tid("error-422")) != 0 || e.text(tid("inst-status")) != training.InstPending.Label() {
		t.Fatal("not the institution's page")
	}
	if got := e.value(field("decision_no")); got != "临人社培〔2026〕21号" {
		t.Fatalf("the decision typed was lost: %q", got)
	}
	e.shot("refused")

	// Corrected: the scope first, then the same designation succeeds.
	e.click(tid("edit-scope"))
	e.choose(tid("scope-4-03-02-01"), "最高至 "+training.Level3.Label())
	e.click(tid("scope-submit"))
	e.typeInto("decision_no", "临人社培〔2026〕21号")
	e.do("decision date", chromedp.SetValue(field("decision_date"), "2026-03-01"))
	e.typeInto("decided_by", "王科长")
	e.click(tid("designate-submit"))
	if st := e.text(tid("inst-status")); st != training.InstDesignated.Label() {
		t.Fatalf("status after the corrected designation: %q (%q)", st, e.texts(`[data-testid="flash"], [data-testid="form-errors"]`))
	}
}
