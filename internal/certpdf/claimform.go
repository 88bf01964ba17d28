package certpdf

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/signintech/gopdf"

	"tianmu/internal/training"
)

// The printed claim form (申领表, SUB-3): an A4 document the institution
// signs and seals and the bureau files. Header, institution, classes,
// the subsidised people (ID numbers masked), totals in yuan (also in
// capitals), the people left out by count, signature and seal boxes, and
// "第 n 页 共 m 页" on every page.

const (
	pageH   = 841.89
	formL   = 40.0          // left edge of the form
	formR   = pageW - 40.0  // right edge
	formW   = formR - formL // width
	rowH    = 17.0          // a table row
	bottomY = pageH - 60.0  // last baseline a row may use before the footer
	headerH = 20.0          // the table's header row
	textTop = 12.0          // baseline offset of text inside a row
)

// column of the lines table: title, width (points), right-aligned.
type column struct {
	title string
	w     float64
	right bool
}

var lineCols = []column{
	{"序号", 24, true}, {"培训班", 58, false}, {"姓名", 48, false}, {"身份证号码", 100, false},
	{"人员类别", 58, false}, {"工种 / 等级", 84, false}, {"证书编号", 84, false}, {"金额（元）", 59.28, true},
}

// ClaimForm prints the claim form of d into w.
func (r *Renderer) ClaimForm(w io.Writer, d training.ClaimDetail, printedAt time.Time) error {
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	gp.SetInfo(gopdf.PdfInfo{Title: "职业技能培训补贴申领表 " + d.Claim.ClaimNo, Creator: "天目 临安区职业技能培训管理平台"})
	for _, fam := range []string{family, latin} {
		if err := gp.AddTTFFontFromFontContainer(fam, r.fonts); err != nil {
			return fmt.Errorf("certpdf: %w", err)
		}
	}
	if err := claimForm(gp, d, printedAt); err != nil {
		return fmt.Errorf("certpdf: claim %s: %w", d.Claim.ClaimNo, err)
	}
	_, err := gp.WriteTo(w)
	return err
}

// ClaimFormBytes is ClaimForm into a buffer.
func (r *Renderer) ClaimFormBytes(d training.ClaimDetail, printedAt time.Time) ([]byte, error) {
	var b bytes.Buffer
	err := r.ClaimForm(&b, d, printedAt)
	return b.Bytes(), err
}

