package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"tianmu/internal/training"
	"tianmu/web"
)

// calendarMissingNotices are the reminders for this and next year when
// their arrangement is not entered.
func calendarMissingNotices(cal training.Calendar, thisYear int) []string {
	var out []string
	for _, y := range cal.MissingYears(thisYear, thisYear+1) {
		out = append(out, training.CalendarMissingNotice(y, thisYear))
	}
	return out
}

func (s *Server) calendarList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	today := s.store.Today()
	// The chosen year, else this year, else the newest covered one.
	want, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if want == 0 {
		want = today.Year()
	}
	years, year, days, err := s.store.CalendarPage(ctx, want)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cal, err := s.store.Calendar(ctx) // kept in memory (calendarCache)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := web.CalendarPage{Layout: s.layout(r, "节假日日历", "calendar"), Years: years, Year: year, Days: days,
		Missing: calendarMissingNotices(cal, today.Year())}
	s.render(w, r, http.StatusOK, web.CalendarView(p))
}

func (s *Server) calendarNew(w http.ResponseWriter, r *http.Request) {
	cal, err := s.store.Calendar(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Suggest the first uncovered year from this one on.
	y := s.store.Today().Year()
	for cal.Covered(y) {
		y++
	}
	s.renderCalendarForm(w, r, http.StatusOK, web.CalendarForm{Year: strconv.Itoa(y)})
}

func (s *Server) renderCalendarForm(w http.ResponseWriter, r *http.Request, status int, form web.CalendarForm) {
	s.render(w, r, status, web.CalendarNewView(web.CalendarNewPage{Layout: s.layout(r, "录入年度节假日安排", "calendar"), Form: form}))
}

func (s *Server) calendarCreate(w http.ResponseWriter, r *http.Request) {
	form := web.CalendarForm{
		Year:   strings.TrimSpace(r.PostFormValue("year")),
		Notice: r.PostFormValue("notice"),
		Days:   r.PostFormValue("days"),
	}
	year, err := strconv.Atoi(form.Year)
	if err != nil {
		form.Set("year", "请填写年度，例如 "+strconv.Itoa(s.store.Today().Year()+1))
	}
	days, err := training.ParseCalendarDays(form.Days)
	mergeErrors(err, &form.Errors)
	if form.Any() {
		// Report the other fields and the readable lines in the same round.
		mergeErrors(training.ValidateCalendarYear(year, form.Notice, days), &form.Errors)
	}
	if !form.Any() {
		err := s.store.AddCalendarYear(r.Context(), actor(r), year, form.Notice, days)
		if err == nil {
			s.flash(r, strconv.Itoa(year)+"年节假日安排已录入，共 "+strconv.Itoa(len(days))+" 天。")
			redirect(w, r, "/calendar?year="+strconv.Itoa(year))
			return
		}
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
	}
	s.renderCalendarForm(w, r, http.StatusUnprocessableEntity, form)
}

// calendarDeadline shows FILE-2's latest submission date for a start date
// (any signed-in role).
func (s *Server) calendarDeadline(w http.ResponseWriter, r *http.Request) {
	p := web.DeadlinePage{Layout: s.layout(r, "最晚提交日期", "calendar"), Start: strings.TrimSpace(r.URL.Query().Get("start"))}
	if p.Start == "" {
		s.render(w, r, http.StatusOK, web.DeadlineView(p))
		return
	}
	start, err := time.Parse("2006-01-02", p.Start)
	if err != nil || start.Year() < 2000 || start.Year() > 2100 {
		p.StartErr = "请选择有效的开班日期，例如 2026-03-16"
		s.render(w, r, http.StatusUnprocessableEntity, web.DeadlineView(p))
		return
	}
	cal, err := s.store.Calendar(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	deadline, _ := cal.FilingDeadline(start)
	p.Result = &web.DeadlineResult{Start: start, Deadline: deadline,
		Passed: training.DeadlinePassed(s.store.Now(), deadline), Warning: cal.FilingDeadlineWarning(start)}
	s.render(w, r, http.StatusOK, web.DeadlineView(p))
}
