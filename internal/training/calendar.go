package training

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The working-day calendar (DOMAIN.md, Reference data): Monday to Friday,
// minus the State Council's public holidays, plus its adjusted working
// weekend days (调休). The calendar is data: one row per exceptional day,
// and the set of years whose State Council notice the bureau has entered.
//
// Dates are civil dates: only a time's own Year, Month and Day are read
// (pgx returns DATE columns, and Store.Today returns today, as midnight UTC).

// DayKind says what an exceptional day is.
type DayKind string

// Day kinds.
const (
	DayOff  DayKind = "off"  // a public holiday (放假), on a weekday or a weekend
	DayWork DayKind = "work" // an adjusted working day (调休上班), normally a weekend day
)

// Label is the Chinese name of the kind.
func (k DayKind) Label() string {
	switch k {
	case DayOff:
		return "放假"
	case DayWork:
		return "调休上班"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k DayKind) Valid() bool { return k == DayOff || k == DayWork }

// CalendarDay is one exceptional day of a State Council notice.
type CalendarDay struct {
	Date       time.Time // civil date
	Name       string    // 元旦, 春节, 国庆节、中秋节 …
	Kind       DayKind
	NoticeYear int // the year whose notice lists the day (2022-12-31 belongs to 2023's)
}

// CalendarYear is a year whose State Council arrangement has been entered.
type CalendarYear struct {
	Year      int
	Notice    string // the notice's URL or number
	EnteredBy string
	EnteredAt time.Time
	Days      int // exceptional days listed for the year
}

// FilingLeadDays is FILE-2's lead: a filing is submitted no later than the
// third working day before the start date (第六条：办班前3个工作日).
const FilingLeadDays = 3

// civil is a calendar date without a zone.
type civil struct {
	y int
	m time.Month
	d int
}

func civilOf(t time.Time) civil { return civil{t.Year(), t.Month(), t.Day()} }

func (c civil) time() time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC) }

// Calendar answers working-day questions. Build it with NewCalendar; it is
// read-only afterwards and safe for concurrent use.
type Calendar struct {
	days  map[civil]DayKind
	years map[int]bool
}

// NewCalendar builds a calendar from the exceptional days and the covered
// years (those whose State Council arrangement is entered).
func NewCalendar(days []CalendarDay, years []int) Calendar {
	c := Calendar{days: make(map[civil]DayKind, len(days)), years: make(map[int]bool, len(years))}
	for _, d := range days {
		c.days[civilOf(d.Date)] = d.Kind
	}
	for _, y := range years {
		c.years[y] = true
	}
	return c
}

// Covered reports whether year's State Council arrangement is entered.
func (c Calendar) Covered(year int) bool { return c.years[year] }

// MissingYears returns those of years that are not covered, in order.
func (c Calendar) MissingYears(years ...int) []int {
	var out []int
	for _, y := range years {
		if !c.years[y] {
			out = append(out, y)
		}
	}
	return out
}

// IsWorkingDay reports whether d is a working day. Monday to Friday are,
// unless listed off; Saturday and Sunday are not, unless listed work (调休).
// covered is false when d's year is not covered: the answer then only knows
// weekends and must not be trusted silently.
func (c Calendar) IsWorkingDay(d time.Time) (working bool, covered bool) {
	return c.isWorking(civilOf(d))
}

func (c Calendar) isWorking(d civil) (bool, bool) {
	covered := c.years[d.y]
	switch c.days[d] {
	case DayOff:
		return false, covered
	case DayWork:
		return true, covered
	}
	wd := d.time().Weekday()
	return wd != time.Saturday && wd != time.Sunday, covered
}

// deadlineZone is where FILE-2's "end of day" is read.
var deadlineZone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// maxLookBack bounds the search so that bad data cannot loop forever; the
// longest real run of non-working days (春节 2020) is 10 days.
const maxLookBack = 60

