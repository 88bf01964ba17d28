package training

import (
	"fmt"
	"strings"
	"time"
)

// The submit check of a filing (FILE-1..6, INST-2/3, QUAL-1..5, SIZE-1..3).

// Check is the outcome of the submit check: field messages and rule
// failures, each with its article. OK when both are empty.
type Check struct {
	Fields   map[string]string
	Failures []string
	Warnings []string
	// Equivalences are the teachers who qualify only through a bureau
	// equivalence (等同资质), shown beside the result for the reviewer.
	Equivalences []EquivalenceUse
}

// OK reports whether the plan passed every check.
func (c Check) OK() bool { return len(c.Fields) == 0 && len(c.Failures) == 0 }

// Err turns a failed check into a ValidationError for the form.
func (c Check) Err() error {
	if c.OK() {
		return nil
	}
	return &ValidationError{Fields: c.Fields, General: c.Failures}
}

func (c *Check) field(k, msg string) {
	if c.Fields == nil {
		c.Fields = map[string]string{}
	}
	if _, ok := c.Fields[k]; !ok {
		c.Fields[k] = msg
	}
}

func (c *Check) fail(msg string) { c.Failures = append(c.Failures, msg) }

// FilingContext is what the submit check needs besides the plan, loaded by
// the repository in one round of queries.
type FilingContext struct {
	Now               time.Time // the instant of submission
	Today             time.Time // its date in Asia/Shanghai
	Calendar          Calendar
	InstitutionStatus InstitutionStatus
	Scope             []ScopeItem
	Occupation        *Occupation // nil: not found
	TeacherProblems   []string    // QUAL-1..5 for every teacher and role, with the teacher's name
	TextbookProblems  []string    // FILE-4 for every textbook
	ApprovedCap       int         // SIZE-3 exception approved for this class, 0 for none
	ExceptionAsked    int         // size asked for in a pending exception request, 0 for none
	// Equivalences: the teachers who qualify only through an equivalence.
	Equivalences []EquivalenceUse
}

