package training

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rectification orders (限期整改, SUP-4, 第十六条): open → answered (the
// institution, by the deadline) → accepted | escalated (the bureau). An open
// order may also be escalated once it is overdue. The deadline is the end
// of the Nth working day after the day of the order (DOMAIN.md: X itself is
// not counted; Asia/Shanghai).

// OrderStatus is a rectification order's status.
type OrderStatus string

// Order statuses.
const (
	OrderOpen      OrderStatus = "open"
	OrderAnswered  OrderStatus = "answered"
	OrderAccepted  OrderStatus = "accepted"
	OrderEscalated OrderStatus = "escalated"
)

// OrderStatuses lists the statuses in display order.
var OrderStatuses = []OrderStatus{OrderOpen, OrderAnswered, OrderAccepted, OrderEscalated}

// Label is the Chinese name.
func (s OrderStatus) Label() string {
	switch s {
	case OrderOpen:
		return "待整改"
	case OrderAnswered:
		return "已报送整改情况"
	case OrderAccepted:
		return "整改已验收"
	case OrderEscalated:
		return "已升级处理"
	}
	return string(s)
}

// Valid reports whether s is known.
func (s OrderStatus) Valid() bool {
	for _, x := range OrderStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// OrderAction is a step on a rectification order.
type OrderAction string

// Order actions.
const (
	ActOrderAnswer   OrderAction = "answer"
	ActOrderAccept   OrderAction = "accept"
	ActOrderEscalate OrderAction = "escalate"
)

// Label is the Chinese name.
func (a OrderAction) Label() string {
	switch a {
	case ActOrderAnswer:
		return "报送整改情况"
	case ActOrderAccept:
		return "验收通过"
	case ActOrderEscalate:
		return "升级处理"
	}
	return string(a)
}

// RectificationOrder is an order to rectify a finding.
type RectificationOrder struct {
	ID              int64
	FindingID       int64
	InspectionID    int64
	InstitutionID   int64
	InstitutionName string
	Finding         string
	Requirement     string
	OrderedOn       time.Time
	WorkingDays     int
	DueOn           time.Time // the last working day; the deadline is its end
	Status          OrderStatus
	Answer          string
	AnsweredAt      *time.Time
	AnsweredBy      string
	File            *EvidenceFile
	DecidedBy       string
	DecidedAt       *time.Time
	DecisionNote    string
	OverdueSince    *time.Time // set by the nightly job
	OrderedBy       string
	Version         int
}

// Deadline is the last instant to answer: the end of DueOn in Asia/Shanghai.
func (o RectificationOrder) Deadline() time.Time { return EndOfDay(o.DueOn) }

// Overdue reports whether the order is open past its deadline at now.
func (o RectificationOrder) Overdue(now time.Time) bool {
	return o.Status == OrderOpen && now.After(o.Deadline())
}

// EndOfDay is the last instant of the date d in Asia/Shanghai.
func EndOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 999999999, deadlineZone)
}

// Limits of an order.
const (
	MinRectifyDays = 1
	MaxRectifyDays = 60
)

// Rules of rectification.
var (
	RuleOrderDays        = NewRule("SUP-4", "第十六条", "整改期限为1至60个工作日")
	RuleOrderRequirement = NewRule("SUP-4", "第十六条", "请写明整改要求（最多1000字）")
	RuleOrderExists      = NewRule("SUP-4", "第十六条", "该问题已下达整改通知，不能重复下达")
	RuleOrderStep        = NewRule("SUP-4", "第十六条", "整改通知当前状态为「%s」，不能%s")
	RuleOrderLate        = NewRule("SUP-4", "第十六条", "整改期限已于 %s 届满，不能再报送整改情况；请联系区人力社保局")
	RuleOrderAnswer      = NewRule("SUP-4", "第十六条", "请写明整改情况（最多2000字）")
	RuleOrderEvidence    = NewRule("SUP-4", "第十六条", "请上传整改佐证材料（照片或 PDF）")
	RuleOrderNote        = NewRule("SUP-4", "", "请写明升级处理的理由（最多1000字）")
	RuleOrderNotYet      = NewRule("SUP-4", "第十六条", "整改期限（%s）未满且机构尚未报送整改情况，不能升级处理")
	RuleOrderRevoked     = NewRule("SUP-4", "第十六条", "机构定点资格已取消，不再下达整改通知")
)

