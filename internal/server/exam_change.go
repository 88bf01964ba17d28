package server

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// Exam sessions after scheduling (issue 14): reschedule and cancel before
// the exam day, the audited ID reveal, score import and the result sheet.

// parseSessionForm reads the session form: schedule, pool picks, typed
// examiners, retake candidates, reschedule reason.
func parseSessionForm(r *http.Request) (web.SessionForm, training.SessionInput) {
	_ = r.ParseForm()
	form := web.SessionForm{ExamDate: r.PostFormValue("exam_date"), Venue: r.PostFormValue("venue"), TheoryTime: r.PostFormValue("theory_time"),
		PracticalTime: r.PostFormValue("practical_time"), Retake: r.PostFormValue("retake") == "1", Chosen: map[int64]bool{},
		Pool: map[int64]bool{}, Reason: r.PostFormValue("change_reason"), Version: r.PostFormValue("version")}
	in := training.SessionInput{ExamDate: form.ExamDate, Venue: form.Venue, TheoryTime: form.TheoryTime, PracticalTime: form.PracticalTime,
		Retake: form.Retake, PoolIDs: formIDs(r, "pool")}
	for _, id := range in.PoolIDs {
		form.Pool[id] = true
	}
	for i := 0; i < web.ExaminerRows; i++ {
		n := strconv.Itoa(i)
		form.ExName[i], form.ExID[i], form.ExOrg[i] = r.PostFormValue("examiner_name_"+n), r.PostFormValue("examiner_id_"+n), r.PostFormValue("examiner_org_"+n)
		in.Examiners = append(in.Examiners, training.ExaminerInput{Name: form.ExName[i], IDNumber: form.ExID[i], Organisation: form.ExOrg[i]})
	}
	return form, in
}

// rescheduleFormOf fills the reschedule form from the session.
func rescheduleFormOf(x training.ExamSession) web.SessionForm {
	f := web.SessionForm{ExamDate: x.ExamDate.Format("2006-01-02"), Venue: x.Venue, TheoryTime: x.TheoryTime, PracticalTime: x.PracticalTime,
		Retake: x.Retake, Pool: map[int64]bool{}, Chosen: map[int64]bool{}, Version: strconv.Itoa(x.Version)}
	row := 0
	for i, e := range x.Examiners {
		if i < len(x.ExaminerPool) && x.ExaminerPool[i] != 0 {
			f.Pool[x.ExaminerPool[i]] = true
			continue
		}
		if row < web.ExaminerRows {
			f.ExName[row], f.ExID[row], f.ExOrg[row] = e.Name, e.IDNumber, e.Organisation
			row++
		}
	}
	return f
}

func (s *Server) reschedulePage(w http.ResponseWriter, r *http.Request, status int, x training.ExamSession, form web.SessionForm, cancel web.StepForm) {
	ap, _, pool, err := s.store.SessionFormData(r.Context(), actor(r), x.ApplicationID, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.SessionFormView(web.SessionFormPage{Layout: s.layout(r, "考试改期 "+x.No, "assessments"), App: ap,
		Pool: pool, Form: form, Session: &x, Cancel: cancel}))
}

func (s *Server) sessionRescheduleForm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return
	}
	if !p.CanChange {
		redirect(w, r, sessionURL(p.S.ID))
		return
	}
	s.reschedulePage(w, r, http.StatusOK, p.S, rescheduleFormOf(p.S), web.StepForm{})
}

func (s *Server) sessionReschedule(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return
	}
	form, in := parseSessionForm(r)
	form.Retake = p.S.Retake
	err := s.store.RescheduleSession(r.Context(), actor(r), p.S.ID, formVersion(r), in, form.Reason)
	if err == nil {
		s.flash(r, "考试已改期，考号不变。")
		redirect(w, r, sessionURL(p.S.ID))
		return
	}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.reschedulePage(w, r, http.StatusUnprocessableEntity, p.S, form, web.StepForm{})
}

func (s *Server) sessionCancel(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return
	}
	step := web.StepForm{Action: "cancel", Reason: r.PostFormValue("cancel_reason")}
	err := s.store.CancelSession(r.Context(), actor(r), p.S.ID, formVersion(r), step.Reason)
	s.stepDone(w, r, err, step, "考试已取消，本场次考生可另行安排考试。", sessionURL(p.S.ID),
		func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
			// A stale version: the form shows the session as it is now.
			if x, err := s.store.SessionByID(r.Context(), actor(r), p.S.ID); err == nil {
				p.S = x
			}
			s.reschedulePage(w, r, status, p.S, rescheduleFormOf(p.S), f)
		})
}

