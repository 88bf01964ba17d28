package training_test

import (
	"strings"
	"testing"
	"time"

	"tianmu/internal/training"
)

var (
	supBureau = training.Actor{UserID: 1, Name: "王科长", Role: training.RoleBureau}
	supSchool = training.Actor{UserID: 2, Name: "李老师", Role: training.RoleInstitution, InstitutionID: 7}
	supOther  = training.Actor{UserID: 3, Name: "赵老师", Role: training.RoleInstitution, InstitutionID: 8}
)

// The rectification deadline: the Nth working day after the order, the
// day itself not counted, holidays and 调休 as the calendar says.
func TestAddWorkingDays(t *testing.T) {
	cal := publishedCalendar(t)
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-13", 2, "2026-03-17"}, // Fri → Mon, Tue
		{"2026-03-16", 1, "2026-03-17"}, // the day itself is not counted
		{"2026-09-28", 3, "2026-10-08"}, // over 国庆 2026
		{"2026-09-28", 5, "2026-10-10"}, // Saturday 10 Oct is a working day (调休)
		{"2026-09-18", 1, "2026-09-20"}, // Sunday 20 Sep is a working day (调休)
		{"2026-09-24", 1, "2026-09-28"}, // 中秋 25–27 Sep off
	} {
		got, covered := cal.AddWorkingDays(day(c.from), c.n)
		if got.Format("2006-01-02") != c.want || !covered {
			t.Errorf("%s + %d working days = %s (covered %v), want %s", c.from, c.n, got.Format("2006-01-02"), covered, c.want)
		}
	}
	if _, covered := cal.AddWorkingDays(day("2031-01-05"), 3); covered {
		t.Error("a year without an arrangement is reported as covered")
	}
}

func TestOrderDeadlineAndOverdue(t *testing.T) {
	o := training.RectificationOrder{Status: training.OrderOpen, DueOn: day("2026-03-17"), InstitutionID: 7}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	last := time.Date(2026, 3, 17, 23, 59, 59, 0, sh)
	if o.Overdue(last) {
		t.Error("overdue within the last day")
	}
	if !o.Overdue(last.Add(2 * time.Second)) {
		t.Error("not overdue after the last day")
	}
	o.Status = training.OrderAnswered
	if o.Overdue(last.AddDate(0, 1, 0)) {
		t.Error("an answered order is overdue")
	}
}

func TestDecideOrder(t *testing.T) {
	for _, c := range []struct {
		name   string
		a      training.Actor
		in     training.OrderInput
		has    bool
		st     training.InstitutionStatus
		fields []string
		rule   *training.Rule
	}{
		{"ok", supBureau, training.OrderInput{WorkingDays: "10", Requirement: "补齐考勤"}, false, training.InstDesignated, nil, nil},
		{"institution", supSchool, training.OrderInput{WorkingDays: "10", Requirement: "x"}, false, training.InstDesignated, nil, training.RuleInspectBureau},
		{"no days", supBureau, training.OrderInput{WorkingDays: "", Requirement: "x"}, false, training.InstDesignated, []string{"working_days"}, nil},
		{"too many days", supBureau, training.OrderInput{WorkingDays: "61", Requirement: "x"}, false, training.InstDesignated, []string{"working_days"}, nil},
		{"zero days", supBureau, training.OrderInput{WorkingDays: "0", Requirement: "x"}, false, training.InstDesignated, []string{"working_days"}, nil},
		{"no requirement", supBureau, training.OrderInput{WorkingDays: "5", Requirement: "  "}, false, training.InstDesignated, []string{"requirement"}, nil},
		{"twice", supBureau, training.OrderInput{WorkingDays: "5", Requirement: "x"}, true, training.InstDesignated, nil, training.RuleOrderExists},
		{"revoked", supBureau, training.OrderInput{WorkingDays: "5", Requirement: "x"}, false, training.InstRevoked, nil, training.RuleOrderRevoked},
		{"suspended ok", supBureau, training.OrderInput{WorkingDays: "5", Requirement: "x"}, false, training.InstSuspended, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, rs := training.DecideOrder(c.a, c.in, c.has, c.st)
			checkSupRefusals(t, rs, c.fields, c.rule)
		})
	}
}

