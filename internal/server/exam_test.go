package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// examObjects are the assessment objects of the access walk: the school's
// application with a published session and an unpublished retake session,
// and the academy's application with a published session.
type examObjects struct {
	app     map[string]int64 // own, other
	session map[string]int64 // own (unpublished), published, other (published)
	entry   map[string]int64 // the first entry of each session
}

// finishClassForTest marks a class finished by SQL: finishing a class
// belongs to the attendance issue, not yet in this branch.
func (e *env) finishClassForTest(classID int64) {
	e.t.Helper()
	if _, err := e.store.Pool().Exec(context.Background(), `UPDATE classes SET status = 'finished' WHERE id = $1 AND status = 'approved'`, classID); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) centreOrg() int64 {
	return e.queryID(`SELECT id FROM eval_orgs WHERE kind = 'centre'`)
}

var accessExaminer = training.ExaminerInput{Name: "考评甲", IDNumber: "330185197001015557", Organisation: "临安区职建中心"}

func fixID(prefix string) string { return prefix + string(training.IDCheckChar(prefix)) }

// runSession schedules, checks everyone, enters scores (fail = the indexes
// that fail practical), approves as centre2 and publishes.
func (e *env) runSession(appID int64, date string, retake []int64, fail map[int]bool, publish bool) int64 {
	e.t.Helper()
	ctx := context.Background()
	centre, centre2 := e.actorOf("centre"), e.actorOf("centre2")
	ex := accessExaminer
	ex.IDNumber = fixID("33018519700101555")
	in := training.SessionInput{ExamDate: date, Venue: "区职建中心考场", TheoryTime: "09:00-10:30", PracticalTime: "13:30-16:30",
		Examiners: []training.ExaminerInput{ex}, Retake: len(retake) > 0, EnrolmentIDs: retake}
	sid, err := e.store.ScheduleSession(ctx, centre, appID, in)
	e.must(err)
	if !publish {
		return sid
	}
	x, err := e.store.SessionByID(ctx, centre, sid)
	e.must(err)
	// Exam day: checks and scores happen on or after the exam date.
	e.mu.Lock()
	before := e.now
	e.now = x.ExamDate.Add(9 * time.Hour)
	e.mu.Unlock()
	defer func() { e.mu.Lock(); e.now = before; e.mu.Unlock() }()
	var rows []training.ScoreRow
	for i, en := range x.Entries {
		e.must(e.store.CheckCandidate(ctx, centre, sid, en.ID))
		th, pr := 80, 75
		if fail[i] {
			pr = 50
		}
		rows = append(rows, training.ScoreRow{EntryID: en.ID, Theory: training.PartScore{Score: &th}, Practical: training.PartScore{Score: &pr}})
	}
	if _, err := e.store.EnterScores(ctx, centre, sid, x.Version, rows); err != nil {
		e.t.Fatal(err)
	}
	e.must(e.store.ApproveResults(ctx, centre2, sid, x.Version+1))
	e.must(e.store.PublishResults(ctx, centre, sid, x.Version+2))
	return sid
}

