package server

import (
	"net/http"
	"strconv"
	"strings"

	"tianmu/internal/training"
	"tianmu/web"
)

// The examiner pool (考评员库, EXAM-2): the centre keeps its examiners once
// and picks them per session.

func parseExaminerForm(r *http.Request) (web.ExaminerForm, training.PoolExaminerInput) {
	f := web.ExaminerForm{Name: r.PostFormValue("name"), IDNumber: r.PostFormValue("id_number"), Employer: r.PostFormValue("employer"),
		CertificateNo: r.PostFormValue("certificate_no"), Version: r.PostFormValue("version")}
	in := training.PoolExaminerInput{Name: f.Name, IDNumber: f.IDNumber, Employer: f.Employer, CertificateNo: f.CertificateNo}
	for i := 0; i < web.ExaminerScopeRows; i++ {
		n := strconv.Itoa(i)
		f.Occupation[i], f.Level[i] = r.PostFormValue("scope_occupation_"+n), r.PostFormValue("scope_level_"+n)
		occ, _ := strconv.ParseInt(f.Occupation[i], 10, 64)
		lvl, err := strconv.Atoi(f.Level[i])
		if err != nil {
			lvl = -1
		}
		in.Scopes = append(in.Scopes, training.ScopeItem{OccupationID: occ, MaxLevel: training.Level(lvl)})
	}
	return f, in
}

func (s *Server) examinerPage(w http.ResponseWriter, r *http.Request, status int, edit *training.PoolExaminer, form web.ExaminerForm) {
	s.examinerPageStep(w, r, status, edit, form, web.StepForm{})
}

// examinerPageStep is the pool (or one record's edit form), with the step
// f (toggle-<id>) refused beside its button.
func (s *Server) examinerPageStep(w http.ResponseWriter, r *http.Request, status int, edit *training.PoolExaminer, form web.ExaminerForm, f web.StepForm) {
	a := actor(r)
	var pool []training.PoolExaminer
	var list web.List
	if edit == nil {
		// A refused step shows the page with its row.
		holding, _ := strconv.ParseInt(strings.TrimPrefix(f.Action, "toggle-"), 10, 64)
		pg := listParams(r)
		var total int
		var err error
		if pool, pg, total, err = s.store.ExaminerPool(r.Context(), a, pg, holding); err != nil {
			s.fail(w, r, err)
			return
		}
		list = listView(r, pg, total, nil)
	}
	occs, err := s.store.Occupations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.ExaminerPoolView(web.ExaminerPoolPage{Layout: s.layout(r, "考评员库", "examiners"), Pool: pool, List: list,
		Occupations: occs, Form: form, Edit: edit, Step: f}))
}

func (s *Server) examinerList(w http.ResponseWriter, r *http.Request) {
	s.examinerPage(w, r, http.StatusOK, nil, web.ExaminerForm{Version: "0"})
}

func (s *Server) examinerCreate(w http.ResponseWriter, r *http.Request) {
	form, in := parseExaminerForm(r)
	_, err := s.store.SaveExaminer(r.Context(), actor(r), 0, 0, in)
	if err == nil {
		s.flash(r, "考评员已登记到考评员库。")
		redirect(w, r, "/examiners")
		return
	}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.examinerPage(w, r, http.StatusUnprocessableEntity, nil, form)
}

func (s *Server) examinerEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	x, err := s.store.ExaminerByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.examinerPage(w, r, http.StatusOK, &x, web.ExaminerFormOf(x))
}

func (s *Server) examinerUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	x, err := s.store.ExaminerByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form, in := parseExaminerForm(r)
	if _, err = s.store.SaveExaminer(r.Context(), actor(r), id, formVersion(r), in); err == nil {
		s.flash(r, "考评员信息已保存。")
		redirect(w, r, "/examiners")
		return
	}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.examinerPage(w, r, http.StatusUnprocessableEntity, &x, form)
}

// examinerActive takes a record out of use or back into use.
func (s *Server) examinerActive(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		err := s.store.SetExaminerActive(r.Context(), actor(r), id, formVersion(r), active)
		s.stepDone(w, r, err, web.StepForm{Action: "toggle-" + strconv.FormatInt(id, 10)},
			map[bool]string{true: "考评员已启用。", false: "考评员已停用，不能再被安排考评。"}[active], "/examiners",
			func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
				s.examinerPageStep(w, r, status, nil, web.ExaminerForm{Version: "0"}, f)
			})
	}
}
