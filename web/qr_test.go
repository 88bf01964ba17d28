package web

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/skip2/go-qrcode"
)

// TestQRSVGDrawsEveryModule: the path's rectangles cover exactly the dark
// modules of the code's bitmap, each once.
func TestQRSVGDrawsEveryModule(t *testing.T) {
	text := "https://tianmu.example.gov.cn/survey?code=BG4ABLV7MT"
	svg := QRSVG(text, 140)
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	bm := q.Bitmap()
	drawn := map[[2]int]int{}
	for _, m := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		if m[3] != m[4] || w < 1 {
			t.Fatalf("a rectangle that does not close: %q", m[0])
		}
		for i := range w {
			drawn[[2]int{x + i, y}]++
		}
	}
	dark := 0
	for y, row := range bm {
		for x, on := range row {
			if on {
				dark++
				if drawn[[2]int{x, y}] != 1 {
					t.Fatalf("module (%d, %d) drawn %d times", x, y, drawn[[2]int{x, y}])
				}
			}
		}
	}
	if dark == 0 || len(drawn) != dark {
		t.Fatalf("%d modules drawn, %d dark", len(drawn), dark)
	}
	if QRSVG(string(make([]byte, 4000)), 140) != "" {
		t.Fatal("a text too long to encode drew something")
	}
}
