package web

import (
	"regexp"
	"strconv"
	"testing"

	goqr "github.com/piglig/go-qr"
)

// TestQRSVGDrawsEveryModule: the path's rectangles cover exactly the dark
// modules of the code, each once, inside a four-module quiet zone.
func TestQRSVGDrawsEveryModule(t *testing.T) {
	text := "https://tianmu.example.gov.cn/survey?code=BG4ABLV7MT"
	svg := QRSVG(text, 140)
	q, err := goqr.EncodeText(text, goqr.Medium)
	if err != nil {
		t.Fatal(err)
	}
	size := q.Size()
	if want := "viewBox=\"0 0 " + strconv.Itoa(size+8) + " " + strconv.Itoa(size+8) + "\""; !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(svg) {
		t.Fatalf("the SVG is not the code's %d modules and the quiet zone: want %s", size, want)
	}
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
	for y := range size {
		for x := range size {
			if q.Module(x, y) {
				dark++
				if drawn[[2]int{x + 4, y + 4}] != 1 {
					t.Fatalf("module (%d, %d) drawn %d times", x, y, drawn[[2]int{x + 4, y + 4}])
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

// BenchmarkQRSVG: drawing one slip's code (a slips page draws fifty).
func BenchmarkQRSVG(b *testing.B) {
	for b.Loop() {
		if drawQRSVG("https://tianmu.linan.gov.cn/survey?code=ABCD2345EFGH", 140) == "" {
			b.Fatal("no code")
		}
	}
}

// TestQRSVGCache: a code is drawn once and then served as drawn, for its
// size; the cache never holds more than qrKept codes.
func TestQRSVGCache(t *testing.T) {
	text := "https://tianmu.example.gov.cn/survey?code=CACHE2345Q"
	first := QRSVG(text, 140)
	if first == "" || QRSVG(text, 140) != first || first != drawQRSVG(text, 140) {
		t.Fatal("the cached code is not the drawing")
	}
	if small := QRSVG(text, 110); small == first || small != drawQRSVG(text, 110) {
		t.Fatal("another size is another drawing")
	}
	for i := range qrKept + 10 {
		if QRSVG(text+strconv.Itoa(i), 140) == "" {
			t.Fatal("no code")
		}
	}
	qrCache.Lock()
	n := len(qrCache.m)
	qrCache.Unlock()
	if n == 0 || n > qrKept {
		t.Fatalf("%d codes kept", n)
	}
	if QRSVG(text, 140) != first {
		t.Fatal("drawn again differently")
	}
}
