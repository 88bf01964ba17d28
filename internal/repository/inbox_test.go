package repository_test

import (
	"errors"
	"testing"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestInboxWrittenWithTheStateChange: approving a filing tells the
// institution's users in the same transaction; a refused step (stale
// version) tells nobody; opening a message marks it read, and another
// user cannot open it.
func TestInboxWrittenWithTheStateChange(t *testing.T) {
	cf := newClassFixture(t)
	s, ctx := cf.s, cf.ctx
	msgs := func(a training.Actor) []training.InboxMessage {
		t.Helper()
		l, _, err := s.Inbox(ctx, a, repository.Page{Number: 1})
		must(t, err)
		return l
	}
	before := len(msgs(cf.school))
	id := cf.submitted()
	v := cf.class(id).Version
	if err := s.StepClass(ctx, cf.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: v - 1}); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("stale approve: %v", err)
	}
	if n := len(msgs(cf.school)); n != before {
		t.Fatalf("a refused step wrote a message: %d, was %d", n, before)
	}
	must(t, s.StepClass(ctx, cf.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: v}))
	l := msgs(cf.school)
	if len(l) != before+1 || l[0].Kind != "class.approve" || l[0].ReadAt != nil || l[0].Href == "" {
		t.Fatalf("after approve: %+v", l)
	}
	if got := cf.count(`SELECT count(*) FROM inbox m JOIN users u ON u.id = m.user_id WHERE u.institution_id = $1 AND m.kind = 'class.approve'`, cf.acad.InstitutionID); got != 0 {
		t.Fatalf("the academy was told of the school's filing: %d", got)
	}
	if _, err := s.OpenMessage(ctx, cf.acad, l[0].ID); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution opened it: %v", err)
	}
	m, err := s.OpenMessage(ctx, cf.school, l[0].ID)
	if err != nil || m.ReadAt == nil {
		t.Fatalf("open: %+v %v", m, err)
	}
	ses := cf.count(`SELECT count(*) FROM inbox WHERE id = $1 AND read_at IS NOT NULL`, l[0].ID)
	if ses != 1 {
		t.Fatal("not marked read")
	}
}