func claimForm(gp *gopdf.GoPdf, d training.ClaimDetail, printedAt time.Time) error {
	c := d.Claim
	gp.AddPage()
	gp.SetTextColor(0, 0, 0)
	gp.SetStrokeColor(0, 0, 0)
	if err := centred(gp, 18, 62, "临安区职业技能培训补贴申领表"); err != nil {
		return err
	}
	if err := centred(gp, 9, 80, "（"+training.RuleClaimFeePaid.Article+"：经审核、审批并公示5个工作日后拨付）"); err != nil {
		return err
	}
	if _, err := mixed(gp, 9, formL, 100, "申领编号："+c.ClaimNo); err != nil {
		return err
	}
	if err := right(gp, 9, formR, 100, "状态："+c.Status.Label()); err != nil {
		return err
	}

	// The claim's particulars, two columns of label and value.
	classes := make([]string, len(d.Classes))
	for i, cl := range d.Classes {
		classes[i] = cl.ClassNo + " " + cl.Title()
	}
	active, removed := 0, 0
	for _, l := range d.Lines {
		switch l.Status {
		case "active":
			active++
		case "removed":
			removed++
		}
	}
	y := 108.0
	gp.SetLineWidth(0.6)
	type field struct{ label, value string }
	rows := [][]field{
		{{"培训机构", c.InstitutionName}},
		{{"培训班", strings.Join(classes, "；")}},
		{{"补贴人数", strconv.Itoa(c.Lines) + " 人"}, {"未纳入人数", strconv.Itoa(c.Excluded) + " 人（名单及原因见导出表）"}},
		{{"补贴金额", training.YuanText(c.Total)}, {"金额大写", training.YuanCapitals(c.Total)}},
		{{"提交", c.SubmittedBy + " " + datePtr(c.SubmittedAt)}, {"初审", c.ReviewedBy + " " + datePtr(c.ReviewedAt)}},
		{{"审批", c.ApprovedBy + " " + datePtr(c.ApprovedAt)}, {"公示期", noticeText(c)}},
	}
	const labelW = 62.0
	for _, row := range rows {
		cellW := formW / float64(len(row))
		// Wrap each value within its cell; the row is as tall as its
		// tallest cell.
		wrapped := make([][]string, len(row))
		h := rowH
		for i, f := range row {
			lines, err := wrap(gp, 9.5, f.value, cellW-labelW-8)
			if err != nil {
				return err
			}
			wrapped[i] = lines
			if lh := float64(len(lines))*13 + 4; lh > h {
				h = lh
			}
		}
		for i, f := range row {
			x := formL + float64(i)*cellW
			gp.SetFillColor(240, 240, 240)
			gp.RectFromUpperLeftWithStyle(x, y, labelW, h, "FD")
			gp.RectFromUpperLeftWithStyle(x+labelW, y, cellW-labelW, h, "D")
			if _, err := mixed(gp, 9.5, x+5, y+textTop, f.label); err != nil {
				return err
			}
			for j, ln := range wrapped[i] {
				if _, err := mixed(gp, 9.5, x+labelW+4, y+textTop+float64(j)*13, ln); err != nil {
					return err
				}
			}
		}
		y += h
	}

	// The subsidised people.
	y += 14
	if _, err := mixed(gp, 11, formL, y, "补贴明细（身份证号码已隐去中间数字）"); err != nil {
		return err
	}
	y += 6
	if err := tableHeader(gp, y); err != nil {
		return err
	}
	y += headerH
	n := 0
	for _, l := range d.Lines {
		if l.Status != "active" {
			continue
		}
		if y+rowH > bottomY {
			gp.AddPage()
			y = 50
			if err := tableHeader(gp, y); err != nil {
				return err
			}
			y += headerH
		}
		n++
		occ := l.OccupationName
		if l.Level != training.LevelNone {
			occ += " " + l.Level.Short()
		}
		cells := []string{strconv.Itoa(n), l.ClassNo, l.Name, training.MaskID(l.IDNumber), l.Group.Label(), occ, l.CertNo, training.YuanInput(l.Amount)}
		if err := tableRow(gp, y, cells, false); err != nil {
			return err
		}
		y += rowH
	}
	if y+rowH > bottomY {
		gp.AddPage()
		y = 50
	}
	if err := tableRow(gp, y, []string{"", "合计", strconv.Itoa(active) + " 人", "", "", "", "", training.YuanInput(c.Total)}, true); err != nil {
		return err
	}
	y += rowH + 8
	if removed > 0 {
		if _, err := mixed(gp, 9, formL, y+4, fmt.Sprintf("公示期间异议成立移出 %d 人，不在上表中。", removed)); err != nil {
			return err
		}
		y += 14
	}
	if _, err := mixed(gp, 9, formL, y+4, training.RuleClaimFeePaid.Msg()+"。"); err != nil {
		return err
	}
	y += 18

	// Signatures and seals: the institution's declaration, then the
	// bureau's review and approval (four eyes: two different people).
	const boxH = 118.0
	if y+boxH > bottomY {
		gp.AddPage()
		y = 50
	}
	boxW := formW / 3
	boxes := []struct{ title, body string }{
		{"培训机构（盖章）", "本机构承诺以上内容真实，无弄虚作假、骗取培训补助经费行为。"},
		{"初审意见", ""},
		{"审批意见（初审人以外的工作人员）", ""},
	}
	for i, b := range boxes {
		x := formL + float64(i)*boxW
		gp.RectFromUpperLeftWithStyle(x, y, boxW, boxH, "D")
		if _, err := mixed(gp, 9.5, x+5, y+textTop+1, b.title); err != nil {
			return err
		}
		if b.body != "" {
			lines, err := wrap(gp, 8, b.body, boxW-10)
			if err != nil {
				return err
			}
			for j, ln := range lines {
				if _, err := mixed(gp, 8, x+5, y+30+float64(j)*11, ln); err != nil {
					return err
				}
			}
		}
		if _, err := mixed(gp, 9, x+5, y+boxH-30, "签字："); err != nil {
			return err
		}
		if _, err := mixed(gp, 9, x+5, y+boxH-12, "日期：　　年　　月　　日"); err != nil {
			return err
		}
	}

	// Footer on every page: the claim number, when printed, page n of m.
	total := gp.GetNumberOfPages()
	stamp := "申领编号 " + d.Claim.ClaimNo + " · 打印于 " + printedAt.In(cst).Format("2006-01-02 15:04")
	for p := 1; p <= total; p++ {
		if err := gp.SetPage(p); err != nil {
			return err
		}
		gp.SetTextColor(80, 80, 80)
		if _, err := mixed(gp, 8, formL, pageH-30, stamp); err != nil {
			return err
		}
		if err := right(gp, 8, formR, pageH-30, fmt.Sprintf("第 %d 页 共 %d 页", p, total)); err != nil {
			return err
		}
	}
	return nil
}

