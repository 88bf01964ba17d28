package training

import (
	"strings"
	"testing"
	"time"
)

func TestRetainUntil(t *testing.T) {
	for _, c := range []struct{ archived, want string }{
		{"2026-04-10", "2036-04-10"},
		{"2026-12-31", "2036-12-31"},
		{"2028-02-29", "2038-03-01"}, // never less than ten years
	} {
		if got := RetainUntil(day(c.archived)).Format(time.DateOnly); got != c.want {
			t.Errorf("RetainUntil(%s) = %s, want %s", c.archived, got, c.want)
		}
	}
}

func TestDecideLedgerPurge(t *testing.T) {
	until := RetainUntil(day("2026-04-10"))
	for _, c := range []struct {
		today string
		ok    bool
	}{
		{"2026-04-10", false},
		{"2036-04-09", false},
		{"2036-04-10", true},
		{"2040-01-01", true},
	} {
		r := DecideLedgerPurge(until, day(c.today))
		if r.OK() != c.ok {
			t.Errorf("purge on %s: ok=%v, want %v (%v)", c.today, r.OK(), c.ok, r.Messages())
		}
		if !c.ok && !strings.HasPrefix(r.Messages()[0], "第十四条：") {
			t.Errorf("refusal cites no article: %v", r.Messages())
		}
	}
}

func TestDecideLedger(t *testing.T) {
	for _, s := range ClassStatuses {
		want := s == ClassFinished || s == ClassAssessmentApplied || s == ClassAssessed || s == ClassArchived
		if got := DecideLedger(s).OK(); got != want {
			t.Errorf("ledger of a %s class: %v, want %v", s, got, want)
		}
	}
}

func TestLedgerGaps(t *testing.T) {
	complete := LedgerFacts{Status: ClassArchived, Enrolled: 5, WithAgreement: 5, Sessions: 4, SessionsHeld: 4,
		Applied: true, ResultsPublished: 5, FundUseTracked: true, FundUseFiled: true}
	for _, c := range []struct {
		name  string
		edit  func(*LedgerFacts)
		kinds string
		msg   string
	}{
		{"complete", func(*LedgerFacts) {}, "", ""},
		{"agreements", func(f *LedgerFacts) { f.WithAgreement = 3 }, "agreements", "第十四条、第十六条：2名在册学员未登记培训协议书"},
		{"attendance", func(f *LedgerFacts) { f.SessionsHeld = 1 }, "attendance", "3次课未登记考勤"},
		{"no exam", func(f *LedgerFacts) { f.Applied, f.ResultsPublished = false, 0 }, "exam", "尚未申报鉴定考核"},
		{"results", func(f *LedgerFacts) { f.ResultsPublished = 4 }, "results", "1名学员的考核成绩尚未收集"},
		{"fund use", func(f *LedgerFacts) { f.FundUseFiled = false }, "fund_use", "第十四条、第十三条：已收取培训费或申领补贴，但未登记经费使用情况"},
		{"fund use not tracked", func(f *LedgerFacts) { f.FundUseTracked, f.FundUseFiled = false, false }, "", ""},
		{"empty roster needs no exam", func(f *LedgerFacts) {
			f.Enrolled, f.WithAgreement, f.Applied, f.ResultsPublished = 0, 0, false, 0
		}, "", ""},
		{"everything", func(f *LedgerFacts) {
			*f = LedgerFacts{Enrolled: 2, Sessions: 2, FundUseTracked: true}
		}, "agreements,attendance,exam,fund_use", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := complete
			c.edit(&f)
			gaps := LedgerGaps(f)
			var kinds []string
			for _, g := range gaps {
				kinds = append(kinds, g.Kind)
				if g.Missing <= 0 || !strings.Contains(g.Message, "第十四条") {
					t.Errorf("gap %+v", g)
				}
			}
			if got := strings.Join(kinds, ","); got != c.kinds {
				t.Errorf("gaps %q, want %q", got, c.kinds)
			}
			if c.msg != "" && (len(gaps) == 0 || !strings.Contains(gaps[0].Message, c.msg)) {
				t.Errorf("message %v, want %q", gaps, c.msg)
			}
		})
	}
}

func TestLedgerSealAndSnapshot(t *testing.T) {
	l := Ledger{Class: LedgerClass{ID: 7, ClassNo: "X"}, Trainees: []LedgerTrainee{{Name: "方晓东"}}}
	b, sum, err := l.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(sum) != 64 || Checksum(b) != sum {
		t.Fatalf("checksum %q", sum)
	}
	for _, c := range []struct {
		name string
		seal LedgerSeal
		ok   bool
	}{
		{"intact", LedgerSeal{Checksum: sum, Computed: sum, Audited: sum}, true},
		{"snapshot edited", LedgerSeal{Checksum: sum, Computed: Checksum(append(b, ' ')), Audited: sum}, false},
		{"snapshot and checksum rewritten", LedgerSeal{Checksum: "ab", Computed: "ab", Audited: sum}, false},
		{"no audit row", LedgerSeal{Checksum: sum, Computed: sum}, false},
		{"nothing stored", LedgerSeal{}, false},
	} {
		if c.seal.Intact() != c.ok {
			t.Errorf("%s: intact=%v", c.name, !c.ok)
		}
	}
	planned, delivered := Ledger{Sessions: []LedgerSession{{PlannedHours: 4, Held: true, Delivered: 3}, {PlannedHours: 4}}}.DeliveredHours()
	if planned != 8 || delivered != 3 {
		t.Errorf("hours %d/%d", delivered, planned)
	}
}

func TestLedgerFacts(t *testing.T) {
	d := day("2026-03-16")
	paid := false
	l := Ledger{Class: LedgerClass{Status: string(ClassAssessed), CertKind: "skill_level"},
		Trainees: []LedgerTrainee{{EnrolmentID: 1, AgreementDate: &d, PaysFee: &paid}, {EnrolmentID: 2}, {EnrolmentID: 3, Withdrawn: true}},
		Sessions: []LedgerSession{{Held: true}, {}},
		Results: []LedgerResult{{EnrolmentID: 1, SessionStatus: "published", Outcome: "fail", Attempt: 1},
			{EnrolmentID: 1, SessionStatus: "published", Outcome: "pass", Attempt: 2},
			{EnrolmentID: 2, SessionStatus: "approved", Outcome: ""}, {EnrolmentID: 3, SessionStatus: "published", Outcome: "pass"}},
	}
	f := l.Facts()
	want := LedgerFacts{Status: ClassAssessed, Enrolled: 2, WithAgreement: 1, Sessions: 2, SessionsHeld: 1, Applied: true, ResultsPublished: 1}
	if f != want {
		t.Fatalf("facts %+v, want %+v", f, want)
	}
	// Money in makes the fund-use report due; spending charged files it.
	l.Payments = []LedgerPayment{{EnrolmentID: 2, Amount: 30000}}
	if f := l.Facts(); !f.FundUseTracked || f.FundUseFiled {
		t.Fatalf("fees paid: %+v", f)
	}
	l.Payments, l.Subsidies = nil, []LedgerSubsidy{{LineStatus: "released"}}
	if f := l.Facts(); f.FundUseTracked {
		t.Fatal("a released subsidy line asks for a fund-use report")
	}
	l.Subsidies[0].LineStatus = "active"
	l.FundUse = []LedgerFundUse{{Category: "teachers", Amount: 100}}
	if f := l.Facts(); !f.FundUseTracked || !f.FundUseFiled {
		t.Fatalf("subsidised and reported: %+v", f)
	}
}
