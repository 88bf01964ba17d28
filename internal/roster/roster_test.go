package roster

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"tianmu/internal/training"
)

var today = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func header() []string {
	h := make([]string, len(training.RosterColumns))
	for i, c := range training.RosterColumns {
		h[i] = c.Label
	}
	return h
}

func validID(prefix string) string { return prefix + string(training.IDCheckChar(prefix)) }

func readAll(t *testing.T, data []byte) ([]training.RosterRow, error) {
	t.Helper()
	r, err := Open(data)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []training.RosterRow
	for {
		row, err := r.Next(today)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, row)
	}
}

func TestReadXLSX(t *testing.T) {
	id := validID("33018519900307123")
	var buf bytes.Buffer
	rows := [][]string{header(), {id, "张三", "13857112345", "企业职工", "在职", "本地农村", ""}, {}, {"330185199003071234", "李四", "13857112345", "企业职工", "在职", "本地农村"}}
	if err := WriteSheet(&buf, rows, true); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// The numeric cells: Excel kept 15 digits of the ID numbers.
	if len(got) != 2 || got[0].Line != 2 || got[1].Line != 4 || len(got[1].Problems) == 0 ||
		!strings.Contains(got[1].Problems[0], "Excel") {
		t.Fatalf("%+v", got)
	}
}

func TestReadCSVEncodings(t *testing.T) {
	id := validID("33018519900307123")
	text := strings.Join(header(), ",") + "\r\n" + id + ",张三,13857112345,企业职工,在职,本地农村,临安\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	must(t, err)
	for name, data := range map[string][]byte{"utf-8": []byte(text), "bom": []byte("\xEF\xBB\xBF" + text), "gb18030": []byte(gb)} {
		got, err := readAll(t, data)
		if err != nil || len(got) != 1 || got[0].In.Name != "张三" || got[0].In.Employer != "临安" || len(got[0].Problems) != 0 {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
}

func TestRefusals(t *testing.T) {
	for name, tc := range map[string]struct {
		data []byte
		msg  string
	}{
		"empty":      {nil, "为空"},
		"pdf":        {[]byte("%PDF-1.4\n%%EOF"), "不是表格"},
		"png":        {[]byte("\x89PNG\r\n\x1a\n\x00\x00"), "不是表格"},
		"xls":        {[]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, ".xls"},
		"too large":  {bytes.Repeat([]byte("a,"), MaxFile/2+1), "10MB"},
		"bad zip":    {[]byte("PK\x03\x04garbage"), "不是有效"},
		"no header":  {[]byte("a,b\n"), "缺少列"},
		"bomb":       {bomb(t, 100<<20), "压缩炸弹"},
		"empty file": {[]byte("\xEF\xBB\xBF"), "没有内容"},
	} {
		_, err := readAll(t, tc.data)
		msg, ok := AsProblem(err)
		if !ok || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: %v, want %q", name, err, tc.msg)
		}
	}
}

func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.Join(header(), ",") + "\n")
	for i := 0; i <= MaxRows; i++ {
		fmt.Fprintf(&b, "x%d,名,1,,,,\n", i)
	}
	if _, err := readAll(t, []byte(b.String())); err == nil || !strings.Contains(err.Error(), "10000") {
		t.Fatalf("%v", err)
	}
}

// bomb is a zip whose one entry unzips to size bytes.
func bomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	must(t, err)
	chunk := bytes.Repeat([]byte("0"), 1<<20)
	for n := 0; n < size; n += len(chunk) {
		must(t, errOf(w.Write(chunk)))
	}
	must(t, zw.Close())
	return buf.Bytes()
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+86": "'+86", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x",
		"张三": "张三", "": "", "330185********1234": "330185********1234"} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportMasksAndNeutralises(t *testing.T) {
	id := validID("33018519900307123")
	e := training.Enrolment{Status: "enrolled", Trainee: training.Trainee{IDNumber: id, Name: "=cmd|' /C calc'!A0", Phone: "13857112345",
		BirthDate: today, TargetGroup: training.GroupEmployee, Employment: training.EmpEmployed, Hukou: training.HukouLocalRural, Employer: "@x"}}
	var buf bytes.Buffer
	if err := Export(&buf, "标题", []training.Enrolment{e}, false); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(SheetName)
	must(t, err)
	var cells []string
	for _, r := range rows {
		cells = append(cells, r...)
	}
	s := strings.Join(cells, "|")
	if strings.Contains(s, id) || strings.Contains(s, "13857112345") || !strings.Contains(s, "138****2345") {
		t.Fatalf("not masked: %s", s)
	}
	for _, c := range cells {
		if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
			t.Errorf("cell starts a formula: %q", c)
		}
	}
	if !strings.Contains(s, "'=cmd") || !strings.Contains(s, "'@x") {
		t.Fatalf("formula not neutralised: %s", s)
	}
}

// FuzzOpen: any bytes either open as a roster or give a message; reading
// never panics.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(strings.Join(header(), ",") + "\n330185199003071234,张三,13857112345,企业职工,在职,本地农村,\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("\xEF\xBB\xBF身份证号码,姓名\n\"unterminated"))
	var buf bytes.Buffer
	must(f, WriteSheet(&buf, [][]string{header(), {"1", "2"}}, false))
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog := time.AfterFunc(3*time.Second, func() { panic(fmt.Sprintf("slow input (%d bytes)", len(data))) })
		defer watchdog.Stop()
		r, err := Open(data)
		if err != nil {
			if _, ok := AsProblem(err); !ok {
				t.Fatalf("not a user message: %v", err)
			}
			return
		}
		defer r.Close()
		for i := 0; i < MaxRows+1; i++ {
			if _, err := r.Next(today); err != nil {
				return
			}
		}
	})
}

// A damaged .xlsx is reported as damaged, never read as fewer rows (or
// none): excelize reads a zip entry only up to its declared size and stops
// at the first XML error without a word, so every entry is checked whole
// first. The files are made by TestGenerateDamaged.
func TestDamagedXLSX(t *testing.T) {
	for _, name := range []string{"damaged-size.xlsx", "damaged-crc.xlsx", "damaged-xml.xlsx", "damaged-truncated.xlsx"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := readAll(t, data)
			msg, ok := AsProblem(err)
			if !ok || !strings.HasPrefix(msg, "文件已损坏") {
				t.Fatalf("read %d rows, error %v; want 文件已损坏…", len(rows), err)
			}
		})
	}
	// A <dimension> that understates the sheet is no damage: every row is read.
	data, err := os.ReadFile(filepath.Join("testdata", "dimension-understated.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, data)
	if err != nil || len(rows) != 5 {
		t.Fatalf("dimension A1:A1: %d rows, %v; want 5", len(rows), err)
	}
	for i, r := range rows {
		if len(r.Problems) != 0 || r.In.Name != fmt.Sprintf("学员%d", i) {
			t.Fatalf("row %d: %+v", i, r)
		}
	}
}
