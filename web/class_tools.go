package web

import (
	"strconv"
	"strings"
	"time"

	"tianmu/internal/training"
)

// The filing form's helpers that change only what is typed, without
// saving (issue 14): more rows, a week of sessions repeated, a previous
// class's plan copied. Each is a submit button, so they work without
// JavaScript; class_form.js adds rows in the browser without a round trip.

// MoreRows is how many blank session rows "增加行" adds.
const MoreRows = 5

// MaxFormRows bounds the session rows a form may hold.
const MaxFormRows = 200

// ClassFormTools are the typed values of the helpers.
type ClassFormTools struct {
	RepeatFrom  string
	RepeatTo    string
	RepeatWeeks string
	CopyFrom    string
	Notice      string // what the helper did
}

// AddRows pads the form with n more blank session rows and one teacher row.
func (f ClassForm) AddRows(n int) ClassForm {
	f.Teachers = append(f.Teachers, TeacherRowForm{})
	for i := 0; i < n && len(f.Sessions) < MaxFormRows; i++ {
		f.Sessions = append(f.Sessions, SessionRowForm{})
	}
	return f
}

// RepeatWeekly copies session rows from..to (1-based, as numbered on the
// form) weeks more times, each copy seven days after the one before. The
// message is for the repeat_weeks field.
func (f ClassForm) RepeatWeekly(from, to, weeks int) (ClassForm, string) {
	n := len(f.Sessions)
	switch {
	case n == 0:
		return f, "请先填写要重复的一周课程"
	case from < 1 || to < from || to > n:
		return f, "请填写要重复的行号（1至" + strconv.Itoa(n) + "）"
	case weeks < 1 || weeks > 52:
		return f, "重复周数应为1至52"
	case n+(to-from+1)*weeks > MaxFormRows:
		return f, "课程行过多（最多" + strconv.Itoa(MaxFormRows) + "行）"
	}
	block := f.Sessions[from-1 : to]
	dates := make([]time.Time, len(block))
	for i, s := range block {
		d, err := time.Parse("2006-01-02", strings.TrimSpace(s.Date))
		if err != nil {
			return f, "第" + strconv.Itoa(from+i) + "行的日期无效，无法按周重复"
		}
		dates[i] = d
	}
	out := append([]SessionRowForm{}, f.Sessions...)
	for w := 1; w <= weeks; w++ {
		for i, s := range block {
			s.Date = dates[i].AddDate(0, 0, 7*w).Format("2006-01-02")
			out = append(out, s)
		}
	}
	f.Sessions = out
	return f, ""
}

// CopyPlan fills the form from an earlier class's plan: content, venue,
// hours, teachers, sessions and textbooks (occupation, level and type too
// when the form has none). When the form has a start date, the sessions
// and the end date move by the distance between the two start dates; the
// size and dates typed are kept.
func (f ClassForm) CopyPlan(p training.Plan) ClassForm {
	from := ClassFormOf(p, 0)
	shift := 0
	if start, err := time.Parse("2006-01-02", strings.TrimSpace(f.StartDate)); err == nil && !p.StartDate.IsZero() {
		shift = int(start.Sub(p.StartDate).Hours() / 24)
	} else {
		f.StartDate = from.StartDate
	}
	if f.EndDate == "" && !p.EndDate.IsZero() {
		f.EndDate = p.EndDate.AddDate(0, 0, shift).Format("2006-01-02")
	}
	if f.OccupationID == "" {
		f.OccupationID, f.Level, f.Type = from.OccupationID, from.Level, from.Type
	}
	if f.PlannedSize == "" {
		f.PlannedSize = from.PlannedSize
	}
	f.Venue, f.Content, f.TheoryHours, f.PracticalHours = from.Venue, from.Content, from.TheoryHours, from.PracticalHours
	f.Teachers, f.Textbooks = from.Teachers, from.Textbooks
	f.Sessions = nil
	for i, s := range from.Sessions {
		if !p.Sessions[i].Date.IsZero() {
			s.Date = p.Sessions[i].Date.AddDate(0, 0, shift).Format("2006-01-02")
		}
		f.Sessions = append(f.Sessions, s)
	}
	return f
}

// textbookOffered reports whether the form lists tb: every textbook until
// an occupation is chosen, then those serving the class's occupation and
// level (FILE-4), and any already ticked (so nothing is dropped unseen).
func (f ClassForm) textbookOffered(tb training.Textbook) bool {
	if f.Textbooks[I64(tb.ID)] {
		return true
	}
	occ, err := strconv.ParseInt(f.OccupationID, 10, 64)
	if err != nil || occ == 0 {
		return true
	}
	level, _ := strconv.Atoi(f.Level)
	return tb.Serves(occ, training.Level(level))
}

// textbookUsesAttr is the textbook's uses for class_form.js: "occ:level"
// pairs, level 0 for every level.
func textbookUsesAttr(tb training.Textbook) string {
	parts := make([]string, 0, len(tb.Uses))
	for _, u := range tb.Uses {
		parts = append(parts, I64(u.OccupationID)+":"+strconv.Itoa(int(u.Level)))
	}
	return strings.Join(parts, " ")
}

func (c FilingChoices) copyOptions() []Option {
	opts := []Option{{"", "选择本机构以往的培训班"}}
	for _, x := range c.Earlier {
		opts = append(opts, Option{I64(x.ID), x.Label()})
	}
	return opts
}
