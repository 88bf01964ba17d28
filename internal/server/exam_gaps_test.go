package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// Issue 14 through the whole router: the examiner pool, rescheduling, the
// exam-day notices, the ID reveal, score import and the result sheet, the
// exam-affairs export, the bureau's organisation page, the roster import's
// room, the equivalence beside the filing check.

func init() {
	for k, v := range map[string]access{
		"GET /examiners":                  {"-": centreOnly(ok)},
		"POST /examiners":                 {"-": centreOnly(bad)},
		"GET /examiners/{id}":             {"own": centreOnly(ok), "missing": centreOnly(nf)},
		"POST /examiners/{id}":            {"own": centreOnly(bad), "missing": centreOnly(nf)},
		"POST /examiners/{id}/deactivate": {"own": centreOnly(conf), "missing": centreOnly(nf)},
		"POST /examiners/{id}/activate":   {"own": centreOnly(conf), "missing": centreOnly(nf)},
		// Sessions: "own" is before its exam day (the form opens; a stale
		// version is a conflict), the published ones are past it (back to
		// the session page).
		"GET /exam-sessions/{id}/reschedule":            centreSession(ok, see, see),
		"POST /exam-sessions/{id}/reschedule":           centreSession(conf, conf, conf),
		"POST /exam-sessions/{id}/cancel":               centreSession(conf, conf, conf),
		"POST /exam-sessions/{id}/entries/{eid}/reveal": centreSession(bad, bad, bad), // before the exam day; after approval
		"GET /exam-sessions/{id}/results.xlsx":          centreSession(ok, ok, ok),
		"POST /exam-sessions/{id}/scores/import":        centreSession(bad, bad, bad), // no file
		"POST /assessments/{id}/exam-affairs.xlsx":      centreApp(ok),
		// The bureau: "own" is the district centre (a stale version is a
		// conflict); a user's organisation without a choice is refused.
		"POST /eval-orgs/{id}/withdraw": {"own": bureauOnly(conf), "missing": bureauOnly(nf)},
		"POST /users/{id}/eval-org":     {"own": bureauOnly(bad), "other": bureauOnly(bad), "missing": bureauOnly(nf)},
	} {
		accessTable[k] = v
	}
}

// addPoolExaminer adds an independent examiner to the centre's pool.
func (e *env) addPoolExaminer() int64 {
	e.t.Helper()
	id, err := e.store.SaveExaminer(context.Background(), e.actorOf("centre"), 0, 0, training.PoolExaminerInput{Name: "库考评员",
		IDNumber: fixID("33018519700303111"), Employer: "临安区职建中心", CertificateNo: "KP-001",
		Scopes: []training.ScopeItem{{OccupationID: e.occupationID("4-03-02-01"), MaxLevel: training.Level2}}})
	e.must(err)
	return id
}

// gapsPath fills {id} of the routes this file adds.
func (e *env) gapsPath(route, variant string) (int64, bool) {
	switch {
	case strings.HasPrefix(route, "/examiners/"):
		return e.fixture("pool examiner", e.addPoolExaminer), true
	case strings.HasPrefix(route, "/eval-orgs/"):
		return e.centreOrg(), true
	}
	return 0, false
}

// acceptedDemoApp applies for the demo's finished class with every trainee
// and accepts; it returns the application and its enrolments.
func (e *env) acceptedDemoApp() (int64, []int64) {
	e.t.Helper()
	ctx := context.Background()
	cls := e.classID(demo.FinishedClassContent)
	ids := e.queryIDs(`SELECT id FROM enrolments WHERE class_id = $1 ORDER BY id`, cls)
	app, err := e.store.Apply(ctx, e.actorOf("school"), cls, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: e.centreOrg(), EnrolmentIDs: ids, Reasons: anyReason(ids)})
	e.must(err)
	e.must(e.store.DecideApplication(ctx, e.actorOf("centre"), app, 1, true, ""))
	return app, ids
}

func (e *env) setClock(t time.Time) { e.mu.Lock(); e.now = t; e.mu.Unlock() }

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.store.Pool().QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func scoreCSV(rows ...string) []byte {
	return []byte("考号,姓名,应知,应会\n" + strings.Join(rows, "\n") + "\n")
}

