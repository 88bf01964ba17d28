package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

func classURL(id int64) string { return "/classes/" + strconv.FormatInt(id, 10) }

// classList is an institution's filings, or for the bureau every filing;
// the review queue (/review) is the bureau's list of submitted filings in
// order of urgency.
func (s *Server) classList(w http.ResponseWriter, r *http.Request) {
	s.renderClassList(w, r, false)
}

func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request) {
	s.renderClassList(w, r, true)
}

func (s *Server) renderClassList(w http.ResponseWriter, r *http.Request, queue bool) {
	a := actor(r)
	f, filters := classFilter(r, queue)
	p := listParams(r)
	rows, total, err := s.store.Classes(r.Context(), a, f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	occs, err := s.store.Occupations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := web.ClassListPage{Layout: s.layout(r, "办班备案", "classes"), Heading: "办班备案", Bureau: a.IsBureau(),
		Status: string(f.Status), Type: string(f.Type), Occupations: occs}
	export := "/classes.xlsx"
	if queue {
		page.Layout = s.layout(r, "备案审核", "review")
		page.Heading = "备案审核（按开班日期排序，越靠前越紧急）"
		export = "/review.xlsx"
	}
	page.Occupation, page.Institution = idText(f.OccupationID), f.Institution
	today := s.store.Today()
	for _, row := range rows {
		page.Rows = append(page.Rows, web.ClassListRow{Class: row.Class, PendingChange: row.HasPendingChange, Warnings: row.CheckWarnings,
			Display: training.DisplayStatus(row.Status, row.Plan.StartDate, today), Deadline: s.deadline(r, row.Plan.StartDate).Date})
	}
	page.List = listView(r, p, total, filters).WithExport(export)
	s.render(w, r, http.StatusOK, web.ClassListView(page))
}

// classFilter reads the class list's (or the review queue's) filters, and
// the query that keeps them in links.
func classFilter(r *http.Request, queue bool) (repository.ClassFilter, url.Values) {
	q := r.URL.Query()
	f := repository.ClassFilter{Status: training.ClassStatus(q.Get("status")), Type: training.ClassType(q.Get("type"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if !f.Type.Valid() {
		f.Type = ""
	}
	if queue && !q.Has("status") {
		f.Status = training.ClassSubmitted
	}
	f.OccupationID, _ = strconv.ParseInt(q.Get("occupation"), 10, 64)
	if actor(r).IsBureau() {
		f.InstitutionID, _ = strconv.ParseInt(q.Get("institution"), 10, 64)
		f.Institution = strings.TrimSpace(q.Get("inst"))
	}
	filters := filterEcho("type", string(f.Type), "occupation", idText(f.OccupationID), "institution", idText(f.InstitutionID),
		"inst", f.Institution)
	if f.Status != "" || queue {
		// The review queue keeps an explicit "all statuses" in its links.
		filters.Set("status", string(f.Status))
	}
	return f, filters
}

func (s *Server) classFormPage(r *http.Request, id int64, classNo string, change bool, form web.ClassForm, start string) (web.ClassFormPage, error) {
	a := actor(r)
	instID := a.InstitutionID
	choices, err := s.store.FilingChoices(r.Context(), a, instID)
	if err != nil {
		return web.ClassFormPage{}, err
	}
	title := "办班备案"
	startDate := parseDate(start, "", &web.Errors{})
	return web.ClassFormPage{Layout: s.layout(r, title, "classes"), ID: id, ClassNo: classNo, Change: change, Form: form,
		Choices: web.FilingChoices(choices), Deadline: s.deadline(r, startDate)}, nil
}

func (s *Server) classNew(w http.ResponseWriter, r *http.Request) {
	form := web.ClassForm{Type: string(training.TypeSkillLevel), Level: "4", Textbooks: map[string]bool{}}.WithBlanks(0)
	page, err := s.classFormPage(r, 0, "", false, form, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ClassFormView(page))
}

// classCreate saves a new draft; with intent=submit it then submits it
// (every check at once).
func (s *Server) classCreate(w http.ResponseWriter, r *http.Request) {
	form, plan := parseClassForm(r)
	if s.classFormTool(w, r, 0, false, form) {
		return
	}
	if form.Any() {
		s.renderClassForm(w, r, 0, "", false, form)
		return
	}
	id, err := s.store.CreateClass(r.Context(), actor(r), plan)
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderClassForm(w, r, 0, "", false, form)
		return
	}
	s.afterSave(w, r, id, 1, true, form, plan) // a new filing is at version 1
}

func (s *Server) classEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	c, err := s.store.ClassByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !training.CanEditPlan(c.Status) || !actor(r).IsInstitution() {
		redirect(w, r, classURL(id))
		return
	}
	extra, _ := strconv.Atoi(r.URL.Query().Get("more"))
	form := web.ClassFormOf(c.Plan, c.Version).WithBlanks(min(max(extra, 0), 20))
	page, err := s.classFormPage(r, id, c.ClassNo, false, form, form.StartDate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ClassFormView(page))
}

func (s *Server) classUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form, plan := parseClassForm(r)
	if s.classFormTool(w, r, id, false, form) {
		return
	}
	if form.Any() {
		s.renderClassForm(w, r, id, "", false, form)
		return
	}
	version, _ := strconv.Atoi(form.Version)
	s.afterSave(w, r, id, version, false, form, plan)
}

// afterSave saves the plan of filing id (unless it was just created with
// it) and, with intent=submit, submits it.
func (s *Server) afterSave(w http.ResponseWriter, r *http.Request, id int64, version int, created bool, form web.ClassForm, plan training.Plan) {
	intent := r.PostFormValue("intent")
	submit := intent == "submit"
	if !created || submit {
		err := s.store.SaveClass(r.Context(), actor(r), id, version, plan, submit)
		if err != nil {
			if !mergeErrors(err, &form.Errors) {
				s.fail(w, r, err)
				return
			}
			// The refused save changed nothing: the filing is still at
			// version (a new filing: the draft just created), and the
			// returned form must carry it to be submitted again.
			form.Version = strconv.Itoa(version)
			s.renderClassForm(w, r, id, "", false, form)
			return
		}
	}
	switch intent {
	case "submit":
		s.flash(r, "已提交备案，等待区人力社保局审核。")
		redirect(w, r, classURL(id))
	case "more":
		redirect(w, r, classURL(id)+"/edit?more=5")
	default:
		s.flash(r, "草稿已保存。")
		redirect(w, r, classURL(id)+"/edit")
	}
}

func (s *Server) renderClassForm(w http.ResponseWriter, r *http.Request, id int64, classNo string, change bool, form web.ClassForm) {
	if id != 0 {
		if c, err := s.store.ClassByID(r.Context(), actor(r), id); err == nil {
			classNo = c.ClassNo
		}
	}
	page, err := s.classFormPage(r, id, classNo, change, form.WithBlanks(0), form.StartDate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.ClassFormView(page))
}

func (s *Server) classShow(w http.ResponseWriter, r *http.Request) {
	s.renderClassShow(w, r, http.StatusOK, web.StepForm{})
}

func (s *Server) renderClassShow(w http.ResponseWriter, r *http.Request, status int, step web.StepForm) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	hp := repository.Page{Number: atoiOr(r.URL.Query().Get("hpage"), 1), Size: repository.PageSize}
	cp, err := s.store.ClassPage(r.Context(), a, id, hp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := cp.Class
	page := web.ClassShowPage{Layout: s.layout(r, "办班备案 "+c.ClassNo, navClass(a)), Class: c, Step: step, Bureau: a.IsBureau(),
		Display: training.DisplayStatus(c.Status, c.Plan.StartDate, s.store.Today()), Deadline: s.deadline(r, c.Plan.StartDate),
		Check: cp.Check, Versions: cp.Versions, History: cp.History, Names: web.NamesOf(web.FilingChoices(cp.Names))}
	if d := cp.Delivery; d != nil {
		page.Delivery = &web.DeliveryView{ClassID: c.ID, Plan: c.Plan, Deliveries: d.Deliveries, Summary: d.Summary, Trainees: d.Trainees,
			Record: training.CanRecordAttendance(a, c.Status)}
	}
	page.HistoryList = web.List{Path: r.URL.Path, Page: hp.Number, Size: hp.Size, Total: cp.HistoryTotal, PageParam: "hpage"}
	for _, t := range c.Plan.Teachers {
		page.Names.Teachers[t.TeacherID] = t.Name
	}
	s.render(w, r, status, web.ClassShowView(page))
}

func navClass(a training.Actor) string {
	if a.IsBureau() {
		return "review"
	}
	return "classes"
}

// classSubmit submits the saved plan from the filing page.
func (s *Server) classSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	err := s.store.SubmitClass(r.Context(), actor(r), id, formVersion(r))
	s.stepDone(w, r, err, web.StepForm{Action: "submit"}, "已提交备案，等待区人力社保局审核。", classURL(id), s.renderClassShow)
}

