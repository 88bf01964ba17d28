// Package certpdf prints certificates (EXAM-7) as A4 PDF pages with Chinese
// text and a QR code to the public verification page. The CJK font is a
// TrueType (glyf) font parsed once per process; each document embeds only
// the glyphs it uses.
package certpdf

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"sync"
	"unicode/utf8"

	goqr "github.com/piglig/go-qr"
	"github.com/signintech/gopdf"

	"tianmu/internal/training"
)

// DefaultFont is Debian's fonts-droid-fallback (a TTF with CJK glyphs but
// none for Latin letters and digits); DefaultLatinFont (fonts-dejavu-core)
// prints those.
const (
	DefaultFont      = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
	DefaultLatinFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)

const (
	family = "cjk"
	latin  = "latin"
)

// Renderer prints certificates. It is safe for concurrent use.
type Renderer struct {
	fonts   *gopdf.FontContainer
	baseURL string
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*gopdf.FontContainer{}
)

// Load parses the fonts (once per process and pair of paths) and returns a
// renderer whose QR codes point at baseURL + "/verify/{code}".
func Load(cjkPath, latinPath, baseURL string) (*Renderer, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	key := cjkPath + "\x00" + latinPath
	fc, ok := cache[key]
	if !ok {
		fc = &gopdf.FontContainer{}
		for fam, path := range map[string]string{family: cjkPath, latin: latinPath} {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("certpdf: font: %w", err)
			}
			if err := fc.AddTTFFontData(fam, data); err != nil {
				return nil, fmt.Errorf("certpdf: font %s: %w", path, err)
			}
		}
		cache[key] = fc
	}
	return &Renderer{fonts: fc, baseURL: baseURL}, nil
}

// VerifyURL is the public verification page of a code.
func (r *Renderer) VerifyURL(code string) string { return r.baseURL + "/verify/" + code }

// Write prints one A4 page per certificate into w.
func (r *Renderer) Write(w io.Writer, certs []training.IssuedCertificate) error {
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	gp.SetInfo(gopdf.PdfInfo{Title: "职业技能培训证书", Creator: "天目 临安区职业技能培训管理平台"})
	for _, fam := range []string{family, latin} {
		if err := gp.AddTTFFontFromFontContainer(fam, r.fonts); err != nil {
			return fmt.Errorf("certpdf: %w", err)
		}
	}
	for _, c := range certs {
		if err := r.page(gp, c); err != nil {
			return fmt.Errorf("certpdf: certificate %s: %w", c.No, err)
		}
	}
	if len(certs) == 0 {
		gp.AddPage()
	}
	_, err := gp.WriteTo(w)
	return err
}

// Bytes is Write into a buffer.
func (r *Renderer) Bytes(certs []training.IssuedCertificate) ([]byte, error) {
	var b bytes.Buffer
	err := r.Write(&b, certs)
	return b.Bytes(), err
}

// A4 in points: 595.28 × 841.89.
const (
	pageW  = 595.28
	margin = 42.0
)