// checkSupRefusals asserts the refused fields (in any order) and that rule,
// when given, is among the refusals; nil and nil means allowed.
func checkSupRefusals(t *testing.T, rs training.Refusals, fields []string, rule *training.Rule) {
	t.Helper()
	if fields == nil && rule == nil {
		if !rs.OK() {
			t.Fatalf("refused: %v", rs.Messages())
		}
		return
	}
	got := map[string]bool{}
	hasRule := false
	for _, r := range rs {
		if r.Field != "" {
			got[r.Field] = true
		}
		if r.Rule == rule {
			hasRule = true
		}
	}
	for _, f := range fields {
		if !got[f] {
			t.Errorf("no refusal for %s: %v", f, rs.Messages())
		}
	}
	if len(got) != len(fields) && rule == nil {
		t.Errorf("refused fields %v, want %v", got, fields)
	}
	if rule != nil && !hasRule {
		t.Errorf("rule %q not applied: %v", rule.Text, rs.Messages())
	}
}

func TestDecideOrderStep(t *testing.T) {
	due := day("2026-03-17")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	before := time.Date(2026, 3, 16, 10, 0, 0, 0, sh)
	after := time.Date(2026, 3, 18, 10, 0, 0, 0, sh)
	open := training.RectificationOrder{Status: training.OrderOpen, DueOn: due, InstitutionID: 7}
	answered := open
	answered.Status = training.OrderAnswered
	accepted := open
	accepted.Status = training.OrderAccepted
	good := training.AnswerFacts{Answer: "已补齐", HasFile: true, Now: before}
	for _, c := range []struct {
		name   string
		a      training.Actor
		o      training.RectificationOrder
		act    training.OrderAction
		ans    training.AnswerFacts
		note   string
		fields []string
		rule   *training.Rule
	}{
		{"answer ok", supSchool, open, training.ActOrderAnswer, good, "", nil, nil},
		{"answer on the last day", supSchool, open, training.ActOrderAnswer, training.AnswerFacts{Answer: "x", HasFile: true, Now: time.Date(2026, 3, 17, 23, 0, 0, 0, sh)}, "", nil, nil},
		{"answer late", supSchool, open, training.ActOrderAnswer, training.AnswerFacts{Answer: "x", HasFile: true, Now: after}, "", nil, training.RuleOrderLate},
		{"answer without file", supSchool, open, training.ActOrderAnswer, training.AnswerFacts{Answer: "x", Now: before}, "", []string{"file"}, nil},
		{"answer without text", supSchool, open, training.ActOrderAnswer, training.AnswerFacts{HasFile: true, Now: before}, "", []string{"answer"}, nil},
		{"answer twice", supSchool, answered, training.ActOrderAnswer, good, "", nil, training.RuleOrderStep},
		{"another institution answers", supOther, open, training.ActOrderAnswer, good, "", nil, training.RuleOrderStep},
		{"bureau answers", supBureau, open, training.ActOrderAnswer, good, "", nil, training.RuleOrderStep},
		{"accept ok", supBureau, answered, training.ActOrderAccept, training.AnswerFacts{Now: before}, "", nil, nil},
		{"accept unanswered", supBureau, open, training.ActOrderAccept, training.AnswerFacts{Now: before}, "", nil, training.RuleOrderStep},
		{"accept twice", supBureau, accepted, training.ActOrderAccept, training.AnswerFacts{Now: before}, "", nil, training.RuleOrderStep},
		{"institution accepts", supSchool, answered, training.ActOrderAccept, training.AnswerFacts{Now: before}, "", nil, training.RuleInspectBureau},
		{"escalate answered", supBureau, answered, training.ActOrderEscalate, training.AnswerFacts{Now: before}, "整改不到位", nil, nil},
		{"escalate overdue", supBureau, open, training.ActOrderEscalate, training.AnswerFacts{Now: after}, "逾期", nil, nil},
		{"escalate before the deadline", supBureau, open, training.ActOrderEscalate, training.AnswerFacts{Now: before}, "x", nil, training.RuleOrderNotYet},
		{"escalate without reason", supBureau, answered, training.ActOrderEscalate, training.AnswerFacts{Now: before}, "", []string{"note"}, nil},
		{"escalate accepted", supBureau, accepted, training.ActOrderEscalate, training.AnswerFacts{Now: before}, "x", nil, training.RuleOrderStep},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkSupRefusals(t, training.DecideOrderStep(c.a, c.o, c.act, c.ans, c.note), c.fields, c.rule)
		})
	}
	if !training.CanAnswerOrder(supSchool, open, before) || training.CanAnswerOrder(supSchool, open, after) || training.CanAnswerOrder(supOther, open, before) {
		t.Error("CanAnswerOrder")
	}
	if training.CanDecideOrder(supBureau, open, training.ActOrderEscalate, before) || !training.CanDecideOrder(supBureau, open, training.ActOrderEscalate, after) {
		t.Error("CanDecideOrder escalate")
	}
}

