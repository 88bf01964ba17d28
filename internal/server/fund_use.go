package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/training"
	"tianmu/web"
)

// Fund use (SUB-4, 第十三条): an institution's spending by the seven
// categories, and the bureau's comparison with what each received.

// yearParam is the ?year= of a report, between the first year the portal
// takes and this year (this year when absent or out of range).
func (s *Server) yearParam(r *http.Request) int {
	this := s.store.Today().Year()
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < training.MinFundUseYear || y > this {
		return this
	}
	return y
}

func fundUseURL(year int) string { return "/fund-use?year=" + strconv.Itoa(year) }

// fundUse is the bureau's report for a year, or an institution's own page.
func (s *Server) fundUse(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if a.IsInstitution() {
		s.fundUsePage(w, r, http.StatusOK, a.InstitutionID, s.yearParam(r), web.FundUseForm{})
		return
	}
	year, p := s.yearParam(r), listParams(r)
	rows, total, err := s.store.FundUseReport(r.Context(), a, year, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{"year": {strconv.Itoa(year)}}
	s.render(w, r, http.StatusOK, web.FundUseReportView(web.FundUseReportPage{Layout: s.layout(r, "经费使用", "fund-use"),
		Year: year, Years: s.fundYears(), Rows: rows, List: listView(r, p, total, filters)}))
}

// fundUseInstitution is one institution's year: the bureau any, the
// institution its own (another's is 404).
func (s *Server) fundUseInstitution(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	s.fundUsePage(w, r, http.StatusOK, id, s.yearParam(r), web.FundUseForm{})
}

func (s *Server) fundUsePage(w http.ResponseWriter, r *http.Request, status int, institutionID int64, year int, form web.FundUseForm) {
	p, err := s.store.FundUseYear(r.Context(), actor(r), institutionID, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if form.Input.SpentOn == "" {
		form.Input.SpentOn = p.Today.Format("2006-01-02")
	}
	s.render(w, r, status, web.FundUseView(web.FundUsePageView{Layout: s.layout(r, "经费使用 · "+p.InstitutionName, "fund-use"),
		P: p, Years: s.fundYears(), Form: form}))
}

// fundYears are the years a report can be asked for, newest first.
func (s *Server) fundYears() []int {
	var out []int
	for y := s.store.Today().Year(); y >= training.MinFundUseYear; y-- {
		out = append(out, y)
	}
	return out
}

func (s *Server) fundUseRecord(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	in := training.FundUseInput{ClassID: r.PostFormValue("class_id"), Category: r.PostFormValue("category"), Amount: r.PostFormValue("amount"),
		SpentOn: r.PostFormValue("spent_on"), Description: r.PostFormValue("description"), VoucherNo: r.PostFormValue("voucher_no")}
	_, err := s.store.RecordFundUse(r.Context(), a, in)
	if err == nil {
		s.flash(r, "已填报支出。")
		year := s.store.Today().Year()
		if d, ok := training.ParseDay(in.SpentOn); ok {
			year = d.Year()
		}
		redirect(w, r, fundUseURL(year))
		return
	}
	form := web.FundUseForm{Input: in}
	if !mergeErrors(err, &form.Errors) {
		s.fail(w, r, err)
		return
	}
	s.fundUsePage(w, r, http.StatusUnprocessableEntity, a.InstitutionID, s.yearParam(r), form)
}

func (s *Server) fundUseVoid(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	year, err := s.store.VoidFundUse(r.Context(), actor(r), id, version, strings.TrimSpace(r.PostFormValue("reason")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "支出记录已作废。")
	redirect(w, r, fundUseURL(year))
}
