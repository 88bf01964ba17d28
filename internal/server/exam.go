package server

import (
	"net/http"
	"strconv"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

// Assessment applications (鉴定申报, 第九条) and evaluation organisations.

func applicationURL(id int64) string { return "/assessments/" + strconv.FormatInt(id, 10) }

func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

func formIDs(r *http.Request, key string) []int64 {
	var ids []int64
	for _, v := range r.PostForm[key] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

func (s *Server) applicationList(w http.ResponseWriter, r *http.Request) {
	f := applicationFilter(r)
	p := listParams(r)
	rows, total, err := s.store.Applications(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := filterEcho("status", string(f.Status))
	s.render(w, r, http.StatusOK, web.ApplicationListView(web.ApplicationListPage{Layout: s.layout(r, "鉴定申报", "assessments"),
		Rows: rows, List: listView(r, p, total, filters).WithExport("/assessments.xlsx"), Status: string(f.Status), Centre: actor(r).IsCentre()}))
}

// applicationFilter reads the application list's filter.
func applicationFilter(r *http.Request) repository.ApplicationFilter {
	f := repository.ApplicationFilter{Status: training.ApplicationStatus(r.URL.Query().Get("status"))}
	valid := false
	for _, st := range training.ApplicationStatuses {
		valid = valid || st == f.Status
	}
	if !valid {
		f.Status = ""
	}
	return f
}

func (s *Server) applicationFormPage(w http.ResponseWriter, r *http.Request, status int, classID int64, form *web.ApplicationForm) {
	d, err := s.store.ApplicationDraftFor(r.Context(), actor(r), classID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if form == nil {
		form = &web.ApplicationForm{Chosen: map[int64]bool{}, Reasons: map[int64]string{}}
		for _, c := range d.Candidates {
			form.Chosen[c.EnrolmentID], form.Reasons[c.EnrolmentID] = c.Chosen, c.Reason
		}
		if d.Application != nil {
			form.CertKind, form.EvalOrgID = string(d.Application.CertKind), strconv.FormatInt(d.Application.EvalOrgID, 10)
		}
	}
	s.render(w, r, status, web.ApplicationFormView(web.ApplicationFormPage{Layout: s.layout(r, "鉴定申报", "classes"),
		Class: d.Class, Returned: d.Application, Candidates: d.Candidates, Orgs: d.Orgs, Form: *form}))
}

func (s *Server) applicationNew(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	c, err := s.store.ClassByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !training.CanApplyAssessment(c.Status) {
		redirect(w, r, "/classes/"+strconv.FormatInt(id, 10))
		return
	}
	s.applicationFormPage(w, r, http.StatusOK, id, nil)
}

func (s *Server) applicationCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form := web.ApplicationForm{CertKind: r.PostFormValue("cert_kind"), EvalOrgID: r.PostFormValue("eval_org_id"), Chosen: map[int64]bool{},
		Reasons: map[int64]string{}}
	ids := formIDs(r, "candidate")
	for _, eid := range ids {
		form.Chosen[eid] = true
		form.Reasons[eid] = r.PostFormValue("reason_" + strconv.FormatInt(eid, 10))
	}
	org, _ := strconv.ParseInt(form.EvalOrgID, 10, 64)
	appID, err := s.store.Apply(r.Context(), actor(r), id, training.ApplicationInput{CertKind: training.CertKind(form.CertKind), EvalOrgID: org,
		EnrolmentIDs: ids, Reasons: form.Reasons})
	if err == nil {
		s.flash(r, "鉴定申报已提交，等待区职建中心受理。")
		redirect(w, r, applicationURL(appID))
		return
	}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.applicationFormPage(w, r, http.StatusUnprocessableEntity, id, &form)
}

func (s *Server) applicationShowPage(w http.ResponseWriter, r *http.Request, status int, id int64, ret web.StepForm) {
	a := actor(r)
	ap, sessions, err := s.store.ApplicationPage(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]web.SessionSummaryView, 0, len(sessions))
	for _, x := range sessions {
		views = append(views, web.SessionSummaryView{ID: x.ID, No: x.No, Retake: x.Retake, ExamDate: web.Date(x.ExamDate), Venue: x.Venue,
			Theory: x.Theory, Practical: x.Practical, Status: x.Status, Candidates: x.Candidates, Passed: x.Passed,
			Visible: training.ResultsVisible(a, x.Status)})
	}
	s.render(w, r, status, web.ApplicationShowView(web.ApplicationShowPage{Layout: s.layout(r, "鉴定申报 "+ap.ClassNo, "assessments"),
		App: ap, Sessions: views, Centre: a.IsCentre(), Return: ret}))
}

func (s *Server) applicationShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	s.applicationShowPage(w, r, http.StatusOK, id, web.StepForm{})
}

// applicationStepPage is the application's page with a refused step.
func (s *Server) applicationStepPage(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
	id, _ := idParam(r, "id")
	s.applicationShowPage(w, r, status, id, f)
}

// applicationDecide is accept (true) or return (false).
func (s *Server) applicationDecide(accept bool) http.HandlerFunc {
	action, done := "return", "已退回培训机构。"
	if accept {
		action, done = "accept", "已受理，请安排考试。"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		f := web.StepForm{Action: action, Reason: r.PostFormValue("reason")}
		err := s.store.DecideApplication(r.Context(), actor(r), id, formVersion(r), accept, f.Reason)
		s.stepDone(w, r, err, f, done, applicationURL(id), s.applicationStepPage)
	}
}

func (s *Server) applicationArchive(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	err := s.store.ArchiveApplication(r.Context(), actor(r), id, formVersion(r))
	s.stepDone(w, r, err, web.StepForm{Action: "archive"}, "鉴定申报及培训班已归档。", applicationURL(id), s.applicationStepPage)
}

func (s *Server) evalOrgPage(w http.ResponseWriter, r *http.Request, status int, form web.EvalOrgForm) {
	s.evalOrgAdmin(w, r, status, web.EvalOrgAdminPage{Form: form})
}

func (s *Server) evalOrgList(w http.ResponseWriter, r *http.Request) {
	s.evalOrgPage(w, r, http.StatusOK, web.EvalOrgForm{})
}

func (s *Server) evalOrgCreate(w http.ResponseWriter, r *http.Request) {
	form := web.EvalOrgForm{Name: strings.TrimSpace(r.PostFormValue("name")), ApprovalNo: strings.TrimSpace(r.PostFormValue("approval_no"))}
	_, err := s.store.CreateEvalOrg(r.Context(), actor(r), training.EvalOrgInput{Name: form.Name, ApprovalNo: form.ApprovalNo})
	if err == nil {
		s.flash(r, "已登记社会培训评价机构。")
		redirect(w, r, "/eval-orgs")
		return
	}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.evalOrgPage(w, r, http.StatusUnprocessableEntity, form)
}