// FilingDeadline is FILE-2's deadline for a class starting on start: the
// end (23:59:59.999999999, Asia/Shanghai) of the third working day before
// the start date. Counting back from the day before start, the third working
// day met is the deadline date: start Mon 2026-03-16 → Fri 13 (1), Thu 12
// (2), Wed 11 (3) → deadline Wed 2026-03-11 end of day.
//
// covered is false when any date consulted lies in a year that is not
// covered: the deadline then assumes only weekends are non-working, and the
// page must show FilingDeadlineWarning. Compare with DeadlinePassed.
func (c Calendar) FilingDeadline(start time.Time) (deadline time.Time, covered bool) {
	d, missing := c.filingDeadline(civilOf(start))
	return time.Date(d.y, d.m, d.d, 23, 59, 59, 999999999, deadlineZone), len(missing) == 0
}

// filingDeadline returns the deadline date and the uncovered years consulted.
func (c Calendar) filingDeadline(start civil) (civil, []int) {
	var missing []int
	note := func(y int) {
		if !c.years[y] && (len(missing) == 0 || missing[len(missing)-1] != y) {
			missing = append(missing, y)
		}
	}
	t := start.time()
	found := 0
	for i := 0; i < maxLookBack; i++ {
		t = t.AddDate(0, 0, -1)
		d := civilOf(t)
		note(d.y)
		if ok, _ := c.isWorking(d); ok {
			found++
			if found == FilingLeadDays {
				return d, missing
			}
		}
	}
	// Only reachable with absurd data: treat the result as untrustworthy.
	note(0)
	return civilOf(t), missing
}

// DeadlinePassed reports whether now is after a deadline returned by
// FilingDeadline (the deadline is the last instant still in time).
func DeadlinePassed(now, deadline time.Time) bool { return now.After(deadline) }

// FilingDeadlineWarning is the warning shown beside a filing deadline for a
// class starting on start, or "" when every date consulted is covered.
func (c Calendar) FilingDeadlineWarning(start time.Time) string {
	_, missing := c.filingDeadline(civilOf(start))
	if len(missing) == 0 {
		return ""
	}
	return UncoveredYearsWarning(missing)
}

// UncoveredYearsWarning is the text for dates in years without an entered
// State Council arrangement.
func UncoveredYearsWarning(years []int) string {
	names := make([]string, 0, len(years))
	for _, y := range years {
		if y > 0 {
			names = append(names, strconv.Itoa(y)+"年")
		}
	}
	if len(names) == 0 {
		return "节假日安排数据异常，最晚提交日期无法确定，请联系区人力社保局。"
	}
	return strings.Join(names, "、") + "节假日安排尚未录入，最晚提交日期暂按周一至周五为工作日推算，" +
		"如遇法定节假日或调休可能不准确，请以区人力社保局通知为准（第六条：办班前3个工作日上报）。"
}

// CalendarMissingNotice is the bureau's reminder that year's State Council
// arrangement is not entered yet; thisYear is the current year.
func CalendarMissingNotice(year, thisYear int) string {
	var which string
	switch year {
	case thisYear + 1:
		which = fmt.Sprintf("明年（%d年）", year)
	case thisYear:
		which = fmt.Sprintf("今年（%d年）", year)
	default:
		which = fmt.Sprintf("%d年", year)
	}
	return which + "节假日安排尚未录入。国务院办公厅发布当年部分节假日安排的通知后，请及时录入，" +
		"否则办班备案的最晚提交日期只能按周一至周五推算（第六条）。"
}

// CalendarDayInput is one exceptional day as the bureau enters it. Line is
// its 1-based line in the bulk-entry textarea (0 when not from text).
type CalendarDayInput struct {
	Line int
	Date time.Time
	Name string
	Kind DayKind
}

func (in CalendarDayInput) field(i int) string {
	if in.Line > 0 {
		return "days." + strconv.Itoa(in.Line)
	}
	return "days." + strconv.Itoa(i+1)
}

