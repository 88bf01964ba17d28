package repository_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestClassPageOneRoundTrip: the filing page reads in one round trip (the
// calendar cached), and gives what the page's separate reads gave: the
// filing, the check while it can be submitted or approved, the delivery
// once approved, the versions, the audit trail and the names of every
// teacher and textbook named by any plan. Another institution's filing is
// not found.
func TestClassPageOneRoundTrip(t *testing.T) {
	cf := newClassFixture(t)
	s, counter := tracedStore(t, cf)

	submitted := cf.submitted()
	hp := repository.Page{Number: 1, Size: repository.PageSize}
	approved, _ := cf.approvedWeek(3, 1)
	draft, err := cf.s.CreateClass(cf.ctx, cf.school, cf.plan())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		id    int64
		a     training.Actor
		check bool
	}{
		{"draft, institution", draft, cf.school, true},
		{"submitted, bureau", submitted, cf.bureau, true},
		{"approved, institution", approved, cf.school, false},
	} {
		counter.reset()
		p, err := s.ClassPage(cf.ctx, c.a, c.id, hp)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if counter.roundTrips != 1 {
			t.Errorf("%s: %d round trips, want 1", c.name, counter.roundTrips)
		}
		cl, err := s.ClassByID(cf.ctx, c.a, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Class, cl) {
			t.Errorf("%s: class differs from ClassByID", c.name)
		}
		if (p.Check != nil) != c.check {
			t.Errorf("%s: check shown %v", c.name, p.Check != nil)
		}
		if c.check {
			chk, err := s.CheckClass(cf.ctx, c.a, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*p.Check, chk) {
				t.Errorf("%s: check %+v, CheckClass %+v", c.name, *p.Check, chk)
			}
		}
		if training.HasDelivery(cl.Status) {
			d, err := s.ClassDelivery(cf.ctx, c.a, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Delivery == nil || !reflect.DeepEqual(*p.Delivery, d) {
				t.Errorf("%s: delivery %+v, ClassDelivery %+v", c.name, p.Delivery, d)
			}
		} else if p.Delivery != nil {
			t.Errorf("%s: delivery before approval", c.name)
		}
		versions, err := s.ClassVersions(cf.ctx, c.a, c.id)
		if err != nil {
			t.Fatal(err)
		}
		history, total, err := s.ClassHistory(cf.ctx, c.a, c.id, hp)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Versions, versions) || !reflect.DeepEqual(p.History, history) || p.HistoryTotal != total {
			t.Errorf("%s: versions or history differ", c.name)
		}
		var teachers, books []int64
		for _, x := range p.Names.Teachers {
			teachers = append(teachers, x.ID)
		}
		for _, x := range p.Names.Textbooks {
			books = append(books, x.ID)
		}
		slices.Sort(teachers)
		want := []int64{cf.theory, cf.practice}
		slices.Sort(want)
		if !slices.Equal(teachers, want) || !slices.Equal(books, []int64{cf.book}) {
			t.Errorf("%s: names of teachers %v, textbooks %v", c.name, teachers, books)
		}
	}
	if _, err := s.ClassPage(cf.ctx, cf.acad, submitted, hp); err != training.ErrNotFound {
		t.Fatalf("another institution's filing: %v, want ErrNotFound", err)
	}
}

// tracedStore is a store on cf's database through a pool that counts what
// it sends, with the calendar already cached.
func tracedStore(t *testing.T, cf *classFixture) (*repository.Store, *queryCounter) {
	t.Helper()
	counter := &queryCounter{}
	cfg, err := pgxpool.ParseConfig(cf.s.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = counter
	cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Shanghai"
	traced, err := pgxpool.NewWithConfig(cf.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(traced.Close)
	s := repository.New(traced, func() time.Time { cf.mu.Lock(); defer cf.mu.Unlock(); return cf.now })
	if _, err := s.Calendar(cf.ctx); err != nil {
		t.Fatal(err)
	}
	return s, counter
}

// TestHomePagesOneRoundTrip: each role's home page is one read of one
// round trip.
func TestHomePagesOneRoundTrip(t *testing.T) {
	cf := newClassFixture(t)
	s, counter := tracedStore(t, cf)
	cf.submitted()
	for _, c := range []struct {
		name string
		read func() error
	}{
		{"bureau", func() error { _, err := s.BureauHome(cf.ctx, cf.bureau, 5); return err }},
		{"institution", func() error { _, err := s.InstitutionHome(cf.ctx, cf.school); return err }},
		{"centre", func() error { _, err := s.CentreHome(cf.ctx, cf.centre); return err }},
	} {
		counter.reset()
		if err := c.read(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if counter.roundTrips != 1 {
			t.Errorf("%s home: %d round trips, want 1", c.name, counter.roundTrips)
		}
	}
	// The supervision notices come with the home page's batch, the same as
	// read on their own.
	bh, err := s.BureauHome(cf.ctx, cf.bureau, 5)
	if err != nil {
		t.Fatal(err)
	}
	ih, err := s.InstitutionHome(cf.ctx, cf.school)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		a   training.Actor
		got training.SupervisionNotices
	}{{cf.bureau, bh.Supervision}, {cf.school, ih.Supervision}} {
		want, err := s.SupervisionNotices(cf.ctx, c.a)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.got, want) {
			t.Fatalf("%s: home %+v, on its own %+v", c.a.Role, c.got, want)
		}
	}
}