func TestDecideInspection(t *testing.T) {
	items := []training.ChecklistItem{{ID: 1, Text: "授课教师为备案教师"}, {ID: 2, Text: "考勤记录完整"}}
	facts := training.InspectionFacts{Today: day("2026-03-16"), Items: items}
	ok := training.InspectionInput{InstitutionID: 7, Mode: training.ModeOnSite, Date: "2026-03-16", Inspectors: "王科长、李科员",
		Results: map[int64]training.ItemResult{1: training.ItemOK, 2: training.ItemFail}, Notes: map[int64]string{2: "缺3月10日考勤"}}
	mod := func(f func(*training.InspectionInput)) training.InspectionInput {
		in := ok
		in.Results = map[int64]training.ItemResult{1: training.ItemOK, 2: training.ItemFail}
		in.Notes = map[int64]string{2: "缺3月10日考勤"}
		f(&in)
		return in
	}
	for _, c := range []struct {
		name   string
		a      training.Actor
		in     training.InspectionInput
		f      training.InspectionFacts
		fields []string
		rule   *training.Rule
	}{
		{"ok", supBureau, ok, facts, nil, nil},
		{"institution", supSchool, ok, facts, nil, training.RuleInspectBureau},
		{"future date", supBureau, mod(func(in *training.InspectionInput) { in.Date = "2026-03-17" }), facts, []string{"date"}, nil},
		{"bad date", supBureau, mod(func(in *training.InspectionInput) { in.Date = "16/03/2026" }), facts, []string{"date"}, nil},
		{"one inspector", supBureau, mod(func(in *training.InspectionInput) { in.Inspectors = "王科长" }), facts, []string{"inspectors"}, nil},
		{"no mode", supBureau, mod(func(in *training.InspectionInput) { in.Mode = "" }), facts, []string{"mode"}, nil},
		{"item without result", supBureau, mod(func(in *training.InspectionInput) { delete(in.Results, 1) }), facts, []string{"result_1"}, nil},
		{"finding without note", supBureau, mod(func(in *training.InspectionInput) { in.Notes[2] = " " }), facts, []string{"note_2"}, nil},
		{"class of another institution", supBureau, mod(func(in *training.InspectionInput) { in.ClassID = 5 }),
			training.InspectionFacts{Today: facts.Today, Items: items, ClassInstitute: 8}, []string{"class_id"}, nil},
		{"empty checklist", supBureau, ok, training.InspectionFacts{Today: facts.Today}, nil, training.RuleInspectNoItems},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, rs := training.DecideInspection(c.a, c.in, c.f)
			checkSupRefusals(t, rs, c.fields, c.rule)
		})
	}
}