func TestSessionGapsThroughPages(t *testing.T) {
	e := newEnv(t)
	centre := e.login("centre")
	app, _ := e.acceptedDemoApp()
	cook := itoa(e.occupationID("4-03-02-01"))

	// The pool: one examiner employed by the school, one independent.
	add := func(name, prefix, employer string) int64 {
		r := centre.post("/examiners", url.Values{"name": {name}, "id_number": {fixID(prefix)}, "employer": {employer},
			"certificate_no": {"KP-" + prefix[14:]}, "scope_occupation_0": {cook}, "scope_level_0": {"3"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("add %s: %d %s", name, r.status, r.text("form-errors"))
		}
		return e.queryID(`SELECT id FROM examiners WHERE name = $1`, name)
	}
	staff := add("库考评乙", "33018519700303222", "杭州市临安区天目职业技能培训学校")
	free := add("库考评甲", "33018519700303111", "临安区职建中心")
	if pool := centre.get("/examiners"); len(pool.texts("examiner-row")) != 2+3 { // and the demo's three
		t.Fatalf("pool page: %d rows", len(pool.texts("examiner-row")))
	}

	// Scheduling with the school's employee from the pool is refused beside the pick.
	form := url.Values{"exam_date": {"2026-03-10"}, "venue": {"区职建中心考场"}, "theory_time": {"09:00-10:30"}, "practical_time": {"13:30-16:30"}}
	form.Set("pool", itoa(staff))
	r := centre.post("/assessments/"+itoa(app)+"/sessions", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-pool_"+itoa(staff)), "工作单位：杭州市临安区天目职业技能培训学校") {
		t.Fatalf("school employee: %d %q", r.status, r.text("err-pool_"+itoa(staff)))
	}
	form.Set("pool", itoa(free))
	form.Set("examiner_name_0", "外聘考评")
	form.Set("examiner_id_0", fixID("33018519600101888"))
	form.Set("examiner_org_0", "浙江旅游职业学院")
	r = centre.post("/assessments/"+itoa(app)+"/sessions", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("schedule: %d %s", r.status, r.text("form-errors"))
	}
	sess := r.location
	page := centre.get(sess)
	if !strings.Contains(page.text("examiners"), "考评员库") || !page.has("reschedule-link") {
		t.Fatalf("session page: %q", page.text("examiners"))
	}

	// Before the exam day the check and score pages say so, without buttons.
	check := centre.get(sess + "/check")
	if !strings.Contains(check.text("exam-day-closed"), "考试当天开放") || strings.Contains(check.body, `data-testid="check-KS`) ||
		strings.Contains(check.body, `data-testid="reveal-`) {
		t.Fatalf("check page before the day: %q", check.text("exam-day-closed"))
	}
	scores := centre.get(sess + "/scores")
	if !scores.has("exam-day-closed") || scores.has("scores-submit") || scores.has("score-import-form") {
		t.Fatal("score page before the day offers entry")
	}

	// Rescheduled with a reason, a week later; the record is on the page.
	form.Set("exam_date", "2026-03-17")
	form.Set("version", e.sessionVersion(sess))
	r = centre.post(sess+"/reschedule", form)
	if r.status != http.StatusUnprocessableEntity || r.text("err-change_reason") == "" {
		t.Fatalf("reschedule without a reason: %d", r.status)
	}
	form.Set("change_reason", "考场检修")
	if r = centre.post(sess+"/reschedule", form); r.status != http.StatusSeeOther {
		t.Fatalf("reschedule: %d %s", r.status, r.text("form-errors"))
	}
	page = centre.get(sess)
	if rows := page.texts("session-change"); len(rows) != 1 || !strings.Contains(rows[0], "考场检修") || !strings.Contains(rows[0], "2026-03-17") {
		t.Fatalf("changes %q", rows)
	}

	// The exam day: reveal one full ID number (audited), check everyone.
	e.setClock(time.Date(2026, 3, 17, 8, 30, 0, 0, repository.Shanghai))
	x, err := e.store.SessionByID(context.Background(), e.actorOf("centre"), e.queryID(`SELECT max(id) FROM exam_sessions`))
	e.must(err)
	first := x.Entries[0]
	r = centre.post(sess+"/entries/"+itoa(first.ID)+"/reveal", url.Values{})
	if r.status != http.StatusOK || r.text("id-full-"+first.CandidateNo) != first.IDNumber {
		t.Fatalf("reveal: %d %q", r.status, r.text("id-full-"+first.CandidateNo))
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'exam.id_reveal'`); n != 1 {
		t.Fatalf("%d reveal audit rows", n)
	}
	for _, en := range x.Entries[:4] {
		if r := centre.post(sess+"/entries/"+itoa(en.ID)+"/check", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("check %s: %d", en.CandidateNo, r.status)
		}
	}
	scores = centre.get(sess + "/scores")
	if !strings.Contains(scores.body, `aria-label="`+first.CandidateNo+" "+first.Name+` 应知成绩"`) {
		t.Fatal("score input not labelled with the candidate's name")
	}

	// A score sheet with one bad row: nothing saved, the row named.
	var good []string
	for _, en := range x.Entries[:4] {
		good = append(good, en.CandidateNo+","+en.Name+",80,缺考")
	}
	bad := append(append([]string{}, good...), "KS-NOPE,无此人,70,70")
	fields := map[string]string{"version": e.sessionVersion(sess)}
	r = centre.postFile(sess+"/scores/import", fields, "成绩.csv", scoreCSV(bad...))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("score-import-row"), "第 6 行") ||
		!strings.Contains(r.text("score-import-row"), "KS-NOPE") {
		t.Fatalf("bad sheet: %d %q", r.status, r.text("score-import-row"))
	}
	if n := e.count(`SELECT count(*) FROM exam_entries WHERE session_id = $1 AND (theory_score IS NOT NULL OR practical_absent)`, x.ID); n != 0 {
		t.Fatalf("%d entries scored by a refused sheet", n)
	}
	r = centre.postFile(sess+"/scores/import", fields, "成绩.csv", scoreCSV(good...))
	if r.status != http.StatusSeeOther {
		t.Fatalf("good sheet: %d %s %s", r.status, r.text("score-import-report"), r.text("form-errors"))
	}
	if n := e.count(`SELECT count(*) FROM exam_entries WHERE session_id = $1 AND theory_score = 80 AND practical_absent`, x.ID); n != 4 {
		t.Fatalf("%d entries scored", n)
	}

	// The result sheet.
	res := centre.get(sess + "/results.xlsx")
	if res.status != http.StatusOK {
		t.Fatalf("results: %d", res.status)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.body)))
	e.must(err)
	rows, err := f.GetRows("成绩表")
	e.must(err)
	if len(rows) != 6 || rows[0][0] != "考号" || rows[1][0] != first.CandidateNo || rows[1][2] != "80" || rows[1][3] != "缺考" {
		t.Fatalf("result sheet %q", rows)
	}

	// The exam-affairs export (full numbers: a POST, audited).
	res = centre.post("/assessments/"+itoa(app)+"/exam-affairs.xlsx", url.Values{})
	if res.status != http.StatusOK {
		t.Fatalf("exam-affairs export: %d", res.status)
	}
	f, err = excelize.OpenReader(bytes.NewReader([]byte(res.body)))
	e.must(err)
	rows, err = f.GetRows("考生报名数据")
	e.must(err)
	if len(rows) != 6 || strings.Join(rows[0], ",") != strings.Join(training.ExamAffairsColumns, ",") || rows[1][3] != first.IDNumber {
		t.Fatalf("exam-affairs sheet %q", rows[:1])
	}
}

func (e *env) sessionVersion(path string) string {
	id := strings.TrimPrefix(path, "/exam-sessions/")
	return itoa(e.queryID(`SELECT version::bigint FROM exam_sessions WHERE id = $1::bigint`, id))
}

func TestEvalOrgPages(t *testing.T) {
	e := newEnv(t)
	bureau := e.login("bureau")
	if r := bureau.post("/eval-orgs", url.Values{"name": {"某社会评价机构"}, "approval_no": {"浙人社〔2025〕1号"}}); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.status)
	}
	org := e.queryID(`SELECT id FROM eval_orgs WHERE name = '某社会评价机构'`)
	if r := bureau.post("/users/"+itoa(e.userID("centre2"))+"/eval-org", url.Values{"eval_org_id": {itoa(org)}}); r.status != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	page := bureau.get("/eval-orgs")
	if !strings.Contains(page.text("centre-users"), "某社会评价机构") {
		t.Fatalf("users %q", page.text("centre-users"))
	}
	r := bureau.post("/eval-orgs/"+itoa(org)+"/withdraw", url.Values{"version": {"1"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请填写撤销核准的原因") {
		t.Fatalf("withdraw without a reason: %d", r.status)
	}
	if r = bureau.post("/eval-orgs/"+itoa(org)+"/withdraw", url.Values{"version": {"1"}, "reason": {"核准文件到期"}}); r.status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", r.status)
	}
	if page = bureau.get("/eval-orgs"); !strings.Contains(page.text("org-status"), "核准已撤销") {
		t.Fatalf("status %q", page.text("org-status"))
	}
	// The institution's application form no longer offers it.
	school := e.login("school")
	form := school.get("/classes/" + itoa(e.classID(demo.FinishedClassContent)) + "/assessment")
	if strings.Contains(form.body, "某社会评价机构") {
		t.Fatal("a withdrawn organisation is offered")
	}
}

func TestRosterImportSaysWhatFits(t *testing.T) {
	e := newEnv(t)
	school := e.login("school")
	cls := e.classID("宴席菜肴设计、地方风味菜（临安农家菜）、成本核算")
	var rows [][]string
	for i := 0; i < 51; i++ {
		rows = append(rows, traineeRow(1000+i))
	}
	over := e.stageImport(cls, rows)
	page := school.get(classPath(cls, "/roster/import/"+itoa(over)))
	if !strings.Contains(page.text("import-room"), "还可导入50人") || !page.has("import-over-cap") || page.has("import-run") {
		t.Fatalf("over the cap: %q %q run=%v", page.text("import-room"), page.text("import-over-cap"), page.has("import-run"))
	}
	fits := e.stageImport(cls, rows[:3])
	page = school.get(classPath(cls, "/roster/import/"+itoa(fits)))
	if page.has("import-over-cap") || !page.has("import-run") {
		t.Fatal("a file that fits is not offered")
	}
}

func TestFilingCheckShowsEquivalence(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cls := e.classID("宴席菜肴设计、地方风味菜（临安农家菜）、成本核算")
	teacher := e.queryID(`SELECT teacher_id FROM class_teachers WHERE class_id = $1 AND role = 'theory' LIMIT 1`, cls)
	if _, err := e.store.Pool().Exec(ctx, `UPDATE teachers SET title = 0 WHERE id = $1`, teacher); err != nil {
		t.Fatal(err)
	}
	e.must(e.store.AddEquivalence(ctx, e.actorOf("bureau"), teacher, training.EquivalenceInput{Requirement: training.ReqTitle,
		Band: training.BandAdvanced, Role: training.RoleTheory, Basis: "技师等同中级职称", DecidedBy: "王科长", DecidedOn: "2026-02-27"}))
	page := e.login("bureau").get(classPath(cls, ""))
	if got := page.text("check-equivalence"); !strings.Contains(got, "依据等同资质合格") || !strings.Contains(got, "王科长于2026-02-27认定") {
		t.Fatalf("equivalence beside the check: %q", got)
	}
}

// anyReason gives every candidate a reason, so a flagged one (no agreement,
// low attendance: DELIV-1, DELIV-3) may be chosen in tests about later steps.
func anyReason(ids []int64) map[int64]string {
	m := make(map[int64]string, len(ids))
	for _, id := range ids {
		m[id] = "测试：仍申报"
	}
	return m
}

// TestExaminerPoolPages: the pool's table pages (twenty rows a page, the
// pager below it), and a page asked for around an examiner holds its row.
func TestExaminerPoolPages(t *testing.T) {
	e := newEnv(t)
	centre := e.login("centre")
	cook := itoa(e.occupationID("4-03-02-01"))
	for i := range 25 {
		prefix := "33018519700404" + fmt.Sprintf("%03d", 100+i)
		r := centre.post("/examiners", url.Values{"name": {"页考评" + itoa(int64(i))}, "id_number": {fixID(prefix)}, "employer": {"临安区职建中心"},
			"certificate_no": {"KP-" + prefix[14:]}, "scope_occupation_0": {cook}, "scope_level_0": {"3"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("add %d: %d %s", i, r.status, r.text("form-errors"))
		}
	}
	const total = 25 + 3 // and the demo's three
	first := centre.get("/examiners")
	if n := len(first.texts("examiner-row")); n != 20 || !first.has("pager") || !first.has("examiner-form") {
		t.Fatalf("first page: %d rows of %d, pager %v", n, total, first.has("pager"))
	}
	second := centre.get("/examiners?page=2")
	if n := len(second.texts("examiner-row")); n != total-20 {
		t.Fatalf("second page: %d rows, want %d", n, total-20)
	}
	rows := append(first.texts("examiner-row"), second.texts("examiner-row")...)
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r] {
			t.Fatalf("a row on both pages: %q", r)
		}
		seen[r] = true
	}
	// Around the last examiner of the pool: its page.
	last := e.queryID(`SELECT id FROM examiners WHERE name = '页考评24'`)
	list, p, n, err := e.store.ExaminerPool(context.Background(), e.actorOf("centre"), repository.Page{Number: 1}, last)
	if err != nil || n != total || p.Number != 2 {
		t.Fatalf("around the last: page %d of %d, %v", p.Number, n, err)
	}
	found := false
	for _, x := range list {
		found = found || x.ID == last
	}
	if !found {
		t.Fatal("the page around an examiner does not hold it")
	}
}
