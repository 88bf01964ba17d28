package repository_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// classFixture is the demo data plus two approved teachers and a designated
// textbook for 中式烹调师 at 天目职业技能培训学校, on a clock the test moves.
type classFixture struct {
	*fixture
	mu       sync.Mutex
	now      time.Time
	cook     int64 // 中式烹调师
	theory   int64 // 大专, 中级 title
	practice int64 // 高中, 中式烹调师 二级/技师
	draftT   int64 // a teacher not yet in the pool
	book     int64
}

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func newClassFixture(t *testing.T) *classFixture {
	t.Helper()
	cf := &classFixture{now: time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)}
	s := repository.New(dbtest.Pool(t), func() time.Time { cf.mu.Lock(); defer cf.mu.Unlock(); return cf.now })
	ctx := context.Background()
	if err := demo.Load(ctx, s, password.Params{Memory: 64, Time: 1, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, s: s, ctx: ctx}
	f.bureau, f.school, f.acad, f.centre = f.actor("bureau"), f.actor("school"), f.actor("academy"), f.actor("centre")
	cf.fixture = f
	cf.cook = f.occupation("4-03-02-01")
	cf.theory = f.teacher(f.school, "理论甲", idNumber("33018519800101111"), training.EduCollege, training.TitleMiddle)
	cf.practice = f.teacher(f.school, "实操乙", idNumber("33018519810202222"), training.EduHigh, training.TitleNone)
	if err := s.AddCertificate(ctx, f.school, cf.practice, f.version(cf.practice), training.CertificateInput{
		OccupationID: cf.cook, Level: training.Level2, Number: "CLS-2026-0001", IssueDate: "2020-05-01", Issuer: "浙江省人力社保厅"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{cf.theory, cf.practice} {
		if err := f.review(f.school, id, training.ActTeacherSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.review(f.bureau, id, training.ActTeacherApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	cf.draftT = f.teacher(f.school, "未入库丙", idNumber("33018519820303333"), training.EduBachelor, training.TitleSenior)
	book, err := s.CreateTextbook(ctx, f.bureau, training.TextbookInput{Title: "中式烹调师（三级）", ISBN: isbn("978704055555"),
		Publisher: "中国劳动社会保障出版社", Edition: "第2版", Status: training.TextbookDesignated,
		Uses: []training.TextbookUse{{OccupationID: cf.cook, Level: training.LevelNone}}})
	if err != nil {
		t.Fatal(err)
	}
	cf.book = book
	return cf
}

func isbn(prefix string) string { return prefix + string(training.ISBNCheckDigit(prefix)) }

func (cf *classFixture) setNow(t time.Time) { cf.mu.Lock(); cf.now = t; cf.mu.Unlock() }

// plan is a valid 三级 中式烹调师 plan starting Monday 2026-03-16
// (deadline Wednesday 2026-03-11).
func (cf *classFixture) plan() training.Plan {
	return training.Plan{
		OccupationID: cf.cook, Level: training.Level3, Type: training.TypeSkillLevel, PlannedSize: 40,
		StartDate: d("2026-03-16"), EndDate: d("2026-03-20"), Venue: "实训中心", Content: "刀工、火候、冷菜、热菜",
		TheoryHours: 3, PracticalHours: 4,
		Teachers: []training.ClassTeacher{{TeacherID: cf.theory, Role: training.RoleTheory}, {TeacherID: cf.practice, Role: training.RolePractical}},
		Sessions: []training.Session{
			{Date: d("2026-03-16"), Start: "08:30", End: "11:30", Kind: training.RoleTheory, Hours: 3, TeacherID: cf.theory},
			{Date: d("2026-03-17"), Start: "13:30", End: "17:30", Kind: training.RolePractical, Hours: 4, TeacherID: cf.practice},
		},
		TextbookIDs: []int64{cf.book},
	}
}

func (cf *classFixture) class(id int64) training.Class {
	cf.t.Helper()
	c, err := cf.s.ClassByID(cf.ctx, cf.bureau, id)
	if err != nil {
		cf.t.Fatal(err)
	}
	return c
}

func (cf *classFixture) submitted() int64 {
	cf.t.Helper()
	id, err := cf.s.CreateClass(cf.ctx, cf.school, cf.plan())
	if err != nil {
		cf.t.Fatal(err)
	}
	if err := cf.s.SaveClass(cf.ctx, cf.school, id, cf.class(id).Version, cf.plan(), true); err != nil {
		cf.t.Fatal(err)
	}
	return id
}

func TestSubmitValidFiling(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.submitted()
	c := cf.class(id)
	if c.Status != training.ClassSubmitted || len(c.Plan.Sessions) != 2 || len(c.Plan.Teachers) != 2 || c.SubmittedAt == nil {
		t.Fatalf("after submit: %+v", c)
	}
	if c.Plan.Sessions[0].TeacherName != "理论甲" || c.Plan.Sessions[1].Start != "13:30" {
		t.Fatalf("sessions: %+v", c.Plan.Sessions)
	}
	vs, err := cf.s.ClassVersions(cf.ctx, cf.school, id)
	if err != nil || len(vs) != 1 || vs[0].Kind != "submitted" || vs[0].Plan.PlannedSize != 40 {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	if _, err := cf.s.ClassByID(cf.ctx, cf.acad, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution sees the filing: %v", err)
	}
	if _, err := cf.s.ClassByID(cf.ctx, cf.centre, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("centre sees the filing: %v", err)
	}
}

func TestSubmitListsEveryFailureAndChangesNothing(t *testing.T) {
	cf := newClassFixture(t)
	id, err := cf.s.CreateClass(cf.ctx, cf.school, cf.plan())
	if err != nil {
		t.Fatal(err)
	}
	before := cf.class(id)
	bad := cf.plan()
	bad.Level = training.Level1 // scope of 中式烹调师 is up to 二级
	bad.PlannedSize = 60        // over 50, no exception
	bad.Teachers = append(bad.Teachers, training.ClassTeacher{TeacherID: cf.draftT, Role: training.RoleTheory},
		training.ClassTeacher{TeacherID: cf.theory, Role: training.RolePractical}) // no certificate
	bad.Sessions[0].Hours = 2 // hours no longer add up
	if err := cf.s.ChangeTextbookStatus(cf.ctx, cf.bureau, cf.book, 1, training.ActTextbookWithdraw, "教材已过时"); err != nil {
		t.Fatal(err)
	}
	err = cf.s.SaveClass(cf.ctx, cf.school, id, before.Version, bad, true)
	v, ok := training.AsValidation(err)
	if !ok {
		t.Fatalf("want a validation error, got %v", err)
	}
	all := strings.Join(v.General, "\n")
	for _, want := range []string{"许可范围", "未入库丙", "审核入库", "指定或核准", "高级技能培训"} {
		if !strings.Contains(all, want) {
			t.Errorf("failures lack %q:\n%s", want, all)
		}
	}
	if !strings.Contains(v.Fields["planned_size"], "第七条") || !strings.Contains(v.Fields["theory_hours"], "不一致") {
		t.Errorf("field messages: %v", v.Fields)
	}
	after := cf.class(id)
	if after.Status != training.ClassDraft || after.Version != before.Version || after.Plan.PlannedSize != 40 || len(after.Plan.Teachers) != 2 {
		t.Fatalf("a failed submission changed the filing: %+v", after)
	}
}

func TestSubmitDeadlineOnWorkingDays(t *testing.T) {
	cf := newClassFixture(t)
	id, err := cf.s.CreateClass(cf.ctx, cf.school, cf.plan())
	if err != nil {
		t.Fatal(err)
	}
	// Thursday 2026-03-12 is past Wednesday's deadline for a Monday start.
	cf.setNow(time.Date(2026, 3, 12, 8, 0, 0, 0, repository.Shanghai))
	err = cf.s.SaveClass(cf.ctx, cf.school, id, cf.class(id).Version, cf.plan(), true)
	if v, ok := training.AsValidation(err); !ok || !strings.Contains(strings.Join(v.General, ""), "2026-03-11") {
		t.Fatalf("late submission: %v", err)
	}
	// Late on the deadline day itself is still in time.
	cf.setNow(time.Date(2026, 3, 11, 23, 30, 0, 0, repository.Shanghai))
	if err := cf.s.SaveClass(cf.ctx, cf.school, id, cf.class(id).Version, cf.plan(), true); err != nil {
		t.Fatalf("submission on the deadline day: %v", err)
	}
}

func TestDraftSavesPartially(t *testing.T) {
	cf := newClassFixture(t)
	id, err := cf.s.CreateClass(cf.ctx, cf.school, training.Plan{Type: training.TypeSkillLevel, Venue: "待定",
		Sessions: []training.Session{{Start: "08:30"}}})
	if err != nil {
		t.Fatal(err)
	}
	c := cf.class(id)
	if c.Status != training.ClassDraft || c.Plan.Venue != "待定" || len(c.Plan.Sessions) != 1 || c.Plan.Sessions[0].Start != "08:30" {
		t.Fatalf("partial draft: %+v", c.Plan)
	}
	if !strings.HasPrefix(c.ClassNo, "BB2026") {
		t.Fatalf("class number %q", c.ClassNo)
	}
}

func TestClassStateMachine(t *testing.T) {
	cf := newClassFixture(t)
	step := func(a training.Actor, id int64, act training.ClassAction, reason string) error {
		return cf.s.StepClass(cf.ctx, a, id, repository.ClassStep{Action: act, Version: cf.class(id).Version, Reason: reason})
	}
	id := cf.submitted()
	// Roles: the institution cannot approve, the bureau cannot withdraw.
	if err := step(cf.school, id, training.ActClassApprove, ""); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution approves: %v", err)
	}
	if err := step(cf.bureau, id, training.ActClassWithdraw, ""); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("bureau withdraws: %v", err)
	}
	if err := step(cf.acad, id, training.ActClassWithdraw, ""); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution withdraws: %v", err)
	}
	if err := step(cf.bureau, id, training.ActClassReturn, ""); err == nil {
		t.Fatal("returned without reasons")
	}
	if err := step(cf.bureau, id, training.ActClassReturn, "教学计划课时不足"); err != nil {
		t.Fatal(err)
	}
	if c := cf.class(id); c.Status != training.ClassReturned || c.ReturnReason != "教学计划课时不足" {
		t.Fatalf("returned: %+v", c)
	}
	if err := step(cf.bureau, id, training.ActClassApprove, ""); err == nil {
		t.Fatal("approved a returned filing")
	}
	// Fix and resubmit, withdraw, resubmit, approve.
	if err := cf.s.SaveClass(cf.ctx, cf.school, id, cf.class(id).Version, cf.plan(), true); err != nil {
		t.Fatal(err)
	}
	if err := step(cf.school, id, training.ActClassWithdraw, ""); err != nil {
		t.Fatal(err)
	}
	if err := cf.s.SaveClass(cf.ctx, cf.school, id, cf.class(id).Version, cf.plan(), true); err != nil {
		t.Fatal(err)
	}
	if err := step(cf.bureau, id, training.ActClassApprove, ""); err != nil {
		t.Fatal(err)
	}
	c := cf.class(id)
	if c.Status != training.ClassApproved || c.ApprovedOn == nil || c.PlanNo == 0 {
		t.Fatalf("approved: %+v", c)
	}
	// Frozen: no direct edits after approval (FILE-5).
	if err := cf.s.SaveClass(cf.ctx, cf.school, id, c.Version, cf.plan(), false); err == nil {
		t.Fatal("approved plan edited directly")
	}
	if err := step(cf.school, id, training.ActClassSubmit, ""); err == nil {
		t.Fatal("approved filing submitted again")
	}
	// Shows as in training from its start date.
	if training.DisplayStatus(c.Status, c.Plan.StartDate, d("2026-03-16")) != training.ClassTraining {
		t.Fatal("not in training on the start date")
	}
	// Cancelling before the start is allowed with a reason; after, not.
	cf.setNow(time.Date(2026, 3, 16, 9, 0, 0, 0, repository.Shanghai))
	if err := step(cf.school, id, training.ActClassCancel, "学员不足"); err == nil {
		t.Fatal("cancelled a class in training")
	}
}

func TestApproveAfterStartRefused(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.submitted()
	cf.setNow(time.Date(2026, 3, 16, 8, 0, 0, 0, repository.Shanghai))
	err := cf.s.StepClass(cf.ctx, cf.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(id).Version})
	if v, ok := training.AsValidation(err); !ok || !strings.Contains(strings.Join(v.General, ""), "第六条") {
		t.Fatalf("approval on the start date: %v", err)
	}
	if cf.class(id).Status != training.ClassSubmitted {
		t.Fatal("status changed")
	}
}

func TestTwoReviewersOneWins(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.submitted()
	bureau2 := cf.actor("bureau2")
	v := cf.class(id).Version
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, st := range []repository.ClassStep{{Action: training.ActClassApprove, Version: v}, {Action: training.ActClassReturn, Version: v, Reason: "再看看"}} {
		wg.Add(1)
		go func(i int, st repository.ClassStep) {
			defer wg.Done()
			a := cf.bureau
			if i == 1 {
				a = bureau2
			}
			errs[i] = cf.s.StepClass(cf.ctx, a, id, st)
		}(i, st)
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("want exactly one winner: %v / %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, training.ErrConflict) {
			t.Fatalf("loser got %v, want ErrConflict", err)
		}
	}
}

func TestSizeException(t *testing.T) {
	cf := newClassFixture(t)
	p := cf.plan()
	p.PlannedSize = 60
	id, err := cf.s.CreateClass(cf.ctx, cf.school, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := cf.s.RequestSizeException(cf.ctx, cf.school, id, cf.class(id).Version, 40, "x"); err == nil {
		t.Fatal("exception for a size under the cap")
	}
	if err := cf.s.RequestSizeException(cf.ctx, cf.school, id, cf.class(id).Version, 60, "企业订单培训，一次60人"); err != nil {
		t.Fatal(err)
	}
	if err := cf.s.SaveClass(cf.ctx, cf.school, id, cf.class(id).Version, p, true); err != nil {
		t.Fatalf("submit with an exception asked: %v", err)
	}
	approve := func() error {
		return cf.s.StepClass(cf.ctx, cf.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(id).Version})
	}
	if err := approve(); err == nil {
		t.Fatal("approved 60 without an approved exception")
	}
	if err := cf.s.DecideSizeException(cf.ctx, cf.bureau, id, cf.class(id).Version, 70); err == nil {
		t.Fatal("approved more than asked")
	}
	if err := cf.s.DecideSizeException(cf.ctx, cf.bureau, id, cf.class(id).Version, 60); err != nil {
		t.Fatal(err)
	}
	if err := approve(); err != nil {
		t.Fatal(err)
	}
	if c := cf.class(id); c.Cap() != 60 {
		t.Fatalf("cap %d, want 60", c.Cap())
	}
	// The database refuses an approved class over its cap whatever the code does.
	if _, err := cf.s.Pool().Exec(cf.ctx, `UPDATE classes SET planned_size = 61 WHERE id = $1`, id); err == nil {
		t.Fatal("constraint let an approved class exceed its cap")
	}
}

func TestChangeRequest(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.submitted()
	if err := cf.s.StepClass(cf.ctx, cf.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(id).Version}); err != nil {
		t.Fatal(err)
	}
	changed := cf.plan()
	changed.EndDate = d("2026-03-21")
	changed.Sessions = append(changed.Sessions, training.Session{Date: d("2026-03-21"), Start: "08:30", End: "11:30",
		Kind: training.RolePractical, Hours: 3, TeacherID: cf.practice})
	changed.PracticalHours = 7
	if err := cf.s.RequestChange(cf.ctx, cf.school, id, cf.class(id).Version, changed, ""); err == nil {
		t.Fatal("change without a reason")
	}
	bad := changed
	bad.Teachers = append(bad.Teachers, training.ClassTeacher{TeacherID: cf.draftT, Role: training.RoleTheory})
	if err := cf.s.RequestChange(cf.ctx, cf.school, id, cf.class(id).Version, bad, "增加课时"); err == nil {
		t.Fatal("change with an unreviewed teacher accepted")
	}
	if err := cf.s.RequestChange(cf.ctx, cf.school, id, cf.class(id).Version, changed, "增加一次实操"); err != nil {
		t.Fatal(err)
	}
	c := cf.class(id)
	if c.PendingChange == nil || len(c.Plan.Sessions) != 2 {
		t.Fatalf("the change took effect before approval: %+v", c.Plan.Sessions)
	}
	if err := cf.s.RequestChange(cf.ctx, cf.school, id, c.Version, changed, "再改"); err == nil {
		t.Fatal("second pending change accepted")
	}
	if err := cf.s.DecideChange(cf.ctx, cf.bureau, id, c.Version, true, ""); err != nil {
		t.Fatal(err)
	}
	c = cf.class(id)
	if c.PendingChange != nil || len(c.Plan.Sessions) != 3 || c.Plan.PracticalHours != 7 {
		t.Fatalf("after approval: %+v", c.Plan)
	}
	vs, err := cf.s.ClassVersions(cf.ctx, cf.school, id)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, v := range vs {
		kinds = append(kinds, v.Kind)
	}
	if strings.Join(kinds, ",") != "change_approved,change_requested,approved,submitted" {
		t.Fatalf("versions %v", kinds)
	}
	if len(vs[3].Plan.Sessions) != 2 {
		t.Fatal("the first version was not kept whole")
	}
	h, total, err := cf.s.ClassHistory(cf.ctx, cf.bureau, id, repository.Page{Number: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(h) < 5 || total != len(h) {
		t.Fatalf("history has %d rows of %d", len(h), total)
	}
	h2, total2, err := cf.s.ClassHistory(cf.ctx, cf.bureau, id, repository.Page{Number: 2, Size: 2})
	if err != nil || len(h2) != 2 || total2 != total || h2[0].ID != h[2].ID {
		t.Fatalf("second page of two: %+v %d %v", h2, total2, err)
	}
}

func TestReviewQueueOrderAndFilters(t *testing.T) {
	cf := newClassFixture(t)
	late := cf.plan()
	late.StartDate, late.EndDate = d("2026-04-13"), d("2026-04-17")
	for i := range late.Sessions {
		late.Sessions[i].Date = d("2026-04-13")
	}
	lateID, err := cf.s.CreateClass(cf.ctx, cf.school, late)
	if err != nil {
		t.Fatal(err)
	}
	if err := cf.s.SaveClass(cf.ctx, cf.school, lateID, cf.class(lateID).Version, late, true); err != nil {
		t.Fatal(err)
	}
	soonID := cf.submitted()
	// The demo data has submitted filings too: the queue of the school's
	// 中式烹调师 filings is ordered by start date, most urgent first.
	rows, total, err := cf.s.Classes(cf.ctx, cf.bureau, repository.ClassFilter{Status: training.ClassSubmitted,
		InstitutionID: cf.school.InstitutionID, OccupationID: cf.cook}, repository.Page{})
	if err != nil || total < 2 || rows[0].ID != soonID {
		t.Fatalf("queue order: %d %v", total, err)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Plan.StartDate.Before(rows[i-1].Plan.StartDate) {
			t.Fatalf("row %d starts before row %d", i, i-1)
		}
	}
	if rows[len(rows)-1].ID != lateID {
		t.Fatalf("the latest start is not last")
	}
	// The bureau's institution search: part of the name.
	byName, _, err := cf.s.Classes(cf.ctx, cf.bureau, repository.ClassFilter{Institution: "锦城"}, repository.Page{Size: 200})
	if err != nil || len(byName) == 0 {
		t.Fatalf("institution search: %d %v", len(byName), err)
	}
	for _, r := range byName {
		if r.InstitutionID != cf.acad.InstitutionID {
			t.Fatalf("search for 锦城 found class %d of institution %d", r.ID, r.InstitutionID)
		}
	}
	academy, _, err := cf.s.Classes(cf.ctx, cf.acad, repository.ClassFilter{}, repository.Page{Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range academy {
		if r.InstitutionID != cf.acad.InstitutionID {
			t.Fatalf("academy sees class %d of institution %d", r.ID, r.InstitutionID)
		}
	}
}

// Every stored state × every action through the repository: the allowed
// steps land where the state machine says, the others are refused and
// change nothing.
func TestClassEveryStateAndAction(t *testing.T) {
	cf := newClassFixture(t)
	step := func(id int64, act training.ClassAction) error {
		a := cf.school
		if training.ClassActionRole(act) == training.RoleBureau {
			a = cf.bureau
		}
		return cf.s.StepClass(cf.ctx, a, id, repository.ClassStep{Action: act, Version: cf.class(id).Version, Reason: "测试"})
	}
	reach := map[training.ClassStatus]func() int64{
		training.ClassDraft: func() int64 {
			id, err := cf.s.CreateClass(cf.ctx, cf.school, cf.plan())
			if err != nil {
				t.Fatal(err)
			}
			return id
		},
		training.ClassSubmitted: cf.submitted,
		training.ClassReturned: func() int64 {
			id := cf.submitted()
			if err := step(id, training.ActClassReturn); err != nil {
				t.Fatal(err)
			}
			return id
		},
		training.ClassApproved: func() int64 {
			id := cf.submitted()
			if err := step(id, training.ActClassApprove); err != nil {
				t.Fatal(err)
			}
			return id
		},
		training.ClassCancelled: func() int64 {
			id := cf.submitted()
			if err := step(id, training.ActClassCancel); err != nil {
				t.Fatal(err)
			}
			return id
		},
	}
	for from, mk := range reach {
		for _, act := range training.ClassActions {
			if act == training.ActClassSubmit {
				continue // submission goes through SaveClass (tested above)
			}
			id := mk()
			want, msg := training.NextClassStatus(from, act)
			err := step(id, act)
			got := cf.class(id).Status
			if msg == "" && (err != nil || got != want) {
				t.Errorf("%s + %s: %v, status %s, want %s", from, act, err, got, want)
			}
			if msg != "" && (err == nil || got != from) {
				t.Errorf("%s + %s: allowed (status %s)", from, act, got)
			}
		}
	}
}
