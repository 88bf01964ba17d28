package web

import (
	"strconv"
	"strings"

	"github.com/skip2/go-qrcode"
)

// QRSVG draws text as a QR code in plain SVG (no image, no script), for
// printed slips; "" when the text cannot be encoded.
func QRSVG(text string, px int) string {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return ""
	}
	q.DisableBorder = false
	bm := q.Bitmap()
	n := len(bm)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + strconv.Itoa(n) + " " + strconv.Itoa(n) +
		`" width="` + strconv.Itoa(px) + `" height="` + strconv.Itoa(px) + `" shape-rendering="crispEdges" role="img" aria-label="二维码">`)
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bm {
		for x, on := range row {
			if on {
				b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h1v1h-1z")
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
