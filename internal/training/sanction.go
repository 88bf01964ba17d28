package training

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sanctions (SUP-4, INST-3, INST-4, 第十六条): each a recorded decision with
// reason, decider, date and the findings it rests on. A warning changes no
// status; a suspension (暂停定点资质) stops new filings (INST-3); a
// revocation (取消定点资格) is final, with the amount to recover and, where
// criminal, the referral to the judicial organs; a lift ends a suspension
// and needs a rectification accepted since it began.

// SanctionKind is the kind of decision.
type SanctionKind string

// Sanction kinds.
const (
	SanctionWarning    SanctionKind = "warning"
	SanctionSuspension SanctionKind = "suspension"
	SanctionRevocation SanctionKind = "revocation"
	SanctionLift       SanctionKind = "lift"
)

// SanctionKinds lists the kinds in display order.
var SanctionKinds = []SanctionKind{SanctionWarning, SanctionSuspension, SanctionRevocation, SanctionLift}

// Label is the Chinese name.
func (k SanctionKind) Label() string {
	switch k {
	case SanctionWarning:
		return "警告"
	case SanctionSuspension:
		return "暂停定点资质"
	case SanctionRevocation:
		return "取消定点资格"
	case SanctionLift:
		return "恢复定点资质"
	}
	return string(k)
}

// Valid reports whether k is known.
func (k SanctionKind) Valid() bool {
	for _, x := range SanctionKinds {
		if k == x {
			return true
		}
	}
	return false
}

// SanctionGround is what a sanction is for (第十六条).
type SanctionGround string

// Sanction grounds.
const (
	GroundContent    SanctionGround = "content"    // 擅自缩减更改培训内容、课时
	GroundRectify    SanctionGround = "rectify"    // 逾期未整改或整改不到位
	GroundFraud      SanctionGround = "fraud"      // 弄虚作假
	GroundSubsidy    SanctionGround = "subsidy"    // 骗取培训补助经费
	GroundOvercharge SanctionGround = "overcharge" // 违反规定标准收取培训费用
	GroundInactivity SanctionGround = "inactivity" // 六个月内未组织技能培训 (INST-4)
	GroundEvaluation SanctionGround = "evaluation" // 年度考评验审 (SUP-6)
	GroundRectified  SanctionGround = "rectified"  // lift: 整改验收合格
	GroundOther      SanctionGround = "other"      // a status change without a form of its own
)

// SanctionGrounds lists the grounds in display order.
var SanctionGrounds = []SanctionGround{GroundContent, GroundRectify, GroundFraud, GroundSubsidy, GroundOvercharge,
	GroundInactivity, GroundEvaluation, GroundRectified, GroundOther}

// Label is the Chinese name.
func (g SanctionGround) Label() string {
	switch g {
	case GroundContent:
		return "擅自缩减更改培训内容、课时"
	case GroundRectify:
		return "逾期未整改或整改不到位"
	case GroundFraud:
		return "弄虚作假"
	case GroundSubsidy:
		return "骗取培训补助经费"
	case GroundOvercharge:
		return "违反规定标准收取培训费用"
	case GroundInactivity:
		return "六个月内未组织技能培训"
	case GroundEvaluation:
		return "年度考评验审结果"
	case GroundRectified:
		return "整改验收合格"
	case GroundOther:
		return "其他（见理由）"
	}
	return string(g)
}

// GroundsFor lists the grounds the bureau may choose for a kind.
func GroundsFor(k SanctionKind) []SanctionGround {
	switch k {
	case SanctionWarning:
		return []SanctionGround{GroundContent, GroundRectify, GroundInactivity, GroundEvaluation, GroundOther}
	case SanctionSuspension:
		return []SanctionGround{GroundContent, GroundRectify, GroundInactivity, GroundEvaluation}
	case SanctionRevocation:
		return []SanctionGround{GroundFraud, GroundSubsidy, GroundOvercharge, GroundInactivity, GroundEvaluation}
	case SanctionLift:
		return []SanctionGround{GroundRectified}
	}
	return nil
}

// needsFindings reports whether a ground must rest on inspection findings.
func (g SanctionGround) needsFindings() bool {
	switch g {
	case GroundContent, GroundRectify, GroundFraud, GroundSubsidy, GroundOvercharge:
		return true
	}
	return false
}

