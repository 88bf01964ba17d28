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
		err   error // sentinel outside the rule book, or nil
		rule  *Rule // the refusal, or nil
		canDo bool
	}{
		{"a third user approves", centre(3), ResultsFacts{SessScored, scorers(1, 2)}, SessApproved, nil, nil, true},
		{"the one who entered", centre(1), ResultsFacts{SessScored, scorers(1)}, SessScored, nil, RuleFourEyes, false},
		{"one who changed one row after another entered", centre(2), ResultsFacts{SessScored, scorers(1, 2)}, SessScored, nil, RuleFourEyes, false},
		{"the first enterer after another changed a row", centre(1), ResultsFacts{SessScored, scorers(1, 2)}, SessScored, nil, RuleFourEyes, false},
		{"someone who only opened the page", centre(2), ResultsFacts{SessScored, scorers(1)}, SessApproved, nil, nil, true},
		{"a correction's proposer later", centre(4), ResultsFacts{SessScored, scorers(1, 4)}, SessScored, nil, RuleFourEyes, false},
		{"an unknown user", centre(0), ResultsFacts{SessScored, scorers(1)}, SessScored, nil, RuleFourEyes, false},
		{"scores incomplete", centre(3), ResultsFacts{SessScheduled, scorers(1)}, SessScheduled, nil, RuleScoresIncomplete, false},
		{"already approved", centre(3), ResultsFacts{SessApproved, scorers(1)}, SessApproved, nil, RuleSessionState, false},
		{"already published", centre(3), ResultsFacts{SessPublished, scorers(1)}, SessPublished, nil, RuleSessionState, false},
		{"the bureau", Actor{UserID: 9, Role: RoleBureau}, ResultsFacts{SessScored, scorers(1)}, SessScored, ErrForbidden, nil, false},
		{"an institution", Actor{UserID: 9, Role: RoleInstitution, InstitutionID: 1}, ResultsFacts{SessScored, scorers(1)}, SessScored, ErrForbidden, nil, false},
	}
	for _, c := range cases {
		to, rs, err := DecideApproveResults(c.a, c.f)
		if !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
		}
		switch {
		case c.rule == nil && !rs.OK():
			t.Errorf("%s: refused %q", c.name, rs.Messages())
		case c.rule != nil && (len(rs) != 1 || rs[0].Rule != c.rule || !strings.HasPrefix(rs[0].Message, "第十一条：")):
			t.Errorf("%s: refusals %+v, want %q", c.name, rs, c.rule.Msg())
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
		name    string
		a       Actor
		f       AmendmentFacts
		confirm any // nil allowed, a sentinel error, or the *Rule that refuses
		reject  error
	}{
		{"the approver confirms another's correction", centre(2), AmendmentFacts{AmendPending, 3, scored}, nil, nil},
		{"the proposer confirms their own", centre(3), AmendmentFacts{AmendPending, 3, scored}, RuleAmendProposer, nil},
		{"the one who entered confirms", centre(1), AmendmentFacts{AmendPending, 3, scored}, RuleAmendScorer, nil},
		{"the approver proposed: the enterer may not confirm", centre(1), AmendmentFacts{AmendPending, 2, scored}, RuleAmendScorer, nil},
		{"the approver proposed: a third user confirms", centre(3), AmendmentFacts{AmendPending, 2, scored}, nil, nil},
		{"an earlier correction's proposer", centre(4), AmendmentFacts{AmendPending, 2, map[int64]bool{1: true, 4: true}}, RuleAmendScorer, nil},
		{"already confirmed", centre(3), AmendmentFacts{AmendConfirmed, 2, scored}, ErrConflict, ErrConflict},
		{"already rejected", centre(3), AmendmentFacts{AmendRejected, 2, scored}, ErrConflict, ErrConflict},
		{"the bureau", Actor{UserID: 9, Role: RoleBureau}, AmendmentFacts{AmendPending, 2, scored}, ErrForbidden, ErrForbidden},
	}
	for _, c := range cases {
		rs, err := DecideConfirmAmendment(c.a, c.f)
		switch want := c.confirm.(type) {
		case nil:
			if err != nil || !rs.OK() {
				t.Errorf("%s: confirm refused: %v %q", c.name, err, rs.Messages())
			}
		case error:
			if !errors.Is(err, want) || !rs.OK() {
				t.Errorf("%s: confirm %v %q, want %v", c.name, err, rs.Messages(), want)
			}
		case *Rule:
			if err != nil || len(rs) != 1 || rs[0].Rule != want || !strings.HasPrefix(rs[0].Message, "第十一条：") {
				t.Errorf("%s: confirm %v %+v, want %q", c.name, err, rs, want.Msg())
			}
		}
		if err := DecideRejectAmendment(c.a, c.f); !errors.Is(err, c.reject) || (c.reject == nil) != (err == nil) {
			t.Errorf("%s: reject %v, want %v", c.name, err, c.reject)
		}
		if CanConfirmAmendment(c.a, c.f) != (c.confirm == nil) || CanRejectAmendment(c.a, c.f) != (c.reject == nil) {
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
