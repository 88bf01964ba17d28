package repository_test

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// todos reads the actor's home page and returns its to-do list.
func (f *fixture) todos(a training.Actor) training.TodoList {
	f.t.Helper()
	var l training.TodoList
	var err error
	switch a.Role {
	case training.RoleBureau:
		var h repository.BureauFigures
		h, err = f.s.BureauHome(f.ctx, a, 5)
		l = h.Todos
	case training.RoleInstitution:
		var h repository.InstitutionHomePage
		h, err = f.s.InstitutionHome(f.ctx, a)
		l = h.Todos
	default:
		var h repository.CentreHomePage
		h, err = f.s.CentreHome(f.ctx, a)
		l = h.Todos
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

// wantTodo checks the count of one kind, and that its lines link somewhere.
func (f *fixture) wantTodo(a training.Actor, kind training.TodoKind, want int) {
	f.t.Helper()
	l := f.todos(a)
	if got := l.Count(kind); got != want {
		f.t.Fatalf("%s %s: %d waiting, want %d (%+v)", a.Username, kind, got, want, l.Items)
	}
	for _, it := range l.Items {
		if len(it.Lines) == 0 || len(it.Lines) > repository.TodoShown || it.Lines[0].Href == "" || it.Lines[0].Title == "" {
			f.t.Fatalf("%s: lines %+v", it.Kind, it.Lines)
		}
	}
	if err := f.s.CheckTodoCounts(f.ctx, a); err != nil {
		f.t.Fatal(err)
	}
	// The navigation of every other page counts the same, in one statement.
	nav, err := f.s.NavCounts(f.ctx, a)
	if err != nil {
		f.t.Fatal(err)
	}
	if !maps.Equal(nav, l.NavCounts()) || nav["home"] != l.Total() {
		f.t.Fatalf("%s: navigation counts %v, home page %v (total %d)", a.Username, nav, l.NavCounts(), l.Total())
	}
}

// TestTodoBureau: every kind of the bureau's to-do list appears when there
// is such work and disappears when it is done.
func TestTodoBureau(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx, b := cf.s, cf.ctx, cf.bureau
	base := map[training.TodoKind]int{}
	for _, k := range repository.TodoKinds(training.RoleBureau) {
		base[k] = cf.todos(b).Count(k)
	}

	id := cf.submitted()
	cf.wantTodo(b, "class.review", base["class.review"]+1)
	must(t, s.StepClass(ctx, b, id, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(id).Version}))
	cf.wantTodo(b, "class.review", base["class.review"])

	must(t, cf.review(cf.school, cf.draftT, training.ActTeacherSubmit, ""))
	cf.wantTodo(b, "teacher.review", base["teacher.review"]+1)
	must(t, cf.review(b, cf.draftT, training.ActTeacherApprove, ""))
	cf.wantTodo(b, "teacher.review", base["teacher.review"])

	book, err := s.CreateTextbook(ctx, cf.school, training.TextbookInput{Title: "烹饪原料知识", ISBN: isbn("978704056666"),
		Publisher: "高等教育出版社", Uses: []training.TextbookUse{{OccupationID: cf.cook, Level: training.LevelNone}}})
	must(t, err)
	cf.wantTodo(b, "textbook.review", base["textbook.review"]+1)
	tb, err := s.TextbookByID(ctx, b, book)
	must(t, err)
	must(t, s.ChangeTextbookStatus(ctx, b, book, tb.Version, training.TextbookAction("approve"), ""))
	cf.wantTodo(b, "textbook.review", base["textbook.review"])

	fee, err := s.ApplyFee(ctx, cf.school, id, training.FeeInput{Amount: "300", Covers: "实训耗材", Reason: "耗材较多"})
	must(t, err)
	cf.wantTodo(b, "fee.review", base["fee.review"]+1)
	_, err = s.StepFee(ctx, b, fee, 1, training.ActFeeApprove, "")
	must(t, err)
	cf.wantTodo(b, "fee.review", base["fee.review"])

	p := cf.plan()
	p.Venue = "实训中心二楼"
	must(t, s.RequestChange(ctx, cf.school, id, cf.class(id).Version, p, "场地调整"))
	cf.wantTodo(b, "class.change", base["class.change"]+1)
	must(t, s.DecideChange(ctx, b, id, cf.class(id).Version, true, ""))
	cf.wantTodo(b, "class.change", base["class.change"])

	big := cf.submitted()
	must(t, s.RequestSizeException(ctx, cf.school, big, cf.class(big).Version, 60, "企业订单培训"))
	cf.wantTodo(b, "class.exception", base["class.exception"]+1)
	must(t, s.DecideSizeException(ctx, b, big, cf.class(big).Version, 55))
	cf.wantTodo(b, "class.exception", base["class.exception"])

	// INST-4 is recomputed by the nightly job; the item follows its table.
	_, err = s.Pool().Exec(ctx, `INSERT INTO institution_activity (institution_id, state, since, computed_on)
		VALUES ($1, 'flagged', '2025-08-01', '2026-03-02')`, cf.acad.InstitutionID)
	must(t, err)
	cf.wantTodo(b, "institution.inactive", base["institution.inactive"]+1)
	_, err = s.Pool().Exec(ctx, `DELETE FROM institution_activity WHERE institution_id = $1`, cf.acad.InstitutionID)
	must(t, err)
	cf.wantTodo(b, "institution.inactive", base["institution.inactive"])
}

// TestTodoInstitution: every kind of an institution's list appears and
// disappears; another institution never sees it.
func TestTodoInstitution(t *testing.T) {
	ef := newExamFixture(t, 2) // one finished class with two trainees; today 2026-03-23
	cf := ef.classFixture
	s, ctx, sc, b := cf.s, cf.ctx, cf.school, cf.bureau
	cf.setNow(time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai))
	base := map[training.TodoKind]int{}
	for _, k := range repository.TodoKinds(training.RoleInstitution) {
		base[k] = cf.todos(sc).Count(k)
	}
	other := cf.todos(cf.acad).Total()

	draft, err := s.CreateClass(ctx, sc, cf.plan())
	must(t, err)
	cf.wantTodo(sc, "class.draft", base["class.draft"]+1)
	must(t, s.SaveClass(ctx, sc, draft, cf.class(draft).Version, cf.plan(), true))
	cf.wantTodo(sc, "class.draft", base["class.draft"])

	must(t, s.StepClass(ctx, b, draft, repository.ClassStep{Action: training.ActClassReturn, Version: cf.class(draft).Version, Reason: "场地证明缺失"}))
	cf.wantTodo(sc, "class.returned", base["class.returned"]+1)
	if l := cf.todos(sc); l.Items[indexOf(l, "class.returned")].Lines[0].Note != "场地证明缺失" {
		t.Fatalf("no reason: %+v", l.Items)
	}
	must(t, s.SaveClass(ctx, sc, draft, cf.class(draft).Version, cf.plan(), true))
	cf.wantTodo(sc, "class.returned", base["class.returned"])
	must(t, s.StepClass(ctx, b, draft, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(draft).Version}))

	// Starts 2026-03-16: within two weeks, one trainee without an agreement.
	eids := cf.enrol(draft, 10, 1)
	cf.wantTodo(sc, "class.agreements", base["class.agreements"]+1)
	cf.sign(draft, eids, "XY-TODO")
	cf.wantTodo(sc, "class.agreements", base["class.agreements"])

	// The first session (2026-03-16) held, nothing recorded.
	cf.setNow(time.Date(2026, 3, 17, 9, 0, 0, 0, repository.Shanghai))
	cf.wantTodo(sc, "session.attendance", base["session.attendance"]+1)
	sids := cf.sessionIDs(draft)
	_, err = cf.record(draft, sids[0], 3, cf.theory, cf.marks(eids, training.AttendanceStatus("present")))
	must(t, err)
	cf.wantTodo(sc, "session.attendance", base["session.attendance"])

	must(t, cf.review(sc, cf.draftT, training.ActTeacherSubmit, ""))
	must(t, cf.review(b, cf.draftT, training.ActTeacherReturn, "学历证明不清晰"))
	cf.wantTodo(sc, "teacher.returned", base["teacher.returned"]+1)
	must(t, cf.review(sc, cf.draftT, training.ActTeacherSubmit, ""))
	cf.wantTodo(sc, "teacher.returned", base["teacher.returned"])

	// The exam fixture's finished class: applied, returned, applied again.
	cf.setNow(time.Date(2026, 3, 23, 9, 0, 0, 0, repository.Shanghai))
	app := ef.apply(training.CertSkillLevel)
	must(t, s.DecideApplication(ctx, cf.centre, app, ef.app(app).Version, false, "名单有误"))
	cf.wantTodo(sc, "application.returned", base["application.returned"]+1)
	app = ef.apply(training.CertSkillLevel)
	cf.wantTodo(sc, "application.returned", base["application.returned"])
	must(t, s.DecideApplication(ctx, cf.centre, app, ef.app(app).Version, true, ""))
	sid, err := s.ScheduleSession(ctx, cf.centre, app, sessionIn("2026-04-10"))
	must(t, err)
	ef.runSession(sid, nil)
	cf.wantTodo(sc, "results.published", base["results.published"]+1)
	cf.setNow(time.Date(2026, 5, 20, 9, 0, 0, 0, repository.Shanghai))
	cf.wantTodo(sc, "results.published", base["results.published"])

	if got := cf.todos(cf.acad).Total(); got != other {
		t.Fatalf("another institution's list changed: %d, was %d", got, other)
	}
}

