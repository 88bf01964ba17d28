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
}