var cst = time.FixedZone("CST", 8*3600)

func datePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(cst).Format("2006-01-02")
}

func noticeText(c training.Claim) string {
	if c.NoticeFrom == nil || c.NoticeUntil == nil {
		return ""
	}
	return c.NoticeFrom.Format("2006-01-02") + " 至 " + c.NoticeUntil.Format("2006-01-02")
}

func tableHeader(gp *gopdf.GoPdf, y float64) error {
	x := formL
	for _, col := range lineCols {
		gp.SetFillColor(225, 225, 225) // text resets the fill colour
		gp.RectFromUpperLeftWithStyle(x, y, col.w, headerH, "FD")
		if _, err := mixed(gp, 8.5, x+3, y+13, col.title); err != nil {
			return err
		}
		x += col.w
	}
	return nil
}

func tableRow(gp *gopdf.GoPdf, y float64, cells []string, bold bool) error {
	x := formL
	size := 8.5
	if bold {
		size = 9
	}
	for i, col := range lineCols {
		gp.RectFromUpperLeftWithStyle(x, y, col.w, rowH, "D")
		text, err := fit(gp, size, cells[i], col.w-6)
		if err != nil {
			return err
		}
		if col.right {
			err = right(gp, size, x+col.w-3, y+textTop, text)
		} else {
			_, err = mixed(gp, size, x+3, y+textTop, text)
		}
		if err != nil {
			return err
		}
		x += col.w
	}
	return nil
}

// measure is the width of mixed text.
func measure(gp *gopdf.GoPdf, size float64, text string) (float64, error) {
	w := 0.0
	for _, run := range runs(text) {
		if err := gp.SetFont(fontOf(run), "", size); err != nil {
			return 0, err
		}
		rw, err := gp.MeasureTextWidth(run)
		if err != nil {
			return 0, err
		}
		w += rw
	}
	return w, nil
}

// right writes text ending at x.
func right(gp *gopdf.GoPdf, size, x, y float64, text string) error {
	w, err := measure(gp, size, text)
	if err != nil {
		return err
	}
	_, err = mixed(gp, size, x-w, y, text)
	return err
}

// fit shortens text with "…" to fit width.
func fit(gp *gopdf.GoPdf, size float64, text string, width float64) (string, error) {
	w, err := measure(gp, size, text)
	if err != nil || w <= width {
		return text, err
	}
	r := []rune(text)
	for len(r) > 0 {
		r = r[:len(r)-1]
		if w, err = measure(gp, size, string(r)+"…"); err != nil {
			return "", err
		} else if w <= width {
			break
		}
	}
	return string(r) + "…", nil
}

// wrap breaks text into lines within width (by character: Chinese has no
// spaces to break at).
func wrap(gp *gopdf.GoPdf, size float64, text string, width float64) ([]string, error) {
	var out []string
	line := []rune{}
	for _, ch := range text {
		next := append(line, ch)
		w, err := measure(gp, size, string(next))
		if err != nil {
			return nil, err
		}
		if w > width && len(line) > 0 {
			out = append(out, string(line))
			line = []rune{ch}
			continue
		}
		line = next
	}
	if len(line) > 0 || len(out) == 0 {
		out = append(out, string(line))
	}
	return out, nil
}