// OrderInput is the bureau's order on a finding.
type OrderInput struct {
	WorkingDays string
	Requirement string
}

// DecideOrder checks an order on a finding; it returns the number of
// working days.
func DecideOrder(a Actor, in OrderInput, hasOrder bool, inst InstitutionStatus) (int, Refusals) {
	var rs Refusals
	if !a.IsBureau() {
		rs.General(RuleInspectBureau)
		return 0, rs
	}
	if inst == InstRevoked {
		rs.General(RuleOrderRevoked)
	}
	if hasOrder {
		rs.General(RuleOrderExists)
	}
	n, err := strconv.Atoi(strings.TrimSpace(in.WorkingDays))
	if err != nil || n < MinRectifyDays || n > MaxRectifyDays {
		rs.Add("working_days", RuleOrderDays)
	}
	if r := strings.TrimSpace(in.Requirement); r == "" || utf8.RuneCountInString(r) > 1000 {
		rs.Add("requirement", RuleOrderRequirement)
	}
	return n, rs
}

// NextOrderStatus is the state machine of an order; the rule is nil when
// the step is allowed from s.
func NextOrderStatus(s OrderStatus, act OrderAction) (OrderStatus, *Rule) {
	switch {
	case act == ActOrderAnswer && s == OrderOpen:
		return OrderAnswered, nil
	case act == ActOrderAccept && s == OrderAnswered:
		return OrderAccepted, nil
	case act == ActOrderEscalate && (s == OrderAnswered || s == OrderOpen):
		return OrderEscalated, nil
	}
	return s, RuleOrderStep
}

// AnswerFacts is the answer the institution sends.
type AnswerFacts struct {
	Answer  string
	HasFile bool
	Now     time.Time
}

// DecideOrderStep checks a step on an order. Answering is the
// institution's before the deadline, with text and a file; accepting and
// escalating are the bureau's; an open order is escalated only once
// overdue.
func DecideOrderStep(a Actor, o RectificationOrder, act OrderAction, ans AnswerFacts, note string) Refusals {
	var rs Refusals
	switch act {
	case ActOrderAnswer:
		if !a.IsInstitution() || a.InstitutionID != o.InstitutionID {
			rs.General(RuleOrderStep, o.Status.Label(), act.Label())
			return rs
		}
	default:
		if !a.IsBureau() {
			rs.General(RuleInspectBureau)
			return rs
		}
	}
	if _, r := NextOrderStatus(o.Status, act); r != nil {
		rs.General(r, o.Status.Label(), act.Label())
		return rs
	}
	switch act {
	case ActOrderAnswer:
		if ans.Now.After(o.Deadline()) {
			rs.General(RuleOrderLate, o.DueOn.Format("2006-01-02"))
		}
		if t := strings.TrimSpace(ans.Answer); t == "" || utf8.RuneCountInString(t) > 2000 {
			rs.Add("answer", RuleOrderAnswer)
		}
		if !ans.HasFile {
			rs.Add("file", RuleOrderEvidence)
		}
	case ActOrderEscalate:
		if o.Status == OrderOpen && !o.Overdue(ans.Now) {
			rs.General(RuleOrderNotYet, o.DueOn.Format("2006-01-02"))
		}
		if t := strings.TrimSpace(note); t == "" || utf8.RuneCountInString(t) > 1000 {
			rs.Add("note", RuleOrderNote)
		}
	case ActOrderAccept:
		if utf8.RuneCountInString(note) > 1000 {
			rs.Add("note", RuleOrderNote)
		}
	}
	return rs
}

// CanAnswerOrder tells a template whether to show the answer form.
func CanAnswerOrder(a Actor, o RectificationOrder, now time.Time) bool {
	return a.IsInstitution() && a.InstitutionID == o.InstitutionID && o.Status == OrderOpen && !now.After(o.Deadline())
}

// CanDecideOrder tells a template whether to show accept / escalate.
func CanDecideOrder(a Actor, o RectificationOrder, act OrderAction, now time.Time) bool {
	if !a.IsBureau() {
		return false
	}
	if _, r := NextOrderStatus(o.Status, act); r != nil {
		return false
	}
	return act != ActOrderEscalate || o.Status == OrderAnswered || o.Overdue(now)
}
