package server

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"

	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// The filing form's helpers (issue 14): rows added, a week repeated, an
// earlier plan copied — each re-renders the form with what was typed and
// saves nothing — and the schedule imported from a spreadsheet.

// classFormTool handles the helper buttons of the filing form; it reports
// whether the request was one.
func (s *Server) classFormTool(w http.ResponseWriter, r *http.Request, id int64, change bool, form web.ClassForm) bool {
	tools := web.ClassFormTools{RepeatFrom: r.PostFormValue("repeat_from"), RepeatTo: r.PostFormValue("repeat_to"),
		RepeatWeeks: r.PostFormValue("repeat_weeks"), CopyFrom: r.PostFormValue("copy_from")}
	form.Errors = web.Errors{} // the helpers change what was typed; the save checks it
	switch r.PostFormValue("intent") {
	case "rows":
		form = form.AddRows(web.MoreRows)
		tools.Notice = "已增加" + strconv.Itoa(web.MoreRows) + "行课程（尚未保存）。"
	case "repeat":
		from, _ := strconv.Atoi(tools.RepeatFrom)
		to, _ := strconv.Atoi(tools.RepeatTo)
		weeks, _ := strconv.Atoi(tools.RepeatWeeks)
		if tools.RepeatFrom == "" && tools.RepeatTo == "" {
			from, to = 1, len(form.Sessions)
		}
		repeated, msg := form.RepeatWeekly(from, to, weeks)
		if msg != "" {
			form.Set("repeat_weeks", msg)
		} else {
			form = repeated
			tools.Notice = "已按周重复，现有" + strconv.Itoa(len(form.Sessions)) + "次课（尚未保存），请核对节假日并调整。"
		}
	case "copy":
		src, _ := strconv.ParseInt(tools.CopyFrom, 10, 64)
		c, err := s.store.ClassByID(r.Context(), actor(r), src)
		switch {
		case src == 0 || err == training.ErrNotFound:
			form.Set("copy_from", "请选择本机构的培训班")
		case err != nil:
			s.fail(w, r, err)
			return true
		default:
			form = form.CopyPlan(c.Plan)
			tools.Notice = "已复制 " + c.ClassNo + " 的计划（尚未保存），请核对日期、人数和师资。"
		}
	default:
		return false
	}
	classNo := ""
	if id != 0 {
		if c, err := s.store.ClassByID(r.Context(), actor(r), id); err == nil {
			classNo = c.ClassNo
		}
	}
	page, err := s.classFormPage(r, id, classNo, change, form.WithBlanks(0), form.StartDate)
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	page.Tools = tools
	status := http.StatusOK
	if form.Any() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, web.ClassFormView(page))
	return true
}

// scheduleTemplate is the schedule spreadsheet to fill in.
func (s *Server) scheduleTemplate(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := roster.WriteTable(&buf, roster.ScheduleTemplate()); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="schedule-template.xlsx"`)
	_, _ = buf.WriteTo(w)
}

// scheduleImport reads a schedule spreadsheet into a draft's plan and
// saves the draft, or shows the whole file's report and saves nothing.
func (s *Server) scheduleImport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	c, err := s.store.ClassByID(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	imp := web.ScheduleImportView{}
	var data []byte
	file, header, err := r.FormFile("file")
	if err == nil {
		imp.Filename = header.Filename
		data, err = io.ReadAll(io.LimitReader(file, roster.MaxFile+1))
		_ = file.Close()
	}
	var plan training.Plan
	closed := training.ScheduleImportClosedReason(c.Status)
	switch {
	case err != nil || len(data) == 0:
		imp.Message = "请选择要导入的课程表文件（.xlsx 或 .csv）"
	case closed != "":
		imp.Message = closed
	default:
		choices, err := s.store.FilingChoices(r.Context(), a, c.InstitutionID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		plan, imp.Message, imp.Problems = readScheduleFile(data, c.Plan, choices.Teachers, r.PostFormValue("append") != "1", s.store.Today())
	}
	if imp.Message == "" && len(imp.Problems) == 0 {
		err = s.store.SaveClass(r.Context(), a, id, formVersion(r), plan, false)
		if err == nil {
			s.flash(r, "课程表「"+imp.Filename+"」已导入，共"+strconv.Itoa(len(plan.Sessions))+"次课，草稿已保存。")
			redirect(w, r, classURL(id)+"/edit")
			return
		}
		var errs web.Errors
		if !mergeErrors(err, &errs) {
			s.fail(w, r, err)
			return
		}
		imp.Message = "草稿未保存：" + firstMessage(errs)
	}
	page, err := s.classFormPage(r, id, c.ClassNo, false, web.ClassFormOf(c.Plan, c.Version).WithBlanks(0), web.ClassFormOf(c.Plan, 0).StartDate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Import = imp
	s.render(w, r, http.StatusUnprocessableEntity, web.ClassFormView(page))
}

func firstMessage(e web.Errors) string {
	if len(e.General) > 0 {
		return e.General[0]
	}
	for _, m := range e.Fields {
		return m
	}
	return ""
}

// readScheduleFile reads and checks a schedule file against the plan: the
// file's own problem, or every row's, or the new plan.
func readScheduleFile(data []byte, p training.Plan, teachers []training.Teacher, replace bool, today time.Time) (training.Plan, string, []training.ScheduleProblem) {
	cells, err := roster.ReadSheet(data)
	if err != nil {
		if msg, ok := roster.AsProblem(err); ok {
			return p, msg, nil
		}
		return p, "文件无法读取", nil
	}
	h, msg := training.ParseScheduleHeader(cells[0])
	if msg != "" {
		return p, msg, nil
	}
	var rows []training.ScheduleFileRow
	var lines []int
	for i, c := range cells[1:] {
		if row := h.Row(i+2, c); !row.Blank() {
			rows = append(rows, row)
			lines = append(lines, row.Line)
		}
	}
	known := make([]training.ScheduleTeacher, 0, len(teachers))
	for _, t := range teachers {
		known = append(known, training.ScheduleTeacher{ID: t.ID, Name: t.Name})
	}
	sessions, problems := training.ReadSchedule(rows, known)
	if len(problems) > 0 {
		return p, "", problems
	}
	plan, problems := training.ImportSchedule(p, sessions, lines, replace, today)
	return plan, "", problems
}