// classStep handles withdraw, approve, return and cancel.
func (s *Server) classStep(action training.ClassAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		step := web.StepForm{Action: string(action), Reason: r.PostFormValue("reason")}
		err := s.store.StepClass(r.Context(), actor(r), id, repository.ClassStep{Action: action, Version: formVersion(r), Reason: step.Reason})
		s.stepDone(w, r, err, step, "已"+action.Label()+"。", classURL(id), s.renderClassShow)
	}
}

func (s *Server) classException(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	step := web.StepForm{Action: "exception", Size: r.PostFormValue("size"), Reason: r.PostFormValue("reason")}
	size, err := strconv.Atoi(step.Size)
	if err != nil {
		err = training.Invalid("exception_size", "请填写人数（整数）")
	} else {
		err = s.store.RequestSizeException(r.Context(), actor(r), id, formVersion(r), size, step.Reason)
	}
	s.stepDone(w, r, err, step, "人数例外申请已提交。", classURL(id), s.renderClassShow)
}

func (s *Server) classExceptionDecide(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	step := web.StepForm{Action: "exception-decide", Approved: r.PostFormValue("approved")}
	n, err := strconv.Atoi(step.Approved)
	if err != nil || n < 0 {
		err = training.Invalid("exception_approved", "请填写人数（整数，0 为不同意）")
	} else {
		err = s.store.DecideSizeException(r.Context(), actor(r), id, formVersion(r), n)
	}
	s.stepDone(w, r, err, step, "人数例外已决定。", classURL(id), s.renderClassShow)
}

