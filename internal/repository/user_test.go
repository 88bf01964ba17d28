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
