package training

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// A claim's lines (SUB-3): who is proposed, who is left out and why,
// and how each amount is computed.

// Exclusion codes, stored with an excluded person.
const (
	ExclNotDesignated = "not_designated"
	ExclDeliveryShort = "delivery_short"
	ExclNoAgreement   = "no_agreement"
	ExclAttendance    = "attendance"
	ExclFeePaid       = "fee_paid"
	ExclGroup         = "group"
	ExclSubsidised    = "subsidised"
	ExclOpenClaim     = "open_claim"
	ExclNoStandard    = "no_standard"
)

var exclusionRules = map[string]*Rule{
	ExclNotDesignated: RuleClaimNotDesignated,
	ExclDeliveryShort: RuleClaimDeliveryShort,
	ExclNoAgreement:   RuleClaimNoAgreement,
	ExclAttendance:    RuleClaimAttendance,
	ExclFeePaid:       RuleClaimFeePaid,
	ExclGroup:         RuleClaimGroup,
	ExclSubsidised:    RuleClaimSubsidised,
	ExclOpenClaim:     RuleClaimOnOpenClaim,
	ExclNoStandard:    RuleClaimNoStandard,
}

// ExclusionRule is the rule of an exclusion code (nil for an unknown one).
func ExclusionRule(code string) *Rule { return exclusionRules[code] }

// ClaimCandidate is one approved pass of a chosen class with every fact
// the eligibility rules need, as the repository reads them in one pass.
type ClaimCandidate struct {
	CertificateID  int64
	CertNo         string
	CertDate       time.Time
	EnrolmentID    int64
	TraineeID      int64
	Name           string
	IDNumber       string
	Group          TargetGroup
	ClassID        int64
	ClassNo        string
	ClassType      ClassType
	Level          Level
	OccupationID   int64
	OccupationName string
	// The institution's status on the class's start date (SUB-1).
	DesignatedOnStart bool
	// The class's delivery (DELIV-2): sessions taught short of plan, and
	// sessions of the plan past training never recorded.
	ShortSessions   int
	UnrecordedAfter int
	HasAgreement    bool    // DELIV-1
	AttendanceRate  float64 // DELIV-3: attended ÷ planned hours, 0..1
	ClassStart      time.Time
	ClassEnd        time.Time // DELIV-3's threshold is the one in force on this day
	PaidFee         bool      // SUB-2
	SubsidisedBy    string    // claim no of a settled claim with a live line of the same person, occupation, level and year
	OnOpenClaim     string    // claim no of another live, unsettled claim with such a line
}

// ClaimLine is a proposed line: the candidate, the standard and rate in
// force on the certificate date, and the amount.
type ClaimLine struct {
	ID int64
	ClaimCandidate
	StandardID  int64
	Standard    int64 // fen
	StandardDoc string
	RateID      int64
	Percent     int
	Shortage    bool
	Amount      int64 // fen
	Status      string
	Removed     string // reason an objection removed it
	Recovery    int64  // fen, 追缴
	RecoveryWhy string
}

// Year is the line's calendar year (of the certificate date).
func (l ClaimLine) Year() int { return l.CertDate.Year() }

// Computation shows how the amount was computed:
// "¥1,500.00（杭人社发〔2020〕43号）× 50%（企业职工）= ¥750.00".
func (l ClaimLine) Computation() string {
	g := l.Group.Label()
	if l.Shortage {
		g += "，紧缺工种"
	}
	return YuanText(l.Standard) + "（" + l.StandardDoc + "）× " + strconv.Itoa(l.Percent) + "%（" + g + "）= " + YuanText(l.Amount)
}

// ClaimExclusion is an approved pass left out, with every reason.
type ClaimExclusion struct {
	ClaimCandidate
	Reasons []string // exclusion codes
	Detail  string
}

// Messages are the reasons as the user reads them, each with its article.
func (e ClaimExclusion) Messages() []string {
	out := make([]string, 0, len(e.Reasons))
	for _, c := range e.Reasons {
		if r := ExclusionRule(c); r != nil {
			out = append(out, r.Msg())
		}
	}
	return out
}

// HasReason reports whether code is one of the reasons.
func (e ClaimExclusion) HasReason(code string) bool { return slices.Contains(e.Reasons, code) }

// DecideClaimLine is SUB-3's eligibility and SUB-1's amount for one
// candidate: a line, or every reason it is left out (ok false).
func DecideClaimLine(c ClaimCandidate, t SubsidyTables) (ClaimLine, ClaimExclusion, bool) {
	var reasons, detail []string
	add := func(code, d string) {
		reasons = append(reasons, code)
		if d != "" {
			detail = append(detail, d)
		}
	}
	if !c.DesignatedOnStart {
		add(ExclNotDesignated, "开班日期 "+c.ClassStart.Format("2006-01-02"))
	}
	if c.ShortSessions > 0 || c.UnrecordedAfter > 0 {
		add(ExclDeliveryShort, strconv.Itoa(c.ShortSessions+c.UnrecordedAfter)+" 次课未按计划授课")
	}
	if !c.HasAgreement {
		add(ExclNoAgreement, "")
	}
	threshold := 80
	if th, ok := t.PickThreshold(c.ClassEnd); ok {
		threshold = th.Percent
	}
	if c.AttendanceRate*100 < float64(threshold)-1e-9 {
		add(ExclAttendance, "出勤率 "+strconv.FormatFloat(c.AttendanceRate*100, 'f', 1, 64)+"%，门槛 "+strconv.Itoa(threshold)+"%")
	}
	if c.PaidFee {
		add(ExclFeePaid, "")
	}
	shortage := t.IsShortage(c.OccupationID, c.CertDate)
	rate, okRate := t.PickRate(c.Group, c.Level, shortage, c.CertDate)
	if !okRate {
		add(ExclGroup, c.Group.Label())
	}
	if c.SubsidisedBy != "" {
		add(ExclSubsidised, "申领 "+c.SubsidisedBy)
	}
	if c.OnOpenClaim != "" {
		add(ExclOpenClaim, "申领 "+c.OnOpenClaim)
	}
	std, okStd := t.PickStandard(c.ClassType, c.Level, c.OccupationID, c.CertDate)
	if !okStd {
		add(ExclNoStandard, "证书日期 "+c.CertDate.Format("2006-01-02"))
	}
	if len(reasons) > 0 {
		return ClaimLine{}, ClaimExclusion{ClaimCandidate: c, Reasons: reasons, Detail: strings.Join(detail, "；")}, false
	}
	l := ClaimLine{ClaimCandidate: c, StandardID: std.ID, Standard: std.Amount, StandardDoc: std.SourceDoc,
		RateID: rate.ID, Percent: rate.Percent, Shortage: shortage && rate.Shortage, Status: "active"}
	l.Amount = SubsidyAmount(l.Standard, l.Percent)
	return l, ClaimExclusion{}, true
}