func (s *Server) classChangeForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	c, err := s.store.ClassByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !training.CanRequestChange(actor(r), c) {
		redirect(w, r, classURL(id))
		return
	}
	form := web.ClassFormOf(c.Plan, c.Version).WithBlanks(0)
	page, err := s.classFormPage(r, id, c.ClassNo, true, form, form.StartDate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ClassFormView(page))
}

func (s *Server) classChange(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form, plan := parseClassForm(r)
	if s.classFormTool(w, r, id, true, form) {
		return
	}
	if !form.Any() {
		version, _ := strconv.Atoi(form.Version)
		err := s.store.RequestChange(r.Context(), actor(r), id, version, plan, form.Reason)
		if err == nil {
			s.flash(r, "变更申请已提交，经区人力社保局同意后生效。")
			redirect(w, r, classURL(id))
			return
		}
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
	}
	s.renderClassForm(w, r, id, "", true, form)
}

func (s *Server) classChangeDecide(approve bool) http.HandlerFunc {
	done, action := "已不同意变更。", "change-reject"
	if approve {
		done, action = "已同意变更，新计划生效。", "change-approve"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		step := web.StepForm{Action: action, Reason: r.PostFormValue("decision")}
		err := s.store.DecideChange(r.Context(), actor(r), id, formVersion(r), approve, step.Reason)
		s.stepDone(w, r, err, step, done, classURL(id), s.renderClassShow)
	}
}
