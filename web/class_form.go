package web

import (
	"strconv"
	"time"

	"tianmu/internal/training"
)

// ClassForm is the filing form as typed: raw strings, so a bad value comes
// back exactly as the user left it.
type ClassForm struct {
	OccupationID   string
	Level          string
	Type           string
	PlannedSize    string
	StartDate      string
	EndDate        string
	Venue          string
	Content        string
	TheoryHours    string
	PracticalHours string
	Teachers       []TeacherRowForm
	Sessions       []SessionRowForm
	Textbooks      map[string]bool
	Reason         string // change requests
	Version        string
	Errors
}

// TeacherRowForm is one teacher line of the form.
type TeacherRowForm struct{ TeacherID, Role string }

// SessionRowForm is one session line of the form.
type SessionRowForm struct{ Date, Start, End, Kind, Hours, TeacherID string }

// Blank rows offered below the filled ones (no JavaScript needed: "more
// rows" saves the draft and comes back with more blanks).
const (
	blankTeacherRows = 2
	blankSessionRows = 4
)

// WithBlanks pads the form with empty rows to type into.
func (f ClassForm) WithBlanks(extra int) ClassForm {
	for i := 0; i < blankTeacherRows; i++ {
		f.Teachers = append(f.Teachers, TeacherRowForm{})
	}
	for i := 0; i < blankSessionRows+extra; i++ {
		f.Sessions = append(f.Sessions, SessionRowForm{})
	}
	return f
}

// ClassFormOf fills the form from a stored plan.
func ClassFormOf(p training.Plan, version int) ClassForm {
	f := ClassForm{Type: string(p.Type), Level: strconv.Itoa(int(p.Level)), Venue: p.Venue, Content: p.Content,
		StartDate: dateIn(p.StartDate), EndDate: dateIn(p.EndDate), Version: strconv.Itoa(version), Textbooks: map[string]bool{}}
	if p.OccupationID != 0 {
		f.OccupationID = I64(p.OccupationID)
	}
	if p.PlannedSize != 0 {
		f.PlannedSize = strconv.Itoa(p.PlannedSize)
	}
	if p.TheoryHours != 0 || p.PracticalHours != 0 {
		f.TheoryHours, f.PracticalHours = strconv.Itoa(p.TheoryHours), strconv.Itoa(p.PracticalHours)
	}
	for _, t := range p.Teachers {
		f.Teachers = append(f.Teachers, TeacherRowForm{TeacherID: I64(t.TeacherID), Role: string(t.Role)})
	}
	for _, s := range p.Sessions {
		row := SessionRowForm{Date: dateIn(s.Date), Start: s.Start, End: s.End, Kind: string(s.Kind)}
		if s.Hours != 0 {
			row.Hours = strconv.Itoa(s.Hours)
		}
		if s.TeacherID != 0 {
			row.TeacherID = I64(s.TeacherID)
		}
		f.Sessions = append(f.Sessions, row)
	}
	for _, id := range p.TextbookIDs {
		f.Textbooks[I64(id)] = true
	}
	return f
}

func dateIn(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// Deadline is FILE-2 as the form shows it.
type Deadline struct {
	Date    string // 最晚提交日期, "" without a start date
	Weekday string
	Passed  bool
	Warning string // the year's holiday arrangement is not entered
}

// FilingChoices are the form's options.
type FilingChoices struct {
	Scope     []training.ScopeItem
	Teachers  []training.Teacher
	Textbooks []training.Textbook
	Earlier   []training.EarlierClass
}

func (c FilingChoices) occupationOptions() []Option {
	opts := []Option{{"", "请选择（许可范围内的工种）"}}
	for _, s := range c.Scope {
		label := s.OccupationCode + " " + s.OccupationName
		if s.MaxLevel.Valid() {
			label += "（最高" + s.MaxLevel.Short() + "）"
		}
		opts = append(opts, Option{I64(s.OccupationID), label})
	}
	return opts
}

func levelOptions() []Option {
	opts := []Option{{"0", "无等级（专项能力、创业类）"}}
	for _, l := range training.AllLevels {
		opts = append(opts, Option{strconv.Itoa(int(l)), l.Label()})
	}
	return opts
}

func typeOptions() []Option {
	var opts []Option
	for _, t := range training.ClassTypes {
		opts = append(opts, Option{string(t), t.Label() + "（每班不超过" + strconv.Itoa(t.DefaultCap()) + "人）"})
	}
	return opts
}

func roleOptions2() []Option {
	return []Option{{"", "—"}, {string(training.RoleTheory), "理论课"}, {string(training.RolePractical), "操作技能课"}}
}

func (c FilingChoices) teacherOptions() []Option {
	opts := []Option{{"", "—"}}
	for _, t := range c.Teachers {
		label := t.Name
		if t.Status != training.TeacherApproved {
			label += "（" + t.Status.Label() + "，未入库不能列入）"
		}
		opts = append(opts, Option{I64(t.ID), label})
	}
	return opts
}

func textbookUses(t training.Textbook) string {
	s := ""
	for i, u := range t.Uses {
		if i > 0 {
			s += "、"
		}
		s += u.Label()
	}
	return s
}
