package training

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AttendanceStatus is one trainee's mark for one session (第八条).
type AttendanceStatus string

// Attendance marks.
const (
	AttPresent   AttendanceStatus = "present"    // 出勤
	AttLate      AttendanceStatus = "late"       // 迟到
	AttLeftEarly AttendanceStatus = "left_early" // 早退
	AttAbsent    AttendanceStatus = "absent"     // 缺勤
	AttLeave     AttendanceStatus = "leave"      // 请假
)

// AttendanceStatuses lists the marks in display order.
var AttendanceStatuses = []AttendanceStatus{AttPresent, AttLate, AttLeftEarly, AttAbsent, AttLeave}

// Label is the Chinese name.
func (s AttendanceStatus) Label() string {
	switch s {
	case AttPresent:
		return "出勤"
	case AttLate:
		return "迟到"
	case AttLeftEarly:
		return "早退"
	case AttAbsent:
		return "缺勤"
	case AttLeave:
		return "请假"
	}
	return string(s)
}

// Valid reports whether s is a known mark.
func (s AttendanceStatus) Valid() bool {
	for _, x := range AttendanceStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Attended: a trainee who came, even late or leaving early, attended the
// session (interpretation for the attendance rate); absent and on leave did
// not.
func (s AttendanceStatus) Attended() bool {
	return s == AttPresent || s == AttLate || s == AttLeftEarly
}

// AttendedSQL is Attended as an SQL list, for the set-based queries.
const AttendedSQL = `('present', 'late', 'left_early')`

// Key identifies a session by its content: two plans hold "the same"
// session when every planned attribute is equal. A change that keeps a
// session keeps its stored row and its attendance.
func (s Session) Key() string {
	return fmt.Sprintf("%s|%s|%s|%s|%d|%d", s.Date.Format("2006-01-02"), s.Start, s.End, s.Kind, s.Hours, s.TeacherID)
}

// Describe names a session for messages: 2026-03-23 08:30–11:30 理论课 3学时.
func (s Session) Describe() string {
	return fmt.Sprintf("%s %s–%s %s %d学时", s.Date.Format("2006-01-02"), s.Start, s.End, s.Kind.Label(), s.Hours)
}

// HeldSessionsChanged is 第六条 for change requests: a session already held
// (attendance recorded) cannot be removed or altered. current is the plan in
// force, with stored session ids; held holds the ids of held sessions.
func HeldSessionsChanged(current Plan, held map[int64]bool, next Plan) []string {
	avail := map[string]int{}
	for _, s := range next.Sessions {
		avail[s.Key()]++
	}
	var out []string
	for _, s := range current.Sessions {
		if !held[s.ID] {
			continue
		}
		if avail[s.Key()] > 0 {
			avail[s.Key()]--
			continue
		}
		out = append(out, RuleHeldSessionKept.Msg(s.Describe()))
	}
	return out
}

// Delivery is what a held session delivered: hours taught and by whom.
type Delivery struct {
	SessionID   int64
	Hours       int
	TeacherID   int64
	TeacherName string
	RecordedBy  string
	RecordedAt  time.Time
}

// RecordingContext is what the attendance rules need, loaded by the
// repository.
type RecordingContext struct {
	Status            ClassStatus
	Today             time.Time
	Session           Session
	InPlan            bool     // the session is in the plan in force (FILE-5)
	MissingAgreements []string // names of enrolled trainees without an agreement (DELIV-1)
}

// CheckRecording lists why attendance of a session cannot be recorded now,
// each with its article: before approval (FILE-3), for a session not in the
// current plan (FILE-5), before the session's date, or while a trainee has
// no training agreement (DELIV-1). Recorded sessions of a finished class
// may still be corrected.
func CheckRecording(rc RecordingContext) []string {
	var out []string
	switch rc.Status {
	case ClassApproved, ClassFinished:
	case ClassCancelled:
		return []string{RuleAttendanceCancelled.Msg()}
	case ClassDraft, ClassReturned, ClassSubmitted:
		return []string{RuleAttendanceNotApproved.Msg()}
	default:
		return []string{RuleAttendanceClosed.Msg(rc.Status.Label())}
	}
	if !rc.InPlan {
		return append(out, RuleAttendanceOffPlan.Msg())
	}
	if rc.Today.Before(rc.Session.Date) {
		out = append(out, RuleAttendanceEarly.Msg(rc.Session.Date.Format("2006-01-02")))
	}
	if n := len(rc.MissingAgreements); n > 0 {
		names := rc.MissingAgreements
		if n > 5 {
			names = names[:5]
		}
		out = append(out, RuleAttendanceNoAgreement.Msg(strings.Join(names, "、"), n))
	}
	return out
}

// AttendanceInput is one session's sheet as posted.
type AttendanceInput struct {
	Hours     string
	TeacherID string
	Marks     map[int64]string // enrolment id → mark
}

// MarkField is the form field of an enrolment's mark.
func MarkField(enrolmentID int64) string { return "mark." + strconv.FormatInt(enrolmentID, 10) }

// SessionRecord is a validated sheet.
type SessionRecord struct {
	Hours     int
	TeacherID int64
	Marks     map[int64]AttendanceStatus
}

// ParseAttendance checks a sheet: the hours delivered (0–12), a teacher of
// the institution, and a mark for every enrolled trainee (by field).
func ParseAttendance(in AttendanceInput, enrolled []int64, teachers map[int64]bool) (SessionRecord, error) {
	var p Problems
	r := SessionRecord{Marks: map[int64]AttendanceStatus{}}
	h, err := strconv.Atoi(strings.TrimSpace(in.Hours))
	switch {
	case strings.TrimSpace(in.Hours) == "":
		p.Add("hours", RuleAttendanceHours.Msg())
	case err != nil || h < 0 || h > 12:
		p.Add("hours", "实际学时应为0到12的整数")
	}
	r.Hours = h
	t, err := strconv.ParseInt(strings.TrimSpace(in.TeacherID), 10, 64)
	switch {
	case err != nil || t == 0:
		p.Add("teacher_id", RuleAttendanceTeacher.Msg())
	case !teachers[t]:
		p.Add("teacher_id", "所选教师不是本机构的教师")
	}
	r.TeacherID = t
	for _, id := range enrolled {
		m := AttendanceStatus(in.Marks[id])
		if !m.Valid() {
			p.Add(MarkField(id), "请选择出勤情况")
			continue
		}
		r.Marks[id] = m
	}
	return r, p.Err()
}

// DeliverySummary compares a class's delivered hours with its plan
// (第八条, DELIV-2) and lists what the bureau must see (第十六条).
type DeliverySummary struct {
	Sessions     int // sessions in the plan
	Held         int // sessions recorded
	PlannedHours int // hours of the whole plan
	PlannedHeld  int // planned hours of the recorded sessions
	Delivered    int // hours delivered in the recorded sessions
	Flags        []string
}

// Flagged reports whether the bureau must look at the class.
func (d DeliverySummary) Flagged() bool { return len(d.Flags) > 0 }

// Complete reports whether every session of the plan is recorded.
func (d DeliverySummary) Complete() bool { return d.Sessions > 0 && d.Held == d.Sessions }

// SummarizeDelivery compares each recorded session with the plan: hours
// delivered short of the session's plan, and a teacher who is not on the
// filing, are flagged (第十六条：擅自缩减更改培训内容、课时).
func SummarizeDelivery(p Plan, done map[int64]Delivery) DeliverySummary {
	var d DeliverySummary
	onPlan := map[int64]bool{}
	for _, t := range p.Teachers {
		onPlan[t.TeacherID] = true
	}
	for i, s := range p.Sessions {
		d.Sessions++
		d.PlannedHours += s.Hours
		rec, ok := done[s.ID]
		if !ok {
			continue
		}
		d.Held++
		d.PlannedHeld += s.Hours
		d.Delivered += rec.Hours
		if rec.Hours < s.Hours {
			d.Flags = append(d.Flags, RuleDeliveryShort.Msg(i+1, s.Describe(), s.Hours, rec.Hours))
		}
		if !onPlan[rec.TeacherID] {
			d.Flags = append(d.Flags, RuleDeliveryOffPlan.Msg(i+1, s.Describe(), rec.TeacherName))
		}
	}
	return d
}

// AttendanceRate is attended sessions over recorded sessions (0 when none
// is recorded yet).
func AttendanceRate(attended, recorded int) float64 {
	if recorded == 0 {
		return 0
	}
	return float64(attended) / float64(recorded)
}

// TraineeAttendance is one enrolment's attendance over the recorded sessions.
type TraineeAttendance struct {
	EnrolmentID int64
	Name        string
	Withdrawn   bool
	Attended    int // sessions attended (present, late, left early)
	Recorded    int // sessions recorded
	Hours       int // hours delivered in the sessions attended
	Rate        float64
}

// DeliveryRow is one class in the bureau's delivery report.
type DeliveryRow struct {
	ClassID         int64
	ClassNo         string
	InstitutionName string
	OccupationName  string
	Level           Level
	Status          ClassStatus
	StartDate       time.Time
	EndDate         time.Time
	Sessions        int
	Held            int
	PlannedHours    int
	PlannedHeld     int
	Delivered       int
	Short           int // sessions delivered short of their plan
	OffPlan         int // sessions taught by a teacher not on the filing
	// Unrecorded are the sessions of the plan whose date has passed (before
	// today) with no attendance recorded: not held as filed, or not
	// recorded (第八条). A class that started and recorded nothing has all
	// its past sessions here.
	Unrecorded int
}

// Flagged reports whether the bureau must look at the class (第十六条):
// hours short of the plan, a teacher not on the filing, or a session past
// its date without attendance.
func (r DeliveryRow) Flagged() bool { return r.Short > 0 || r.OffPlan > 0 || r.Unrecorded > 0 }

// Rules of attendance and delivery (第六条, 第八条, 第十六条).
var (
	RuleHeldSessionKept       = NewRule("FILE-5", "第六条", "已上课的课程不能变更（%s，已登记考勤）")
	RuleAttendanceClosed      = NewRule("DELIV-2", "第八条", "培训班已%s，考勤不能再修改")
	RuleAttendanceCancelled   = NewRule("FILE-3", "第六条", "培训班已撤销，不能登记考勤")
	RuleAttendanceNotApproved = NewRule("FILE-3", "第六条", "培训班未经区人力社保局备案同意，不得开班，不能登记考勤")
	RuleAttendanceOffPlan     = NewRule("FILE-5", "第六条", "该课程不在现行备案计划中，不能登记考勤（计划变更经区人力社保局同意后才生效）")
	RuleAttendanceEarly       = NewRule("DELIV-2", "第八条", "该课程安排在 %s，未到上课日期，不能登记考勤")
	RuleAttendanceNoAgreement = NewRule("DELIV-1", "第十六条", "学员%s等%d人尚未登记培训协议，须先签订职业培训协议书，方可登记考勤")
	RuleAttendanceHours       = NewRule("DELIV-2", "第八条", "请填写实际授课学时")
	RuleAttendanceTeacher     = NewRule("DELIV-2", "第八条", "请选择实际授课教师")
	RuleDeliveryShort         = NewRule("DELIV-2", "第十六条", "第%d节（%s）计划%d学时，实际只上%d学时（擅自缩减课时）")
	RuleDeliveryOffPlan       = NewRule("DELIV-2", "第十六条", "第%d节（%s）由%s授课，不在备案师资中（擅自更改授课教师）")
)
