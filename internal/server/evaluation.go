package server

import (
	"bytes"
	"net/http"
	"strconv"

	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// The annual evaluation (考评验审, SUP-6, 第十五条).

func evaluationURL(year int) string { return "/evaluations/" + strconv.Itoa(year) }

func yearParam(r *http.Request) (int, bool) {
	y, err := strconv.Atoi(r.PathValue("year"))
	return y, err == nil && y >= 2000 && y <= 2100
}

func (s *Server) evaluationList(w http.ResponseWriter, r *http.Request) {
	d := training.DefaultEvalSettings(s.store.Today().Year() - 1)
	s.renderEvaluationList(w, r, http.StatusOK, web.EvalSettingsFormOf(d))
}

func (s *Server) renderEvaluationList(w http.ResponseWriter, r *http.Request, status int, form web.EvalSettingsForm) {
	years, err := s.store.EvaluationYears(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.EvaluationListView(web.EvaluationListPage{Layout: s.layout(r, "年度考评验审", "supervision"), Years: years, Form: form}))
}

func (s *Server) evaluationSettings(w http.ResponseWriter, r *http.Request) {
	form := web.EvalSettingsForm{Input: training.EvalSettingsInput{Year: r.PostFormValue("year"), WPass: r.PostFormValue("w_pass"),
		WEmployment: r.PostFormValue("w_employment"), WSatisfaction: r.PostFormValue("w_satisfaction"),
		DComplaint: r.PostFormValue("d_complaint"), DFinding: r.PostFormValue("d_finding"), DOverdue: r.PostFormValue("d_overdue"),
		DShortfall: r.PostFormValue("d_shortfall"), DRecovered: r.PostFormValue("d_recovered"),
		Excellent: r.PostFormValue("excellent"), Pass: r.PostFormValue("pass"), Basic: r.PostFormValue("basic")}}
	year, err := s.store.SaveEvaluationSettings(r.Context(), actor(r), form.Input)
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.renderEvaluationList(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	s.flash(r, "考评设置已保存。")
	redirect(w, r, evaluationURL(year))
}

func (s *Server) evaluationShow(w http.ResponseWriter, r *http.Request) {
	s.renderEvaluation(w, r, http.StatusOK, web.StepForm{})
}

// renderEvaluation is the year's page, with the step f refused.
func (s *Server) renderEvaluation(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
	year, ok := yearParam(r)
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	p := listParams(r)
	p.Size = 50
	page, err := s.store.EvaluationPage(r.Context(), actor(r), year, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.layout(r, strconv.Itoa(year)+"年度考评验审", "supervision")
	if page.Settings.Status == training.EvalRunning {
		l.Refresh = 2
	}
	s.render(w, r, status, web.EvaluationView(web.EvaluationPageView{Layout: l, P: page, List: listView(r, p, page.Total, nil), Step: f}))
}

// evaluationExport downloads a year's whole ranking as .xlsx, in the
// table's order (the sort of the page it was clicked on).
func (s *Server) evaluationExport(w http.ResponseWriter, r *http.Request) {
	year, ok := yearParam(r)
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	var buf bytes.Buffer
	err := roster.Stream(&buf, strconv.Itoa(year)+"年度考评", strconv.Itoa(year)+" 年度培训机构考评验审排名", web.EvalExportHeader,
		[]float64{6, 36, 8, 10, 9, 11, 9, 11, 9, 9, 9, 9, 9, 12, 14, 8, 12, 12, 30},
		func(put func(...string) error) error {
			return s.store.EvaluationExport(r.Context(), actor(r), year, listParams(r), func(row training.EvalRow) error {
				return put(web.EvalExportRow(row)...)
			})
		})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="evaluation-`+strconv.Itoa(year)+`.xlsx"`)
	_, _ = buf.WriteTo(w)
}

// evaluationStep runs (or re-runs) or publishes a year.
func (s *Server) evaluationStep(publish bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		year, ok := yearParam(r)
		if !ok {
			s.fail(w, r, training.ErrNotFound)
			return
		}
		if publish {
			err := s.store.PublishEvaluation(r.Context(), actor(r), year)
			s.stepDone(w, r, err, web.StepForm{Action: "publish"}, "考评结果已公布，不能再重新计算。", evaluationURL(year), s.renderEvaluation)
			return
		}
		err := s.store.StartEvaluation(r.Context(), actor(r), year)
		s.stepDone(w, r, err, web.StepForm{Action: "run"}, "考评已开始计算，页面将显示进度。", evaluationURL(year), s.renderEvaluation)
	}
}

func (s *Server) evaluationOutcome(w http.ResponseWriter, r *http.Request) {
	year, ok1 := yearParam(r)
	inst, ok2 := idParam(r, "id")
	if !ok1 || !ok2 {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	f := web.StepForm{Action: "outcome-" + strconv.Itoa(year), Approved: r.PostFormValue("outcome"), Reason: r.PostFormValue("note")}
	err := s.store.RecordOutcome(r.Context(), actor(r), year, inst, training.EvalOutcome(f.Approved), f.Reason)
	s.stepDone(w, r, err, f, "处理结果已记录。", "/institutions/"+strconv.FormatInt(inst, 10)+"/scorecard",
		func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
			s.renderScorecard(w, r, status, inst, f)
		})
}

func (s *Server) scorecard(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	s.renderScorecard(w, r, http.StatusOK, id, web.StepForm{})
}

// renderScorecard is institution id's scorecard, with the outcome f refused.
func (s *Server) renderScorecard(w http.ResponseWriter, r *http.Request, status int, id int64, f web.StepForm) {
	sc, err := s.store.Scorecard(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.ScorecardView(web.ScorecardPage{Layout: s.layout(r, "考评记分卡 · "+sc.Institution.Name, "supervision"), S: sc, Step: f}))
}

// designatedList is the public list of designated institutions with their
// last published grade (no sign-in).
func (s *Server) designatedList(w http.ResponseWriter, r *http.Request) {
	p := listParams(r)
	list, total, err := s.store.PublicInstitutions(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.DesignatedView(web.DesignatedPage{Layout: s.layout(r, "定点培训机构名单", ""), Rows: list,
		List: listView(r, p, total, nil)}))
}