func indexOf(l training.TodoList, k training.TodoKind) int {
	for i, it := range l.Items {
		if it.Kind == k {
			return i
		}
	}
	return -1
}

// TestTodoCentre: the centre's list follows an application to published
// results; approval is listed only for a user who entered no score (four
// eyes), and a correction only for someone who may confirm it.
func TestTodoCentre(t *testing.T) {
	ef := newExamFixture(t, 2)
	s, ctx, c1, c2 := ef.s, ef.ctx, ef.centre, ef.centre2
	for _, k := range repository.TodoKinds(training.RoleCentre) {
		ef.wantTodo(c1, k, 0)
	}
	app := ef.apply(training.CertSkillLevel)
	ef.wantTodo(c1, "application.accept", 1)
	must(t, s.DecideApplication(ctx, c1, app, ef.app(app).Version, true, ""))
	ef.wantTodo(c1, "application.accept", 0)
	ef.wantTodo(c1, "session.schedule", 1)
	sid, err := s.ScheduleSession(ctx, c1, app, sessionIn("2026-04-10"))
	must(t, err)
	ef.wantTodo(c1, "session.schedule", 0)
	ef.wantTodo(c1, "session.check", 0) // not the exam day yet

	x := ef.session(sid)
	ef.setNow(x.ExamDate.Add(9 * time.Hour))
	ef.wantTodo(c1, "session.check", 1)
	ef.wantTodo(c1, "session.score", 1)
	var rows []training.ScoreRow
	for _, e := range x.Entries {
		must(t, s.CheckCandidate(ctx, c1, sid, e.ID))
		row := training.ScoreRow{EntryID: e.ID}
		if e.Parts.Theory {
			row.Theory = sc(80)
		}
		if e.Parts.Practical {
			row.Practical = sc(75)
		}
		rows = append(rows, row)
	}
	ef.wantTodo(c1, "session.check", 0)
	_, err = s.EnterScores(ctx, c1, sid, x.Version, rows)
	must(t, err)
	ef.wantTodo(c1, "session.score", 0)
	ef.wantTodo(c1, "session.approve", 0) // entered the scores: may not approve
	ef.wantTodo(c2, "session.approve", 1)
	must(t, s.ApproveResults(ctx, c2, sid, x.Version+1))
	ef.wantTodo(c2, "session.approve", 0)
	ef.wantTodo(c1, "session.publish", 1)
	must(t, s.PublishResults(ctx, c1, sid, x.Version+2))
	ef.wantTodo(c1, "session.publish", 0)

	e := ef.session(sid).Entries[0]
	var th, pr training.PartScore
	if e.Parts.Theory {
		th = sc(85)
	}
	if e.Parts.Practical {
		pr = sc(75)
	}
	must(t, s.AmendEntry(ctx, c2, sid, e.ID, th, pr, "登分错误"))
	ef.wantTodo(c2, "amendment.confirm", 0) // proposed it
	ef.wantTodo(c1, "amendment.confirm", 0) // entered the scores
	// A third centre user who touched nothing may confirm it.
	_, err = s.Pool().Exec(ctx, `INSERT INTO users (username, name, role, password_hash, created_at)
		SELECT 'centre9', '考务丙', 'centre', password_hash, now() FROM users WHERE username = 'centre'`)
	must(t, err)
	c3 := ef.actor("centre9")
	ef.wantTodo(c3, "amendment.confirm", 1)
	var amID int64
	must(t, s.Pool().QueryRow(ctx, `SELECT id FROM exam_amendments WHERE status = 'pending'`).Scan(&amID))
	must(t, s.ConfirmAmendment(ctx, c3, sid, amID, ef.session(sid).Version))
	ef.wantTodo(c3, "amendment.confirm", 0)
	_ = fmt.Sprint
}
