package certpdf_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tianmu/internal/training"
)

// claimDetail is a claim of n lines (one removed by an objection) with
// one person left out.
func claimDetail(n int) training.ClaimDetail {
	day := func(m, d int) *time.Time { t := time.Date(2026, time.Month(m), d, 10, 0, 0, 0, time.UTC); return &t }
	d := training.ClaimDetail{Claim: training.Claim{ID: 7, ClaimNo: "BZ2026000042", InstitutionName: "临安区天目职业技能培训学校",
		Status: training.ClaimReviewed, Lines: n - 1, Excluded: 1, SubmittedBy: "天目学校 王芳", SubmittedAt: day(5, 6),
		ReviewedBy: "区人社局 李明", ReviewedAt: day(5, 8), CreatedAt: *day(5, 6)},
		Classes: []training.ClassRef{{ID: 1, ClassNo: "BB2026001", OccupationName: "中式烹调师", Level: training.Level4}}}
	for i := range n {
		l := training.ClaimLine{ID: int64(i + 1), Amount: 75000, Standard: 150000, Percent: 50, Status: "active", StandardDoc: "杭人社发〔2020〕43号"}
		l.ClassNo, l.Name, l.IDNumber, l.Group = "BB2026001", fmt.Sprintf("学员%03d", i+1), fmt.Sprintf("330185199001%06d", i), training.GroupEmployee
		l.OccupationName, l.Level, l.CertNo, l.CertDate = "中式烹调师", training.Level4, fmt.Sprintf("Z2026%06d", i), *day(4, 20)
		if i == 1 {
			l.Status, l.Removed = "removed", "异议成立：未参加培训"
		} else {
			d.Claim.Total += l.Amount
		}
		d.Lines = append(d.Lines, l)
	}
	x := training.ClaimExclusion{Reasons: []string{training.ExclFeePaid}}
	x.ClassNo, x.Name, x.IDNumber = "BB2026001", "应志强", "330185199205051234"
	d.Exclusions = []training.ClaimExclusion{x}
	return d
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is missing (Debian: apt-get install poppler-utils)")
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %q", pdf[:10])
	}
	path := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestClaimFormText reads the printed claim form back with pdftotext: the
// header, institution, class, every live line with its masked ID number,
// the totals in yuan and in capitals, the signature and seal boxes, and
// "第 n 页 共 m 页" on every page; no full ID number, no removed line.
func TestClaimFormText(t *testing.T) {
	r := renderer(t)
	at := time.Date(2026, 5, 9, 1, 30, 0, 0, time.UTC)
	for _, n := range []int{3, 80} {
		d := claimDetail(n)
		pdf, err := r.ClaimFormBytes(d, at)
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, pdf)
		pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
		for _, want := range []string{"临安区职业技能培训补贴申领表", "BZ2026000042", "临安区天目职业技能培训学校", "BB2026001 中式烹调师 四级",
			"已初审，待审批", "区人社局 李明", training.YuanText(d.Claim.Total), training.YuanCapitals(d.Claim.Total),
			"培训机构（盖章）", "初审意见", "审批意见", "签字", "学员001", "330185********0000", "2026-05-09 09:30",
			"公示期间异议成立移出 1 人"} {
			if !strings.Contains(text, want) {
				t.Errorf("%d lines: the form lacks %q:\n%s", n, want, text)
			}
		}
		for i, p := range pages {
			if want := fmt.Sprintf("第%d页共%d页", i+1, len(pages)); !strings.Contains(strings.ReplaceAll(p, " ", ""), want) {
				t.Errorf("%d lines: page %d lacks %q", n, i+1, want)
			}
		}
		if n == 80 && len(pages) < 3 {
			t.Errorf("80 lines on %d pages", len(pages))
		}
		if strings.Contains(text, "学员002") {
			t.Error("the removed line is printed")
		}
		for _, l := range d.Lines {
			if strings.Contains(text, l.IDNumber) {
				t.Fatalf("a full ID number is printed: %s", l.IDNumber)
			}
		}
		if got := strings.Count(text, "330185********"); got != n-1 {
			t.Errorf("%d lines: %d masked ID numbers printed, want %d", n, got, n-1)
		}
	}
}

// BenchmarkClaimForm500: a 500-line form.
func BenchmarkClaimForm500(b *testing.B) {
	r := renderer(b)
	d := claimDetail(500)
	for b.Loop() {
		if _, err := r.ClaimFormBytes(d, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
