package training

import "testing"

func TestDecideScheduleSession(t *testing.T) {
	for _, st := range ApplicationStatuses {
		rs := DecideScheduleSession(st)
		if st == AppAccepted {
			wantRules(t, string(st), rs)
			continue
		}
		wantRules(t, string(st), rs, RuleScheduleNotAccepted)
		if CanScheduleSession(st) {
			t.Errorf("CanScheduleSession(%s)", st)
		}
	}
}

func TestDecideArchiveApplication(t *testing.T) {
	for _, c := range []struct {
		name string
		f    ArchiveFacts
		want []*Rule
	}{
		{"all published", ArchiveFacts{PublishedSessions: 2}, nil},
		{"one open", ArchiveFacts{OpenSessions: 1, PublishedSessions: 1}, []*Rule{RuleArchiveUnpublished}},
		{"none published", ArchiveFacts{}, []*Rule{RuleArchiveUnpublished}},
		{"open and pending: the open session first", ArchiveFacts{OpenSessions: 1, PendingAmendment: true}, []*Rule{RuleArchiveUnpublished}},
		{"correction waits", ArchiveFacts{PublishedSessions: 1, PendingAmendment: true}, []*Rule{RuleArchivePendingAmend}},
	} {
		wantRules(t, c.name, DecideArchiveApplication(c.f), c.want...)
	}
}

func TestCanApplicationStep(t *testing.T) {
	for _, c := range []struct {
		from   ApplicationStatus
		action AppAction
		want   bool
	}{
		{"", ActAppSubmit, true}, {AppReturned, ActAppSubmit, true}, {AppSubmitted, ActAppSubmit, false},
		{AppSubmitted, ActAppAccept, true}, {AppSubmitted, ActAppReturn, true}, {AppAccepted, ActAppReturn, false},
		{AppAccepted, ActAppArchive, true}, {AppArchived, ActAppArchive, false},
	} {
		if got := CanApplicationStep(c.from, c.action); got != c.want {
			t.Errorf("CanApplicationStep(%q, %s) = %v", c.from, c.action, got)
		}
	}
}
