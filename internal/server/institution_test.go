package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tianmu/internal/training"
)

func validInstitution() url.Values {
	code := "52330185MJ8899999"
	code += string(training.CreditCodeCheckChar(code))
	return url.Values{
		"name": {"临安昌化技能培训学校"}, "credit_code": {code}, "address": {"临安区昌化镇1号"}, "legal_rep": {"胡"},
		"contact_name": {"胡老师"}, "contact_phone": {"13857100000"}, "venue": {"教室两间"}, "facilities": {"投影"},
		"equipment": {"电工实训台"}, "staff": {"教师5人"},
	}
}

func TestRegisterInstitutionKeepsInputOnError(t *testing.T) {
	e := newEnv(t)
	c := e.login("bureau")
	form := validInstitution()
	good := form.Get("credit_code")
	wrong := good[:17] + map[bool]string{true: "1", false: "0"}[good[17] == '0']
	form.Set("credit_code", wrong)
	form.Set("contact_phone", "123")
	r := c.post("/institutions", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.status)
	}
	if !strings.Contains(r.text("err-credit_code"), "校验位") || r.text("err-contact_phone") == "" {
		t.Fatalf("field messages missing: %q %q", r.text("err-credit_code"), r.text("err-contact_phone"))
	}
	for _, v := range []string{"临安昌化技能培训学校", "临安区昌化镇1号", "电工实训台", wrong} {
		if !strings.Contains(r.body, v) {
			t.Errorf("typed value %q not kept", v)
		}
	}
	// A duplicate of a demo institution's code: a field message, not a 500.
	var demoCode string
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT credit_code FROM institutions LIMIT 1`).Scan(&demoCode); err != nil {
		t.Fatal(err)
	}
	form = validInstitution()
	form.Set("credit_code", strings.ToLower(demoCode))
	r = c.post("/institutions", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-credit_code"), "已登记") {
		t.Fatalf("duplicate: %d %q", r.status, r.text("err-credit_code"))
	}
	r = c.post("/institutions", validInstitution())
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/institutions/") {
		t.Fatalf("create: %d %s", r.status, r.location)
	}
	page := c.get(r.location)
	if page.text("inst-status") != "待审" || !strings.Contains(page.text("flash"), "已登记") {
		t.Fatalf("after create: %q %q", page.text("inst-status"), page.text("flash"))
	}
}

func TestDesignateThroughTheForms(t *testing.T) {
	e := newEnv(t)
	c := e.login("bureau")
	r := c.post("/institutions", validInstitution())
	path := r.location
	id, err := strconv.ParseInt(idFromLocation(t, path, "/institutions/"), 10, 64)
	must(t, err)
	// Designating before any scope is refused with the article.
	r = c.post(path+"/designate", url.Values{"version": {"1"}, "decision_no": {"临人社〔2026〕9号"}, "decision_date": {"2026-03-01"}, "decided_by": {"王科长"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("form-errors"), "第六条") {
		t.Fatalf("designate without scope: %d %q", r.status, r.text("form-errors"))
	}
	if !strings.Contains(r.body, "临人社〔2026〕9号") {
		t.Error("typed decision number not kept")
	}
	var cook, elec int64
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT id FROM occupations WHERE code = '4-03-02-01'`).Scan(&cook); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT id FROM occupations WHERE code = '6-31-01-03'`).Scan(&elec); err != nil {
		t.Fatal(err)
	}
	// A level the occupation does not have is a message beside its select.
	var nutrition int64
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT id FROM occupations WHERE code = '4-03-02-06'`).Scan(&nutrition); err != nil {
		t.Fatal(err)
	}
	r = c.post(path+"/scope", url.Values{"version": {"1"}, "level_" + itoa(nutrition): {"5"}, "level_" + itoa(cook): {"3"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "没有五级") {
		t.Fatalf("bad scope: %d", r.status)
	}
	r = c.post(path+"/scope", url.Values{"version": {"1"}, "level_" + itoa(cook): {"3"}, "level_" + itoa(elec): {"4"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("scope: %d %s", r.status, r.text("form-errors"))
	}
	r = c.post(path+"/designate", url.Values{"version": {"2"}, "decision_no": {"临人社〔2026〕9号"}, "decision_date": {"2026-03-01"}, "decided_by": {"王科长"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("designate: %d %s", r.status, r.text("form-errors"))
	}
	page := c.get(path)
	if page.text("inst-status") != "定点" || len(page.texts("scope-row")) != 2 || !strings.Contains(page.text("decision"), "王科长") {
		t.Fatalf("designated page: %q %d %q", page.text("inst-status"), len(page.texts("scope-row")), page.text("decision"))
	}
	// A second bureau user acting on the page they loaded earlier (version 2)
	// gets a conflict, and nothing changes.
	other := e.login("bureau2")
	r = other.post(path+"/suspend", url.Values{"version": {"2"}, "reason": {"迟到的操作"}})
	if r.status != http.StatusConflict {
		t.Fatalf("stale suspend: %d", r.status)
	}
	if c.get(path).text("inst-status") != "定点" {
		t.Fatal("stale suspend changed the status")
	}
	hist := c.get(path + "/history")
	if n := len(hist.texts("history-row")); n != 3 {
		t.Fatalf("history rows %d, want 3 (create, scope, designate)", n)
	}
	_ = id
}

func TestInstitutionUserCannotChangeBureauFields(t *testing.T) {
	e := newEnv(t)
	id := e.institutionID("杭州市临安区天目职业技能培训学校")
	c := e.login("school")
	edit := c.get("/institutions/" + itoa(id) + "/edit")
	if edit.status != http.StatusOK || strings.Contains(edit.body, `name="credit_code"`) {
		t.Fatalf("institution edit form: %d (must not offer bureau fields)", edit.status)
	}
	var before, after string
	q := `SELECT name || credit_code || venue || status || decision_no FROM institutions WHERE id = $1`
	if err := e.store.Pool().QueryRow(t.Context(), q, id).Scan(&before); err != nil {
		t.Fatal(err)
	}
	var version int
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT version FROM institutions WHERE id = $1`, id).Scan(&version); err != nil {
		t.Fatal(err)
	}
	form := validInstitution()
	form.Set("version", strconv.Itoa(version))
	form.Set("status", "designated")
	form.Set("decision_no", "伪造")
	form.Set("contact_name", "新联系人")
	r := c.post("/institutions/"+itoa(id)+"/edit", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.status, r.text("form-errors"))
	}
	if err := e.store.Pool().QueryRow(t.Context(), q, id).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Fatalf("bureau-only fields changed:\n%s\n%s", before, after)
	}
	if !strings.Contains(c.get("/institutions/"+itoa(id)).text("inst-props"), "新联系人") {
		t.Fatal("contact not changed")
	}
}

func TestInstitutionListPagesSortsFilters(t *testing.T) {
	e := newEnv(t)
	c := e.login("bureau")
	for i := 0; i < 25; i++ {
		form := validInstitution()
		p := "52330185MJ88" + strconv.Itoa(10000+i)
		form.Set("credit_code", p+string(training.CreditCodeCheckChar(p)))
		form.Set("name", "分页测试机构"+strconv.Itoa(100+i))
		if r := c.post("/institutions", form); r.status != http.StatusSeeOther {
			t.Fatalf("create %d: %d %s", i, r.status, r.text("form-errors"))
		}
	}
	first := c.get("/institutions?name=分页测试&sort=name")
	rows := first.texts("institution-row")
	if len(rows) != 20 || !strings.Contains(first.text("pager"), "共 25 条") || !strings.HasPrefix(rows[0], "分页测试机构100") {
		t.Fatalf("page 1: %d rows, pager %q, first %q", len(rows), first.text("pager"), rows[0])
	}
	second := c.get("/institutions?name=分页测试&sort=name&page=2")
	if n := len(second.texts("institution-row")); n != 5 {
		t.Fatalf("page 2: %d rows", n)
	}
	desc := c.get("/institutions?name=分页测试&sort=name&desc=1")
	if !strings.HasPrefix(desc.texts("institution-row")[0], "分页测试机构124") {
		t.Fatalf("desc first row %q", desc.texts("institution-row")[0])
	}
	pending := c.get("/institutions?status=designated")
	if n := len(pending.texts("institution-row")); n != 2 {
		t.Fatalf("designated filter: %d rows", n)
	}
}
