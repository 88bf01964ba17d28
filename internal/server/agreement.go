package server

import (
	"net/http"
	"strconv"
	"strings"

	"tianmu/internal/training"
	"tianmu/web"
)

// agreementTemplateForm is the bureau's editor of the agreement template.
func (s *Server) agreementTemplateForm(w http.ResponseWriter, r *http.Request) {
	s.renderAgreementTemplate(w, r, http.StatusOK, nil)
}

func (s *Server) renderAgreementTemplate(w http.ResponseWriter, r *http.Request, status int, form *web.AgreementTemplateForm) {
	// One read: the versions, newest first; the newest is in force.
	versions, err := s.store.AgreementTemplates(r.Context(), actor(r))
	if err == nil && len(versions) == 0 {
		err = training.ErrNotFound
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur := versions[0]
	if form == nil {
		form = &web.AgreementTemplateForm{Version: strconv.Itoa(cur.No), Body: cur.Body}
	}
	s.render(w, r, status, web.AgreementTemplateView(web.AgreementTemplatePage{Layout: s.layout(r, "培训协议模板", "delivery"),
		Current: cur, Versions: versions, Form: *form}))
}

// agreementTemplateSave saves the template as a new version (audited).
func (s *Server) agreementTemplateSave(w http.ResponseWriter, r *http.Request) {
	form := web.AgreementTemplateForm{Version: r.PostFormValue("version"), Body: r.PostFormValue("body"), Note: r.PostFormValue("note")}
	version, _ := strconv.Atoi(form.Version)
	no, err := s.store.SaveAgreementTemplate(r.Context(), actor(r), version, form.Body, form.Note)
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderAgreementTemplate(w, r, http.StatusUnprocessableEntity, &form)
		return
	}
	s.flash(r, "协议模板已保存为第"+strconv.Itoa(no)+"版。")
	redirect(w, r, "/agreement-template")
}

// classAgreements is the page of a class's training agreements: the
// institution records them for the whole class on one form; the bureau
// reads them.
func (s *Server) classAgreements(w http.ResponseWriter, r *http.Request) {
	s.renderClassAgreements(w, r, http.StatusOK, nil, web.Errors{})
}

func (s *Server) renderClassAgreements(w http.ResponseWriter, r *http.Request, status int, typed map[int64]training.AgreementInput, errs web.Errors) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	c, roster, err := s.store.ClassRoster(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := web.ClassAgreementsPage{Layout: s.layout(r, "培训协议 "+c.ClassNo, navClass(a)), Class: c, Errors: errs}
	if a.IsInstitution() {
		page.Closed = training.AgreementsClosedReason(c.Status)
		page.Editable = page.Closed == ""
	}
	for _, e := range roster {
		if !e.Status.OnRoster() {
			continue
		}
		row := web.AgreementRow{EnrolmentID: e.ID, Name: e.Trainee.Name, MaskedID: training.MaskID(e.Trainee.IDNumber),
			Recorded: e.HasAgreement(), No: e.AgreementNo}
		if e.AgreementDate != nil {
			row.Date = e.AgreementDate.Format("2006-01-02")
		}
		if e.PaysFee != nil {
			row.Fee = map[bool]string{true: "yes", false: "no"}[*e.PaysFee]
		}
		if in, ok := typed[e.ID]; ok {
			row.No, row.Date, row.Fee = in.No, in.Date, in.Fee
		}
		page.Rows = append(page.Rows, row)
	}
	s.render(w, r, status, web.ClassAgreementsView(page))
}

// rowsByID collects the fields name.<id> of a form into rows by id.
func rowsByID(r *http.Request, set func(id int64, field, value string)) {
	for k, vs := range r.PostForm {
		field, idText, ok := strings.Cut(k, ".")
		if !ok || len(vs) == 0 {
			continue
		}
		if id, err := strconv.ParseInt(idText, 10, 64); err == nil && id > 0 {
			set(id, field, vs[0])
		}
	}
}

// classAgreementsSave records the whole class's agreements in one
// transaction; a page with any wrong row saves nothing and comes back with
// the typed values and a message on each wrong row.
func (s *Server) classAgreementsSave(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	rows := map[int64]training.AgreementInput{}
	rowsByID(r, func(eid int64, field, value string) {
		in := rows[eid]
		switch field {
		case "agreement_no":
			in.No = value
		case "agreement_date":
			in.Date = value
		case "pays_fee":
			in.Fee = value
		default:
			return
		}
		rows[eid] = in
	})
	n, err := s.store.RecordAgreements(r.Context(), actor(r), id, rows)
	if err != nil {
		var errs web.Errors
		if !mergeErrors(err, &errs) {
			s.fail(w, r, err)
			return
		}
		s.renderClassAgreements(w, r, http.StatusUnprocessableEntity, rows, errs)
		return
	}
	if n == 0 {
		s.flash(r, "培训协议没有变化。")
	} else {
		s.flash(r, "已保存"+strconv.Itoa(n)+"名学员的培训协议。")
	}
	redirect(w, r, classURL(id)+"/agreements")
}

// classAgreementsPrint prints every enrolled trainee's agreement, one per
// page; enrolmentAgreementPrint one trainee's. Both show the full ID number
// and are audited.
func (s *Server) classAgreementsPrint(w http.ResponseWriter, r *http.Request) {
	s.printAgreements(w, r, 0)
}

func (s *Server) enrolmentAgreementPrint(w http.ResponseWriter, r *http.Request) {
	eid, ok := s.pathID(w, r, "eid")
	if !ok {
		return
	}
	s.printAgreements(w, r, eid)
}

func (s *Server) printAgreements(w http.ResponseWriter, r *http.Request, eid int64) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	out, err := s.store.PrintAgreements(r.Context(), a, id, eid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := web.AgreementPrintPage{Layout: s.layout(r, "职业培训协议书 "+out.Class.ClassNo, navClass(a)), ClassID: id,
		ClassNo: out.Class.ClassNo, TemplateNo: out.TemplateNo}
	for _, pa := range out.Agreements {
		page.Agreements = append(page.Agreements, web.PrintedAgreement{Name: pa.TraineeName, Recorded: pa.Recorded, Text: pa.Text,
			SurveyCode: pa.SurveyCode, SurveyURL: s.cfg.BaseURL + "/survey?code=" + pa.SurveyCode})
	}
	w.Header().Set("Cache-Control", "no-store") // full ID numbers
	s.render(w, r, http.StatusOK, web.AgreementPrintView(page))
}
