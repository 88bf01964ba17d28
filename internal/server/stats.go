package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// statsFilter reads the year and institution of a statistics page.
func (s *Server) statsFilter(r *http.Request) (repository.StatsFilter, url.Values) {
	q, keep := r.URL.Query(), url.Values{}
	f := repository.StatsFilter{Year: s.store.Today().Year()}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2020 && y <= f.Year+1 {
		f.Year = y
	}
	keep.Set("year", strconv.Itoa(f.Year))
	if id, err := strconv.ParseInt(q.Get("institution"), 10, 64); err == nil && id > 0 {
		f.InstitutionID = id
		keep.Set("institution", q.Get("institution"))
	}
	return f, keep
}

// stats is the statistics page of the bureau and the centre.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	f, keep := s.statsFilter(r)
	st, err := s.store.Statistics(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var years []int
	for y := s.store.Today().Year() + 1; y >= 2020; y-- {
		years = append(years, y)
	}
	insts := []web.Option{{Value: "0", Label: "全部机构"}}
	for _, o := range st.Institutions {
		insts = append(insts, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
	}
	s.render(w, r, http.StatusOK, web.StatsView(web.StatsPage{Layout: s.layout(r, "统计分析", "stats"), Year: f.Year, Years: years,
		Institution: f.InstitutionID, Institutions: insts, Charts: statsCharts(st), Query: keep}))
}

// statsExport downloads one chart's numbers as .xlsx.
func (s *Server) statsExport(w http.ResponseWriter, r *http.Request) {
	f, _ := s.statsFilter(r)
	st, err := s.store.Statistics(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := r.URL.Query().Get("chart")
	if key == "" {
		key = "month-classes"
	}
	for _, c := range statsCharts(st) {
		if c.Key != key {
			continue
		}
		var buf bytes.Buffer
		err := roster.Stream(&buf, "统计", strconv.Itoa(f.Year)+"年 "+c.Title, c.Header, nil, func(put func(...string) error) error {
			for _, row := range c.Rows {
				if err := put(row...); err != nil {
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
		w.Header().Set("Content-Disposition", `attachment; filename="stats-`+c.Key+`-`+strconv.Itoa(f.Year)+`.xlsx"`)
		_, _ = buf.WriteTo(w)
		return
	}
	s.fail(w, r, training.ErrNotFound)
}

func itos(n int) string { return strconv.Itoa(n) }

// rate is part of whole as a percentage with one decimal, and in tenths
// of a per cent for the chart.
func rate(part, whole int) (string, int64) {
	if whole == 0 {
		return "—", 0
	}
	t := int64(part) * 1000 / int64(whole)
	return strconv.FormatInt(t/10, 10) + "." + strconv.FormatInt(t%10, 10) + "%", t
}

// statsCharts turns the figures into the page's charts and tables.
func statsCharts(st repository.Stats) []web.StatsChart {
	counts := func(key, title, first string, rows []repository.StatRow, column, trainees bool) web.StatsChart {
		c := web.StatsChart{Key: key, Title: title, Header: []string{first, "培训班（个）", "学员（人）"}, Column: column}
		for _, r := range rows {
			c.Rows = append(c.Rows, []string{r.Label, itos(r.Classes), itos(r.Trainees)})
			v := int64(r.Classes)
			if trainees {
				v = int64(r.Trainees)
			}
			c.Points = append(c.Points, web.ChartPoint{Label: r.Label, Value: v})
		}
		return c
	}
	passes := func(key, title, first string, rows []repository.PassRow) web.StatsChart {
		c := web.StatsChart{Key: key, Title: title, Header: []string{first, "参考人数", "首次合格", "首次合格率", "最终合格（含补考）", "最终合格率"}}
		for _, r := range rows {
			fr, fv := rate(r.First, r.Candidates)
			ar, _ := rate(r.Final, r.Candidates)
			c.Rows = append(c.Rows, []string{r.Label, itos(r.Candidates), itos(r.First), fr, itos(r.Final), ar})
			c.Points = append(c.Points, web.ChartPoint{Label: r.Label, Value: fv, Display: fr + "（最终 " + ar + "）"})
		}
		return c
	}
	short := web.StatsChart{Key: "shortfall", Title: web.StatsShortfallTitle,
		Header: []string{"培训机构", "被标记的培训班", "课时不足", "非备案师资授课", "少上课时（学时）"}}
	for _, r := range st.Shortfalls {
		short.Rows = append(short.Rows, []string{r.Label, itos(r.Classes), itos(r.Short), itos(r.OffPlan), itos(r.HoursShort)})
		short.Points = append(short.Points, web.ChartPoint{Label: r.Label, Value: int64(r.Classes)})
	}
	return []web.StatsChart{
		counts("month-classes", "每月开班数", "月份", st.ByMonth, true, false),
		counts("month-trainees", "每月培训人数", "月份", st.ByMonth, true, true),
		counts("occupation", "培训人数（按工种，前20）", "工种", st.ByOccupation, false, true),
		counts("type", "开班数（按培训类型）", "培训类型", st.ByType, false, false),
		counts("institution", "开班数（按培训机构，前20）", "培训机构", st.ByInstitution, false, false),
		passes("pass-institution", "首次合格率（按培训机构）", "培训机构", st.PassByInst),
		passes("pass-occupation", "首次合格率（按工种）", "工种", st.PassByOcc),
		passes("pass-level", "首次合格率（按等级）", "等级", st.PassByLevel),
		short,
	}
}