// CalendarLineField is the form field of line n of the bulk-entry textarea.
func CalendarLineField(n int) string { return "days." + strconv.Itoa(n) }

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// WeekdayLabel is the Chinese name of d's weekday.
func WeekdayLabel(d time.Time) string { return weekdayNames[d.Weekday()] }

// ParseCalendarDays reads the bulk-entry text, one day per line as
// "2027-01-01,元旦,off" (a Chinese comma, 放假/上班 and blank lines are
// accepted too). It returns the lines it could read and a validation error
// with a message per bad line (field "days.N").
func ParseCalendarDays(text string) ([]CalendarDayInput, error) {
	var p Problems
	var out []CalendarDayInput
	for i, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(strings.ReplaceAll(raw, "，", ","))
		if line == "" {
			continue
		}
		n := i + 1
		parts := strings.Split(line, ",")
		if len(parts) != 3 {
			p.Add(CalendarLineField(n), fmt.Sprintf("第%d行：格式应为“日期,名称,off或work”，例如 2027-01-01,元旦,off", n))
			continue
		}
		d, err := time.Parse("2006-01-02", strings.TrimSpace(parts[0]))
		if err != nil {
			p.Add(CalendarLineField(n), fmt.Sprintf("第%d行：日期“%s”无效，应为 2027-01-01 格式", n, strings.TrimSpace(parts[0])))
			continue
		}
		kind := DayKind(strings.ToLower(strings.TrimSpace(parts[2])))
		switch kind {
		case "放假", "休":
			kind = DayOff
		case "上班", "班", "调休上班":
			kind = DayWork
		}
		out = append(out, CalendarDayInput{Line: n, Date: d, Name: strings.TrimSpace(parts[1]), Kind: kind})
	}
	return out, p.Err()
}

// ValidateCalendarYear checks a year's arrangement before it is stored:
// the year and notice are given, every day lies inside the year, its kind
// is off or work, an adjusted working day (调休上班) is a Saturday or
// Sunday, a holiday has a name, and no date is listed twice.
func ValidateCalendarYear(year int, notice string, days []CalendarDayInput) error {
	var p Problems
	if year < 2000 || year > 2100 {
		p.Add("year", "请填写 2000 至 2100 之间的年度")
	}
	notice = strings.TrimSpace(notice)
	switch {
	case notice == "":
		p.Add("notice", "请填写国务院办公厅通知的文号或网址")
	case utf8.RuneCountInString(notice) > 300:
		p.Add("notice", "通知文号或网址不超过300个字符")
	}
	if len(days) == 0 {
		p.Add("days", "请至少录入一天（每行一天：日期,名称,off或work）")
	}
	seen := map[civil]int{}
	for i, d := range days {
		f := d.field(i)
		n := d.Line
		if n == 0 {
			n = i + 1
		}
		date := d.Date.Format("2006-01-02")
		cd := civilOf(d.Date)
		switch {
		case cd.y != year:
			p.Add(f, fmt.Sprintf("第%d行：%s 不在%d年内", n, date, year))
		case !d.Kind.Valid():
			p.Add(f, fmt.Sprintf("第%d行：类型“%s”无效，应为 off（放假）或 work（调休上班）", n, d.Kind))
		case d.Kind == DayWork && d.Date.Weekday() != time.Saturday && d.Date.Weekday() != time.Sunday:
			p.Add(f, fmt.Sprintf("第%d行：%s 是%s，调休上班日只能是星期六或星期日", n, date, WeekdayLabel(d.Date)))
		case d.Kind == DayOff && d.Name == "":
			p.Add(f, fmt.Sprintf("第%d行：放假日须填写节日名称", n))
		case utf8.RuneCountInString(d.Name) > 50:
			p.Add(f, fmt.Sprintf("第%d行：名称不超过50个字符", n))
		case seen[cd] != 0:
			p.Add(f, fmt.Sprintf("第%d行：%s 与第%d行重复", n, date, seen[cd]))
		}
		if seen[cd] == 0 {
			seen[cd] = n
		}
	}
	return p.Err()
}
