package demo

import (
	"context"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestDemoClaimInEveryState: the demo holds a claim in every state, the
// one on notice with a pending objection, and a class ready to claim.
func TestDemoClaimInEveryState(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	s := repository.New(dbtest.Pool(t), func() time.Time { return now })
	if err := Load(ctx, s, password.Params{Memory: 64, Time: 1, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	list, _, err := s.Claims(ctx, training.System, repository.ClaimFilter{}, repository.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := map[training.ClaimStatus]int{}
	for _, c := range list {
		got[c.Status]++
	}
	for _, st := range training.ClaimStatuses {
		if got[st] != 1 {
			t.Errorf("%d claims %s, want 1", got[st], st)
		}
	}
	notices, n, err := s.PublicNotices(ctx, repository.Page{})
	if err != nil || n != 1 || len(notices) != 1 {
		t.Fatalf("notices: %d %v", n, err)
	}
	if list[0].ID == 0 {
		t.Fatal("no claims")
	}
	for _, c := range list {
		if c.Status == training.ClaimNotice && c.Pending != 1 {
			t.Errorf("claim on notice has %d pending objections", c.Pending)
		}
		if c.Status == training.ClaimObjections && c.Pending != 1 {
			t.Errorf("claim past notice has %d pending objections", c.Pending)
		}
	}
	var school training.Actor
	for _, l := range Logins {
		if l.Username == "school" {
			u, _, err := s.UserForLogin(ctx, l.Username)
			if err != nil {
				t.Fatal(err)
			}
			school = u.Actor()
		}
	}
	classes, err := s.ClaimableClasses(ctx, school)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range classes {
		if c.ClassNo == ClaimBuildClassNo && c.Passes == 6 && c.Claimed == 0 {
			found = true
		}
	}
	if !found {
		t.Fatalf("class %s ready to claim not found in %+v", ClaimBuildClassNo, classes)
	}
}
