package server

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// maxRosterBody caps a roster upload request: the largest file plus room
// for the multipart framing. A file between roster.MaxFile and this gets
// the form's message (413); a bigger body gets 413 before it is read.
const maxRosterBody = roster.MaxFile + 256<<10

// reportLimit is how many problem rows the import report shows.
const reportLimit = 500

func rosterURL(id int64) string { return classURL(id) + "/roster" }

func (s *Server) rosterShow(w http.ResponseWriter, r *http.Request) {
	s.renderRoster(w, r, http.StatusOK, nil)
}

// renderRoster shows the roster page; edit fills in a form that was
// submitted (with its messages).
func (s *Server) renderRoster(w http.ResponseWriter, r *http.Request, status int, edit func(*web.RosterPage)) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	c, list, err := s.store.ClassRoster(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.store.Today()
	p := web.RosterPage{Layout: s.layout(r, "学员名单 "+c.ClassNo, navClass(a)), Class: c, List: list, Enrolled: c.Enrolled,
		Bureau: a.IsBureau(), Closed: training.RosterClosedReason(c.Status, c.Plan.StartDate, today),
		Started: !c.Plan.StartDate.IsZero() && !today.Before(c.Plan.StartDate), MaxMB: roster.MaxFile >> 20, MaxRows: roster.MaxRows}
	p.Open = p.Closed == ""
	if edit != nil {
		edit(&p)
	}
	s.render(w, r, status, web.RosterView(p))
}

func traineeFormFrom(r *http.Request) web.TraineeForm {
	return web.TraineeForm{IDNumber: r.PostFormValue("id_number"), Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"),
		TargetGroup: r.PostFormValue("target_group"), Employment: r.PostFormValue("employment"), Hukou: r.PostFormValue("hukou"),
		Employer: r.PostFormValue("employer")}
}

// rosterAdd puts one trainee on the roster.
func (s *Server) rosterAdd(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form := traineeFormFrom(r)
	_, err := s.store.AddTrainee(r.Context(), actor(r), id, training.TraineeInput{IDNumber: form.IDNumber, Name: form.Name,
		Phone: form.Phone, TargetGroup: form.TargetGroup, Employment: form.Employment, Hukou: form.Hukou, Employer: form.Employer})
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderRoster(w, r, http.StatusUnprocessableEntity, func(p *web.RosterPage) { p.Add = form })
		return
	}
	s.flash(r, "已添加学员 "+form.Name+"。")
	redirect(w, r, rosterURL(id))
}

// rosterRemove takes a trainee off the roster before the start, or
// withdraws them with a reason after it.
func (s *Server) rosterRemove(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.pathIDs(w, r, "id", "eid")
	if !ok {
		return
	}
	f := web.StepForm{Action: "remove-" + strconv.FormatInt(eid, 10), Reason: r.PostFormValue("reason")}
	err := s.store.RemoveTrainee(r.Context(), actor(r), id, eid, f.Reason)
	s.stepDone(w, r, err, f, "名单已更新。", rosterURL(id), func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
		s.renderRoster(w, r, status, func(p *web.RosterPage) { p.Step = f })
	})
}

// sendXLSX sends a workbook as an attachment.
func sendXLSX(w http.ResponseWriter, name string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
}

// rosterTemplate is the import template.
func (s *Server) rosterTemplate(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := roster.Template(&buf); err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, "学员名单导入模板.xlsx", buf.Bytes())
}

// rosterExport is the roster with ID numbers and phones masked.
func (s *Server) rosterExport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	c, list, err := s.store.ClassRoster(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendRoster(w, r, c, list, false)
}

func (s *Server) sendRoster(w http.ResponseWriter, r *http.Request, c training.Class, list []training.Enrolment, full bool) {
	var buf bytes.Buffer
	title := c.InstitutionName + " " + c.ClassNo + " " + c.OccupationName + " 学员名单"
	if err := roster.Export(&buf, title, list, full); err != nil {
		s.fail(w, r, err)
		return
	}
	name := "学员名单-" + c.ClassNo + ".xlsx"
	if full {
		name = "学员名单-" + c.ClassNo + "-完整.xlsx"
	}
	sendXLSX(w, name, buf.Bytes())
}

