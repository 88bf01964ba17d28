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

func (s *Server) institutionList(w http.ResponseWriter, r *http.Request) {
	f, filters := institutionFilter(r)
	p := listParams(r)
	rows, total, err := s.store.Institutions(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	occs, err := s.store.Occupations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	occ := idText(f.OccupationID)
	view := make([]web.InstitutionListRow, len(rows))
	for i, row := range rows {
		view[i] = web.InstitutionListRow{Institution: row.Institution, ScopeCount: row.ScopeCount, UserCount: row.UserCount}
	}
	s.render(w, r, http.StatusOK, web.InstitutionListView(web.InstitutionListPage{Layout: s.layout(r, "培训机构", "institutions"),
		Rows: view, List: listView(r, p, total, filters).WithExport("/institutions.xlsx"), Status: string(f.Status), Name: f.Name, Occupation: occ, Occupations: occs}))
}

// institutionFilter reads the institution list's filters, and the query
// that keeps them in links.
func institutionFilter(r *http.Request) (repository.InstitutionFilter, url.Values) {
	q := r.URL.Query()
	f := repository.InstitutionFilter{Status: training.InstitutionStatus(q.Get("status")), Name: strings.TrimSpace(q.Get("name"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	f.OccupationID, _ = strconv.ParseInt(q.Get("occupation"), 10, 64)
	return f, filterEcho("status", string(f.Status), "name", f.Name, "occupation", idText(f.OccupationID))
}

func institutionFormFrom(r *http.Request) web.InstitutionForm {
	return web.InstitutionForm{
		Name: r.PostFormValue("name"), CreditCode: r.PostFormValue("credit_code"), Address: r.PostFormValue("address"),
		LegalRep: r.PostFormValue("legal_rep"), ContactName: r.PostFormValue("contact_name"),
		ContactPhone: r.PostFormValue("contact_phone"), Venue: r.PostFormValue("venue"),
		Facilities: r.PostFormValue("facilities"), Equipment: r.PostFormValue("equipment"),
		Staff: r.PostFormValue("staff"), Version: r.PostFormValue("version"),
	}
}

func institutionInput(f web.InstitutionForm) training.InstitutionInput {
	return training.InstitutionInput{Name: f.Name, CreditCode: f.CreditCode, Address: f.Address, LegalRep: f.LegalRep,
		ContactName: f.ContactName, ContactPhone: f.ContactPhone, Venue: f.Venue, Facilities: f.Facilities,
		Equipment: f.Equipment, Staff: f.Staff}
}

func (s *Server) institutionNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.InstitutionFormView(web.InstitutionFormPage{Layout: s.layout(r, "登记培训机构", "institutions")}))
}

func (s *Server) institutionCreate(w http.ResponseWriter, r *http.Request) {
	form := institutionFormFrom(r)
	id, err := s.store.CreateInstitution(r.Context(), actor(r), institutionInput(form))
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, web.InstitutionFormView(web.InstitutionFormPage{
			Layout: s.layout(r, "登记培训机构", "institutions"), Form: form}))
		return
	}
	s.flash(r, "机构已登记。请核定许可范围，再认定为定点机构。")
	redirect(w, r, "/institutions/"+strconv.FormatInt(id, 10))
}

func (s *Server) institutionShow(w http.ResponseWriter, r *http.Request) {
	s.renderInstitution(w, r, http.StatusOK, web.StatusForm{})
}

func (s *Server) renderInstitution(w http.ResponseWriter, r *http.Request, status int, form web.StatusForm) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	in, users, err := s.store.InstitutionPage(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := web.InstitutionShowPage{Layout: s.layout(r, in.Name, navInstitution(a)), Institution: in, Status: form,
		Inactive: training.InactiveFlag(in.Status, in.DecisionDate, in.LastClassStart, s.store.Today()), Users: users}
	s.render(w, r, status, web.InstitutionShowView(page))
}

func navInstitution(a training.Actor) string {
	if a.IsBureau() {
		return "institutions"
	}
	return "institution"
}

func (s *Server) institutionEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	in, err := s.store.InstitutionByID(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := web.InstitutionForm{Name: in.Name, CreditCode: in.CreditCode, Address: in.Address, LegalRep: in.LegalRep,
		ContactName: in.ContactName, ContactPhone: in.ContactPhone, Venue: in.Venue, Facilities: in.Facilities,
		Equipment: in.Equipment, Staff: in.Staff, Version: strconv.Itoa(in.Version)}
	s.render(w, r, http.StatusOK, web.InstitutionFormView(web.InstitutionFormPage{Layout: s.layout(r, "修改机构信息", navInstitution(a)),
		ID: id, Form: form, OnlyContact: !a.IsBureau()}))
}