// Sanction is a recorded decision.
type Sanction struct {
	ID              int64
	InstitutionID   int64
	InstitutionName string
	Kind            SanctionKind
	Ground          SanctionGround
	Reason          string
	DecisionNo      string
	DecidedBy       string // the person who decided (e.g. 局长 王某)
	DecidedOn       time.Time
	RecoverFen      int64
	Referral        bool
	ReferralNote    string
	OrderID         int64 // lift: the accepted rectification order
	StatusBefore    InstitutionStatus
	StatusAfter     InstitutionStatus
	RecordedBy      string
	RecordedAt      time.Time
	Findings        []Finding
	// Lines are the subsidy lines marked 追缴 the revocation recovers.
	Lines []RecoveryLine
}

// Rules of sanctions.
var (
	RuleSanctionBureau     = NewRule("SUP-4", "第十六条", "只有区人力社保局可以作出处理决定")
	RuleSanctionRevoked    = NewRule("SUP-4", "第十六条", "该机构定点资格已取消，取消是最终决定，不能再作其他处理")
	RuleSanctionStatus     = NewRule("SUP-4", "第十六条", "机构当前状态为「%s」，不能%s")
	RuleSanctionKind       = NewRule("SUP-4", "", "请选择处理方式")
	RuleSanctionGround     = NewRule("SUP-4", "第十六条", "%s的依据只能是：%s")
	RuleSanctionFindings   = NewRule("SUP-4", "第十六条", "以「%s」为由作出处理，须选择所依据的检查发现问题")
	RuleSanctionInactive   = NewRule("INST-4", "第十六条", "该机构未被标记为六个月内未组织技能培训，不能以此为由%s")
	RuleSanctionReason     = NewRule("SUP-4", "", "请填写处理理由（最多1000字）")
	RuleSanctionDecider    = NewRule("SUP-4", "", "请填写决定人（最多50字）")
	RuleSanctionDate       = NewRule("SUP-4", "", "请填写决定日期（如 2026-03-16），不能晚于今天")
	RuleSanctionRecover    = NewRule("SUP-5", "第十六条", "取消定点资格须填写追缴违规所得金额（元，可为0，最多两位小数）")
	RuleSanctionReferral   = NewRule("SUP-4", "第十六条", "移交司法机关的，请写明移交机关、日期和文号（最多500字）")
	RuleSanctionLift       = NewRule("SUP-4", "第十六条", "恢复定点资质须先验收通过暂停（%s）以后的整改")
	RuleSanctionDecisionNo = NewRule("SUP-4", "", "决定文号最多50字")
	RuleSanctionLinesKind  = NewRule("SUP-5", "第十六条", "只有取消定点资格的决定关联标记追缴的补贴明细")
	RuleSanctionLinesOwn   = NewRule("SUP-5", "", "所选补贴明细须是该机构标记追缴、且未关联其他处理决定的明细")
	RuleSanctionLinesSum   = NewRule("SUP-5", "第十六条", "追缴金额不能少于所关联补贴明细的追缴金额合计（%s）")
)

// SanctionInput is what the bureau types.
type SanctionInput struct {
	Kind         SanctionKind
	Ground       SanctionGround
	Reason       string
	DecisionNo   string
	DecidedBy    string
	DecidedOn    string
	Recover      string // yuan
	Referral     bool
	ReferralNote string
	FindingIDs   []int64
	// LineIDs are subsidy claim lines marked 追缴 that a revocation
	// recovers (SUP-5); the amount defaults to their total.
	LineIDs []int64
}

// SanctionFacts is what the repository loaded for DecideSanction.
type SanctionFacts struct {
	Status InstitutionStatus
	// StatusChanged is when the current status began (a suspension's start).
	StatusChanged time.Time
	// Findings are how many of the chosen findings are the institution's.
	Findings int
	// Activity is the institution's INST-4 state (nightly job).
	Activity Activity
	// AcceptedOrder is a rectification order of the institution accepted
	// since StatusChanged (0 when none).
	AcceptedOrder int64
	Today         time.Time
	// Lines are how many of the chosen LineIDs are the institution's lines
	// marked for recovery and linked to no other sanction; LinesFen their
	// recovery total.
	Lines    int
	LinesFen int64
}

// SanctionDecision is what an allowed sanction does.
type SanctionDecision struct {
	DecidedOn  time.Time
	RecoverFen int64
	To         InstitutionStatus
}

// statusAfter is the state machine of sanctions on the designation.
func statusAfter(k SanctionKind, from InstitutionStatus) (InstitutionStatus, bool) {
	switch {
	case from == InstRevoked:
		return from, false
	case k == SanctionWarning && (from == InstDesignated || from == InstSuspended):
		return from, true
	case k == SanctionSuspension && from == InstDesignated:
		return InstSuspended, true
	case k == SanctionRevocation && (from == InstDesignated || from == InstSuspended):
		return InstRevoked, true
	case k == SanctionLift && from == InstSuspended:
		return InstDesignated, true
	}
	return from, false
}

