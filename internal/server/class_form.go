package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"tianmu/internal/training"
	"tianmu/web"
)

// maxRows bounds the repeated rows a filing form may post.
const maxRows = 200

// parseClassForm reads the filing form into the typed values (kept as they
// are for re-display) and a plan; values that cannot be parsed are field
// messages. Rows left entirely blank are dropped.
func parseClassForm(r *http.Request) (web.ClassForm, training.Plan) {
	_ = r.ParseForm()
	v := r.PostForm
	f := web.ClassForm{
		OccupationID: v.Get("occupation_id"), Level: v.Get("level"), Type: v.Get("type"),
		PlannedSize: strings.TrimSpace(v.Get("planned_size")), StartDate: v.Get("start_date"), EndDate: v.Get("end_date"),
		Venue: v.Get("venue"), Content: v.Get("content"), TheoryHours: strings.TrimSpace(v.Get("theory_hours")),
		PracticalHours: strings.TrimSpace(v.Get("practical_hours")), Reason: v.Get("change_reason"),
		Version: v.Get("version"), Textbooks: map[string]bool{},
	}
	var p training.Plan
	p.Type = training.ClassType(f.Type)
	p.Venue, p.Content = strings.TrimSpace(f.Venue), strings.TrimSpace(f.Content)
	p.OccupationID = parseID(f.OccupationID, "occupation_id", "请选择工种", &f.Errors)
	if f.Level != "" {
		l, err := strconv.Atoi(f.Level)
		if err != nil || l < 0 || l > 5 {
			f.Set("level", "请选择等级")
		}
		p.Level = training.Level(l)
	}
	p.PlannedSize = parseInt(f.PlannedSize, "planned_size", "计划人数应为整数", &f.Errors)
	p.TheoryHours = parseInt(f.TheoryHours, "theory_hours", "学时应为整数", &f.Errors)
	p.PracticalHours = parseInt(f.PracticalHours, "practical_hours", "学时应为整数", &f.Errors)
	p.StartDate = parseDate(f.StartDate, "start_date", &f.Errors)
	p.EndDate = parseDate(f.EndDate, "end_date", &f.Errors)
	for i := 0; i < maxRows; i++ {
		k := "teachers." + strconv.Itoa(i) + "."
		if _, ok := v[k+"teacher_id"]; !ok {
			break
		}
		row := web.TeacherRowForm{TeacherID: v.Get(k + "teacher_id"), Role: v.Get(k + "role")}
		if row.TeacherID == "" && row.Role == "" {
			continue
		}
		n := len(f.Teachers)
		f.Teachers = append(f.Teachers, row)
		nk := "teachers." + strconv.Itoa(n) + "."
		id := parseID(row.TeacherID, nk+"teacher_id", "请选择教师", &f.Errors)
		p.Teachers = append(p.Teachers, training.ClassTeacher{TeacherID: id, Role: training.TeachingRole(row.Role)})
	}
	for i := 0; i < maxRows; i++ {
		k := "sessions." + strconv.Itoa(i) + "."
		if _, ok := v[k+"date"]; !ok {
			break
		}
		row := web.SessionRowForm{Date: v.Get(k + "date"), Start: strings.TrimSpace(v.Get(k + "start")), End: strings.TrimSpace(v.Get(k + "end")),
			Kind: v.Get(k + "kind"), Hours: strings.TrimSpace(v.Get(k + "hours")), TeacherID: v.Get(k + "teacher_id")}
		if row == (web.SessionRowForm{}) {
			continue
		}
		n := len(f.Sessions)
		f.Sessions = append(f.Sessions, row)
		nk := "sessions." + strconv.Itoa(n) + "."
		s := training.Session{Start: row.Start, End: row.End, Kind: training.TeachingRole(row.Kind)}
		s.Date = parseDate(row.Date, nk+"date", &f.Errors)
		s.Hours = parseInt(row.Hours, nk+"hours", "学时应为整数", &f.Errors)
		if row.TeacherID != "" {
			s.TeacherID = parseID(row.TeacherID, nk+"teacher_id", "请选择教师", &f.Errors)
		}
		p.Sessions = append(p.Sessions, s)
	}
	for _, id := range v["textbook"] {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 && !f.Textbooks[id] {
			f.Textbooks[id] = true
			p.TextbookIDs = append(p.TextbookIDs, n)
		}
	}
	return f, p
}

func parseID(s, field, msg string, e *web.Errors) int64 {
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		e.Set(field, msg)
		return 0
	}
	return n
}

func parseInt(s, field, msg string, e *web.Errors) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100000 {
		e.Set(field, msg)
		return 0
	}
	return n
}

func parseDate(s, field string, e *web.Errors) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		e.Set(field, "日期格式应为 年-月-日，例如 2026-03-16")
		return time.Time{}
	}
	return d
}

// deadline is FILE-2 for the form and the filing page.
func (s *Server) deadline(r *http.Request, start time.Time) web.Deadline {
	if start.IsZero() {
		return web.Deadline{}
	}
	cal, err := s.store.Calendar(r.Context())
	if err != nil {
		return web.Deadline{}
	}
	d, covered := cal.FilingDeadline(start)
	out := web.Deadline{Date: d.Format("2006-01-02"), Weekday: training.WeekdayLabel(d), Passed: training.DeadlinePassed(s.store.Now(), d)}
	if !covered {
		out.Warning = cal.FilingDeadlineWarning(start)
	}
	return out
}