// examObjects creates the objects once per env.
func (e *env) exams() examObjects {
	e.mu.Lock()
	done := e.fixtures["exam app own"] != 0
	e.mu.Unlock()
	o := examObjects{app: map[string]int64{}, session: map[string]int64{}, entry: map[string]int64{}}
	if !done {
		ctx := context.Background()
		school, academy, centre, bureau := e.actorOf("school"), e.actorOf("academy"), e.actorOf("centre"), e.actorOf("bureau")
		// The school: the demo finished class, all five trainees.
		cls := e.classID(demo.FinishedClassContent)
		roster, err := e.store.Roster(ctx, school, cls)
		e.must(err)
		var ids []int64
		for _, r := range roster {
			ids = append(ids, r.ID)
		}
		own, err := e.store.Apply(ctx, school, cls, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: e.centreOrg(), EnrolmentIDs: ids, Reasons: anyReason(ids)})
		e.must(err)
		e.must(e.store.DecideApplication(ctx, centre, own, 1, true, ""))
		published := e.runSession(own, "2026-03-10", nil, map[int]bool{4: true}, true)
		unpublished := e.runSession(own, "2026-03-20", []int64{ids[4]}, nil, false)

		// The academy: its submitted filing approved, one trainee, finished.
		acls := e.classID("生活照料、基础护理、康复服务、心理支持、失智照护")
		c, err := e.store.ClassByID(ctx, bureau, acls)
		e.must(err)
		e.must(e.store.StepClass(ctx, bureau, acls, repository.ClassStep{Action: training.ActClassApprove, Version: c.Version}))
		enr, err := e.store.AddTrainee(ctx, academy, acls, training.TraineeInput{IDNumber: fixID("33018519900505124"), Name: "林美华",
			Phone: "13900001111", TargetGroup: "失业人员", Employment: "未就业", Hukou: "本地城镇"})
		e.must(err)
		e.finishClassForTest(acls)
		other, err := e.store.Apply(ctx, academy, acls, training.ApplicationInput{CertKind: training.CertCompletion, EvalOrgID: e.centreOrg(), EnrolmentIDs: []int64{enr}, Reasons: anyReason([]int64{enr})})
		e.must(err)
		e.must(e.store.DecideApplication(ctx, centre, other, 1, true, ""))
		otherSess := e.runSession(other, "2026-04-10", nil, nil, true) // after the class ends

		e.mu.Lock()
		if e.fixtures == nil {
			e.fixtures = map[string]int64{}
		}
		e.fixtures["exam app own"], e.fixtures["exam app other"] = own, other
		e.fixtures["exam session own"], e.fixtures["exam session published"], e.fixtures["exam session other"] = unpublished, published, otherSess
		e.mu.Unlock()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o.app["own"], o.app["other"] = e.fixtures["exam app own"], e.fixtures["exam app other"]
	for _, v := range []string{"own", "published", "other"} {
		o.session[v] = e.fixtures["exam session "+v]
	}
	return o
}

func (e *env) firstEntry(session int64) int64 {
	return e.queryID(`SELECT id FROM exam_entries WHERE session_id = $1 ORDER BY seq LIMIT 1`, session)
}

// centreOnly: anonymous → sign-in, centre → c, others → 403.
func centreOnly(c int) roleStatus { return roleStatus{see, forb, forb, c} }

// centreApp is a centre step on an application.
func centreApp(c int) access {
	return access{"own": centreOnly(c), "other": centreOnly(c), "missing": centreOnly(nf)}
}

// centreSession is a centre step on a session, per variant.
func centreSession(own, published, other int) access {
	return access{"own": centreOnly(own), "published": centreOnly(published), "other": centreOnly(other), "missing": centreOnly(nf)}
}

