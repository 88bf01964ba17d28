package server

import (
	"net/http"
	"strconv"
	"strings"

	"tianmu/internal/training"
	"tianmu/web"
)

// Subsidy standards (SUB-1): the bureau's page of dated figures.

func (s *Server) subsidyStandards(w http.ResponseWriter, r *http.Request) {
	s.subsidyPage(w, r, http.StatusOK, web.FigureForm{})
}

func (s *Server) subsidyPage(w http.ResponseWriter, r *http.Request, status int, form web.FigureForm) {
	s.subsidyPageStep(w, r, status, form, web.StepForm{})
}

// subsidyPageStep is the page with the add form and a row's end step as
// typed, after a refusal.
func (s *Server) subsidyPageStep(w http.ResponseWriter, r *http.Request, status int, form web.FigureForm, step web.StepForm) {
	p, err := s.store.SubsidyPage(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.SubsidyStandardsView(web.SubsidyStandardsPage{Layout: s.layout(r, "补贴标准", "claims"),
		Tables: p.Tables, Occupations: p.Occupations, Today: s.store.Today(), Form: form, Step: step}))
}

func (s *Server) subsidyFigureAdd(w http.ResponseWriter, r *http.Request) {
	in := training.FigureInput{Kind: r.PostFormValue("kind"), Type: r.PostFormValue("type"), Level: r.PostFormValue("level"),
		OccupationID: r.PostFormValue("occupation_id"), Group: r.PostFormValue("group"), MinLevel: r.PostFormValue("min_level"),
		Shortage: r.PostFormValue("shortage") == "1", Amount: r.PostFormValue("amount"), Percent: r.PostFormValue("percent"),
		From: r.PostFormValue("from"), SourceDoc: r.PostFormValue("source_doc"), Note: r.PostFormValue("note")}
	form := web.FigureForm{Input: in}
	_, err := s.store.AddFigure(r.Context(), actor(r), in)
	if err == nil {
		s.flash(r, "已保存，自生效日期起适用。")
		redirect(w, r, "/subsidy-standards")
		return
	}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.subsidyPage(w, r, http.StatusUnprocessableEntity, form)
}

func (s *Server) subsidyFigureEnd(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	kind, to := r.PathValue("kind"), strings.TrimSpace(r.PostFormValue("to"))
	err := s.store.EndFigure(r.Context(), actor(r), kind, id, to)
	f := web.StepForm{Action: "end-" + kind + "-" + strconv.FormatInt(id, 10), Reason: to}
	s.stepDone(w, r, err, f, "已设截止日期。", "/subsidy-standards", func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
		s.subsidyPageStep(w, r, status, web.FigureForm{}, f)
	})
}
