package training

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The class schedule (教学计划, FILE-1) imported from the spreadsheet the
// institution already keeps: one row per session — date, start, end,
// theory or practical, hours, teacher by name. The whole file is checked
// and reported at once, as the roster import is; nothing is imported while
// any row has a problem.

// ScheduleImportClosedReason says why a class's schedule cannot be imported
// now ("" while it can): only a draft or a returned filing is edited.
func ScheduleImportClosedReason(s ClassStatus) string {
	if s.Editable() {
		return ""
	}
	return RuleScheduleState.Msg(s.Label())
}

// ScheduleColumns is the template's header row.
var ScheduleColumns = []string{"日期", "开始时间", "结束时间", "类型", "学时", "授课教师"}

// The schedule file rules.
var (
	RuleScheduleHeader  = NewRule("FILE-1", "第六条", "课程表须有「日期」「开始时间」「结束时间」「类型」「学时」「授课教师」列（第一行为表头）")
	RuleScheduleEmpty   = NewRule("FILE-1", "第六条", "课程表中没有课程")
	RuleScheduleTeacher = NewRule("QUAL-5", "第五条", "授课教师「%s」不在本机构的师资名单中")
	RuleScheduleTwice   = NewRule("QUAL-5", "第五条", "本机构有两位名为「%s」的教师，请在表单中选择")
	RuleScheduleKind    = NewRule("FILE-1", "第六条", "类型应为「理论课」或「操作技能课」")
	RuleScheduleState   = NewRule("FILE-1", "第六条", "只有草稿或退回的备案可以导入课程表（当前状态「%s」）")
)

// ScheduleHeader is the column of each field (-1: absent).
type ScheduleHeader struct{ Date, Start, End, Kind, Hours, Teacher int }

// ParseScheduleHeader finds the columns by their names.
func ParseScheduleHeader(cells []string) (ScheduleHeader, string) {
	h := ScheduleHeader{-1, -1, -1, -1, -1, -1}
	for i, c := range cells {
		switch c = strings.TrimSpace(strings.TrimPrefix(c, "\uFEFF")); {
		case c == "日期" || c == "上课日期":
			h.Date = i
		case c == "开始时间" || c == "开始":
			h.Start = i
		case c == "结束时间" || c == "结束":
			h.End = i
		case c == "类型" || c == "课程类型" || c == "授课类型":
			h.Kind = i
		case c == "学时":
			h.Hours = i
		case c == "授课教师" || c == "教师":
			h.Teacher = i
		}
	}
	if h.Date < 0 || h.Start < 0 || h.End < 0 || h.Kind < 0 || h.Hours < 0 || h.Teacher < 0 {
		return h, RuleScheduleHeader.Msg()
	}
	return h, ""
}

// ScheduleFileRow is one session as read from the file.
type ScheduleFileRow struct {
	Line                                int
	Date, Start, End, Kind, Hours, Name string
}

// Row reads one line under header h.
func (h ScheduleHeader) Row(line int, cells []string) ScheduleFileRow {
	at := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	return ScheduleFileRow{Line: line, Date: at(h.Date), Start: at(h.Start), End: at(h.End), Kind: at(h.Kind), Hours: at(h.Hours), Name: at(h.Teacher)}
}

// Blank reports an empty row.
func (r ScheduleFileRow) Blank() bool {
	return r.Date == "" && r.Start == "" && r.End == "" && r.Kind == "" && r.Hours == "" && r.Name == ""
}

// ScheduleProblem is one row of the report.
type ScheduleProblem struct {
	Line    int
	Message string
}

var (
	ymdRe = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	mdyRe = regexp.MustCompile(`^(\d{1,2})-(\d{1,2})-(\d{2})$`) // excelize's rendering of Excel's built-in date format
)

// ParseSheetDate reads a date as a spreadsheet gives it: 2026-03-16,
// 2026/3/16, 2026年3月16日, 03-16-26 (Excel's default date format), or an
// Excel serial number (46097).
func ParseSheetDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if m := ymdRe.FindStringSubmatch(s); m != nil {
		return makeDate(m[1], m[2], m[3])
	}
	if m := mdyRe.FindStringSubmatch(s); m != nil {
		return makeDate("20"+m[3], m[1], m[2])
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 36526 && n < 73051 { // 2000-01-01 .. 2099-12-31
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)), true
	}
	return time.Time{}, false
}

func makeDate(y, m, d string) (time.Time, bool) {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	return t, t.Year() == yy && int(t.Month()) == mm && t.Day() == dd
}

