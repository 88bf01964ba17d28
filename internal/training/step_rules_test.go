package training

import (
	"strings"
	"testing"
)

// TestStepRulesMovedFromTheRepository: the checks the repository used to
// make inline, each with its rule and article.
func TestStepRulesMovedFromTheRepository(t *testing.T) {
	one := func(name string, rs Refusals, field, want string) {
		t.Helper()
		switch {
		case want == "" && !rs.OK():
			t.Errorf("%s: refused %v", name, rs.Messages())
		case want != "" && (len(rs) != 1 || rs[0].Field != field || !strings.Contains(rs[0].Message, want)):
			t.Errorf("%s: %+v, want one refusal of %q with %q", name, rs, field, want)
		}
	}
	// A change request's decision (FILE-5).
	one("approve", DecideChangeDecision(true, true, ""), "", "")
	one("reject with a reason", DecideChangeDecision(true, false, "  开班日期与考试安排冲突 "), "", "")
	one("reject without", DecideChangeDecision(true, false, "  "), "decision", "第六条：请填写不同意的理由")
	one("reject at length", DecideChangeDecision(true, false, strings.Repeat("长", 5000)), "decision", "不能超过500个字")
	one("nothing waiting", DecideChangeDecision(false, true, ""), "", "第六条：该培训班没有待审核的变更申请")
	// Survey codes (SUP-3).
	one("codes of a finished class", DecideSurveyCodes(ClassFinished), "", "")
	one("codes of an archived class", DecideSurveyCodes(ClassArchived), "", "")
	one("codes in training", DecideSurveyCodes(ClassApproved), "", "第十五条：培训班结业后才生成评价码（当前状态「"+ClassApproved.Label())
	// Rebuilding a claim's lines (SUB-3).
	one("rebuild a draft", DecideRebuildClaim(ClaimDraft), "", "")
	one("rebuild a returned claim", DecideRebuildClaim(ClaimReturned), "", "")
	one("rebuild a submitted claim", DecideRebuildClaim(ClaimSubmitted), "", "第十二条：补贴申领当前状态为「待审核」，不能重新生成")
	// An evaluation outcome (SUP-6).
	one("an outcome", DecideEvalOutcome(EvalOutcomes[0], "依据年度考评"), "", "")
	one("no outcome", DecideEvalOutcome("bogus", ""), "outcome", "第十五条：请选择处理结果")
	one("a long note", DecideEvalOutcome(EvalOutcomes[0], strings.Repeat("注", 501)), "note", "说明最多500字")
	// Building a claim (SUB-3).
	one("a claim of one class", DecideBuildClaim(1), "", "")
	one("a claim of no class", DecideBuildClaim(0), "class_ids", "第十二条：请选择至少一个")
	one("a claim of too many classes", DecideBuildClaim(MaxClaimClasses+1), "class_ids", "请选择至少一个")
	// A complaint's target (SUP-2).
	one("a complaint", DecideComplaintTarget(ComplaintTarget{Files: 1, InstitutionOpen: true, ClassAsked: true, ClassFound: true}), "", "")
	one("too many files", DecideComplaintTarget(ComplaintTarget{Files: MaxComplaintFiles + 1, InstitutionOpen: true}), "files", "最多上传3个附件")
	one("an unknown institution", DecideComplaintTarget(ComplaintTarget{InstitutionOpen: false, ClassAsked: true}), "institution_id", "第十五条：请选择被投诉的培训机构")
	one("a class not of it", DecideComplaintTarget(ComplaintTarget{InstitutionOpen: true, ClassAsked: true}), "class_no", "该培训机构没有这个编号的培训班")
	// A retake (EXAM-5).
	failed := Attempt{ExamDate: day("2026-04-10"), Parts: BothParts, Outcome: OutcomeFail, TheoryPassed: true, Published: true}
	if parts, rs := DecideRetake("张三", []Attempt{failed}, day("2026-05-10")); !rs.OK() || parts != (Parts{Practical: true}) {
		t.Errorf("a retake of the failed part: %v %v", parts, rs.Messages())
	}
	_, rs := DecideRetake("张三", nil, day("2026-05-10"))
	one("a retake without a first attempt", rs, "", "第十条：张三：尚未参加首次考核")
	_, rs = DecideRetake("张三", []Attempt{failed}, day("2027-01-10"))
	one("a retake the next year", rs, "", "张三：第十条：补考须在首次考核的同一培训年度（2026年）")
	// The evaluation job computes a running year, never a published one.
	one("compute a running year", DecideEvalStep(2025, EvalRunning, EvalActCompute), "", "")
	one("compute a published year", DecideEvalStep(2025, EvalPublished, EvalActCompute), "", "第十五条：2025年度考评结果已公布")
	// Ending a subsidy figure on the date as typed.
	open := DatedRow{Period: Period{From: day("2024-01-01")}}
	if end, rs := DecideEndFigureOn(open, "2025-12-31"); !rs.OK() || !end.Equal(day("2025-12-31")) {
		t.Errorf("end a figure: %s %v", end, rs.Messages())
	}
	_, rs = DecideEndFigureOn(open, "31/12/2025")
	one("an end date it cannot read", rs, "to", "请填写截止日期")
	// An employment record's trainee (SUP-3).
	one("a recorded trainee", DecideEmploymentRow(EmploymentRowFacts{Found: true, Name: "李四", Months: 3}), "", "")
	one("none chosen", DecideEmploymentRow(EmploymentRowFacts{}), "enrolment_id", "请选择学员")
	one("an unknown ID in a file", DecideEmploymentRow(EmploymentRowFacts{Imported: true, IDNumber: "330185199001010011"}), "", "330185********0011")
	one("withdrawn", DecideEmploymentRow(EmploymentRowFacts{Found: true, Name: "李四", Withdrawn: true}), "", "李四")
	if rs := DecideEmploymentRow(EmploymentRowFacts{Imported: true, IDNumber: "330185199001010011", Found: true, Name: "李四", Seen: true, Recorded: true, Months: 6}); len(rs) != 2 {
		t.Errorf("twice in a file and recorded already: %v", rs.Messages())
	}
}