func init() {
	for k, v := range map[string]access{
		// Applications: the school's own and the academy's, both accepted.
		"GET /assessments":                   {"-": same(see, ok)},
		"GET /assessments/{id}":              {"own": {see, ok, ok, ok}, "other": {see, ok, nf, ok}, "missing": {see, nf, nf, nf}},
		"GET /classes/{id}/assessment":       classInstStep(see), // only a finished class: back to the filing
		"POST /classes/{id}/assessment":      classInstStep(bad), // 第九条: not finished
		"POST /assessments/{id}/accept":      centreApp(conf),
		"POST /assessments/{id}/return":      centreApp(conf),
		"POST /assessments/{id}/archive":     centreApp(conf),
		"GET /assessments/{id}/sessions/new": centreApp(ok),
		"POST /assessments/{id}/sessions":    centreApp(bad),
		// Sessions: "own" is the school's unpublished retake session — the
		// school must not see it (EXAM-7); "published" the school's
		// published one; "other" the academy's published one.
		"GET /exam-sessions/{id}": {"own": {see, ok, nf, ok}, "published": {see, ok, ok, ok}, "other": {see, ok, nf, ok},
			"missing": {see, nf, nf, nf}},
		"GET /exam-sessions/{id}/admission":            centreSession(ok, ok, ok),
		"GET /exam-sessions/{id}/check":                centreSession(ok, ok, ok),
		"POST /exam-sessions/{id}/entries/{eid}/check": centreSession(bad, bad, bad), // own: before its exam day (第十条); published: 第十一条
		"GET /exam-sessions/{id}/scores":               centreSession(ok, ok, ok),
		"POST /exam-sessions/{id}/scores":              centreSession(conf, conf, conf),
		"POST /exam-sessions/{id}/approve":             centreSession(conf, conf, conf),
		"POST /exam-sessions/{id}/publish":             centreSession(conf, conf, conf),
		"GET /exam-sessions/{id}/certificates.pdf":     centreSession(bad, ok, ok),
		"GET /exam-sessions/{id}/entries/{eid}/amend":  centreSession(ok, ok, ok),
		"POST /exam-sessions/{id}/entries/{eid}/amend": centreSession(bad, bad, bad),
		// A correction registered on each published session (own: none; the stale version answers first).
		"POST /exam-sessions/{id}/amendments/{aid}/confirm": centreSession(conf, conf, conf),
		"POST /exam-sessions/{id}/amendments/{aid}/reject":  centreSession(conf, conf, conf),
		"GET /eval-orgs":  {"-": bureauOnly(ok)},
		"POST /eval-orgs": {"-": bureauOnly(bad)},
		// Public: no sign-in, for everyone.
		"GET /results":       {"-": same(ok, ok)},
		"POST /results":      {"-": same(bad, bad)},
		"GET /verify":        {"-": same(ok, ok)},
		"POST /verify":       {"-": same(bad, bad)},
		"GET /verify/{code}": {"-": same(nf, nf)},
	} {
		accessTable[k] = v
	}
}

// examPath fills {id} and {eid} of the assessment routes.
func (e *env) examPath(route, variant string) (int64, map[string]int64, bool) {
	switch {
	case strings.HasPrefix(route, "/assessments/"):
		return e.exams().app[variant], nil, true
	case strings.HasPrefix(route, "/exam-sessions/"):
		id := e.exams().session[variant]
		sub := map[string]int64{}
		if strings.Contains(route, "{eid}") {
			sub["{eid}"] = e.firstEntry(id)
		}
		if strings.Contains(route, "{aid}") && variant != "own" {
			sub["{aid}"] = e.fixture("amendment "+variant, func() int64 { return e.registerAmendment(id) })
		}
		return id, sub, true
	}
	return 0, nil, false
}

// registerAmendment registers a correction of a published session's first
// candidate (as centre2, who approved it) and returns its id.
func (e *env) registerAmendment(session int64) int64 {
	e.t.Helper()
	th, pr := 81, 76
	e.must(e.store.AmendEntry(context.Background(), e.actorOf("centre2"), session, e.firstEntry(session),
		training.PartScore{Score: &th}, training.PartScore{Score: &pr}, "复核"))
	return e.queryID(`SELECT max(am.id) FROM exam_amendments am JOIN exam_entries x ON x.id = am.entry_id WHERE x.session_id = $1`, session)
}