// ParseSheetClock reads a time of day: 8:30, 08:30, 8:30:00, 8：30, or an
// Excel day fraction (0.3541…). It returns "HH:MM".
func ParseSheetClock(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "：", ":")
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1 && strings.Contains(s, ".") {
		m := int(f*24*60 + 0.5)
		return twoDigits(m/60) + ":" + twoDigits(m%60), true
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return "", false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return "", false
	}
	return twoDigits(h) + ":" + twoDigits(m), true
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// ParseKind reads 理论课 / 操作技能课 (or 理论, 实操, 操作).
func ParseKind(s string) (TeachingRole, bool) {
	switch strings.TrimSpace(s) {
	case "理论课", "理论", "theory":
		return RoleTheory, true
	case "操作技能课", "操作技能", "操作", "实操", "实操课", "practical":
		return RolePractical, true
	}
	return "", false
}

// ScheduleTeacher is a teacher of the institution as the import resolves
// names.
type ScheduleTeacher struct {
	ID   int64
	Name string
}

// ReadSchedule turns the file's rows into sessions: every field parsed,
// every teacher found by name among the institution's teachers. It
// returns the sessions, or the problems of every row.
func ReadSchedule(rows []ScheduleFileRow, teachers []ScheduleTeacher) ([]Session, []ScheduleProblem) {
	byName := map[string][]int64{}
	for _, t := range teachers {
		byName[t.Name] = append(byName[t.Name], t.ID)
	}
	var out []Session
	var problems []ScheduleProblem
	for _, r := range rows {
		var msgs []string
		s := Session{}
		var ok bool
		if s.Date, ok = ParseSheetDate(r.Date); !ok {
			msgs = append(msgs, "日期「"+r.Date+"」无法识别（例如 2026-03-16）")
		}
		if s.Start, ok = ParseSheetClock(r.Start); !ok {
			msgs = append(msgs, "开始时间「"+r.Start+"」无法识别（例如 08:30）")
		}
		if s.End, ok = ParseSheetClock(r.End); !ok {
			msgs = append(msgs, "结束时间「"+r.End+"」无法识别（例如 11:30）")
		}
		if s.Kind, ok = ParseKind(r.Kind); !ok {
			msgs = append(msgs, RuleScheduleKind.Msg())
		}
		if n, err := strconv.Atoi(strings.TrimSuffix(r.Hours, ".0")); err != nil || n <= 0 || n > 12 {
			msgs = append(msgs, "学时「"+r.Hours+"」应为1至12的整数")
		} else {
			s.Hours = n
		}
		switch ids := byName[r.Name]; {
		case r.Name == "":
			msgs = append(msgs, "请填写授课教师")
		case len(ids) == 0:
			msgs = append(msgs, RuleScheduleTeacher.Msg(r.Name))
		case len(ids) > 1:
			msgs = append(msgs, RuleScheduleTwice.Msg(r.Name))
		default:
			s.TeacherID = ids[0]
		}
		for _, m := range msgs {
			problems = append(problems, ScheduleProblem{Line: r.Line, Message: m})
		}
		out = append(out, s)
	}
	if len(rows) == 0 {
		problems = append(problems, ScheduleProblem{Message: RuleScheduleEmpty.Msg()})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return out, nil
}

// ImportSchedule puts imported sessions into a plan: in place of its
// sessions (replace) or after them, each session's teacher added to the
// plan's teachers in that role when not there yet. It then checks the
// imported sessions as the submission will (CheckPlanShape: dates within
// the class, times, hours against the time) and reports each problem on
// the file's line.
func ImportSchedule(p Plan, sessions []Session, lines []int, replace bool, today time.Time) (Plan, []ScheduleProblem) {
	offset := len(p.Sessions)
	if replace {
		p.Sessions, offset = nil, 0
	}
	p.Sessions = append(append([]Session{}, p.Sessions...), sessions...)
	p.Teachers = append([]ClassTeacher{}, p.Teachers...)
	type key struct {
		id   int64
		role TeachingRole
	}
	have := map[key]bool{}
	for _, t := range p.Teachers {
		have[key{t.TeacherID, t.Role}] = true
	}
	for _, s := range sessions {
		if k := (key{s.TeacherID, s.Kind}); !have[k] {
			have[k] = true
			p.Teachers = append(p.Teachers, ClassTeacher{TeacherID: s.TeacherID, Role: s.Kind})
		}
	}
	var problems []ScheduleProblem
	c := CheckPlanShape(p, today)
	for i := range sessions {
		prefix := "sessions." + strconv.Itoa(offset+i) + "."
		for _, f := range []string{"date", "start", "end", "hours", "kind", "teacher_id"} {
			if m, ok := c.Fields[prefix+f]; ok {
				problems = append(problems, ScheduleProblem{Line: lines[i], Message: m})
			}
		}
	}
	return p, problems
}
