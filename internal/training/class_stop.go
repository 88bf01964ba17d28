package training

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Stopping approved classes (INST-3, 第十六条): a suspended or revoked
// institution files nothing new, and its approved classes continue unless
// the bureau stops them. A stop is a decision per class with its reason and
// decider; the class ends as cancelled (已撤销) with the reason, so no
// attendance, assessment or subsidy follows it.

// Rules of stopping a class.
var (
	RuleStopBureau      = NewRule("INST-3", "第十六条", "只有区人力社保局可以决定停止培训班")
	RuleStopInstitution = NewRule("INST-3", "第三条、第十六条", "机构定点资质为「%s」；只有暂停或取消定点资质的机构，其已备案的培训班才可由区人力社保局决定停止")
	RuleStopClassStatus = NewRule("INST-3", "第十六条", "培训班当前状态为「%s」，只有已备案（含培训中）的培训班可以停止")
	RuleStopReason      = NewRule("INST-3", "", "请填写停止培训的理由（最多500字）")
	RuleStopDecider     = NewRule("INST-3", "", "请填写决定人（最多50字）")
)

// ClassStopInput is the bureau's decision on one class.
type ClassStopInput struct {
	Reason    string
	DecidedBy string
}

// ClassStop is a recorded stop of a class.
type ClassStop struct {
	ClassID    int64
	ClassNo    string
	Reason     string
	DecidedBy  string
	DecidedOn  time.Time
	RecordedBy string
}

// StoppableClass is an approved class of a suspended or revoked
// institution, as the supervision page lists it.
type StoppableClass struct {
	ID        int64
	ClassNo   string
	Label     string // occupation and level
	StartDate time.Time
	EndDate   time.Time
	Enrolled  int
	Version   int
}

// DecideStopClass is INST-3 on stopping a class: the bureau only, a class
// approved (before or during training) of an institution no longer
// designated, with a reason and a decider.
func DecideStopClass(a Actor, inst InstitutionStatus, cls ClassStatus, in ClassStopInput) Refusals {
	var rs Refusals
	if !a.IsBureau() {
		rs.General(RuleStopBureau)
		return rs
	}
	if inst != InstSuspended && inst != InstRevoked {
		rs.General(RuleStopInstitution, inst.Label())
	}
	if cls != ClassApproved {
		rs.General(RuleStopClassStatus, cls.Label())
	}
	if r := strings.TrimSpace(in.Reason); r == "" || utf8.RuneCountInString(r) > 500 {
		rs.Add("reason", RuleStopReason)
	}
	if d := strings.TrimSpace(in.DecidedBy); d == "" || utf8.RuneCountInString(d) > 50 {
		rs.Add("decided_by", RuleStopDecider)
	}
	return rs
}

// CanStopClasses tells a template whether to offer stopping the
// institution's approved classes.
func CanStopClasses(a Actor, inst InstitutionStatus) bool {
	return a.IsBureau() && (inst == InstSuspended || inst == InstRevoked)
}
