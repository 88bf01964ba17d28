package training

import (
	"errors"
	"testing"
)

func TestEnrolmentStatus(t *testing.T) {
	if !Enrolled.OnRoster() || Withdrawn.OnRoster() || Enrolled.Label() != "在册" || Withdrawn.Label() != "已退学" {
		t.Fatal("enrolment status questions")
	}
}

func TestDecideRemoveEnrolment(t *testing.T) {
	for _, c := range []struct {
		name     string
		f        RemoveFacts
		withdraw bool
		want     []*Rule
		err      error
	}{
		{"before start: removed", RemoveFacts{Status: Enrolled}, false, nil, nil},
		{"after start: withdrawn", RemoveFacts{Status: Enrolled, Started: true, Reason: "工作调动"}, true, nil, nil},
		{"after start without reason", RemoveFacts{Status: Enrolled, Started: true}, true, []*Rule{RuleWithdrawReason}, nil},
		{"already withdrawn", RemoveFacts{Status: Withdrawn, Started: true, Reason: "x"}, false, nil, ErrConflict},
	} {
		w, rs, err := DecideRemoveEnrolment(c.f)
		if !errors.Is(err, c.err) && err != c.err {
			t.Errorf("%s: err %v", c.name, err)
		}
		if err == nil && w != c.withdraw {
			t.Errorf("%s: withdraw %v", c.name, w)
		}
		wantRules(t, c.name, rs, c.want...)
	}
	if !CanClearAgreement(false) || CanClearAgreement(true) {
		t.Error("CanClearAgreement")
	}
}
