package repository_test

import (
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestTodoSupervision: a rectification order is the institution's to-do
// until it answers (overdue once its deadline has passed, for both sides);
// the answer is the bureau's to review until it decides; an INST-4 case is
// the bureau's until it decides suspension or revocation. Another
// institution never sees the order.
func TestTodoSupervision(t *testing.T) {
	s := newStore(t) // Monday 2026-03-02
	later := repository.New(s.Pool(), func() time.Time { return time.Date(2026, 3, 12, 9, 0, 0, 0, repository.Shanghai) })
	inst := designated(t, s, "甲", "52330185MJ8812345")
	other := designated(t, s, "乙", "52330185MJ8812346")
	staff := training.Actor{Name: "甲校", Role: training.RoleInstitution, InstitutionID: inst}
	stranger := training.Actor{Name: "乙校", Role: training.RoleInstitution, InstitutionID: other}
	list := func(s *repository.Store, a training.Actor) training.TodoList {
		t.Helper()
		if a.IsBureau() {
			h, err := s.BureauHome(ctx, a, 5)
			if err != nil {
				t.Fatal(err)
			}
			return h.Todos
		}
		h, err := s.InstitutionHome(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return h.Todos
	}
	base := map[training.TodoKind]int{}
	for _, k := range repository.TodoKinds(training.RoleBureau) {
		base[k] = list(s, bureau).Count(k)
	}
	want := func(s *repository.Store, a training.Actor, kind training.TodoKind, n int) {
		t.Helper()
		l := list(s, a)
		if got := l.Count(kind); got != n {
			t.Fatalf("%s %s: %d, want %d (%+v)", a.Name, kind, got, n, l.Items)
		}
		for _, it := range l.Items {
			if it.Kind == kind && (it.Lines[0].Href == "" || it.Lines[0].Title == "" || it.Href == "") {
				t.Fatalf("%s: %+v", kind, it)
			}
			if it.Kind == kind && a.IsInstitution() && it.Href != "/institutions/"+itoa(a.InstitutionID)+"/supervision" {
				t.Fatalf("%s: list at %s", kind, it.Href)
			}
		}
	}

	_, finding := inspectWithFinding(t, s, inst)
	order, err := s.OrderRectification(ctx, bureau, finding, training.OrderInput{WorkingDays: "5", Requirement: "补足课时"})
	if err != nil {
		t.Fatal(err)
	}
	want(s, staff, "rectification.answer", 1)
	want(s, staff, "rectification.overdue", 0)
	want(s, stranger, "rectification.answer", 0)
	l := list(s, staff)
	for _, it := range l.Items {
		if it.Kind == "rectification.answer" && (it.Lines[0].Due.Format("2006-01-02") != "2026-03-09" || it.Lines[0].Note != "补足课时") {
			t.Fatalf("order line: %+v", it.Lines[0])
		}
	}
	// After the deadline (Monday 2026-03-09): overdue for both sides.
	want(later, staff, "rectification.answer", 0)
	want(later, staff, "rectification.overdue", 1)
	want(later, bureau, "rectification.overdue", base["rectification.overdue"]+1)
	want(s, bureau, "rectification.overdue", base["rectification.overdue"])

	// Answered in time: the bureau reviews it, then decides.
	if err := s.AnswerOrder(ctx, staff, order, 1, "已补课", "a.pdf", "application/pdf", pdf); err != nil {
		t.Fatal(err)
	}
	want(s, staff, "rectification.answer", 0)
	want(later, staff, "rectification.overdue", 0)
	want(s, bureau, "rectification.review", base["rectification.review"]+1)
	if err := s.DecideOrder(ctx, bureau, order, 2, training.ActOrderAccept, ""); err != nil {
		t.Fatal(err)
	}
	want(s, bureau, "rectification.review", base["rectification.review"])

	// INST-4: flagged, then decided.
	if _, err := s.Pool().Exec(ctx, `INSERT INTO institution_activity (institution_id, state, since, computed_on)
		VALUES ($1, 'flagged', '2025-08-01', '2026-03-02')`, inst); err != nil {
		t.Fatal(err)
	}
	want(s, bureau, "institution.inactive", base["institution.inactive"]+1)
	if _, err := s.RecordSanction(ctx, bureau, inst, training.SanctionInput{Kind: training.SanctionSuspension, Ground: training.GroundInactivity,
		Reason: "六个月未开班", DecidedBy: "王科长", DecidedOn: "2026-03-02"}); err != nil {
		t.Fatal(err)
	}
	want(s, bureau, "institution.inactive", base["institution.inactive"])
}
