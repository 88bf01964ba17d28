package browser_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"tianmu/internal/demo"
	"tianmu/internal/training"
)

// choose picks the option with the given label in a select, as a user does
// with the mouse, and fails the test when there is no such option.
func (e *env) choose(sel chromedp.CSS, label string) {
	e.t.Helper()
	ok := run(e, "choose "+label, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const s = document.querySelector(%q);
		const o = s && Array.from(s.options).find(o => o.text.trim() === %q);
		if (!o) return false;
		s.value = o.value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, string(sel), label)))
	if !ok {
		e.t.Fatalf("%s has no option %q", sel, label)
	}
}

// TestBureauRegistersAndDesignates is the bureau's main flow: register an
// institution (one invalid submit first), set its licensed scope, designate
// it, and read its history.
func TestBureauRegistersAndDesignates(t *testing.T) {
	e := newEnv(t)
	e.login("bureau")
	e.click(chromedp.CSS(`main a[href="/institutions/new"]`))

	prefix := "52330185MJ8899887"
	good := prefix + string(training.CreditCodeCheckChar(prefix))
	bad := prefix + "0"
	if bad == good {
		bad = prefix + "1"
	}
	typed := []struct{ name, value string }{
		{"name", "临安青山湖职业技能培训学校"},
		{"credit_code", bad},
		{"legal_rep", "钱文博"},
		{"contact_name", "钱老师"},
		{"contact_phone", "0571-63798765"},
		{"address", "杭州市临安区青山湖街道科技大道1号"},
		{"venue", "理论教室3间，实训车间800平方米"},
		{"facilities", "多媒体设备、消防设施"},
		{"equipment", "中式烹调实训灶台20组、茶艺桌15套"},
		{"staff", "专职教师10人，其中技师以上6人"},
	}
	for _, f := range typed {
		e.typeInto(f.name, f.value)
	}
	e.click(tid("institution-submit"))

	// The message sits in the credit code's own field, and nothing else
	// is marked wrong.
	msg := e.text(tid("err-credit_code"))
	if !strings.Contains(msg, "统一社会信用代码") || !strings.Contains(msg, "校验位") {
		t.Errorf("credit code message = %q", msg)
	}
	beside := run(e, "message beside field", chromedp.Evaluate[string](
		`document.querySelector("#f-credit_code").closest(".field").querySelector(".err").innerText`))
	if beside != msg {
		t.Errorf("message beside the credit code field = %q, want %q", beside, msg)
	}
	if n := e.count(".err"); n != 1 {
		t.Errorf("%d field messages, want 1: %q", n, e.texts(".err"))
	}
	for _, f := range typed {
		if got := e.value(field(f.name)); got != f.value {
			t.Errorf("after the invalid submit %s = %q, want the typed %q", f.name, got, f.value)
		}
	}
	e.shot("invalid")

	e.typeInto("credit_code", good)
	e.click(tid("institution-submit"))
	if flash := e.text(tid("flash")); !strings.Contains(flash, "机构已登记") {
		t.Errorf("flash after register = %q", flash)
	}
	if st := e.text(tid("inst-status")); st != training.InstPending.Label() {
		t.Errorf("status after register = %q", st)
	}
	if props := e.text(tid("inst-props")); !strings.Contains(props, good) || !strings.Contains(props, "钱文博") {
		t.Errorf("institution page shows %q", props)
	}

	// Licensed scope: two occupations, each up to a level.
	e.click(tid("edit-scope"))
	e.choose(tid("scope-4-03-02-01"), "最高至 "+training.Level3.Label())
	e.choose(tid("scope-4-03-02-07"), "最高至 "+training.Level4.Label())
	e.click(tid("scope-submit"))
	if flash := e.text(tid("flash")); !strings.Contains(flash, "许可范围已保存") {
		t.Errorf("flash after scope = %q", flash)
	}
	rows := e.texts(`[data-testid="scope-row"]`)
	if len(rows) != 2 || !strings.Contains(strings.Join(rows, "\n"), "中式烹调师") ||
		!strings.Contains(strings.Join(rows, "\n"), "茶艺师\t"+training.Level4.Label()) {
		t.Errorf("scope rows = %q", rows)
	}

	// Designation (第三条): decision number, date and who decided.
	e.typeInto("decision_no", "临人社培〔2026〕18号")
	e.do("decision date", chromedp.SetValue(field("decision_date"), "2026-03-01"))
	e.typeInto("decided_by", "王科长")
	e.click(tid("designate-submit"))
	if st := e.text(tid("inst-status")); st != "定点" {
		t.Fatalf("status after designate = %q (flash %q)", st, e.texts(`[data-testid="flash"], [data-testid="form-errors"]`))
	}
	if d := e.text(tid("decision")); !strings.Contains(d, "临人社培〔2026〕18号") || !strings.Contains(d, "王科长") {
		t.Errorf("decision = %q", d)
	}
	e.shot("designated")

	e.click(tid("history"))
	actions := e.texts(`[data-testid="history-row"] td:nth-child(3)`)
	for _, want := range []string{"登记机构", "修改许可范围", "认定为定点机构"} {
		if !slices.Contains(actions, want) {
			t.Errorf("history lacks %q: %q", want, actions)
		}
	}
	e.shot("history")
}

