package web

import (
	"context"
	"fmt"
	"html"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"
)

// Charts drawn on the server as plain SVG (no script, no CDN, no <style>:
// the CSP allows no inline style, so only presentation attributes): every bar
// has a black outline, a grey fill and its value written beside it, so a
// chart reads the same printed in black and white as on screen, and a
// screen reader gets the title and a table of the same figures beside it.
// Any statistics page can use them: build the points, then
// @BarChart(title, points) or @ColumnChart(title, points) in a template.

// ChartPoint is one bar: its label, its value (any unit) and the text
// written beside it (the value itself when empty).
type ChartPoint struct {
	Label   string
	Value   int64
	Display string
}

func (p ChartPoint) text() string {
	if p.Display != "" {
		return p.Display
	}
	return fmt.Sprint(p.Value)
}

const (
	chartWidth     = 640
	chartLabelW    = 150 // the label column of a bar chart
	chartValueW    = 110 // room for the value after the longest bar
	chartRow       = 24
	chartBarH      = 16
	chartColumnsH  = 200 // plot height of a column chart
	chartMaxLabel  = 10  // runes of a label before it is cut with "…"
	chartMaxPoints = 60
)

// clip shortens a label to n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func maxValue(pts []ChartPoint) int64 {
	var m int64
	for _, p := range pts {
		if p.Value > m {
			m = p.Value
		}
	}
	return m
}

// scale is v's share of full, in pixels (0 for v ≤ 0).
func scale(v, max int64, full int) int {
	if v <= 0 || max <= 0 {
		return 0
	}
	n := int(float64(v) / float64(max) * float64(full))
	if n == 0 {
		n = 1 // a positive value always shows
	}
	return n
}

func svgOpen(b *strings.Builder, title string, h int) {
	t := html.EscapeString(title)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" data-testid="chart" font-family="sans-serif" font-size="12" fill="#000">`,
		chartWidth, h, t)
	fmt.Fprintf(b, `<title>%s</title>`, t)
}

func svgEmpty(b *strings.Builder, y int) {
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">无数据</text>`, chartWidth/2, y)
}

// BarSVG is a horizontal bar chart: one row per point, the label on the
// left, the value after the bar.
func BarSVG(title string, pts []ChartPoint) string {
	if len(pts) > chartMaxPoints {
		pts = pts[:chartMaxPoints]
	}
	h := chartRow*len(pts) + 12
	if len(pts) == 0 {
		h = 40
	}
	var b strings.Builder
	svgOpen(&b, title, h)
	full := chartWidth - chartLabelW - chartValueW
	m := maxValue(pts)
	if len(pts) == 0 {
		svgEmpty(&b, 24)
	}
	for i, p := range pts {
		y := 6 + i*chartRow
		w := scale(p.Value, m, full)
		fmt.Fprintf(&b, `<g data-label="%s"><text x="%d" y="%d" text-anchor="end">%s</text>`,
			html.EscapeString(p.Label), chartLabelW-6, y+chartBarH-3, html.EscapeString(clip(p.Label, chartMaxLabel)))
		fmt.Fprintf(&b, `<rect fill="#bbb" stroke="#000" stroke-width="1" x="%d" y="%d" width="%d" height="%d"/>`, chartLabelW, y, w, chartBarH)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text></g>`, chartLabelW+w+4, y+chartBarH-3, html.EscapeString(p.text()))
	}
	fmt.Fprintf(&b, `<line stroke="#000" stroke-width="1" x1="%d" y1="2" x2="%d" y2="%d"/>`, chartLabelW, chartLabelW, h-4)
	b.WriteString(`</svg>`)
	return b.String()
}

// ColumnSVG is a vertical column chart (for months): the label under each
// column, the value above it.
func ColumnSVG(title string, pts []ChartPoint) string {
	if len(pts) > chartMaxPoints {
		pts = pts[:chartMaxPoints]
	}
	const top, bottom = 18, 22
	h := top + chartColumnsH + bottom
	var b strings.Builder
	svgOpen(&b, title, h)
	base := top + chartColumnsH
	if len(pts) == 0 {
		svgEmpty(&b, h/2)
	} else {
		slot := (chartWidth - 20) / len(pts)
		w := slot * 6 / 10
		m := maxValue(pts)
		for i, p := range pts {
			x := 10 + i*slot + (slot-w)/2
			ht := scale(p.Value, m, chartColumnsH)
			fmt.Fprintf(&b, `<g data-label="%s"><rect fill="#bbb" stroke="#000" stroke-width="1" x="%d" y="%d" width="%d" height="%d"/>`,
				html.EscapeString(p.Label), x, base-ht, w, ht)
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, x+w/2, base-ht-4, html.EscapeString(p.text()))
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text></g>`, x+w/2, base+16, html.EscapeString(clip(p.Label, 6)))
		}
	}
	fmt.Fprintf(&b, `<line stroke="#000" stroke-width="1" x1="6" y1="%d" x2="%d" y2="%d"/>`, base, chartWidth-6, base)
	b.WriteString(`</svg>`)
	return b.String()
}

// BarChart is BarSVG as a component.
func BarChart(title string, pts []ChartPoint) templ.Component { return rawSVG(BarSVG(title, pts)) }

// ColumnChart is ColumnSVG as a component.
func ColumnChart(title string, pts []ChartPoint) templ.Component {
	return rawSVG(ColumnSVG(title, pts))
}

// rawSVG writes SVG this file generated (every text in it escaped).
func rawSVG(svg string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, svg)
		return err
	})
}

// ShortYuan prints fen compactly for chart labels: ¥8,500, ¥12.3万, ¥1.05亿.
func ShortYuan(fen int64) string {
	y := fen / 100
	switch {
	case y >= 100000000:
		return fmt.Sprintf("¥%.2f亿", float64(y)/1e8)
	case y >= 100000:
		return fmt.Sprintf("¥%.1f万", float64(y)/1e4)
	}
	s := Yuan(y * 100)
	return strings.TrimSuffix(s, ".00")
}
