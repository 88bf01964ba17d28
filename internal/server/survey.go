package server

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// Satisfaction surveys (SUP-3): the public survey by code; a class's slips
// and figures; the bureau's report.

// surveyForm is the survey page; with a code (typed, or from the QR code)
// it shows the class the code belongs to. Each code looked up counts
// against the address like the result lookup.
func (s *Server) surveyForm(w http.ResponseWriter, r *http.Request) {
	f := web.SurveyForm{Code: strings.TrimSpace(r.URL.Query().Get("code"))}
	s.surveyPage(w, r, http.StatusOK, f)
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request, status int, f web.SurveyForm) {
	p := web.SurveyPage{Layout: s.layoutNoFlash(r, "培训满意度评价"), Form: f}
	if f.Code != "" {
		if !s.allowLookup(w, r) {
			return
		}
		t, answered, err := s.store.SurveyTarget(r.Context(), f.Code)
		switch {
		case errors.Is(err, training.ErrNotFound):
			p.Form.Set("code", training.DecideSurveyAnswer(training.SurveyFacts{Unknown: true})[0].Message)
			if status == http.StatusOK {
				status = http.StatusNotFound
			}
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			p.Target, p.Found, p.Answered = t, true, answered
		}
	}
	s.render(w, r, status, web.SurveyView(p))
}

func (s *Server) surveyAnswer(w http.ResponseWriter, r *http.Request) {
	f := web.SurveyForm{Code: r.PostFormValue("code"), Overall: r.PostFormValue("overall"), Teaching: r.PostFormValue("teaching"),
		Venue: r.PostFormValue("venue"), Organisation: r.PostFormValue("organisation"), Comment: r.PostFormValue("comment")}
	if _, err := training.ParseSurvey(f.Input()); err != nil {
		mergeErrors(err, &f.Errors)
		s.render(w, r, http.StatusUnprocessableEntity, web.SurveyView(web.SurveyPage{Layout: s.layoutNoFlash(r, "培训满意度评价"), Form: f}))
		return
	}
	if !s.allowLookup(w, r) {
		return
	}
	if err := s.store.AnswerSurvey(r.Context(), f.Input()); err != nil {
		if !mergeErrors(err, &f.Errors) {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, web.SurveyView(web.SurveyPage{Layout: s.layoutNoFlash(r, "培训满意度评价"), Form: f}))
		return
	}
	redirect(w, r, "/survey/thanks")
}

func (s *Server) surveyThanks(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.SurveyThanksView(web.SurveyThanksPage{Layout: s.layoutNoFlash(r, "感谢评价")}))
}

func (s *Server) classSurvey(w http.ResponseWriter, r *http.Request) {
	s.classSurveyPage(w, r, false)
}

func (s *Server) classSurveySlips(w http.ResponseWriter, r *http.Request) {
	s.classSurveyPage(w, r, true)
}

func (s *Server) classSurveyPage(w http.ResponseWriter, r *http.Request, slips bool) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	s.classSurveyShow(w, r, http.StatusOK, id, slips, web.StepForm{})
}

// classSurveyShow is the class's survey page (or its slips), with a refused
// step's message beside its button.
func (s *Server) classSurveyShow(w http.ResponseWriter, r *http.Request, status int, id int64, slips bool, f web.StepForm) {
	p, err := s.store.ClassSurvey(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := web.ClassSurveyPage{Layout: s.layout(r, "满意度评价 · "+p.Class.ClassNo, "classes"), P: p, BaseURL: s.cfg.BaseURL, Step: f}
	if slips {
		s.render(w, r, status, web.SurveySlipsView(page))
		return
	}
	s.render(w, r, status, web.ClassSurveyView(page))
}

// surveyCodes makes the missing codes of a finished class.
func (s *Server) surveyCodes(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	n, err := s.store.IssueSurveyCodes(r.Context(), actor(r), id)
	s.stepDone(w, r, err, web.StepForm{Action: "codes"}, "已生成"+strconv.Itoa(n)+"个评价码。", "/classes/"+strconv.FormatInt(id, 10)+"/survey",
		func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
			s.classSurveyShow(w, r, status, id, false, f)
		})
}

// surveyReport is the bureau's satisfaction per class, institution,
// occupation or year.
func (s *Server) surveyReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	by := repository.SurveyGroup(q.Get("by"))
	if by == "" {
		by = repository.SurveyByInstitution
	}
	year, _ := strconv.Atoi(q.Get("year"))
	p := listParams(r)
	rows, total, err := s.store.SurveyReport(r.Context(), actor(r), by, year, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{"by": {string(by)}}
	if year > 0 {
		filters.Set("year", strconv.Itoa(year))
	}
	s.render(w, r, http.StatusOK, web.SurveyReportView(web.SurveyReportPage{Layout: s.layout(r, "培训满意度", "effect"), Rows: rows,
		By: string(by), Year: q.Get("year"), List: listView(r, p, total, filters)}))
}

// maxReportRows bounds a report download (a group per class at province
// scale is 66,000 rows; the cap keeps a download bounded).
const maxReportRows = 50000

// surveyExport downloads what /surveys shows with the same grouping and
// year, every page of it.
func (s *Server) surveyExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	by := repository.SurveyGroup(q.Get("by"))
	if by == "" {
		by = repository.SurveyByInstitution
	}
	year, _ := strconv.Atoi(q.Get("year"))
	rows, _, err := s.store.SurveyReport(r.Context(), actor(r), by, year, repository.Page{Number: 1, Size: maxReportRows})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "培训满意度（" + web.SurveyGroupLabel(string(by)) + "）"
	if year > 0 {
		title = strconv.Itoa(year) + "年结业 " + title
	}
	var buf bytes.Buffer
	err = roster.Stream(&buf, "满意度", title, web.SurveyReportHeader, nil, func(put func(...string) error) error {
		for _, row := range rows {
			if err := put(web.SurveyReportCells(row)...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="surveys-`+string(by)+`.xlsx"; filename*=UTF-8''`+url.PathEscape(title+".xlsx"))
	_, _ = buf.WriteTo(w)
}
