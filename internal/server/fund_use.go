package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/roster"
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

// subsidyOverview is the bureau's overview of a year's paid subsidies, by
// month, institution, occupation and level, with charts.
func (s *Server) subsidyOverview(w http.ResponseWriter, r *http.Request) {
	year := s.yearParam(r)
	o, err := s.store.SubsidyOverview(r.Context(), actor(r), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.SubsidyOverviewView(web.SubsidyOverviewPage{Layout: s.layout(r, "补贴概览", "subsidy-overview"),
		O: o, Years: s.fundYears()}))
}

// subsidyOverviewExport is the year's overview as one sheet, every row of
// every cut (the page lists the largest twenty institutions and
// occupations). Same access as the page.
func (s *Server) subsidyOverviewExport(w http.ResponseWriter, r *http.Request) {
	year := s.yearParam(r)
	o, err := s.store.SubsidyOverview(r.Context(), actor(r), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	startDownload(w, xlsxType, "培训补贴概览-"+strconv.Itoa(year)+".xlsx")
	err = roster.Stream(w, "补贴概览", strconv.Itoa(year)+"年培训补贴概览（按拨付日期统计已拨付的补贴申领明细；追缴金额单列）",
		[]string{"分类", "项目", "补贴人次", "补贴金额（元）", "追缴金额（元）"}, []float64{14, 36, 12, 16, 16},
		func(put func(cells ...string) error) error {
			row := func(cut string, t training.SubsidyTotal) error {
				return put(cut, t.Label, strconv.Itoa(t.Lines), training.YuanInput(t.Amount), training.YuanInput(t.Recovered))
			}
			total := o.Total
			total.Label = "全年"
			if err := row("合计", total); err != nil {
				return err
			}
			for i, t := range o.Months {
				t.Label = strconv.Itoa(i+1) + "月"
				if err := row("按月", t); err != nil {
					return err
				}
			}
			for _, cut := range []struct {
				name string
				l    []training.SubsidyTotal
			}{{"按培训机构", o.Institutions}, {"按职业（工种）", o.Occupations}, {"按等级", o.Levels}} {
				for _, t := range cut.l {
					if err := row(cut.name, t); err != nil {
						return err
					}
				}
			}
			return nil
		})
	if err != nil {
		s.log.Error("subsidy overview export", "request_id", requestID(r), "err", err)
	}
}

// fundUseExport is an institution's year as a spreadsheet (streamed): the
// balance, spending by category, then every entry. Same access as the page.
func (s *Server) fundUseExport(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	p, err := s.store.FundUseYear(r.Context(), actor(r), id, s.yearParam(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := p.Balance
	rows := [][]string{{"培训机构", p.InstitutionName}, {"年度", strconv.Itoa(p.Year)},
		{"已拨付培训补贴（元）", training.YuanInput(b.SubsidiesPaid)}, {"已收培训费（元）", training.YuanInput(b.FeesCollected)},
		{"支出合计（元）", training.YuanInput(b.Spent())}, {"结余（元）", training.YuanInput(b.Balance())}, {}, {web.FundUseCategoryHeader, "金额（元）"}}
	for i, c := range training.FundCategories {
		rows = append(rows, []string{c.Label(), training.YuanInput(b.ByCategory[i])})
	}
	rows = append(rows, []string{}, []string{"支出日期", "类别", "培训班", "内容", "凭证编号", "金额（元）", "状态", "作废原因", "填报人"})
	for _, e := range p.Entries {
		rows = append(rows, []string{e.SpentOn.Format("2006-01-02"), e.Category.Label(), e.ClassNo, roster.SafeCell(e.Description),
			roster.SafeCell(e.VoucherNo), training.YuanInput(e.Amount), e.Status.Label(), roster.SafeCell(e.VoidReason), roster.SafeCell(e.RecordedBy)})
	}
	name := "经费使用-" + strconv.Itoa(p.Year) + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="fund-use.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	if err := roster.WriteSheet(w, rows, false); err != nil {
		s.log.Error("fund use export", "request_id", requestID(r), "err", err)
	}
}
