package training

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Applying for assessment (EXAM-1) shows per candidate what the bureau
// will not pay for: no signed training agreement (DELIV-1) or attendance
// below the bureau's threshold (DELIV-3: attended hours ÷ planned hours,
// 80 % unless the bureau changed it). Such candidates are not pre-selected;
// choosing one anyway needs a reason, which the centre sees.

// The candidate rules.
var (
	RuleCandidateNoAgreement = NewRule("DELIV-1", "第十六条", "未签订职业培训协议书")
	RuleCandidateAttendance  = NewRule("DELIV-3", "第八条", "出勤率%s，低于区人力社保局规定的%d%%")
	RuleCandidateReason      = NewRule("DELIV-3", "第八条、第十六条", "%s%s，仍要申报须填写理由")
	RuleCandidateReasonLong  = NewRule("DELIV-3", "第八条", "%s的申报理由过长（最多200字）")
)

// CandidateFacts is what the flags of one candidate are decided on.
type CandidateFacts struct {
	EnrolmentID   int64
	Name          string
	HasAgreement  bool
	AttendedHours int // hours delivered in the sessions the trainee attended
	PlannedHours  int // the class's planned hours
	Threshold     int // percent, the bureau's figure in force
}

// Rate is DELIV-3's attendance rate (0..1), nil when the class plans no hours.
func (f CandidateFacts) Rate() *float64 {
	if f.PlannedHours <= 0 {
		return nil
	}
	r := float64(f.AttendedHours) / float64(f.PlannedHours)
	return &r
}

// CandidateFlags lists the messages that flag a candidate; none for a
// candidate the bureau would pay for.
func CandidateFlags(f CandidateFacts) []string {
	var out []string
	if !f.HasAgreement {
		out = append(out, RuleCandidateNoAgreement.Msg())
	}
	// Below the threshold: attended × 100 < threshold × planned, in whole
	// numbers so 80 % of 56 hours is exactly 44.8.
	if f.PlannedHours > 0 && f.Threshold > 0 && f.AttendedHours*100 < f.Threshold*f.PlannedHours {
		out = append(out, RuleCandidateAttendance.Msg(Candidate{AttendanceRate: f.Rate()}.RateText(), f.Threshold))
	}
	return out
}

// DecideCandidates checks the candidates chosen: each flagged one needs a
// reason (at most 200 characters), beside the field "reason_<enrolment>".
func DecideCandidates(chosen map[int64]bool, reasons map[int64]string, facts []CandidateFacts) Refusals {
	var rs Refusals
	for _, f := range facts {
		if !chosen[f.EnrolmentID] {
			continue
		}
		field := "reason_" + strconv.FormatInt(f.EnrolmentID, 10)
		reason := strings.TrimSpace(reasons[f.EnrolmentID])
		flags := CandidateFlags(f)
		switch {
		case len(flags) > 0 && reason == "":
			rs.Add(field, RuleCandidateReason, f.Name, strings.Join(stripArticles(flags), "、"))
		case utf8.RuneCountInString(reason) > 200:
			rs.Add(field, RuleCandidateReasonLong, f.Name)
		}
	}
	return rs
}

// stripArticles drops the "第N条：" of each message, for a sentence that
// cites the article once.
func stripArticles(msgs []string) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		if _, after, ok := strings.Cut(m, "："); ok && strings.HasPrefix(m, "第") {
			m = after
		}
		out[i] = m
	}
	return out
}