// CheckPlanShape checks what can be checked from the plan alone: required
// fields, dates in order, schedule hours adding up, teachers on sessions.
// Drafts are saved with problems; a submission needs none.
func CheckPlanShape(p Plan, today time.Time) Check {
	var c Check
	if p.OccupationID == 0 {
		c.field("occupation_id", "请选择工种")
	}
	if !p.Type.Valid() {
		c.field("type", "请选择培训班类型")
	} else if p.Type.HasLevel() && !p.Level.Valid() {
		c.field("level", p.Type.Label()+"培训班须选择职业技能等级")
	} else if !p.Type.HasLevel() && p.Level != LevelNone {
		c.field("level", p.Type.Label()+"培训班不分等级，请选择「无等级」")
	}
	switch {
	case p.PlannedSize <= 0:
		c.field("planned_size", "请填写计划人数（正整数）")
	case p.PlannedSize > 500:
		c.field("planned_size", "计划人数过大")
	}
	if p.StartDate.IsZero() {
		c.field("start_date", "请填写开班日期")
	} else if !p.StartDate.After(today) {
		c.field("start_date", RuleStartAfterToday.Msg())
	}
	if p.EndDate.IsZero() {
		c.field("end_date", "请填写结业日期")
	} else if !p.StartDate.IsZero() && p.EndDate.Before(p.StartDate) {
		c.field("end_date", "结业日期不能早于开班日期")
	}
	if strings.TrimSpace(p.Venue) == "" {
		c.field("venue", "请填写培训场地")
	} else if msg := TooLong("classes.venue", p.Venue); msg != "" {
		c.field("venue", msg)
	}
	if strings.TrimSpace(p.Content) == "" {
		c.field("content", RuleContentNeeded.Msg())
	} else if msg := TooLong("classes.content", p.Content); msg != "" {
		c.field("content", msg)
	}
	if p.TheoryHours < 0 || p.PracticalHours < 0 || p.TheoryHours+p.PracticalHours == 0 {
		c.field("theory_hours", "请填写计划学时（理论、实操）")
	}
	if len(p.TextbookIDs) == 0 {
		c.field("textbooks", RuleTextbooksNeeded.Msg())
	}
	roles := map[int64]map[TeachingRole]bool{}
	for i, t := range p.Teachers {
		if !t.Role.Valid() {
			c.field(fmt.Sprintf("teachers.%d.role", i), "请选择授课类型")
			continue
		}
		if roles[t.TeacherID] == nil {
			roles[t.TeacherID] = map[TeachingRole]bool{}
		}
		if roles[t.TeacherID][t.Role] {
			c.field(fmt.Sprintf("teachers.%d.teacher_id", i), "同一教师的同一授课类型只能填写一次")
		}
		roles[t.TeacherID][t.Role] = true
	}
	if len(p.Teachers) == 0 {
		c.field("teachers", RuleTeachersNeeded.Msg())
	}
	if len(p.Sessions) == 0 {
		c.field("sessions", RuleSessionsNeeded.Msg())
	}
	hours := map[TeachingRole]int{}
	for i, s := range p.Sessions {
		k := fmt.Sprintf("sessions.%d.", i)
		switch {
		case s.Date.IsZero():
			c.field(k+"date", "请填写日期")
		case !p.StartDate.IsZero() && s.Date.Before(p.StartDate), !p.EndDate.IsZero() && s.Date.After(p.EndDate):
			c.field(k+"date", "课程日期须在开班日期与结业日期之间")
		}
		st, err1 := parseClock(s.Start)
		en, err2 := parseClock(s.End)
		switch {
		case err1 != nil:
			c.field(k+"start", "时间格式应为 08:30")
		case err2 != nil:
			c.field(k+"end", "时间格式应为 11:30")
		case en <= st:
			c.field(k+"end", "结束时间须晚于开始时间")
		case s.Hours <= 0:
			c.field(k+"hours", "请填写学时")
		case s.Hours*40 > en-st:
			c.field(k+"hours", "学时超过该时段的长度（每学时不少于40分钟）")
		}
		if !s.Kind.Valid() {
			c.field(k+"kind", "请选择理论课或操作技能课")
		} else if s.TeacherID == 0 {
			c.field(k+"teacher_id", "请选择授课教师")
		} else if !roles[s.TeacherID][s.Kind] {
			c.field(k+"teacher_id", RuleSessionTeacherRole.Msg(s.Kind.Label()))
		}
		hours[s.Kind] += s.Hours
	}
	if len(p.Sessions) > 0 && (hours[RoleTheory] != p.TheoryHours || hours[RolePractical] != p.PracticalHours) {
		c.field("theory_hours", RuleScheduleHours.Msg(hours[RoleTheory], hours[RolePractical], p.TheoryHours, p.PracticalHours))
	}
	return c
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// CheckFiling runs every check of a submission at once (FILE-1..6,
// INST-2/3, QUAL-1..5, SIZE-1..3) and lists every failure with its article.
func CheckFiling(p Plan, fc FilingContext) Check {
	c := CheckPlanShape(p, fc.Today)
	// FILE-2: the third working day before the start date.
	if !p.StartDate.IsZero() {
		deadline, covered := fc.Calendar.FilingDeadline(p.StartDate)
		if !covered {
			c.Warnings = append(c.Warnings, fc.Calendar.FilingDeadlineWarning(p.StartDate))
		}
		if DeadlinePassed(fc.Now, deadline) {
			c.fail(RuleFilingDeadline.Msg(p.StartDate.Format("2006-01-02"), deadline.Format("2006-01-02")))
		}
	}
	// INST-3: only a designated institution files classes.
	if !fc.InstitutionStatus.CanFileClasses() {
		c.fail(RuleInstCannotFile.Msg(fc.InstitutionStatus.Label()))
	}
	// FILE-6 / INST-2: inside the licensed scope.
	if p.OccupationID != 0 {
		switch {
		case fc.Occupation == nil:
			c.field("occupation_id", "工种不存在")
		case p.Level.Valid() && !fc.Occupation.HasLevel(p.Level):
			c.field("level", fc.Occupation.Name+"没有"+p.Level.Label())
		case !InScope(fc.Scope, p.OccupationID, p.Level):
			c.fail(RuleOutOfScope.Msg(fc.Occupation.Name + levelSuffix(p.Level)))
		}
	}
	// FILE-4: textbooks from the catalogue, serving this class.
	c.Failures = append(c.Failures, fc.TextbookProblems...)
	// QUAL-1..5, per teacher and role.
	c.Failures = append(c.Failures, fc.TeacherProblems...)
	c.Equivalences = fc.Equivalences
	// SIZE-1..3.
	if p.Type.Valid() && p.PlannedSize > EffectiveCap(p.Type, fc.ApprovedCap) {
		if fc.ExceptionAsked < p.PlannedSize {
			c.field("planned_size", p.Type.CapMessage()+"；超过须申请人数例外，经区人力社保局同意后方可开班")
		}
	}
	return c
}

func levelSuffix(l Level) string {
	if l == LevelNone {
		return ""
	}
	return "（" + l.Label() + "）"
}

// ApprovalProblems is everything approving a filing checks at that moment
// (FILE-3, SIZE-3, the teachers and textbooks of the filing context, and
// INST-3: the institution may still file classes), as general messages.
func ApprovalProblems(p Plan, today time.Time, approvedCap int, fc FilingContext) []string {
	out := CheckApproval(p, today, approvedCap)
	out = append(out, fc.TeacherProblems...)
	out = append(out, fc.TextbookProblems...)
	if !fc.InstitutionStatus.CanFileClasses() {
		out = append(out, RuleInstCannotApprove.Msg(fc.InstitutionStatus.Label()))
	}
	return out
}

// CheckTextbooks is FILE-4 for a filing's textbooks: each must be in the
// catalogue (a missing one is RuleTextbookNotCatalogue) and usable for the
// occupation and level (CheckTextbook). books holds those found.
func CheckTextbooks(ids []int64, books map[int64]Textbook, occupationID int64, level Level) []string {
	var out []string
	for _, id := range ids {
		tb, ok := books[id]
		if !ok {
			out = append(out, RuleTextbookNotCatalogue.Msg())
			continue
		}
		out = append(out, CheckTextbook(tb, occupationID, level)...)
	}
	return out
}

// CheckApproval is FILE-3 and SIZE-3 at the bureau's approval: a filing not
// approved by its start date cannot be approved as it is, and the class must
// fit its cap or an approved exception.
func CheckApproval(p Plan, today time.Time, approvedCap int) []string {
	var out []string
	if !today.Before(p.StartDate) {
		out = append(out, RuleApproveAfterStart.Msg(p.StartDate.Format("2006-01-02")))
	}
	if p.PlannedSize > EffectiveCap(p.Type, approvedCap) {
		out = append(out, p.Type.CapMessage()+"；请先审核人数例外申请")
	}
	return out
}

// Rules of the submit check.
var (
	RuleStartAfterToday    = NewRule("FILE-2", "第六条", "开班日期须晚于今天（办班前备案）")
	RuleContentNeeded      = NewRule("FILE-1", "第六条", "请填写培训内容（教学大纲）")
	RuleTextbooksNeeded    = NewRule("FILE-4", "第六条", "请选择使用的教材（区人力社保局指定或核准的教材）")
	RuleTeachersNeeded     = NewRule("FILE-1", "第六条", "请填写上课师资")
	RuleSessionsNeeded     = NewRule("FILE-1", "第六条", "请填写教学计划（课程安排）")
	RuleSessionTeacherRole = NewRule("FILE-1", "第六条", "授课教师须是本班上课师资中担任%s的教师")
	RuleScheduleHours      = NewRule("FILE-1", "第八条", "课程安排合计理论%d学时、实操%d学时，与计划学时（理论%d、实操%d）不一致")
	RuleFilingDeadline     = NewRule("FILE-2", "第六条", "须在开班前3个工作日提交备案，开班日期 %s 的最晚提交日期为 %s，已过期，请调整开班日期")
	RuleOutOfScope         = NewRule("FILE-6", "第六条", "%s不在本机构的许可范围内")
	RuleApproveAfterStart  = NewRule("FILE-3", "第六条", "开班日期（%s）已到，不能按原计划审核同意，请退回机构调整开班日期")
)