func (r *Renderer) page(gp *gopdf.GoPdf, c training.IssuedCertificate) error {
	gp.AddPage()
	// Double frame.
	gp.SetStrokeColor(150, 30, 30)
	gp.SetLineWidth(3)
	gp.RectFromUpperLeftWithStyle(margin, margin, pageW-2*margin, 841.89-2*margin, "D")
	gp.SetLineWidth(0.8)
	gp.RectFromUpperLeftWithStyle(margin+8, margin+8, pageW-2*margin-16, 841.89-2*margin-16, "D")

	gp.SetTextColor(150, 30, 30)
	if err := centred(gp, 40, 130, c.Kind.Label()); err != nil {
		return err
	}
	gp.SetTextColor(60, 60, 60)
	if err := centred(gp, 12, 180, "杭州市临安区职业技能培训"); err != nil {
		return err
	}

	gp.SetTextColor(20, 20, 20)
	lines := [][2]string{
		{"姓　　名", c.Name},
		{"身份证号", training.MaskID(c.IDNumber)},
		{"职业（工种）", c.OccupationName},
		{"职业技能等级", c.LevelText()},
		{"发证日期", fmt.Sprintf("%d年%d月%d日", c.IssueDate.Year(), c.IssueDate.Month(), c.IssueDate.Day())},
		{"发证机构", c.Issuer},
		{"证书编号", c.No},
	}
	y := 250.0
	for _, l := range lines {
		if _, err := mixed(gp, 14, 110, y, l[0]+"："); err != nil {
			return err
		}
		if _, err := mixed(gp, 16, 230, y, l[1]); err != nil {
			return err
		}
		y += 40
	}
	if _, err := mixed(gp, 11, 110, y+10, "该学员经考核合格，特发此证。"); err != nil {
		return err
	}

	// QR code to the public verification page.
	png, err := qrPNG(r.VerifyURL(c.VerifyCode))
	if err != nil {
		return err
	}
	img, err := gopdf.ImageHolderByBytes(png)
	if err != nil {
		return err
	}
	const qr = 110.0
	if err := gp.ImageByHolder(img, pageW-margin-30-qr, 841.89-margin-40-qr-30, &gopdf.Rect{W: qr, H: qr}); err != nil {
		return err
	}
	gp.SetTextColor(80, 80, 80)
	if _, err := mixed(gp, 9, margin+30, 841.89-margin-90, "验证码："+c.VerifyCode); err != nil {
		return err
	}
	_, err = mixed(gp, 9, margin+30, 841.89-margin-74, "扫描二维码或访问 "+r.baseURL+"/verify 查验证书真伪")
	return err
}

// mixed writes text from x at baseline y, printing runs of ASCII in the
// Latin font and everything else in the CJK font. It returns the width.
func mixed(gp *gopdf.GoPdf, size, x, y float64, text string) (float64, error) {
	start := x
	for _, run := range runs(text) {
		if err := gp.SetFont(fontOf(run), "", size); err != nil {
			return 0, err
		}
		w, err := gp.MeasureTextWidth(run)
		if err != nil {
			return 0, err
		}
		gp.SetXY(x, y)
		if err := gp.Text(run); err != nil {
			return 0, err
		}
		x += w
	}
	return x - start, nil
}

// latinRune reports whether the Latin font prints r: ASCII, and the yuan
// sign and middle dot, which the CJK fallback font lacks.
func latinRune(r rune) bool { return r < 0x80 || r == '¥' || r == '·' }

// fontOf is the font of a run.
func fontOf(run string) string {
	if r, _ := utf8.DecodeRuneInString(run); latinRune(r) {
		return latin
	}
	return family
}

// runs splits text into maximal runs of Latin-font and CJK-font characters.
func runs(text string) []string {
	var out []string
	begin, lat := 0, false
	for i, r := range text {
		if l := latinRune(r); i == 0 {
			lat = l
		} else if l != lat {
			out = append(out, text[begin:i])
			begin, lat = i, l
		}
	}
	if begin < len(text) {
		out = append(out, text[begin:])
	}
	return out
}

// centred writes text centred on the page at baseline y.
func centred(gp *gopdf.GoPdf, size, y float64, text string) error {
	w := 0.0
	for _, run := range runs(text) {
		if err := gp.SetFont(fontOf(run), "", size); err != nil {
			return err
		}
		rw, err := gp.MeasureTextWidth(run)
		if err != nil {
			return err
		}
		w += rw
	}
	_, err := mixed(gp, size, (pageW-w)/2, y, text)
	return err
}

// qrPNG draws text as a QR code in an 8-bit grey PNG (what gopdf embeds),
// eight pixels a module with the four-module quiet zone.
func qrPNG(text string) ([]byte, error) {
	q, err := goqr.EncodeText(text, goqr.Medium)
	if err != nil {
		return nil, err
	}
	const quiet, scale = 4, 8
	size := q.Size()
	side := (size + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			if !q.Module(x, y) {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				row := img.Pix[((y+quiet)*scale+dy)*img.Stride:]
				for dx := 0; dx < scale; dx++ {
					row[(x+quiet)*scale+dx] = 0
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