// DecideSanction checks a sanction against SUP-4, INST-3 and INST-4.
func DecideSanction(a Actor, in SanctionInput, f SanctionFacts) (SanctionDecision, Refusals) {
	var rs Refusals
	var d SanctionDecision
	if !a.IsBureau() {
		rs.General(RuleSanctionBureau)
		return d, rs
	}
	if !in.Kind.Valid() {
		rs.Add("kind", RuleSanctionKind)
		return d, rs
	}
	if f.Status == InstRevoked {
		rs.General(RuleSanctionRevoked)
		return d, rs
	}
	to, ok := statusAfter(in.Kind, f.Status)
	if !ok {
		rs.General(RuleSanctionStatus, f.Status.Label(), in.Kind.Label())
		return d, rs
	}
	d.To = to
	grounds := GroundsFor(in.Kind)
	if !containsGround(grounds, in.Ground) {
		names := make([]string, len(grounds))
		for i, g := range grounds {
			names[i] = g.Label()
		}
		rs.Add("ground", RuleSanctionGround, in.Kind.Label(), strings.Join(names, "、"))
	}
	if in.Ground.needsFindings() && f.Findings == 0 {
		rs.Add("findings", RuleSanctionFindings, in.Ground.Label())
	}
	if in.Ground == GroundInactivity {
		flagged := f.Activity == ActivityFlagged || (in.Kind == SanctionWarning && f.Activity == ActivityWarning)
		if !flagged {
			rs.Add("ground", RuleSanctionInactive, in.Kind.Label())
		}
	}
	if in.Kind == SanctionLift && f.AcceptedOrder == 0 {
		rs.General(RuleSanctionLift, f.StatusChanged.In(deadlineZone).Format("2006-01-02"))
	}
	if r := strings.TrimSpace(in.Reason); r == "" || utf8.RuneCountInString(r) > 1000 {
		rs.Add("reason", RuleSanctionReason)
	}
	if r := strings.TrimSpace(in.DecidedBy); r == "" || utf8.RuneCountInString(r) > 50 {
		rs.Add("decided_by", RuleSanctionDecider)
	}
	if utf8.RuneCountInString(strings.TrimSpace(in.DecisionNo)) > 50 {
		rs.Add("decision_no", RuleSanctionDecisionNo)
	}
	day, ok := ParseDay(in.DecidedOn)
	if !ok || day.After(f.Today) {
		rs.Add("decided_on", RuleSanctionDate)
	}
	d.DecidedOn = day
	lines := len(uniqueInt64(in.LineIDs))
	if lines > 0 && in.Kind != SanctionRevocation {
		rs.Add("lines", RuleSanctionLinesKind)
	} else if lines > 0 && f.Lines != lines {
		rs.Add("lines", RuleSanctionLinesOwn)
	}
	if in.Kind == SanctionRevocation {
		fen, ok := parseFen(in.Recover)
		if strings.TrimSpace(in.Recover) == "" && lines > 0 {
			fen, ok = f.LinesFen, true
		}
		if !ok {
			rs.Add("recover", RuleSanctionRecover)
		} else if lines > 0 && fen < f.LinesFen {
			rs.Add("recover", RuleSanctionLinesSum, YuanText(f.LinesFen))
		}
		d.RecoverFen = fen
		if n := utf8.RuneCountInString(strings.TrimSpace(in.ReferralNote)); in.Referral && (n == 0 || n > 500) {
			rs.Add("referral_note", RuleSanctionReferral)
		}
	}
	return d, rs
}

func containsGround(list []SanctionGround, g SanctionGround) bool {
	for _, x := range list {
		if x == g {
			return true
		}
	}
	return false
}

// parseFen reads a non-negative amount in yuan with at most two decimals,
// up to ¥100,000,000.00 (a recovery can exceed the form limit of ParseYuan).
func parseFen(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(s), "¥"), ",", "")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || (hasFrac && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	y, err := strconv.ParseUint(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	f := uint64(0)
	if frac != "" {
		if f, err = strconv.ParseUint(frac, 10, 64); err != nil {
			return 0, false
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	return int64(y*100 + f), true
}

// CanSanction tells a template which kinds to offer.
func CanSanction(a Actor, k SanctionKind, from InstitutionStatus) bool {
	if !a.IsBureau() {
		return false
	}
	_, ok := statusAfter(k, from)
	return ok
}

// uniqueInt64 drops repeated ids, keeping the first of each.
func uniqueInt64(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