// TestPlanAgreements: a save of the agreements page — written, unchanged,
// cleared, kept after attendance, a number twice on the page, a number
// another enrolment holds.
func TestPlanAgreements(t *testing.T) {
	start, today := day("2026-03-10"), day("2026-03-05")
	signed, yes := day("2026-03-01"), true
	rows := []AgreementRow{{EnrolmentID: 1}, {EnrolmentID: 2, No: "XY-2", Date: &signed, PaysFee: &yes},
		{EnrolmentID: 3, No: "XY-3", Date: &signed, PaysFee: &yes}, {EnrolmentID: 4}, {EnrolmentID: 5}}
	posted := map[int64]AgreementInput{
		1: {No: "XY-1", Date: "2026-03-02", Fee: "no"},  // new
		2: {No: "XY-2", Date: "2026-03-01", Fee: "yes"}, // unchanged
		3: {},                                           // cleared
		4: {No: "XY-1", Date: "2026-03-02", Fee: "no"},  // the number of row 1 again
	}
	var p Problems
	plan := PlanAgreements(rows, posted, false, start, today, &p)
	if len(plan.Set) != 2 || plan.Set[0].EnrolmentID != 1 || len(plan.Clear) != 1 || plan.Clear[0] != 3 || !p.Has(AgreementField("agreement_no", 4)) {
		t.Fatalf("plan %+v, problems %v", plan, p.Err())
	}
	AgreementNumbersTaken(plan, []string{"XY-2"}, &p)
	if !p.Has(AgreementField("agreement_no", 2)) || p.Err() == nil || !strings.Contains(p.Err().Error(), "XY-2 已被其他学员使用") {
		t.Fatalf("a number taken elsewhere: %v", p.Err())
	}
	// After attendance has started a recorded agreement is kept.
	var q Problems
	plan = PlanAgreements(rows, map[int64]AgreementInput{3: {}}, true, start, today, &q)
	if len(plan.Clear) != 0 || !q.Has(AgreementField("agreement_no", 3)) {
		t.Fatalf("cleared after attendance: %+v %v", plan, q.Err())
	}
}

func TestApprovalProblemsAndTextbooks(t *testing.T) {
	p := Plan{StartDate: day("2026-03-10")}
	fc := FilingContext{InstitutionStatus: InstDesignated, TextbookProblems: []string{"教材问题"}}
	if got := ApprovalProblems(p, day("2026-03-01"), 0, fc); len(got) != 1 || got[0] != "教材问题" {
		t.Fatalf("textbook problem only: %v", got)
	}
	fc = FilingContext{InstitutionStatus: InstSuspended}
	got := ApprovalProblems(p, day("2026-03-10"), 0, fc)
	if len(got) < 2 || !strings.Contains(strings.Join(got, "|"), InstSuspended.Label()) {
		t.Fatalf("started and suspended: %v", got)
	}
	if got := CheckTextbooks([]int64{9}, map[int64]Textbook{}, 1, Level4); len(got) != 1 || got[0] != RuleTextbookNotCatalogue.Msg() {
		t.Fatalf("a textbook not in the catalogue: %v", got)
	}
}
