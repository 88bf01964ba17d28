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

func textbookURL(id int64) string { return "/textbooks/" + strconv.FormatInt(id, 10) }

func (s *Server) textbookList(w http.ResponseWriter, r *http.Request) {
	f, filters := textbookFilter(r)
	p := listParams(r)
	a := actor(r)
	rows, total, err := s.store.Textbooks(r.Context(), a, f, p)
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
	s.render(w, r, http.StatusOK, web.TextbookListView(web.TextbookListPage{Layout: s.layout(r, "教材目录", "textbooks"),
		Rows: rows, List: listView(r, p, total, filters).WithExport("/textbooks.xlsx"), Status: string(f.Status), Text: f.Text, Occupation: occ,
		Occupations: occs, CanAdd: a.IsBureau() || a.IsInstitution(), Bureau: a.IsBureau()}))
}

// textbookFilter reads the catalogue's filters, and the query that keeps
// them in links.
func textbookFilter(r *http.Request) (repository.TextbookFilter, url.Values) {
	q := r.URL.Query()
	f := repository.TextbookFilter{Status: training.TextbookStatus(q.Get("status")), Text: strings.TrimSpace(q.Get("q"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	f.OccupationID, _ = strconv.ParseInt(q.Get("occupation"), 10, 64)
	return f, filterEcho("status", string(f.Status), "q", f.Text, "occupation", idText(f.OccupationID))
}

func textbookFormFrom(r *http.Request) web.TextbookForm {
	f := web.TextbookForm{Title: r.PostFormValue("title"), ISBN: r.PostFormValue("isbn"), InternalCode: r.PostFormValue("internal_code"),
		Publisher: r.PostFormValue("publisher"), Edition: r.PostFormValue("edition"), Status: r.PostFormValue("status"),
		Version: r.PostFormValue("version")}
	for i := 0; i < web.TextbookUseRows; i++ {
		f.UseOcc[i] = r.PostFormValue("use_occ_" + strconv.Itoa(i))
		f.UseLevel[i] = r.PostFormValue("use_level_" + strconv.Itoa(i))
	}
	return f
}

// textbookInput turns the form into input; blank use lines are skipped,
// and the error keys of use lines keep the form's row numbers.
func textbookInput(f web.TextbookForm) (training.TextbookInput, web.Errors) {
	in := training.TextbookInput{Title: f.Title, ISBN: f.ISBN, InternalCode: f.InternalCode, Publisher: f.Publisher,
		Edition: f.Edition, Status: training.TextbookStatus(f.Status)}
	var errs web.Errors
	for i := 0; i < web.TextbookUseRows; i++ {
		if f.UseOcc[i] == "" {
			continue
		}
		occ, err1 := strconv.ParseInt(f.UseOcc[i], 10, 64)
		lvl, err2 := strconv.Atoi(f.UseLevel[i])
		if err1 != nil || err2 != nil || lvl < 0 || lvl > 5 {
			errs.Set("use_"+strconv.Itoa(i), "请选择有效的工种和等级")
			continue
		}
		in.Uses = append(in.Uses, training.TextbookUse{OccupationID: occ, Level: training.Level(lvl)})
	}
	return in, errs
}

// renumberUseErrors maps the domain's use_N (index into the non-blank
// lines) back to the form's row numbers.
func renumberUseErrors(f web.TextbookForm, e *web.Errors) {
	var rows []int
	for i := 0; i < web.TextbookUseRows; i++ {
		if f.UseOcc[i] != "" {
			rows = append(rows, i)
		}
	}
	for k, m := range e.Fields {
		if n, ok := strings.CutPrefix(k, "use_"); ok {
			if idx, err := strconv.Atoi(n); err == nil && idx < len(rows) && rows[idx] != idx {
				delete(e.Fields, k)
				e.Fields["use_"+strconv.Itoa(rows[idx])] = m
			}
		}
	}
}

func (s *Server) textbookFormPage(w http.ResponseWriter, r *http.Request, status int, id int64, form web.TextbookForm) {
	occs, err := s.store.Occupations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "申报教材"
	if actor(r).IsBureau() {
		title = "登记教材"
	}
	if id != 0 {
		title = "修改教材信息"
	}
	s.render(w, r, status, web.TextbookFormView(web.TextbookFormPage{Layout: s.layout(r, title, "textbooks"), ID: id, Form: form,
		Occupations: occs, Bureau: actor(r).IsBureau()}))
}

func (s *Server) textbookNew(w http.ResponseWriter, r *http.Request) {
	s.textbookFormPage(w, r, http.StatusOK, 0, web.TextbookForm{Status: string(training.TextbookApproved)})
}

func (s *Server) textbookCreate(w http.ResponseWriter, r *http.Request) {
	form := textbookFormFrom(r)
	in, errs := textbookInput(form)
	var id int64
	var err error
	if !errs.Any() {
		id, err = s.store.CreateTextbook(r.Context(), actor(r), in)
		if err == nil {
			if actor(r).IsBureau() {
				s.flash(r, "教材已登记。")
			} else {
				s.flash(r, "教材已申报，待区人力社保局核准。")
			}
			redirect(w, r, textbookURL(id))
			return
		}
	}
	form.Errors = errs
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		renumberUseErrors(form, &form.Errors)
	}
	s.textbookFormPage(w, r, http.StatusUnprocessableEntity, 0, form)
}

func (s *Server) textbookShow(w http.ResponseWriter, r *http.Request) {
	s.renderTextbook(w, r, http.StatusOK, web.StepForm{})
}

func (s *Server) renderTextbook(w http.ResponseWriter, r *http.Request, status int, form web.StepForm) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	b, err := s.store.TextbookByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.TextbookShowView(web.TextbookShowPage{Layout: s.layout(r, b.Title, "textbooks"), Textbook: b, Status: form}))
}

func (s *Server) textbookEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	b, err := s.store.TextbookByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := web.TextbookForm{Title: b.Title, ISBN: b.ISBN, InternalCode: b.InternalCode, Publisher: b.Publisher,
		Edition: b.Edition, Status: string(b.Status), Version: strconv.Itoa(b.Version)}
	for i, u := range b.Uses {
		if i < web.TextbookUseRows {
			form.UseOcc[i], form.UseLevel[i] = strconv.FormatInt(u.OccupationID, 10), strconv.Itoa(int(u.Level))
		}
	}
	s.textbookFormPage(w, r, http.StatusOK, id, form)
}

func (s *Server) textbookUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	form := textbookFormFrom(r)
	in, errs := textbookInput(form)
	version, _ := strconv.Atoi(form.Version)
	var err error
	if !errs.Any() {
		if err = s.store.UpdateTextbook(r.Context(), actor(r), id, version, in); err == nil {
			s.flash(r, "教材信息已保存。")
			redirect(w, r, textbookURL(id))
			return
		}
	}
	form.Errors = errs
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		renumberUseErrors(form, &form.Errors)
	}
	s.textbookFormPage(w, r, http.StatusUnprocessableEntity, id, form)
}

// textbookStatus handles the catalogue decisions.
func (s *Server) textbookStatus(action training.TextbookAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		form := web.StepForm{Action: string(action), Reason: r.PostFormValue("reason")}
		err := s.store.ChangeTextbookStatus(r.Context(), actor(r), id, formVersion(r), action, form.Reason)
		s.stepDone(w, r, err, form, "已"+action.Label()+"。", textbookURL(id), s.renderTextbook)
	}
}