// TestInstitutionSeesOnlyItsOwn: the school's home page shows its status and
// scope; another institution's page is a 404 (not a 403: no existence leak).
func TestInstitutionSeesOnlyItsOwn(t *testing.T) {
	e := newEnv(t)
	e.login("school")
	if st := e.text(tid("inst-status")); st != "定点" {
		t.Errorf("status = %q", st)
	}
	rows := e.texts(`[data-testid="scope-row"]`)
	if len(rows) == 0 || !strings.Contains(strings.Join(rows, "\n"), "中式烹调师") {
		t.Errorf("scope rows = %q", rows)
	}
	if h := e.text(chromedp.CSS("main h1")); h != "杭州市临安区天目职业技能培训学校" {
		t.Errorf("heading = %q", h)
	}
	e.shot("home")

	other := "临安锦城家政服务培训中心"
	e.visit("/institutions/" + strconv.FormatInt(e.institutionID(other), 10))
	if n := e.count(`[data-testid="error-404"]`); n != 1 {
		t.Errorf("another institution's page: no 404 page (at %s)", e.location())
	}
	if body := e.text(chromedp.CSS("body")); strings.Contains(body, other) {
		t.Errorf("the 404 page names the other institution: %q", body)
	}
	e.shot("other-404")
}

// TestCentreHome: the centre sees its figures.
func TestCentreHome(t *testing.T) {
	e := newEnv(t)
	e.login("centre")
	if who := e.text(tid("whoami")); !strings.Contains(who, "赵考务") {
		t.Errorf("whoami = %q", who)
	}
	figures := e.texts(`[data-testid="centre-stats"] .stat`)
	occs, err := e.store.Occupations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2\n定点培训机构", strconv.Itoa(len(occs)) + "\n工种目录"}
	if !slices.Equal(figures, want) {
		t.Errorf("centre figures = %q, want %q", figures, want)
	}
	e.shot("home")
}

// TestLoginByKeyboard: the sign-in form works with the keyboard alone.
func TestLoginByKeyboard(t *testing.T) {
	e := newEnv(t)
	e.visit("/login")
	e.do("type the username", chromedp.Focus(field("username")), chromedp.KeyEvent("bureau"), chromedp.KeyEvent(kb.Tab))
	if id := run(e, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); id != "f-password" {
		t.Fatalf("Tab from the username went to %q, want the password", id)
	}
	e.do("type the password", chromedp.KeyEvent(demo.Password))
	e.press("Enter", chromedp.KeyEvent(kb.Enter))
	if who := e.text(tid("whoami")); !strings.Contains(who, "王科长") {
		t.Fatalf("after Enter: whoami = %q", who)
	}
	e.shot("signed-in")
}

// TestOtherPagesKeepTheCSP opens the bureau's other pages: the console check
// of the harness fails on any Content-Security-Policy violation (an inline
// style or script) or script error.
func TestOtherPagesKeepTheCSP(t *testing.T) {
	e := newEnv(t)
	e.login("bureau")
	for _, path := range []string{"/password", "/institutions", "/institutions?status=designated&sort=name&desc=1", "/users", "/users/new", "/no-such-page"} {
		e.visit(path)
		if e.count("main h1") != 1 {
			t.Errorf("%s: no heading", path)
		}
	}
	e.visit("/password")
	e.shot("password")
}
