package certpdf_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tianmu/internal/certpdf"
	"tianmu/internal/training"
)

func renderer(tb testing.TB) *certpdf.Renderer {
	tb.Helper()
	for _, f := range []string{certpdf.DefaultFont, certpdf.DefaultLatinFont} {
		if _, err := os.Stat(f); err != nil {
			tb.Fatalf("font missing (Debian: apt-get install fonts-droid-fallback fonts-dejavu-core): %v", err)
		}
	}
	r, err := certpdf.Load(certpdf.DefaultFont, certpdf.DefaultLatinFont, "https://px.linan.example")
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func cert(i int) training.IssuedCertificate {
	return training.IssuedCertificate{No: training.CertificateNo(2026, training.CertSkillLevel, int64(i+1)), VerifyCode: training.NewVerifyCode(),
		Kind: training.CertSkillLevel, Name: fmt.Sprintf("钱塘%d号", i), IDNumber: "33018519900101123X", OccupationCode: "4-03-02-01",
		OccupationName: "中式烹调师", Level: training.Level4, Issuer: "临安区职建中心", IssueDate: time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)}
}

// TestCertificateText opens the PDF with pdftotext (poppler-utils) and
// checks the printed text: Chinese labels, the name, the masked ID number,
// occupation, level, date, issuer, number and the verification code.
func TestCertificateText(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is missing (Debian: apt-get install poppler-utils; .ci/run installs it)")
	}
	r := renderer(t)
	c := cert(0)
	pdf, err := r.Bytes([]training.IssuedCertificate{c, cert(1)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %q", pdf[:10])
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	pages := strings.Split(text, "\f")
	if len(pages) < 2 {
		t.Fatalf("%d pages", len(pages))
	}
	for _, want := range []string{"职业技能等级证书", "姓", "钱塘0号", "330185********123X", "中式烹调师", "四级/中级工",
		"2026年4月20日", "临安区职建中心", c.No, c.VerifyCode, "证书编号"} {
		if !strings.Contains(pages[0], want) {
			t.Errorf("page 1 lacks %q:\n%s", want, pages[0])
		}
	}
	if strings.Contains(text, "33018519900101123X") {
		t.Error("the full ID number is printed")
	}
	if !strings.Contains(pages[1], "钱塘1号") {
		t.Errorf("page 2 lacks the second certificate:\n%s", pages[1])
	}
}

func TestConcurrentRendering(t *testing.T) {
	r := renderer(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := r.Bytes([]training.IssuedCertificate{cert(i)}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
}

// BenchmarkOneCertificate: budget 50 ms.
func BenchmarkOneCertificate(b *testing.B) {
	r := renderer(b)
	c := []training.IssuedCertificate{cert(0)}
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Bytes(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSession50: a 50-candidate session in one download; budget 2 s.
func BenchmarkSession50(b *testing.B) {
	r := renderer(b)
	var cs []training.IssuedCertificate
	for i := 0; i < 50; i++ {
		cs = append(cs, cert(i))
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Bytes(cs); err != nil {
			b.Fatal(err)
		}
	}
}
