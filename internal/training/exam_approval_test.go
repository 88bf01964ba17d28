package training

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDecideApproveResults(t *testing.T) {
	centre := func(id int64) Actor { return Actor{UserID: id, Username: "c", Role: RoleCentre} }
	scorers := func(ids ...int64) map[int64]bool {
		m := map[int64]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	cases := []struct {
		name  string
		a     Actor
		f     ResultsFacts
		to    ExamSessionStatus
		err   error  // sentinel, or nil
		msg   string // validation message prefix, or ""
		canDo bool
	}{
		{"a third user approves", centre(3), ResultsFacts{SessScored, scorers(1, 2)}, SessApproved, nil, "", true},
		{"the one who entered", centre(1), ResultsFacts{SessScored, scorers(1)}, SessScored, nil, MsgFourEyes, false},
		{"one who changed one row after another entered", centre(2), ResultsFacts{SessScored, scorers(1, 2)}, SessScored, nil, MsgFourEyes, false},
		{"the first enterer after another changed a row", centre(1), ResultsFacts{SessScored, scorers(1, 2)}, SessScored, nil, MsgFourEyes, false},
		{"someone who only opened the page", centre(2), ResultsFacts{SessScored, scorers(1)}, SessApproved, nil, "", true},
		{"a correction's proposer later", centre(4), ResultsFacts{SessScored, scorers(1, 4)}, SessScored, nil, MsgFourEyes, false},
		{"no recorded entry at all (unknown user)", centre(0), ResultsFacts{SessScored, scorers(1)}, SessScored, nil, MsgFourEyes, false},
		{"scores incomplete", centre(3), ResultsFacts{SessScheduled, scorers(1)}, SessScheduled, nil, "第十一条：还有考生", false},
		{"already approved", centre(3), ResultsFacts{SessApproved, scorers(1)}, SessApproved, ErrConflict, "", false},
		{"already published", centre(3), ResultsFacts{SessPublished, scorers(1)}, SessPublished, ErrConflict, "", false},
		{"the bureau", Actor{UserID: 9, Role: RoleBureau}, ResultsFacts{SessScored, scorers(1)}, SessScored, ErrForbidden, "", false},
		{"an institution", Actor{UserID: 9, Role: RoleInstitution, InstitutionID: 1}, ResultsFacts{SessScored, scorers(1)}, SessScored, ErrForbidden, "", false},
	}
	for _, c := range cases {
		to, err := DecideApproveResults(c.a, c.f)
		switch {
		case c.err != nil:
			if !errors.Is(err, c.err) {
				t.Errorf("%s: %v, want %v", c.name, err, c.err)
			}
		case c.msg != "":
			v, ok := AsValidation(err)
			if !ok || len(v.General) != 1 || !strings.HasPrefix(v.General[0], c.msg) || !strings.HasPrefix(v.General[0], "第十一条") {
				t.Errorf("%s: %v, want %q", c.name, err, c.msg)
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		}
		if to != c.to {
			t.Errorf("%s: status %s, want %s", c.name, to, c.to)
		}
		if got := CanApproveResults(c.a, c.f); got != c.canDo {
			t.Errorf("%s: CanApproveResults %v, want %v", c.name, got, c.canDo)
		}
	}
}

func TestDecideAmendment(t *testing.T) {
	centre := func(id int64) Actor { return Actor{UserID: id, Username: "c", Role: RoleCentre} }
	scored := map[int64]bool{1: true} // 1 entered the scores; 2 approved them
	cases := []struct {
		name            string
		a               Actor
		f               AmendmentFacts
		confirm, reject string // "" allowed, "conflict", "forbidden", or a message prefix
	}{
		{"the approver confirms another's correction", centre(2), AmendmentFacts{AmendPending, 3, scored}, "", ""},
		{"the proposer confirms their own", centre(3), AmendmentFacts{AmendPending, 3, scored}, MsgAmendProposer, ""},
		{"the one who entered confirms", centre(1), AmendmentFacts{AmendPending, 3, scored}, MsgAmendScorer, ""},
		{"the approver proposed: the enterer may not confirm", centre(1), AmendmentFacts{AmendPending, 2, scored}, MsgAmendScorer, ""},
		{"the approver proposed: a third user confirms", centre(3), AmendmentFacts{AmendPending, 2, scored}, "", ""},
		{"an earlier correction's proposer", centre(4), AmendmentFacts{AmendPending, 2, map[int64]bool{1: true, 4: true}}, MsgAmendScorer, ""},
		{"already confirmed", centre(3), AmendmentFacts{AmendConfirmed, 2, scored}, "conflict", "conflict"},
		{"already rejected", centre(3), AmendmentFacts{AmendRejected, 2, scored}, "conflict", "conflict"},
		{"the bureau", Actor{UserID: 9, Role: RoleBureau}, AmendmentFacts{AmendPending, 2, scored}, "forbidden", "forbidden"},
	}
	check := func(name string, err error, want string) {
		t.Helper()
		switch want {
		case "":
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case "conflict":
			if !errors.Is(err, ErrConflict) {
				t.Errorf("%s: %v, want conflict", name, err)
			}
		case "forbidden":
			if !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: %v, want forbidden", name, err)
			}
		default:
			v, ok := AsValidation(err)
			if !ok || len(v.General) != 1 || v.General[0] != want || !strings.HasPrefix(want, "第十一条") {
				t.Errorf("%s: %v, want %q", name, err, want)
			}
		}
	}
	for _, c := range cases {
		check(c.name+" (confirm)", DecideConfirmAmendment(c.a, c.f), c.confirm)
		check(c.name+" (reject)", DecideRejectAmendment(c.a, c.f), c.reject)
		if CanConfirmAmendment(c.a, c.f) != (c.confirm == "") || CanRejectAmendment(c.a, c.f) != (c.reject == "") {
			t.Errorf("%s: Can* disagree with Decide*", c.name)
		}
	}
}

func TestScoreSaves(t *testing.T) {
	t0 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	changes := []ScoreChange{
		{UserID: 1, By: "赵考务", At: t0, EntryID: 1, CandidateNo: "KS-001", Name: "甲"},
		{UserID: 1, By: "赵考务", At: t0, EntryID: 2, CandidateNo: "KS-002", Name: "乙"},
		{UserID: 2, By: "孙主任", At: t1, EntryID: 2, CandidateNo: "KS-002", Name: "乙"},
		{UserID: 1, By: "赵考务", At: t1, EntryID: 3, CandidateNo: "KS-003", Name: "丙", Amendment: true},
	}
	got := ScoreSaves(changes)
	if len(got) != 3 {
		t.Fatalf("%d saves: %+v", len(got), got)
	}
	if got[0].By != "赵考务" || got[0].CandidatesText() != "KS-001 甲、KS-002 乙" || got[0].Amendment {
		t.Errorf("first save %+v", got[0])
	}
	if got[1].By != "孙主任" || got[1].CandidatesText() != "KS-002 乙" {
		t.Errorf("second save %+v", got[1])
	}
	if !got[2].Amendment || got[2].CandidatesText() != "KS-003 丙" {
		t.Errorf("the correction %+v", got[2])
	}
	if s := ScorersOf(changes); len(s) != 2 || !s[1] || !s[2] {
		t.Errorf("scorers %v", s)
	}
	if ScoreSaves(nil) != nil {
		t.Error("no changes, no saves")
	}
}
