package repository_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

func TestCreateUserRules(t *testing.T) {
	s := newStore(t)
	inst := designated(t, s, "甲", "52330185MJ8812345")
	if _, err := s.CreateUser(ctx, bureau, training.UserInput{Username: "chen", Name: "陈", Role: training.RoleInstitution, InstitutionID: inst}, "h", true); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateUser(ctx, bureau, training.UserInput{Username: "CHEN ", Name: "陈二", Role: training.RoleBureau}, "h", true)
	if v, ok := training.AsValidation(err); !ok || v.Fields["username"] == "" {
		t.Fatalf("duplicate username: %v", err)
	}
	_, err = s.CreateUser(ctx, bureau, training.UserInput{Username: "liwei", Name: "李", Role: training.RoleInstitution, InstitutionID: 99999}, "h", true)
	if v, ok := training.AsValidation(err); !ok || v.Fields["institution_id"] == "" {
		t.Fatalf("unknown institution: %v", err)
	}
	instActor := training.Actor{Role: training.RoleInstitution, InstitutionID: inst}
	if _, err := s.CreateUser(ctx, instActor, training.UserInput{Username: "zhao", Name: "赵", Role: training.RoleBureau}, "h", true); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("institution creates users: %v", err)
	}
}

func TestDisableBumpsSessionVersion(t *testing.T) {
	s := newStore(t)
	id, err := s.CreateUser(ctx, bureau, training.UserInput{Username: "zhao", Name: "赵", Role: training.RoleCentre}, "h", false)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserDisabled(ctx, bureau, id, true); err != nil {
		t.Fatal(err)
	}
	u2, err := s.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !u2.Disabled || u2.SessionVersion == u.SessionVersion {
		t.Fatalf("disable: %+v", u2)
	}
	if err := s.SetUserDisabled(ctx, bureau, id, true); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("disable twice: %v", err)
	}
	self := training.Actor{UserID: id, Role: training.RoleBureau}
	if err := s.SetUserDisabled(ctx, self, id, true); err == nil {
		t.Fatal("disabled oneself")
	}
}

func TestLoginThrottleAtomic(t *testing.T) {
	s := newStore(t)
	limits := repository.LoginLimits{Window: 15 * 60e9, PerAccount: 5, PerAddress: 1000}
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ReserveLoginAttempt(ctx, "target", "10.0.0.1", limits)
			if err != nil {
				t.Error(err)
			}
			if ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := allowed.Load(); n != 5 {
		t.Fatalf("%d attempts allowed in parallel, want exactly 5", n)
	}
}

// TestTwoBureauUsersDisableEachOther is ACCT-2 under concurrency: with two
// enabled bureau accounts, each disabling the other at the same moment, one
// wins and the other is refused as the last bureau account; the bureau is
// never left without an account. Ten rounds, re-enabled between them.
func TestTwoBureauUsersDisableEachOther(t *testing.T) {
	s := newStore(t)
	mk := func(username string) int64 {
		id, err := s.CreateUser(ctx, bureau, training.UserInput{Username: username, Name: username, Role: training.RoleBureau}, "h", false)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, b := mk("wangke"), mk("lichu")
	if _, err := s.Pool().Exec(ctx, `UPDATE users SET disabled_at = now() WHERE role = 'bureau' AND id <> ALL($1)`, []int64{a, b}); err != nil {
		t.Fatal(err)
	}
	last := training.RuleUserLastBureau.Msg()
	for round := range 10 {
		errs := make([]error, 2)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, p := range [][2]int64{{a, b}, {b, a}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = s.SetUserDisabled(ctx, training.Actor{UserID: p[0], Role: training.RoleBureau}, p[1], true)
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			v, ok := training.AsValidation(err)
			if !ok || len(v.General) != 1 || v.General[0] != last {
				t.Fatalf("round %d: the loser got %v, want %q", round, err, last)
			}
		}
		var enabled int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'bureau' AND disabled_at IS NULL`).Scan(&enabled); err != nil {
			t.Fatal(err)
		}
		if won != 1 || enabled != 1 {
			t.Fatalf("round %d: %d disabled, %d bureau accounts left; want 1 and 1", round, won, enabled)
		}
		if _, err := s.Pool().Exec(ctx, `UPDATE users SET disabled_at = NULL WHERE id = ANY($1)`, []int64{a, b}); err != nil {
			t.Fatal(err)
		}
	}
}
