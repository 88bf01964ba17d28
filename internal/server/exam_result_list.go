package server

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

// The results list (issue 17): every candidate's final result across the
// sessions — the bureau's and the centre's for their scope, an
// institution's for its own trainees once published — filtered by year,
// state, outcome, attempt, institution and candidate number, a page at a
// time, and exported to Excel with the same filter and order.

// resultPages bounds paging: beyond 500 pages (10,000 results) the page
// asks for a narrower filter or the export, which streams every row.
const resultPages = 500

// resultFilter reads the list's filter; an unknown value is no filter.
func resultFilter(r *http.Request) (repository.ResultFilter, web.ResultFilterForm) {
	q := r.URL.Query()
	var f repository.ResultFilter
	var form web.ResultFilterForm
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		f.Year, form.Year = y, strconv.Itoa(y)
	}
	for _, st := range training.ResultListStatuses {
		if string(st) == q.Get("status") {
			f.Status, form.Status = st, string(st)
		}
	}
	switch o := training.Outcome(q.Get("outcome")); o {
	case training.OutcomePass, training.OutcomeFail:
		f.Outcome, form.Outcome = o, string(o)
	}
	switch v := q.Get("attempt"); v {
	case "first", "retake":
		f.Retake, form.Attempt = v, v
	}
	if v := strings.TrimSpace(q.Get("inst")); v != "" && utf8.RuneCountInString(v) <= 100 {
		f.Institution, form.Institution = v, v
	}
	if v := strings.TrimSpace(q.Get("no")); v != "" && len(v) <= 40 {
		f.CandidateNo, form.No = v, v
	}
	return f, form
}

// resultParams is the page asked for; without a sort, the newest exam day
// first (the export keeps the same order).
func resultParams(r *http.Request) repository.Page {
	p := listParams(r)
	if p.Sort == "" {
		p.Sort, p.Desc = "date", true
	}
	p.Number = min(p.Number, resultPages)
	return p
}

func (s *Server) resultList(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	f, form := resultFilter(r)
	p := resultParams(r)
	rows, total, err := s.store.Results(r.Context(), a, f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := web.ResultListPage{Layout: s.layout(r, "考核结果", "assessments"), Rows: rows, Filter: form,
		Institution: a.IsInstitution(), Capped: total > resultPages*repository.PageSize, ThisYear: s.store.Today().Year()}
	shown := total
	if page.Capped {
		shown = resultPages * repository.PageSize
	}
	page.Total = total
	page.List = listView(r, p, shown, filterEcho("year", form.Year, "status", form.Status, "outcome", form.Outcome,
		"attempt", form.Attempt, "inst", form.Institution, "no", form.No)).WithExport("/exam-results.xlsx")
	s.render(w, r, http.StatusOK, web.ResultListView(page))
}

func (s *Server) resultExport(w http.ResponseWriter, r *http.Request) {
	f, _ := resultFilter(r)
	s.streamList(w, r, web.ResultExport, func(put func(...string) error) error {
		return s.store.ResultsEach(r.Context(), actor(r), f, resultParams(r), func(x training.ResultListRow) error {
			return put(web.ResultExportRow(x)...)
		})
	})
}