// entryReveal shows the check page with one candidate's full ID number
// (audited), answered directly so the number is never kept in a session.
func (s *Server) entryReveal(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return
	}
	eid, _ := idParam(r, "eid")
	full, err := s.store.RevealCandidateID(r.Context(), actor(r), p.S.ID, eid)
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		s.stepDone(w, r, err, web.StepForm{Action: "reveal-" + strconv.FormatInt(eid, 10)}, "", "", s.renderCheck)
		return
	}
	p.Revealed = map[int64]string{eid: full}
	p.Layout = s.layout(r, "核对身份 "+p.S.No, "assessments")
	s.render(w, r, http.StatusOK, web.CheckView(p))
}

// scoresImport reads the centre's score sheet and saves every score in one
// transaction, or nothing with the whole file's report.
func (s *Server) scoresImport(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return
	}
	form := scoreFormOf(p.S)
	imp := web.ScoreImportView{}
	file, header, err := r.FormFile("file")
	var data []byte
	if err == nil {
		imp.Filename = header.Filename
		data, err = io.ReadAll(io.LimitReader(file, roster.MaxFile+1))
		_ = file.Close()
	}
	if err != nil || len(data) == 0 {
		imp.Message = "请选择要导入的成绩表文件（.xlsx 或 .csv）"
		s.renderScores(w, r, http.StatusUnprocessableEntity, p.S, form, imp)
		return
	}
	rows, problems, msg := readScoreFile(data, p.S.Entries)
	if msg != "" || len(problems) > 0 {
		imp.Message, imp.Problems = msg, problems
		s.renderScores(w, r, http.StatusUnprocessableEntity, p.S, form, imp)
		return
	}
	n, err := s.store.EnterScores(r.Context(), actor(r), p.S.ID, formVersion(r), rows)
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		imp.Message = "成绩未保存，请按提示修改后重新导入"
		s.renderScores(w, r, http.StatusUnprocessableEntity, p.S, form, imp)
		return
	}
	s.flash(r, "成绩表「"+header.Filename+"」已导入（"+strconv.Itoa(n)+"名考生的成绩有变化）。")
	redirect(w, r, sessionURL(p.S.ID))
}

// readScoreFile reads and checks a score sheet: the file's own problem, or
// every row's, or the rows to save.
func readScoreFile(data []byte, entries []training.ExamEntry) ([]training.ScoreRow, []training.ScoreFileProblem, string) {
	if len(data) > roster.MaxFile {
		return nil, nil, "文件超过" + strconv.Itoa(roster.MaxFile>>20) + "MB"
	}
	cells, err := roster.ReadSheet(data)
	if err != nil {
		if msg, ok := roster.AsProblem(err); ok {
			return nil, nil, msg
		}
		return nil, nil, "文件无法读取"
	}
	h, msg := training.ParseScoreHeader(cells[0])
	if msg != "" {
		return nil, nil, msg
	}
	var rows []training.ScoreFileRow
	for i, c := range cells[1:] {
		if row := h.Row(i+2, c); !row.Blank() {
			rows = append(rows, row)
		}
	}
	out, problems := training.CheckScoreFile(entries, rows)
	return out, problems, ""
}

// sessionResults is the session's result sheet (.xlsx); with ?blank=1 it
// is the score sheet to fill in (the same columns, scores as entered).
func (s *Server) sessionResults(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadSession(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := roster.WriteTable(&buf, roster.ResultTable(p.S, r.URL.Query().Get("blank") == "1")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="results-`+p.S.No+`.xlsx"`)
	_, _ = buf.WriteTo(w)
}

// applicationExamAffairs exports an application's candidates in the field
// layout of Zhejiang's online exam-affairs system (full ID numbers and
// phones: a POST, audited).
func (s *Server) applicationExamAffairs(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	ap, list, err := s.store.ExamAffairsExport(r.Context(), actor(r), id)
	if err != nil {
		// Refused (not accepted yet): said beside the button on the
		// application's page.
		s.stepDone(w, r, err, web.StepForm{Action: web.ExamAffairsStep}, "", "", s.applicationStepPage)
		return
	}
	var buf bytes.Buffer
	if err := roster.WriteTable(&buf, roster.ExamAffairsTable(ap, list, s.store.Now())); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="exam-affairs-`+ap.ClassNo+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}
