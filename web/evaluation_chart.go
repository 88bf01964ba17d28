package web

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"tianmu/internal/training"
)

// Plain SVG charts of a scorecard, drawn on the server (no script, no CDN).

// chartSeries is one line of a chart: a value per year, or none.
type chartSeries struct {
	label, class string
	values       map[int]float64
}

// lineChart draws the series over the years on a 0–max scale; invert puts
// small values on top (ranks).
func lineChart(title string, years []int, max float64, invert bool, series ...chartSeries) string {
	const w, h, left, right, top, bottom = 560.0, 220.0, 44.0, 16.0, 28.0, 36.0
	if max <= 0 {
		max = 1
	}
	x := func(i int) float64 {
		if len(years) == 1 {
			return left + (w-left-right)/2
		}
		return left + float64(i)*(w-left-right)/float64(len(years)-1)
	}
	y := func(v float64) float64 {
		f := v / max
		if invert {
			f = 1 - f
		}
		return h - bottom - f*(h-top-bottom)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" class="chart">`, w, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="%.0f" y="16" class="chart-title">%s</text>`, left, html.EscapeString(title))
	for _, f := range []float64{0, 0.5, 1} {
		v := f * max
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#d0d7de"/>`, left, w-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" font-size="11">%s</text>`, left-4, y(v)+4, strconv.FormatFloat(v, 'f', 0, 64))
	}
	for i, yr := range years {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle" font-size="11">%d</text>`, x(i), h-bottom+16, yr)
	}
	colours := []string{"#0969da", "#8c959f", "#bf3989"}
	for k, s := range series {
		var pts []string
		for i, yr := range years {
			if v, ok := s.values[yr]; ok {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
			}
		}
		c := colours[k%len(colours)]
		dash := ""
		if k > 0 {
			dash = ` stroke-dasharray="5 4"`
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s data-series="%s"/>`, strings.Join(pts, " "), c, dash, s.class)
		}
		for _, p := range pts {
			xy := strings.SplitN(p, ",", 2)
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`, xy[0], xy[1], c)
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="11" fill="%s">— %s</text>`, left+float64(k)*180, h-6, c, html.EscapeString(s.label))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// ScoreChart is the institution's score over the years against the median
// of all institutions.
func ScoreChart(sc training.Scorecard) string {
	own, med := map[int]float64{}, map[int]float64{}
	var years []int
	for _, r := range sc.Years {
		years = append(years, r.Year)
		if r.Score != nil {
			own[r.Year] = float64(*r.Score) / 100
		}
		if m, ok := sc.Medians[r.Year]; ok {
			med[r.Year] = float64(m) / 100
		}
	}
	return lineChart("考评得分（满分100）", years, 100, false,
		chartSeries{"本机构", "own", own}, chartSeries{"全部机构中位数", "median", med})
}

// RateChart is the institution's three rates over the years.
func RateChart(sc training.Scorecard) string {
	pass, emp, sat := map[int]float64{}, map[int]float64{}, map[int]float64{}
	var years []int
	for _, r := range sc.Years {
		years = append(years, r.Year)
		for _, x := range []struct {
			m    map[int]float64
			rate training.Rate
		}{{pass, r.Inputs.PassRate()}, {emp, r.Inputs.EmploymentRate()}, {sat, r.Inputs.Satisfaction()}} {
			if x.rate.Known {
				x.m[r.Year] = float64(x.rate.Value) / 100
			}
		}
	}
	return lineChart("合格率、就业率、满意度（%）", years, 100, false,
		chartSeries{"合格率", "pass", pass}, chartSeries{"就业率", "employment", emp}, chartSeries{"满意度", "satisfaction", sat})
}

// PositionChart is the institution's position among all institutions
// each year, as the share ranked below it (100 = first).
func PositionChart(sc training.Scorecard) string {
	pos := map[int]float64{}
	var years []int
	for _, r := range sc.Years {
		years = append(years, r.Year)
		if r.Rank > 0 && r.Of > 0 {
			pos[r.Year] = position(r.Rank, r.Of)
		}
	}
	return lineChart("在全部机构中的位置（100 = 第一名）", years, 100, false, chartSeries{"位置", "position", pos})
}

// position is the share of the other institutions ranked below rank of
// (100 = first, 0 = last); the only institution evaluated is first (it
// was drawn at 0, last).
func position(rank, of int) float64 {
	if of <= 1 {
		return 100
	}
	return 100 * float64(of-rank) / float64(of-1)
}

// RateText prints a rate, or 缺数据 when it has no denominator.
func RateText(r training.Rate) string {
	if !r.Known {
		return "缺数据"
	}
	return training.Points(r.Value) + "%"
}

// ScoreText prints a score in points, or — when not scored.
func ScoreText(v *int) string {
	if v == nil {
		return "—"
	}
	return training.Points(*v)
}
