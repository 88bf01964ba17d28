package repository_test

import (
	"errors"
	"reflect"
	"testing"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestApplicationPageOneRoundTrip: the application page reads in one round
// trip what its separate reads gave (the application with its candidates,
// its sessions), for the centre and the institution; another institution
// and a missing application are not found.
func TestApplicationPageOneRoundTrip(t *testing.T) {
	ef := newExamFixture(t, 3)
	appID := ef.acceptedApp()
	if _, err := ef.s.ScheduleSession(ef.ctx, ef.centre, appID, sessionIn("2026-04-10")); err != nil {
		t.Fatal(err)
	}
	s, counter := tracedStore(t, ef.classFixture)
	for _, a := range []training.Actor{ef.centre, ef.school} {
		counter.reset()
		ap, sessions, err := s.ApplicationPage(ef.ctx, a, appID)
		if err != nil {
			t.Fatal(err)
		}
		if counter.roundTrips != 1 {
			t.Errorf("%s: %d round trips, want 1", a.Role, counter.roundTrips)
		}
		want, err := ef.s.ApplicationByID(ef.ctx, a, appID)
		if err != nil {
			t.Fatal(err)
		}
		wantSessions, err := ef.s.ApplicationSessions(ef.ctx, a, appID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ap, want) || !reflect.DeepEqual(sessions, wantSessions) || len(ap.Candidates) != 3 || len(sessions) != 1 {
			t.Fatalf("%s: page %+v %+v, separate reads %+v %+v", a.Role, ap, sessions, want, wantSessions)
		}
	}
	for _, c := range []struct {
		a  training.Actor
		id int64
	}{{ef.acad, appID}, {ef.centre, 999999999}} {
		if _, _, err := s.ApplicationPage(ef.ctx, c.a, c.id); !errors.Is(err, training.ErrNotFound) {
			t.Fatalf("application %d as %s: %v", c.id, c.a.Role, err)
		}
	}
}

// TestInstitutionPageOneRoundTrip: an institution's page in one round trip,
// the same as InstitutionByID and the bureau's Users of it; the institution
// itself sees its page without the accounts; another's is not found.
func TestInstitutionPageOneRoundTrip(t *testing.T) {
	cf := newClassFixture(t)
	s, counter := tracedStore(t, cf)
	id := cf.school.InstitutionID
	counter.reset()
	in, users, err := s.InstitutionPage(cf.ctx, cf.bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	if counter.roundTrips != 1 {
		t.Errorf("%d round trips, want 1", counter.roundTrips)
	}
	want, err := cf.s.InstitutionByID(cf.ctx, cf.bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	wantUsers, _, err := cf.s.Users(cf.ctx, cf.bureau, repository.UserFilter{InstitutionID: id}, repository.Page{Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, want) || !reflect.DeepEqual(users, wantUsers) || len(users) == 0 || len(in.Scope) == 0 {
		t.Fatalf("page %+v %+v, separate reads %+v %+v", in, users, want, wantUsers)
	}
	if own, ownUsers, err := s.InstitutionPage(cf.ctx, cf.school, id); err != nil || own.ID != id || ownUsers != nil {
		t.Fatalf("the school's own page: %v %d users", err, len(ownUsers))
	}
	if _, _, err := s.InstitutionPage(cf.ctx, cf.acad, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution's page: %v", err)
	}
}

// TestInstitutionHistoryPageOneRoundTrip: the bureau's history page of an
// institution in one round trip, as the separate reads; others not found.
func TestInstitutionHistoryPageOneRoundTrip(t *testing.T) {
	cf := newClassFixture(t)
	s, counter := tracedStore(t, cf)
	id := cf.school.InstitutionID
	p := repository.Page{Number: 1, Size: 5}
	counter.reset()
	in, list, total, err := s.InstitutionHistoryPage(cf.ctx, cf.bureau, id, p)
	if err != nil {
		t.Fatal(err)
	}
	if counter.roundTrips != 1 {
		t.Errorf("%d round trips, want 1", counter.roundTrips)
	}
	want, err := cf.s.InstitutionByID(cf.ctx, cf.bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	wantList, wantTotal, err := cf.s.InstitutionHistory(cf.ctx, cf.bureau, id, p)
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != want.Name || in.ID != id || !reflect.DeepEqual(list, wantList) || total != wantTotal || total == 0 || len(list) == 0 {
		t.Fatalf("page %s %d/%d, separate reads %s %d/%d", in.Name, len(list), total, want.Name, len(wantList), wantTotal)
	}
	if _, _, _, err := s.InstitutionHistoryPage(cf.ctx, cf.school, id, p); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("the institution's own history: %v", err)
	}
	if _, _, _, err := s.InstitutionHistoryPage(cf.ctx, cf.bureau, 999999999, p); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("a missing institution: %v", err)
	}
}

// TestTeacherPageInOneCall: the teacher page's one call gives the audited
// view TeacherDetail gives and the related pairs Related gives.
func TestTeacherPageInOneCall(t *testing.T) {
	cf := newClassFixture(t)
	tch, related, err := cf.s.TeacherPage(cf.ctx, cf.bureau, cf.theory)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cf.s.TeacherDetail(cf.ctx, cf.bureau, cf.theory)
	if err != nil {
		t.Fatal(err)
	}
	wantRelated, err := cf.s.Related(cf.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tch, want) || related == nil {
		t.Fatalf("teacher page %+v, detail %+v", tch, want)
	}
	for _, p := range [][2]int64{{1, 2}, {cf.cook, cf.cook}, {cf.cook, 1}} {
		if related(p[0], p[1]) != wantRelated(p[0], p[1]) {
			t.Fatalf("related(%d, %d) differs", p[0], p[1])
		}
	}
	if n := cf.count(`SELECT count(*) FROM audit_log WHERE action = 'teacher.view_pii' AND entity_id = $1`, cf.theory); n != 2 {
		t.Fatalf("%d audited views, want 2 (each read is one)", n)
	}
	if _, _, err := cf.s.TeacherPage(cf.ctx, cf.centre, cf.theory); err == nil {
		t.Fatal("the centre sees a teacher")
	}
}

// TestSessionFormDataOneRoundTrip: the session form's read (application,
// retake choices, examiner pool) in one round trip, as the separate reads.
func TestSessionFormDataOneRoundTrip(t *testing.T) {
	ef := newExamFixture(t, 2)
	appID := ef.acceptedApp()
	first, err := ef.s.ScheduleSession(ef.ctx, ef.centre, appID, sessionIn("2026-04-10"))
	if err != nil {
		t.Fatal(err)
	}
	ef.runSession(first, map[int]bool{1: true})
	s, counter := tracedStore(t, ef.classFixture)
	counter.reset()
	ap, choices, pool, err := s.SessionFormData(ef.ctx, ef.centre, appID, true)
	if err != nil {
		t.Fatal(err)
	}
	if counter.roundTrips != 1 {
		t.Errorf("%d round trips, want 1", counter.roundTrips)
	}
	wantAp, err := ef.s.ApplicationByID(ef.ctx, ef.centre, appID)
	if err != nil {
		t.Fatal(err)
	}
	wantChoices, err := ef.s.RetakeChoices(ef.ctx, ef.centre, appID)
	if err != nil {
		t.Fatal(err)
	}
	wantPool, err := ef.s.Examiners(ef.ctx, ef.centre)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ap, wantAp) || !reflect.DeepEqual(choices, wantChoices) || !reflect.DeepEqual(pool, wantPool) ||
		len(choices) != 1 || len(pool) == 0 {
		t.Fatalf("form data %d choices, %d examiners; separate reads %d, %d", len(choices), len(pool), len(wantChoices), len(wantPool))
	}
	if _, c, _, err := s.SessionFormData(ef.ctx, ef.centre, appID, false); err != nil || c != nil {
		t.Fatalf("without retakes: %v %v", c, err)
	}
	if _, _, _, err := s.SessionFormData(ef.ctx, ef.school, appID, false); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("the institution: %v", err)
	}
}

// TestCalendarPageOneRoundTrip: the calendar page's years and the shown
// year's days in one round trip, for a covered year and an uncovered one
// (the newest covered year is shown).
func TestCalendarPageOneRoundTrip(t *testing.T) {
	cf := newClassFixture(t)
	s, counter := tracedStore(t, cf)
	years, err := cf.s.CalendarYears(cf.ctx)
	if err != nil || len(years) == 0 {
		t.Fatalf("%d years, %v", len(years), err)
	}
	for _, want := range []int{years[len(years)-1].Year, 1999} {
		counter.reset()
		got, year, days, err := s.CalendarPage(cf.ctx, want)
		if err != nil {
			t.Fatal(err)
		}
		if counter.roundTrips != 1 {
			t.Errorf("%d: %d round trips, want 1", want, counter.roundTrips)
		}
		shown := want
		if want == 1999 {
			shown = years[0].Year
		}
		wantDays, err := cf.s.CalendarDays(cf.ctx, shown)
		if err != nil {
			t.Fatal(err)
		}
		if year != shown || !reflect.DeepEqual(got, years) || !reflect.DeepEqual(days, wantDays) {
			t.Fatalf("%d: year %d with %d days, want %d with %d", want, year, len(days), shown, len(wantDays))
		}
	}
}
