package web

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// wellFormed parses svg as XML and returns its rect widths or heights.
func wellFormed(t *testing.T, svg, attr string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var sizes []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return sizes
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			for _, a := range se.Attr {
				if a.Name.Local == attr {
					sizes = append(sizes, a.Value)
				}
			}
		}
	}
}

func TestBarSVG(t *testing.T) {
	svg := BarSVG("按机构 <2026>", []ChartPoint{{Label: "临安<script>alert(1)</script>学校", Value: 200, Display: "¥2"}, {Label: "乙", Value: 100}, {Label: "丙", Value: 0}, {Label: "丁", Value: -5}})
	if strings.Contains(svg, "<script>") || !strings.Contains(svg, "&lt;script&gt;") {
		t.Fatalf("label not escaped: %s", svg)
	}
	widths := wellFormed(t, svg, "width")
	full := chartWidth - chartLabelW - chartValueW
	if len(widths) != 4 || widths[0] != itoa(full) || widths[1] != itoa(full/2) || widths[2] != "0" || widths[3] != "0" {
		t.Fatalf("widths %v, full %d", widths, full)
	}
	if !strings.Contains(svg, ">¥2<") || !strings.Contains(svg, ">100<") || !strings.Contains(svg, "<title>按机构 &lt;2026&gt;</title>") {
		t.Fatalf("values or title missing: %s", svg)
	}
	// Black outline and grey fill: readable printed in black and white.
	if !strings.Contains(svg, `stroke="#000"`) || strings.Contains(svg, "<script") || strings.Contains(svg, "<style") || strings.Contains(svg, "style=") {
		t.Fatal("style")
	}
	if got := BarSVG("空", nil); !strings.Contains(got, "无数据") {
		t.Fatalf("empty: %s", got)
	}
	wellFormed(t, BarSVG("空", nil), "width")
	// A tiny positive value still shows.
	if w := wellFormed(t, BarSVG("x", []ChartPoint{{Label: "a", Value: 1_000_000}, {Label: "b", Value: 1}}), "width"); w[1] != "1" {
		t.Fatalf("tiny bar %v", w)
	}
	long := BarSVG("x", []ChartPoint{{Label: "一二三四五六七八九十十一十二", Value: 1}})
	if !strings.Contains(long, "一二三四五六七八九…") || !strings.Contains(long, `data-label="一二三四五六七八九十十一十二"`) {
		t.Fatalf("long label: %s", long)
	}
}

func TestColumnSVG(t *testing.T) {
	pts := make([]ChartPoint, 12)
	for i := range pts {
		pts[i] = ChartPoint{Label: itoa(i+1) + "月", Value: int64(i * 10), Display: ShortYuan(int64(i) * 1_000_000)}
	}
	svg := ColumnSVG("按月", pts)
	heights := wellFormed(t, svg, "height")
	if len(heights) != 12 || heights[0] != "0" || heights[11] != itoa(chartColumnsH) {
		t.Fatalf("heights %v", heights)
	}
	if !strings.Contains(svg, ">12月<") || !strings.Contains(svg, ">¥11.0万<") {
		t.Fatalf("labels: %s", svg)
	}
	if got := ColumnSVG("空", nil); !strings.Contains(got, "无数据") {
		t.Fatal("empty")
	}
}

func TestShortYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "¥0", 850000: "¥8,500", 1234567800: "¥1234.6万", 10_500_000_000: "¥1.05亿", 9_999_999: "¥99,999"} {
		if got := ShortYuan(fen); got != want {
			t.Errorf("ShortYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

func itoa(n int) string { return Itoa(n) }

// TestPosition: first is 100, last 0, the middle of five 50, and the only
// institution evaluated is first.
func TestPosition(t *testing.T) {
	for _, c := range []struct {
		rank, of int
		want     float64
	}{{1, 5, 100}, {5, 5, 0}, {3, 5, 50}, {1, 1, 100}, {2, 2, 0}, {1, 2000, 100}} {
		if got := position(c.rank, c.of); got != c.want {
			t.Errorf("position(%d, %d) = %v, want %v", c.rank, c.of, got, c.want)
		}
	}
}