// TestExamFlowThroughPages: the institution applies, the centre accepts,
// schedules (a conflicting examiner is refused), checks IDs, enters scores
// on one page, a second centre user approves, the centre publishes; the
// institution sees results only then; a certificate verifies publicly.
func TestExamFlowThroughPages(t *testing.T) {
	e := newEnv(t)
	school, centre, centre2, anon := e.login("school"), e.login("centre"), e.login("centre2"), e.client()
	cls := e.classID(demo.FinishedClassContent)
	form := school.get("/classes/" + itoa(cls) + "/assessment")
	if form.status != http.StatusOK || len(form.texts("candidate-row")) != 5 {
		t.Fatalf("application form: %d, %d candidates", form.status, len(form.texts("candidate-row")))
	}
	roster := e.queryIDs(`SELECT id FROM enrolments WHERE class_id = $1 ORDER BY id`, cls)
	post := url.Values{"cert_kind": {"skill_level"}, "eval_org_id": {itoa(e.centreOrg())}}
	for _, id := range roster[:3] {
		post.Add("candidate", itoa(id))
		post.Add("reason_"+itoa(id), "测试：仍申报") // a flagged candidate needs one (DELIV-1, DELIV-3)
	}
	r := school.post("/classes/"+itoa(cls)+"/assessment", post)
	if r.status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", r.status, r.text("form-errors"))
	}
	app := r.location
	if page := centre.get("/assessments"); !strings.Contains(page.text("application-table"), "待受理") {
		t.Fatalf("centre queue: %s", page.text("application-table"))
	}
	r = centre.post(app+"/accept", url.Values{"version": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("accept: %d", r.status)
	}
	// EXAM-2: the class's theory teacher as examiner is refused with the article.
	teacherID := ""
	e.must(e.store.Pool().QueryRow(context.Background(), `SELECT id_number FROM teachers WHERE name = '李晓燕'`).Scan(&teacherID))
	sess := url.Values{"exam_date": {"2026-03-10"}, "venue": {"区职建中心第一考场"}, "theory_time": {"09:00-10:30"}, "practical_time": {"13:30-16:30"},
		"examiner_name_0": {"李晓燕"}, "examiner_id_0": {teacherID}, "examiner_org_0": {"某单位"}}
	r = centre.post(app+"/sessions", sess)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-examiner_0"), "第九条") {
		t.Fatalf("conflicting examiner: %d %q", r.status, r.text("err-examiner_0"))
	}
	sess.Set("examiner_name_0", "考评甲")
	sess.Set("examiner_id_0", fixID("33018519700101555"))
	sess.Set("examiner_org_0", "临安区职建中心")
	r = centre.post(app+"/sessions", sess)
	if r.status != http.StatusSeeOther {
		t.Fatalf("schedule: %d %s", r.status, r.text("form-errors"))
	}
	sessURL := r.location
	if adm := centre.get(sessURL + "/admission"); len(adm.texts("admission-row")) != 3 {
		t.Fatalf("admission list: %d rows", len(adm.texts("admission-row")))
	}
	// Before publication the institution does not see the session.
	if r := school.get(sessURL); r.status != http.StatusNotFound {
		t.Fatalf("institution sees the unpublished session: %d", r.status)
	}
	sid, err := strconv.ParseInt(idFromLocation(t, sessURL, "/exam-sessions/"), 10, 64)
	must(t, err)
	entries := e.queryIDs(`SELECT id FROM exam_entries WHERE session_id = $1 ORDER BY seq`, sid)
	scores := url.Values{"version": {"1"}}
	for i, id := range entries {
		scores.Set("theory_"+itoa(id), "85")
		scores.Set("practical_"+itoa(id), []string{"90", "58", "70"}[i])
	}
	// Before the exam day nothing is checked (第十条); then it is exam day.
	if r := centre.post(sessURL+"/entries/"+itoa(entries[0])+"/check", url.Values{}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("ID check before the exam day: %d", r.status)
	}
	e.mu.Lock()
	e.now = time.Date(2026, 3, 10, 8, 30, 0, 0, repository.Shanghai)
	e.mu.Unlock()
	// EXAM-3: unchecked candidates cannot get scores; nothing is saved.
	r = centre.post(sessURL+"/scores", scores)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("form-errors"), "第十条") {
		t.Fatalf("scores before ID check: %d %s", r.status, r.text("form-errors"))
	}
	for _, id := range entries {
		if r := centre.post(sessURL+"/entries/"+itoa(id)+"/check", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("check: %d", r.status)
		}
	}
	r = centre.post(sessURL+"/scores", scores)
	if r.status != http.StatusSeeOther {
		t.Fatalf("scores: %d %s", r.status, r.text("form-errors"))
	}
	// Four eyes: the one who entered cannot approve.
	r = centre.post(sessURL+"/approve", url.Values{"version": {"2"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "第十一条") {
		t.Fatalf("self-approval: %d", r.status)
	}
	if r := centre2.post(sessURL+"/approve", url.Values{"version": {"2"}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.status)
	}
	if r := school.get(sessURL); r.status != http.StatusNotFound {
		t.Fatalf("institution sees approved, unpublished results: %d", r.status)
	}
	if r := centre.post(sessURL+"/publish", url.Values{"version": {"3"}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	page := school.get(sessURL)
	if page.status != http.StatusOK || strings.Join(page.texts("outcome"), ",") != "合格,不合格,合格" {
		t.Fatalf("institution results: %d %v", page.status, page.texts("outcome"))
	}
	if r := e.login("academy").get(sessURL); r.status != http.StatusNotFound {
		t.Fatalf("another institution sees the results: %d", r.status)
	}
	// Certificates: a PDF for the session; the first verifies publicly.
	pdf := centre.get(sessURL + "/certificates.pdf")
	if pdf.status != http.StatusOK || pdf.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.body, "%PDF-") {
		t.Fatalf("certificates: %d %s", pdf.status, pdf.header.Get("Content-Type"))
	}
	var code, no, name string
	e.must(e.store.Pool().QueryRow(context.Background(), `SELECT verify_code, cert_no, name FROM certificates ORDER BY id LIMIT 1`).Scan(&code, &no, &name))
	v := anon.get("/verify/" + code)
	if v.status != http.StatusOK || v.text("verify-result") != "证书真实有效" || v.text("verify-no") != no {
		t.Fatalf("verify: %d %q", v.status, v.text("verify-result"))
	}
	if strings.Contains(v.body, "1385711000") || strings.Contains(v.body, "本地农村") || strings.Contains(v.body, "天目职业技能培训学校") { // no phone, household, school
		t.Fatal("the verification page shows other personal data")
	}
	if v := anon.post("/verify", url.Values{"cert_no": {no}, "name": {"别人"}}); v.status != http.StatusOK || v.has("verify-genuine") {
		t.Fatalf("verify with a wrong name: %d", v.status)
	}
	if v := anon.get("/verify/AAAAAAAAAAAAAAAA"); v.status != http.StatusNotFound {
		t.Fatalf("unknown code: %d", v.status)
	}
	// Public lookup by name and ID number.
	var idn string
	e.must(e.store.Pool().QueryRow(context.Background(), `SELECT id_number FROM trainees WHERE name = $1`, name).Scan(&idn))
	lk := anon.post("/results", url.Values{"name": {name}, "id_number": {idn}})
	if lk.status != http.StatusOK || lk.text("lookup-outcome") != "合格" {
		t.Fatalf("lookup: %d %q", lk.status, lk.text("lookup-outcome"))
	}
	if lk := anon.post("/results", url.Values{"name": {"别人"}, "id_number": {idn}}); !lk.has("lookup-none") {
		t.Fatal("lookup with a wrong name finds results")
	}
	if st := e.queryString(`SELECT status FROM classes WHERE id = $1`, cls); st != "assessed" {
		t.Fatalf("class status %s", st)
	}
}

func (e *env) queryIDs(q string, args ...any) []int64 {
	e.t.Helper()
	rows, err := e.store.Pool().Query(context.Background(), q, args...)
	e.must(err)
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		e.must(rows.Scan(&id))
		ids = append(ids, id)
	}
	return ids
}

func (e *env) queryString(q string, args ...any) string {
	e.t.Helper()
	var s string
	e.must(e.store.Pool().QueryRow(context.Background(), q, args...).Scan(&s))
	return s
}