func (s *Server) institutionUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	form := institutionFormFrom(r)
	version, _ := strconv.Atoi(form.Version)
	err := s.store.UpdateInstitution(r.Context(), a, id, version, institutionInput(form))
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, web.InstitutionFormView(web.InstitutionFormPage{
			Layout: s.layout(r, "修改机构信息", navInstitution(a)), ID: id, Form: form, OnlyContact: !a.IsBureau()}))
		return
	}
	s.flash(r, "机构信息已保存。")
	redirect(w, r, "/institutions/"+strconv.FormatInt(id, 10))
}

// institutionStatus handles the four workflow verbs of INST-1.
func (s *Server) institutionStatus(action training.InstitutionAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		form := web.StatusForm{StepForm: web.StepForm{Action: string(action), Reason: r.PostFormValue("reason")},
			DecisionNo: r.PostFormValue("decision_no"), DecisionDate: r.PostFormValue("decision_date"),
			DecidedBy: r.PostFormValue("decided_by")}
		err := s.store.ChangeInstitutionStatus(r.Context(), actor(r), id, formVersion(r), training.StatusChangeInput{
			Action: action, Reason: form.Reason, DecisionNo: form.DecisionNo, DecisionDate: form.DecisionDate, DecidedBy: form.DecidedBy})
		if err != nil {
			status, ok := refusal(err, &form.Errors)
			if !ok {
				s.fail(w, r, err)
				return
			}
			s.renderInstitution(w, r, status, form)
			return
		}
		s.flash(r, "已"+action.Label()+"。")
		redirect(w, r, "/institutions/"+strconv.FormatInt(id, 10))
	}
}

func (s *Server) scopeForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	in, err := s.store.InstitutionByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	values := map[int64]string{}
	for _, it := range in.Scope {
		values[it.OccupationID] = strconv.Itoa(int(it.MaxLevel))
	}
	s.renderScope(w, r, http.StatusOK, in, values, web.Errors{})
}

func (s *Server) renderScope(w http.ResponseWriter, r *http.Request, status int, in training.Institution, values map[int64]string, errs web.Errors) {
	occs, err := s.store.Occupations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]web.ScopeRow, len(occs))
	for i, o := range occs {
		rows[i] = web.ScopeRow{Occupation: o, Value: values[o.ID], Err: errs.Err("level_" + strconv.FormatInt(o.ID, 10))}
	}
	s.render(w, r, status, web.ScopeView(web.ScopePage{Layout: s.layout(r, "许可范围", "institutions"), Institution: in, Rows: rows, Errors: errs}))
}

func (s *Server) scopeSave(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	_ = r.ParseForm()
	var items []repository.ScopeInput
	values := map[int64]string{}
	var errs web.Errors
	for key, vals := range r.PostForm {
		occ, found := strings.CutPrefix(key, "level_")
		if !found || len(vals) == 0 || vals[0] == "" {
			continue
		}
		oid, err1 := strconv.ParseInt(occ, 10, 64)
		lvl, err2 := strconv.Atoi(vals[0])
		if err1 != nil || err2 != nil || lvl < 0 || lvl > 5 {
			errs.Set(key, "请选择有效的等级")
			continue
		}
		values[oid] = vals[0]
		items = append(items, repository.ScopeInput{OccupationID: oid, MaxLevel: training.Level(lvl)})
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	var err error
	if !errs.Any() {
		err = s.store.SetScope(r.Context(), a, id, version, items)
		if err == nil {
			s.flash(r, "许可范围已保存。")
			redirect(w, r, "/institutions/"+strconv.FormatInt(id, 10))
			return
		}
		if !mergeErrors(err, &errs) {
			s.fail(w, r, err)
			return
		}
	}
	in, err := s.store.InstitutionByID(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderScope(w, r, http.StatusUnprocessableEntity, in, values, errs)
}

func (s *Server) institutionHistory(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	p := listParams(r)
	in, entries, total, err := s.store.InstitutionHistoryPage(r.Context(), actor(r), id, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.HistoryView(web.HistoryPage{Layout: s.layout(r, "变更记录", "institutions"),
		Institution: in, Entries: entries, List: listView(r, p, total, nil)}))
}
