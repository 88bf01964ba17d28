package repository_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

var (
	bureau = training.Actor{UserID: 424242, Username: "bureau", Name: "王科长", Role: training.RoleBureau}
	ctx    = context.Background()
)

func newStore(t *testing.T) *repository.Store {
	t.Helper()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	return repository.New(dbtest.Pool(t), func() time.Time { return now })
}

func code(prefix string) string { return prefix + string(training.CreditCodeCheckChar(prefix)) }

func input(name, prefix string) training.InstitutionInput {
	return training.InstitutionInput{Name: name, CreditCode: code(prefix), Address: "临安区钱王街1号", LegalRep: "陈",
		ContactName: "陈", ContactPhone: "13857112345", Venue: "教室", Facilities: "设施", Equipment: "设备", Staff: "师资"}
}

func occupationID(t *testing.T, s *repository.Store, code string) int64 {
	t.Helper()
	var id int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM occupations WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatalf("occupation %s: %v", code, err)
	}
	return id
}

func auditCount(t *testing.T, s *repository.Store) int {
	t.Helper()
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// designated creates an institution with a scope and designates it.
func designated(t *testing.T, s *repository.Store, name, prefix string) int64 {
	t.Helper()
	id, err := s.CreateInstitution(ctx, bureau, input(name, prefix))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetScope(ctx, bureau, id, 1, []repository.ScopeInput{{OccupationID: occupationID(t, s, "4-03-02-01"), MaxLevel: training.Level3}}); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeInstitutionStatus(ctx, bureau, id, 2, training.StatusChangeInput{Action: training.ActDesignate,
		DecisionNo: "临人社〔2026〕1号", DecisionDate: "2026-03-01", DecidedBy: "王"}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCreateInstitutionValidationAndDuplicate(t *testing.T) {
	s := newStore(t)
	bad := input("", "52330185MJ8812345")
	bad.CreditCode = "123"
	_, err := s.CreateInstitution(ctx, bureau, bad)
	v, ok := training.AsValidation(err)
	if !ok || v.Fields["name"] == "" || v.Fields["credit_code"] == "" {
		t.Fatalf("want name and credit_code messages, got %v", err)
	}
	if n := auditCount(t, s); n != 0 {
		t.Fatalf("a refused create wrote %d audit rows", n)
	}
	if _, err := s.CreateInstitution(ctx, bureau, input("甲", "52330185MJ8812345")); err != nil {
		t.Fatal(err)
	}
	// The same code typed in lower case is the same code: the constraint
	// catches it and it comes back as a field message, not a 500.
	dup := input("乙", "52330185MJ8812345")
	dup.CreditCode = " " + dup.CreditCode + " "
	_, err = s.CreateInstitution(ctx, bureau, dup)
	v, ok = training.AsValidation(err)
	if !ok || v.Fields["credit_code"] == "" {
		t.Fatalf("duplicate credit code: %v", err)
	}
	if n := auditCount(t, s); n != 1 {
		t.Fatalf("audit rows = %d, want 1", n)
	}
}

func TestInstitutionScopeIsolation(t *testing.T) {
	s := newStore(t)
	a := designated(t, s, "甲", "52330185MJ8812345")
	b := designated(t, s, "乙", "52330185MJ8867890")
	instA := training.Actor{UserID: 99, Role: training.RoleInstitution, InstitutionID: a}
	if _, err := s.InstitutionByID(ctx, instA, a); err != nil {
		t.Fatalf("own institution: %v", err)
	}
	for _, id := range []int64{b, 999999} {
		if _, err := s.InstitutionByID(ctx, instA, id); !errors.Is(err, training.ErrNotFound) {
			t.Errorf("institution %d for another institution's user: %v, want ErrNotFound", id, err)
		}
		if err := s.UpdateInstitution(ctx, instA, id, 1, input("x", "52330185MJ8812345")); !errors.Is(err, training.ErrNotFound) {
			t.Errorf("update %d: %v, want ErrNotFound", id, err)
		}
	}
	centre := training.Actor{UserID: 98, Role: training.RoleCentre}
	if _, err := s.InstitutionByID(ctx, centre, a); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("centre sees institution: %v", err)
	}
	if _, _, err := s.Institutions(ctx, instA, repository.InstitutionFilter{}, repository.Page{}); !errors.Is(err, training.ErrForbidden) {
		t.Errorf("institution lists all institutions: %v", err)
	}
	if err := s.SetScope(ctx, instA, a, 3, nil); !errors.Is(err, training.ErrForbidden) {
		t.Errorf("institution edits its own scope: %v", err)
	}
	if err := s.ChangeInstitutionStatus(ctx, instA, b, 3, training.StatusChangeInput{Action: training.ActSuspend, Reason: "x"}); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("institution suspends another: %v", err)
	}
}

func TestInstitutionUserChangesOnlyContact(t *testing.T) {
	s := newStore(t)
	id := designated(t, s, "甲", "52330185MJ8812345")
	inst := training.Actor{UserID: 99, Role: training.RoleInstitution, InstitutionID: id}
	before, err := s.InstitutionByID(ctx, bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	forged := input("改名了", "52330185MJ8867890")
	forged.ContactName, forged.ContactPhone = "新联系人", "0571-63700000"
	if err := s.UpdateInstitution(ctx, inst, id, before.Version, forged); err != nil {
		t.Fatal(err)
	}
	after, err := s.InstitutionByID(ctx, bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.Name != before.Name || after.CreditCode != before.CreditCode || after.Venue != before.Venue {
		t.Fatalf("institution user changed bureau-only fields: %+v", after)
	}
	if after.ContactName != "新联系人" || after.ContactPhone != "0571-63700000" {
		t.Fatalf("contact not changed: %+v", after)
	}
}

func TestInstitutionStateMachine(t *testing.T) {
	s := newStore(t)
	id, err := s.CreateInstitution(ctx, bureau, input("甲", "52330185MJ8812345"))
	if err != nil {
		t.Fatal(err)
	}
	designate := training.StatusChangeInput{Action: training.ActDesignate, DecisionNo: "1号", DecisionDate: "2026-03-01", DecidedBy: "王"}
	// INST-1/第六条: no designation without a licensed scope.
	if err := s.ChangeInstitutionStatus(ctx, bureau, id, 1, designate); err == nil {
		t.Fatal("designated without a scope")
	}
	if err := s.SetScope(ctx, bureau, id, 1, []repository.ScopeInput{{OccupationID: occupationID(t, s, "4-03-02-01"), MaxLevel: training.Level2}}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		in   training.StatusChangeInput
		want training.InstitutionStatus
		ok   bool
	}{
		{training.StatusChangeInput{Action: training.ActResume, Reason: "x"}, training.InstPending, false},
		{designate, training.InstDesignated, true},
		{designate, training.InstDesignated, false},
		{training.StatusChangeInput{Action: training.ActSuspend, Reason: "整改"}, training.InstSuspended, true},
		{training.StatusChangeInput{Action: training.ActSuspend, Reason: "整改"}, training.InstSuspended, false},
		// SUP-4: resumed only after a rectification accepted since the suspension.
		{training.StatusChangeInput{Action: training.ActResume, Reason: "整改完成"}, training.InstSuspended, false},
		{training.StatusChangeInput{Action: training.ActResume, Reason: "整改完成"}, training.InstDesignated, true},
		{training.StatusChangeInput{Action: training.ActRevoke, Reason: "骗取补助"}, training.InstRevoked, true},
		{training.StatusChangeInput{Action: training.ActResume, Reason: "x"}, training.InstRevoked, false},
		{designate, training.InstRevoked, false},
	}
	for i, st := range steps {
		cur, err := s.InstitutionByID(ctx, bureau, id)
		if err != nil {
			t.Fatal(err)
		}
		if i == 6 {
			acceptedRectification(t, s, id)
		}
		auditBefore := auditCount(t, s)
		stepErr := s.ChangeInstitutionStatus(ctx, bureau, id, cur.Version, st.in)
		after, err := s.InstitutionByID(ctx, bureau, id)
		if err != nil {
			t.Fatal(err)
		}
		if (stepErr == nil) != st.ok || after.Status != st.want {
			t.Fatalf("step %d %s: err=%v status=%s, want ok=%v status=%s", i, st.in.Action, stepErr, after.Status, st.ok, st.want)
		}
		wantAudit := auditBefore
		if st.ok {
			wantAudit++
		}
		if got := auditCount(t, s); got != wantAudit {
			t.Fatalf("step %d: audit rows %d, want %d", i, got, wantAudit)
		}
	}
	// Revoked is final for edits too.
	cur, err := s.InstitutionByID(ctx, bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateInstitution(ctx, bureau, id, cur.Version, input("新名", "52330185MJ8812345")); err == nil {
		t.Fatal("revoked institution edited")
	}
	if err := s.SetScope(ctx, bureau, id, cur.Version, nil); err == nil {
		t.Fatal("revoked institution's scope edited")
	}
}

func TestConcurrentStatusChangeOneWins(t *testing.T) {
	s := newStore(t)
	id := designated(t, s, "甲", "52330185MJ8812345")
	cur, err := s.InstitutionByID(ctx, bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			act := training.ActSuspend
			if i%2 == 1 {
				act = training.ActRevoke
			}
			errs[i] = s.ChangeInstitutionStatus(ctx, bureau, id, cur.Version, training.StatusChangeInput{Action: act, Reason: "并发"})
		}(i)
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, training.ErrConflict):
			t.Errorf("loser got %v, want ErrConflict", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d winners, want 1", wins)
	}
}

func TestScopeValidation(t *testing.T) {
	s := newStore(t)
	id, err := s.CreateInstitution(ctx, bureau, input("甲", "52330185MJ8812345"))
	if err != nil {
		t.Fatal(err)
	}
	nutrition := occupationID(t, s, "4-03-02-06") // 营养配餐员 has no 五级
	guide := occupationID(t, s, "4-07-04-01")     // 导游 has no levels
	for _, tc := range []struct {
		name  string
		items []repository.ScopeInput
	}{
		{"level the occupation lacks", []repository.ScopeInput{{OccupationID: nutrition, MaxLevel: training.Level5}}},
		{"level on an occupation without levels", []repository.ScopeInput{{OccupationID: guide, MaxLevel: training.Level3}}},
		{"no level on an occupation with levels", []repository.ScopeInput{{OccupationID: nutrition, MaxLevel: training.LevelNone}}},
		{"unknown occupation", []repository.ScopeInput{{OccupationID: 999999, MaxLevel: training.Level3}}},
		{"duplicate", []repository.ScopeInput{{OccupationID: nutrition, MaxLevel: training.Level3}, {OccupationID: nutrition, MaxLevel: training.Level4}}},
	} {
		if _, ok := training.AsValidation(s.SetScope(ctx, bureau, id, 1, tc.items)); !ok {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	ok := []repository.ScopeInput{{OccupationID: nutrition, MaxLevel: training.Level4}, {OccupationID: guide, MaxLevel: training.LevelNone}}
	if err := s.SetScope(ctx, bureau, id, 1, ok); err != nil {
		t.Fatal(err)
	}
	in, err := s.InstitutionByID(ctx, bureau, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Scope) != 2 || !training.InScope(in.Scope, nutrition, training.Level4) || training.InScope(in.Scope, nutrition, training.Level1) {
		t.Fatalf("scope %+v", in.Scope)
	}
	// A stale version is a conflict, not a silent overwrite.
	if err := s.SetScope(ctx, bureau, id, 1, nil); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
}

func TestInstitutionListFilterSortPage(t *testing.T) {
	s := newStore(t)
	a := designated(t, s, "乙机构", "52330185MJ8812345")
	for _, in := range []training.InstitutionInput{input("甲机构", "52330185MJ8867890"), input("丙学校", "52330185MJ8854321")} {
		if _, err := s.CreateInstitution(ctx, bureau, in); err != nil {
			t.Fatal(err)
		}
	}
	rows, total, err := s.Institutions(ctx, bureau, repository.InstitutionFilter{}, repository.Page{Sort: "name"})
	if err != nil || total != 3 || len(rows) != 3 {
		t.Fatalf("all: %d %d %v", total, len(rows), err)
	}
	_, total, err = s.Institutions(ctx, bureau, repository.InstitutionFilter{Status: training.InstPending}, repository.Page{})
	if err != nil || total != 2 {
		t.Fatalf("pending: %d %v", total, err)
	}
	_, total, err = s.Institutions(ctx, bureau, repository.InstitutionFilter{Name: "机构"}, repository.Page{})
	if err != nil || total != 2 {
		t.Fatalf("name filter: %d %v", total, err)
	}
	rows, total, err = s.Institutions(ctx, bureau, repository.InstitutionFilter{OccupationID: occupationID(t, s, "4-03-02-01")}, repository.Page{})
	if err != nil || total != 1 || rows[0].ID != a || rows[0].ScopeCount != 1 {
		t.Fatalf("occupation filter: %d %+v %v", total, rows, err)
	}
	rows, total, err = s.Institutions(ctx, bureau, repository.InstitutionFilter{}, repository.Page{Number: 2, Size: 2, Sort: "created", Desc: true})
	if err != nil || total != 3 || len(rows) != 1 || rows[0].ID != a {
		t.Fatalf("page 2: %d %+v %v", total, rows, err)
	}
	// An unknown sort key falls back to the default, never into SQL.
	if _, _, err := s.Institutions(ctx, bureau, repository.InstitutionFilter{}, repository.Page{Sort: "name; DROP TABLE users"}); err != nil {
		t.Fatal(err)
	}
	// LIKE wildcards typed by the user are literal.
	if _, total, err := s.Institutions(ctx, bureau, repository.InstitutionFilter{Name: "%"}, repository.Page{}); err != nil || total != 0 {
		t.Fatalf("%% matched %d", total)
	}
}

func TestHistoryShowsEveryChange(t *testing.T) {
	s := newStore(t)
	id := designated(t, s, "甲", "52330185MJ8812345")
	entries, total, err := s.InstitutionHistory(ctx, bureau, id, repository.Page{})
	if err != nil || total != 3 {
		t.Fatalf("history: %d %v", total, err)
	}
	want := []string{"institution.designate", "institution.scope", "institution.create"}
	for i, e := range entries {
		if e.Action != want[i] {
			t.Errorf("entry %d: %s, want %s", i, e.Action, want[i])
		}
	}
	if entries[0].Before == "" || entries[0].After == "" {
		t.Errorf("designation without before/after: %+v", entries[0])
	}
	inst := training.Actor{Role: training.RoleInstitution, InstitutionID: id}
	if _, _, err := s.InstitutionHistory(ctx, inst, id, repository.Page{}); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("institution reads its audit history: %v", err)
	}
}