// Sanction transitions: a revoked institution stays revoked; a suspension
// is lifted only after an accepted rectification; grounds that need
// findings have them; INST-4 needs the flag.
func TestDecideSanction(t *testing.T) {
	today := day("2026-03-16")
	base := training.SanctionInput{Reason: "理由", DecidedBy: "王局长", DecidedOn: "2026-03-16", FindingIDs: []int64{1}}
	in := func(k training.SanctionKind, g training.SanctionGround, f func(*training.SanctionInput)) training.SanctionInput {
		x := base
		x.Kind, x.Ground = k, g
		if f != nil {
			f(&x)
		}
		return x
	}
	facts := func(st training.InstitutionStatus, f func(*training.SanctionFacts)) training.SanctionFacts {
		x := training.SanctionFacts{Status: st, Findings: 1, Today: today, StatusChanged: today.AddDate(0, -1, 0)}
		if f != nil {
			f(&x)
		}
		return x
	}
	D, S, R := training.InstDesignated, training.InstSuspended, training.InstRevoked
	for _, c := range []struct {
		name   string
		a      training.Actor
		in     training.SanctionInput
		f      training.SanctionFacts
		to     training.InstitutionStatus
		fields []string
		rule   *training.Rule
	}{
		{"warning", supBureau, in(training.SanctionWarning, training.GroundContent, nil), facts(D, nil), D, nil, nil},
		{"warning while suspended", supBureau, in(training.SanctionWarning, training.GroundContent, nil), facts(S, nil), S, nil, nil},
		{"suspension", supBureau, in(training.SanctionSuspension, training.GroundRectify, nil), facts(D, nil), S, nil, nil},
		{"suspension twice", supBureau, in(training.SanctionSuspension, training.GroundRectify, nil), facts(S, nil), "", nil, training.RuleSanctionStatus},
		{"suspension without findings", supBureau, in(training.SanctionSuspension, training.GroundContent, nil), facts(D, func(f *training.SanctionFacts) { f.Findings = 0 }), "", []string{"findings"}, nil},
		{"revocation for fraud", supBureau, in(training.SanctionRevocation, training.GroundFraud, func(x *training.SanctionInput) { x.Recover = "12,000.50" }), facts(D, nil), R, nil, nil},
		{"revocation from suspension", supBureau, in(training.SanctionRevocation, training.GroundSubsidy, func(x *training.SanctionInput) { x.Recover = "0" }), facts(S, nil), R, nil, nil},
		{"revocation without amount", supBureau, in(training.SanctionRevocation, training.GroundOvercharge, nil), facts(D, nil), "", []string{"recover"}, nil},
		{"revocation for content", supBureau, in(training.SanctionRevocation, training.GroundContent, func(x *training.SanctionInput) { x.Recover = "0" }), facts(D, nil), "", []string{"ground"}, nil},
		{"referral without note", supBureau, in(training.SanctionRevocation, training.GroundFraud, func(x *training.SanctionInput) { x.Recover = "1"; x.Referral = true }), facts(D, nil), "", []string{"referral_note"}, nil},
		{"referral", supBureau, in(training.SanctionRevocation, training.GroundFraud, func(x *training.SanctionInput) {
			x.Recover = "1"
			x.Referral, x.ReferralNote = true, "2026-03-16 移送临安区公安分局，临人社移〔2026〕1号"
		}), facts(D, nil), R, nil, nil},
		{"revoked stays revoked: lift", supBureau, in(training.SanctionLift, training.GroundRectified, nil), facts(R, func(f *training.SanctionFacts) { f.AcceptedOrder = 3 }), "", nil, training.RuleSanctionRevoked},
		{"revoked stays revoked: warning", supBureau, in(training.SanctionWarning, training.GroundContent, nil), facts(R, nil), "", nil, training.RuleSanctionRevoked},
		{"revoked stays revoked: revocation", supBureau, in(training.SanctionRevocation, training.GroundFraud, func(x *training.SanctionInput) { x.Recover = "0" }), facts(R, nil), "", nil, training.RuleSanctionRevoked},
		{"lift after accepted rectification", supBureau, in(training.SanctionLift, training.GroundRectified, nil), facts(S, func(f *training.SanctionFacts) { f.AcceptedOrder = 3 }), D, nil, nil},
		{"lift without accepted rectification", supBureau, in(training.SanctionLift, training.GroundRectified, nil), facts(S, nil), "", nil, training.RuleSanctionLift},
		{"lift a designated institution", supBureau, in(training.SanctionLift, training.GroundRectified, nil), facts(D, func(f *training.SanctionFacts) { f.AcceptedOrder = 3 }), "", nil, training.RuleSanctionStatus},
		{"inactivity flagged: suspend", supBureau, in(training.SanctionSuspension, training.GroundInactivity, func(x *training.SanctionInput) { x.FindingIDs = nil }),
			facts(D, func(f *training.SanctionFacts) { f.Findings, f.Activity = 0, training.ActivityFlagged }), S, nil, nil},
		{"inactivity flagged: revoke", supBureau, in(training.SanctionRevocation, training.GroundInactivity, func(x *training.SanctionInput) { x.Recover = "0" }),
			facts(D, func(f *training.SanctionFacts) { f.Activity = training.ActivityFlagged }), R, nil, nil},
		{"inactivity only warned: suspend", supBureau, in(training.SanctionSuspension, training.GroundInactivity, nil),
			facts(D, func(f *training.SanctionFacts) { f.Activity = training.ActivityWarning }), "", []string{"ground"}, nil},
		{"inactivity warned: warning", supBureau, in(training.SanctionWarning, training.GroundInactivity, nil),
			facts(D, func(f *training.SanctionFacts) { f.Activity = training.ActivityWarning }), D, nil, nil},
		{"inactivity not flagged", supBureau, in(training.SanctionWarning, training.GroundInactivity, nil), facts(D, nil), "", []string{"ground"}, nil},
		{"institution", supSchool, in(training.SanctionWarning, training.GroundContent, nil), facts(D, nil), "", nil, training.RuleSanctionBureau},
		{"no kind", supBureau, in("", training.GroundContent, nil), facts(D, nil), "", []string{"kind"}, nil},
		{"no reason, decider, date", supBureau, in(training.SanctionWarning, training.GroundContent, func(x *training.SanctionInput) {
			x.Reason, x.DecidedBy, x.DecidedOn = "", "", "2026-03-17"
		}), facts(D, nil), "", []string{"reason", "decided_by", "decided_on"}, nil},
		{"pending institution", supBureau, in(training.SanctionSuspension, training.GroundContent, nil), facts(training.InstPending, nil), "", nil, training.RuleSanctionStatus},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, rs := training.DecideSanction(c.a, c.in, c.f)
			checkSupRefusals(t, rs, c.fields, c.rule)
			if rs.OK() && d.To != c.to {
				t.Errorf("status after %s, want %s", d.To, c.to)
			}
		})
	}
	d, rs := training.DecideSanction(supBureau, in(training.SanctionRevocation, training.GroundFraud, func(x *training.SanctionInput) { x.Recover = "¥123,456.7" }), facts(D, nil))
	if !rs.OK() || d.RecoverFen != 12345670 {
		t.Errorf("recover %d %v", d.RecoverFen, rs.Messages())
	}
}

// INST-3: the filing refusal cites its articles.
func TestRuleInstCannotFile(t *testing.T) {
	if m := training.RuleInstCannotFile.Msg(training.InstSuspended.Label()); !strings.HasPrefix(m, "第三条、第十六条：") || !strings.Contains(m, "暂停") {
		t.Fatal(m)
	}
}