// rosterExportFull is the bureau's export with full ID numbers and
// phones: a reason is required and the export is audited.
func (s *Server) rosterExportFull(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form := web.ReasonForm{Reason: r.PostFormValue("reason")}
	c, list, err := s.store.ExportRosterFull(r.Context(), actor(r), id, form.Reason)
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderRoster(w, r, http.StatusUnprocessableEntity, func(p *web.RosterPage) { p.Export = form })
		return
	}
	s.sendRoster(w, r, c, list, true)
}

// rosterImport receives a roster file: it is read (bounded), sniffed and
// opened here, so a file that is not a spreadsheet, a zip bomb or a wrong
// header gets its message at once. The file is then stored and its
// validation enqueued in one transaction (internal/jobs runs it, on
// whichever node takes it); the job's page refreshes itself.
func (s *Server) rosterImport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	if err := s.store.CanImport(r.Context(), a, id); err != nil {
		s.importFailed(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	file, hdr, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		s.importFailed(w, r, http.StatusUnprocessableEntity, training.Invalid("file", "请选择要上传的文件"))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, roster.MaxFile+1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(data) > roster.MaxFile {
		s.importFailed(w, r, http.StatusRequestEntityTooLarge,
			training.Invalid("file", "文件超过"+strconv.Itoa(roster.MaxFile>>20)+"MB，请分批导入"))
		return
	}
	// At most a few files are open at once: each may hold up to MaxUnzip.
	select {
	case s.importSlots <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	rd, err := roster.Open(data)
	if err == nil {
		rd.Close() // the header is right; a job reads the rows, on any node
	}
	<-s.importSlots
	if err != nil {
		if msg, ok := roster.AsProblem(err); ok {
			s.importFailed(w, r, http.StatusUnprocessableEntity, training.Invalid("file", msg))
			return
		}
		s.fail(w, r, err)
		return
	}
	job, err := s.store.CreateImportJob(r.Context(), a, id, hdr.Filename, data)
	if err != nil {
		s.importFailed(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	redirect(w, r, rosterURL(id)+"/import/"+strconv.FormatInt(job, 10))
}

// importFailed shows the roster page with the upload's message, or the
// error page when the error is not about the form.
func (s *Server) importFailed(w http.ResponseWriter, r *http.Request, status int, err error) {
	var form web.Errors
	if !mergeErrors(err, &form) {
		s.fail(w, r, err)
		return
	}
	s.renderRoster(w, r, status, func(p *web.RosterPage) { p.Import = form })
}

func (s *Server) rosterImportJob(w http.ResponseWriter, r *http.Request) {
	s.renderImportJob(w, r, http.StatusOK, web.Errors{})
}

func (s *Server) renderImportJob(w http.ResponseWriter, r *http.Request, status int, errs web.Errors) {
	id, jid, ok := s.pathIDs(w, r, "id", "jid")
	if !ok {
		return
	}
	a := actor(r)
	c, job, report, err := s.store.ImportJobPage(r.Context(), a, id, jid, reportLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := web.ImportJobPage{Layout: s.layout(r, "名单导入 "+c.ClassNo, navClass(a)), Class: c, Job: job, Report: report,
		Limit: reportLimit, Errors: errs}
	if job.Running() {
		p.Layout.Refresh = 1
	}
	s.render(w, r, status, web.ImportJobView(p))
}

// rosterImportRun imports the valid rows of a validated file.
func (s *Server) rosterImportRun(w http.ResponseWriter, r *http.Request) {
	id, jid, ok := s.pathIDs(w, r, "id", "jid")
	if !ok {
		return
	}
	n, err := s.store.ImportRoster(r.Context(), actor(r), id, jid)
	if err != nil {
		var form web.Errors
		if !mergeErrors(err, &form) {
			s.fail(w, r, err)
			return
		}
		s.renderImportJob(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	s.flash(r, "已导入 "+strconv.Itoa(n)+" 名学员。")
	redirect(w, r, rosterURL(id))
}
