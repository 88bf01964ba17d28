package training

import "strings"

// Evaluation organisations kept by the bureau (EXAM-6, 第十条): it assigns
// centre users to an organisation and withdraws a social organisation's
// approval; a withdrawn organisation is chosen for no new application nor
// session (the sessions it already holds run on).

// The evaluation organisation rules.
var (
	RuleOrgWithdrawn      = NewRule("EXAM-6", "第十条", "该社会培训评价机构的核准已撤销，不能再申报或安排新的考试")
	RuleOrgWithdrawCentre = NewRule("EXAM-6", "第十条", "区职建中心不是社会培训评价机构，不能撤销核准")
	RuleOrgWithdrawTwice  = NewRule("EXAM-6", "第十条", "该机构的核准已于%s撤销")
	RuleOrgWithdrawWhy    = NewRule("", "", "请填写撤销核准的原因")
	RuleOrgUserRole       = NewRule("EXAM-6", "第十条", "只有区职建中心（考核机构）账号可以归属考核机构")
)

// WithdrawFacts is an organisation as loaded for withdrawal.
type WithdrawFacts struct {
	Kind        EvalOrgKind
	Approved    bool
	WithdrawnOn string // date text, when already withdrawn
}

// DecideWithdrawOrg says whether the bureau may withdraw an organisation's
// approval: only a social organisation still approved, with a reason.
func DecideWithdrawOrg(a Actor, f WithdrawFacts, reason string) (Refusals, error) {
	if !a.IsBureau() {
		return nil, ErrForbidden
	}
	var rs Refusals
	switch {
	case f.Kind == OrgCentre:
		rs.General(RuleOrgWithdrawCentre)
	case !f.Approved:
		rs.General(RuleOrgWithdrawTwice, f.WithdrawnOn)
	case strings.TrimSpace(reason) == "":
		rs.Add("reason", RuleOrgWithdrawWhy)
	}
	return rs, nil
}

// OrgOpen reports whether an organisation may be chosen for a new
// application or session.
func OrgOpen(o EvalOrg) bool { return o.Kind == OrgCentre || o.Approved }
