package training

import (
	"testing"
	"time"
)

func TestSessionQuestions(t *testing.T) {
	for _, c := range []struct {
		st                            ExamSessionStatus
		scores, publish, amend, print bool
	}{
		{SessScheduled, true, false, false, false},
		{SessScored, true, false, false, false},
		{SessApproved, false, true, false, false},
		{SessPublished, false, false, true, true},
		{SessCancelled, false, false, false, false},
	} {
		if CanTakeScores(c.st) != c.scores || CanPublishResults(c.st) != c.publish || CanAmendScores(c.st) != c.amend ||
			CanPrintCertificates(c.st) != c.print {
			t.Errorf("%s: scores %v publish %v amend %v print %v", c.st, CanTakeScores(c.st), CanPublishResults(c.st),
				CanAmendScores(c.st), CanPrintCertificates(c.st))
		}
		if c.print {
			wantRules(t, string(c.st), DecidePrintCertificates(c.st))
		} else {
			wantRules(t, string(c.st), DecidePrintCertificates(c.st), RuleCertAfterPublish)
		}
	}
}

func TestSamePart(t *testing.T) {
	for _, c := range []struct {
		a, b PartScore
		want bool
	}{
		{PartScore{}, PartScore{}, true}, {score(60), score(60), true}, {score(60), score(61), false},
		{score(60), PartScore{}, false}, {PartScore{Absent: true}, PartScore{}, false}, {PartScore{Absent: true}, PartScore{Absent: true}, true},
	} {
		if got := SamePart(c.a, c.b); got != c.want {
			t.Errorf("SamePart(%v, %v) = %v", c.a, c.b, got)
		}
	}
}

func TestDecideRetakeParts(t *testing.T) {
	both := Parts{Theory: true, Practical: true}
	for _, c := range []struct {
		name   string
		parts  Parts
		th, pr PartScore
		want   []*Rule
		field  string
	}{
		{"first attempt", both, score(70), score(50), nil, ""},
		{"retake of practical, theory entered", Parts{Practical: true}, score(70), score(50), []*Rule{RuleRetakeTheoryPassed}, "theory_7"},
		{"retake of theory, practical entered", Parts{Theory: true}, score(70), score(50), []*Rule{RuleRetakePractPassed}, "practical_7"},
		{"retake of theory only", Parts{Theory: true}, score(70), PartScore{}, nil, ""},
	} {
		rs := DecideRetakeParts(c.parts, c.th, c.pr, "_7")
		wantRules(t, c.name, rs, c.want...)
		if len(rs) == 1 && rs[0].Field != c.field {
			t.Errorf("%s: field %q", c.name, rs[0].Field)
		}
	}
}

func TestDecideAmendEntry(t *testing.T) {
	now := time.Now()
	checked := ExamEntry{Parts: Parts{Theory: true, Practical: true}, CheckedAt: &now, Theory: score(50), Practical: score(70)}
	for _, c := range []struct {
		name string
		f    AmendFacts
		want []*Rule
	}{
		{"ok", AmendFacts{Status: SessPublished, Entry: checked, Theory: score(65), Practical: score(70), Reason: "阅卷错误"}, nil},
		{"before publication", AmendFacts{Status: SessScored, Entry: checked, Theory: score(65), Practical: score(70), Reason: "x"},
			[]*Rule{RuleAmendBeforePublish}},
		{"no reason", AmendFacts{Status: SessPublished, Entry: checked, Theory: score(65), Practical: score(70)}, []*Rule{RuleAmendReason}},
		{"unchanged", AmendFacts{Status: SessPublished, Entry: checked, Theory: score(50), Practical: score(70), Reason: "x"},
			[]*Rule{RuleAmendUnchanged}},
		{"incomplete", AmendFacts{Status: SessPublished, Entry: checked, Theory: score(65), Reason: "x"}, []*Rule{RuleAmendIncomplete}},
		{"pending", AmendFacts{Status: SessPublished, Entry: func() ExamEntry { e := checked; e.Pending = true; return e }(),
			Theory: score(65), Practical: score(70), Reason: "x"}, []*Rule{RuleAmendPending}},
		{"not checked", AmendFacts{Status: SessPublished, Entry: ExamEntry{Parts: checked.Parts}, Theory: score(65), Practical: score(70), Reason: "x"},
			[]*Rule{RuleIDNotChecked}},
		{"retake part passed", AmendFacts{Status: SessPublished, Entry: ExamEntry{Parts: Parts{Theory: true}, CheckedAt: &now, Theory: score(50)},
			Theory: score(65), Practical: score(70), Reason: "x"}, []*Rule{RuleRetakeOnlyFailed}},
	} {
		_, rs := DecideAmendEntry(c.f)
		wantRules(t, c.name, rs, c.want...)
	}
	if out, _ := DecideAmendEntry(AmendFacts{Status: SessPublished, Entry: checked, Theory: score(65), Practical: score(70), Reason: "x"}); out != OutcomePass {
		t.Errorf("outcome %q", out)
	}
}
