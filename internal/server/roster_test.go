package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
)

// approvedContent is the demo's approved school class (20 trainees).
const approvedContent = "烹饪原料知识、刀工刀法、火候掌握、热菜烹调、冷菜制作、食品安全与卫生"

// traineeOf is a valid trainee numbered n.
func traineeOf(n int) training.TraineeInput {
	prefix := fmt.Sprintf("110105%04d%02d%02d%03d", 1960+n%40, n%12+1, n%28+1, n%1000)
	return training.TraineeInput{IDNumber: validID(prefix), Name: fmt.Sprintf("测试学员%d", n), Phone: fmt.Sprintf("139%08d", n),
		TargetGroup: "失业人员", Employment: "未就业", Hukou: "本地城镇"}
}

func rowOf(in training.TraineeInput) []string {
	return []string{in.IDNumber, in.Name, in.Phone, in.TargetGroup, in.Employment, in.Hukou, in.Employer}
}

func traineeRow(n int) []string { return rowOf(traineeOf(n)) }

func rosterHeader() []string {
	h := make([]string, len(training.RosterColumns))
	for i, c := range training.RosterColumns {
		h[i] = c.Label
	}
	return h
}

func xlsxFile(t *testing.T, rows [][]string, numeric bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := roster.WriteSheet(&buf, append([][]string{rosterHeader()}, rows...), numeric); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// addTrainee enrols trainee n on a class as the school.
func (e *env) addTrainee(class int64, n int) int64 {
	e.t.Helper()
	id, err := e.store.AddTrainee(context.Background(), e.actorOf("school"), class, traineeOf(n))
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// stageImport makes a validated import job on a class as the school.
func (e *env) stageImport(class int64, rows [][]string) int64 {
	e.t.Helper()
	ctx := context.Background()
	var buf bytes.Buffer
	must(e.t, roster.WriteSheet(&buf, append([][]string{rosterHeader()}, rows...), false))
	job, err := e.store.CreateImportJob(ctx, e.actorOf("school"), class, "名单.xlsx", buf.Bytes())
	if err != nil {
		e.t.Fatal(err)
	}
	rd, err := roster.Open(buf.Bytes())
	if err != nil {
		e.t.Fatal(err)
	}
	defer rd.Close()
	if err := e.store.StageImport(ctx, job, func() (training.RosterRow, error) { return rd.Next(e.store.Today()) }); err != nil {
		e.t.Fatal(err)
	}
	return job
}

// upload posts a roster file and follows the job page until the
// validation is done (by the job runner, as on a node).
func (c *client) upload(class int64, name string, data []byte) response {
	c.e.t.Helper()
	c.e.runJobs()
	res := c.postFile(classPath(class, "/roster/import"), nil, name, data)
	if res.status != http.StatusSeeOther {
		return res
	}
	for i := 0; i < 100; i++ {
		page := c.get(res.location)
		if !page.has("import-progress") {
			page.location = res.location
			return page
		}
		if !strings.Contains(page.body, `http-equiv="refresh"`) {
			c.e.t.Fatal("progress page does not refresh itself")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.e.t.Fatal("validation did not finish")
	return res
}

func classPath(id int64, suffix string) string { return "/classes/" + itoa(id) + suffix }

func TestRosterPageAddRemove(t *testing.T) {
	e := newEnv(t)
	class := e.classID(approvedContent)
	school := e.login("school")
	page := school.get(classPath(class, "/roster"))
	if page.status != http.StatusOK || len(page.texts("roster-row")) != 25 || !strings.Contains(page.text("roster-count"), "在册 25 人 / 上限 50 人") {
		t.Fatalf("roster: %d %q rows=%d", page.status, page.text("roster-count"), len(page.texts("roster-row")))
	}
	for _, id := range page.texts("roster-id") {
		if !strings.Contains(id, "********") {
			t.Fatalf("ID number not masked: %s", id)
		}
	}
	if p := page.texts("roster-phone")[0]; !strings.Contains(p, "****") {
		t.Fatalf("phone not masked: %s", p)
	}
	if !school.get(classPath(class, "")).has("roster-link") {
		t.Error("no roster link on the filing page")
	}

	// Bad input: messages beside the fields, typed values kept.
	in := traineeOf(1)
	form := url.Values{"id_number": {in.IDNumber[:17] + "0"}, "name": {in.Name}, "phone": {"1380000"}, "target_group": {"unemployed"},
		"employment": {"unemployed"}, "hukou": {"local_urban"}}
	if in.IDNumber[17] == '0' {
		form.Set("id_number", in.IDNumber[:17]+"1")
	}
	bad := school.post(classPath(class, "/roster"), form)
	if bad.status != http.StatusUnprocessableEntity || !bad.has("err-id_number") || !bad.has("err-phone") ||
		!strings.Contains(bad.body, `value="`+in.Name+`"`) {
		t.Fatalf("bad trainee: %d %q", bad.status, bad.text("err-id_number"))
	}
	form.Set("id_number", in.IDNumber)
	form.Set("phone", in.Phone)
	if res := school.post(classPath(class, "/roster"), form); res.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", res.status, res.text("form-errors"))
	}
	page = school.get(classPath(class, "/roster"))
	if !strings.Contains(page.text("roster-count"), "在册 26 人") {
		t.Fatalf("count after add: %q", page.text("roster-count"))
	}
	eid := e.queryID(`SELECT e.id FROM enrolments e JOIN trainees t ON t.id = e.trainee_id WHERE t.id_number = $1`, in.IDNumber)

	// The academy does not see the class; the bureau reads it without forms.
	if res := e.login("academy").get(classPath(class, "/roster")); res.status != http.StatusNotFound {
		t.Fatalf("academy: %d", res.status)
	}
	bp := e.login("bureau").get(classPath(class, "/roster"))
	if bp.status != http.StatusOK || bp.has("add-form") || bp.has("import-form") || !bp.has("export-full-form") {
		t.Fatalf("bureau page: %d", bp.status)
	}

	// From the start date: no additions, withdrawal needs a reason.
	var start time.Time
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT start_date FROM classes WHERE id = $1`, class).Scan(&start); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.now = time.Date(start.Year(), start.Month(), start.Day(), 9, 0, 0, 0, repository.Shanghai)
	e.mu.Unlock()
	form.Set("id_number", traineeOf(2).IDNumber)
	if res := school.post(classPath(class, "/roster"), form); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.text("form-errors"), "第七条") {
		t.Fatalf("add after start: %d %q", res.status, res.text("form-errors"))
	}
	if res := school.post(classPath(class, "/roster/"+itoa(eid)+"/remove"), url.Values{}); res.status != http.StatusUnprocessableEntity ||
		!res.has("err-reason") {
		t.Fatalf("withdraw without reason: %d", res.status)
	}
	if res := school.post(classPath(class, "/roster/"+itoa(eid)+"/remove"), url.Values{"reason": {"工作调动"}}); res.status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.status)
	}
	page = school.get(classPath(class, "/roster"))
	if !strings.Contains(page.body, "工作调动") || !strings.Contains(page.text("roster-count"), "在册 25 人") {
		t.Fatalf("after withdrawal: %q", page.text("roster-count"))
	}
}

func TestRosterRemoveBeforeStart(t *testing.T) {
	e := newEnv(t)
	class := e.classID(approvedContent)
	eid := e.addTrainee(class, 5)
	school := e.login("school")
	if res := school.post(classPath(class, "/roster/"+itoa(eid)+"/remove"), url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.status)
	}
	var n int
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM enrolments WHERE id = $1`, eid).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("removed before the start but still listed")
	}
}

func TestRosterImportFlow(t *testing.T) {
	e := newEnv(t)
	class := e.classID(approvedContent)
	school := e.login("school")

	// Errors: a bad check digit, a number Excel made of an ID, a missing
	// name, a duplicate, someone already on the roster.
	bad := traineeOf(3)
	bad.IDNumber = bad.IDNumber[:17] + map[bool]string{true: "1", false: "0"}[bad.IDNumber[17] == '0']
	noName := traineeOf(4)
	noName.Name = ""
	existing := e.queryID(`SELECT t.id FROM trainees t JOIN enrolments e ON e.trainee_id = t.id WHERE e.class_id = $1 ORDER BY e.id LIMIT 1`, class)
	var exID, exName string
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT id_number, name FROM trainees WHERE id = $1`, existing).Scan(&exID, &exName); err != nil {
		t.Fatal(err)
	}
	rows := [][]string{traineeRow(1), traineeRow(2), rowOf(bad), {"3.30185E+17", "科学计数", "13900000001", "企业职工", "在职", "本地城镇", ""},
		rowOf(noName), traineeRow(1), {exID, exName, "13900000002", "企业职工", "在职", "本地城镇", ""}}
	page := school.upload(class, "名单.xlsx", xlsxFile(t, rows, false))
	if page.status != http.StatusOK || page.text("import-valid") != "2" || page.text("import-invalid") != "5" {
		t.Fatalf("report: %d valid=%q invalid=%q %s", page.status, page.text("import-valid"), page.text("import-invalid"), page.text("import-failed"))
	}
	report := page.text("import-report")
	for _, want := range []string{"校验位", "Excel", "请填写姓名", "与第2行重复", "已在本班名单中"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(page.body, exID) {
		t.Error("full ID number in the report")
	}
	// Another institution cannot see the job.
	if res := e.login("academy").get(page.location); res.status != http.StatusNotFound {
		t.Fatalf("academy sees the job: %d", res.status)
	}
	// Import the valid rows.
	res := school.post(page.location, url.Values{})
	if res.status != http.StatusSeeOther {
		t.Fatalf("import: %d %s", res.status, res.text("form-errors"))
	}
	if r := school.get(classPath(class, "/roster")); !strings.Contains(r.text("roster-count"), "在册 27 人") {
		t.Fatalf("after import: %q", r.text("roster-count"))
	}
	if r := school.post(page.location, url.Values{}); r.status != http.StatusConflict {
		t.Fatalf("second import: %d", r.status)
	}

	// The fixed file as GB18030 CSV: the rows imported before are now on
	// the roster, the fixed ones are imported.
	var csv bytes.Buffer
	csv.WriteString(strings.Join(rosterHeader(), ",") + "\r\n")
	for _, r := range [][]string{traineeRow(1), traineeRow(3), traineeRow(4)} {
		csv.WriteString(strings.Join(r, ",") + "\r\n")
	}
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(csv.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// UTF-8 with a BOM reads the same.
	page = school.upload(class, "名单.csv", append([]byte("\xEF\xBB\xBF"), csv.Bytes()...))
	if page.text("import-valid") != "2" {
		t.Fatalf("UTF-8 BOM CSV: valid=%q %s", page.text("import-valid"), page.text("import-failed"))
	}
	page = school.upload(class, "名单.csv", gb)
	if page.text("import-valid") != "2" || !strings.Contains(page.text("import-report"), "已在本班名单中") {
		t.Fatalf("GB18030 CSV: valid=%q %s", page.text("import-valid"), page.text("import-report"))
	}
	if res := school.post(page.location, url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("import CSV: %d", res.status)
	}
	if r := school.get(classPath(class, "/roster")); !strings.Contains(r.text("roster-name"), "测试学员3") {
		t.Fatalf("GB18030 names: %q", r.text("roster-name"))
	}

	// Numeric cells: Excel's number for an 18-digit ID.
	num := [][]string{{"330185199003071234", "数字", "13900000003", "企业职工", "在职", "本地城镇", ""}}
	page = school.upload(class, "数字.xlsx", xlsxFile(t, num, true))
	if page.text("import-valid") != "0" || !strings.Contains(page.text("import-report"), "Excel") {
		t.Fatalf("numeric ID: %q %s", page.text("import-valid"), page.text("import-report"))
	}
	if res := school.post(page.location, url.Values{}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("importing nothing: %d", res.status)
	}

	// Over the cap: 29 on the roster, 30 valid rows; nothing is imported.
	var many [][]string
	for i := 100; i < 130; i++ {
		many = append(many, traineeRow(i))
	}
	page = school.upload(class, "多.xlsx", xlsxFile(t, many, false))
	res = school.post(page.location, url.Values{})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.text("form-errors"), "第七条") ||
		!strings.Contains(res.text("form-errors"), "可导入21人") {
		t.Fatalf("over the cap: %d %q", res.status, res.text("form-errors"))
	}
}

func TestRosterImportRefusals(t *testing.T) {
	e := newEnv(t)
	class := e.classID(approvedContent)
	school := e.login("school")
	for _, tc := range []struct {
		name   string
		data   []byte
		status int
		msg    string
	}{
		{"no file", nil, http.StatusUnprocessableEntity, "请选择"},
		{"a PDF", pdfBytes, http.StatusUnprocessableEntity, "不是表格"},
		{"binary", []byte{0, 1, 2, 3, 0, 0, 0}, http.StatusUnprocessableEntity, "不是表格"},
		{"old xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0}, make([]byte, 100)...), http.StatusUnprocessableEntity, ".xls"},
		{"a zip that is not a workbook", zipOf(t, "readme.txt", 10), http.StatusUnprocessableEntity, "不是有效的.xlsx"},
		{"wrong header", []byte("a,b,c\n1,2,3\n"), http.StatusUnprocessableEntity, "缺少列"},
		{"zip bomb", zipBomb(t), http.StatusUnprocessableEntity, "压缩炸弹"},
		{"zip headers understate the sheet", damagedFile(t, "damaged-size.xlsx"), http.StatusUnprocessableEntity, "文件已损坏"},
		{"sheet cut off after two trainees", damagedFile(t, "damaged-xml.xlsx"), http.StatusUnprocessableEntity, "文件已损坏"},
		{"file cut off", damagedFile(t, "damaged-truncated.xlsx"), http.StatusUnprocessableEntity, "文件已损坏"},
		{"11 MB", bytes.Repeat([]byte("a"), roster.MaxFile+1), http.StatusRequestEntityTooLarge, "10MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			name := "名单.xlsx"
			if tc.data == nil {
				name = ""
			}
			res := school.postFile(classPath(class, "/roster/import"), nil, name, tc.data)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if res.status != tc.status || !strings.Contains(res.text("err-file"), tc.msg) {
				t.Fatalf("%d %q, want %d %q", res.status, res.text("err-file"), tc.status, tc.msg)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 80<<20 {
				t.Errorf("allocated %d MB", grew>>20)
			}
		})
	}
	// A body far over the limit is cut off with 413 before it is read.
	res := school.postFile(classPath(class, "/roster/import"), nil, "big.xlsx", bytes.Repeat([]byte("PK\x03\x04"), (roster.MaxFile+1<<20)/4))
	if res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.text("error-413"), "名单文件不能超过10 MB") {
		t.Fatalf("huge body: %d %q", res.status, res.text("error-413"))
	}
}

// damagedFile is one of the roster package's damaged spreadsheets.
func damagedFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "roster", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func zipOf(t *testing.T, name string, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	must(t, err)
	must(t, errOf(w.Write(bytes.Repeat([]byte("x"), size))))
	must(t, zw.Close())
	return buf.Bytes()
}

// zipBomb is a real workbook whose sheet unzips to 200 MB (a few hundred
// KB compressed).
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var good bytes.Buffer
	must(t, roster.WriteSheet(&good, [][]string{rosterHeader()}, false))
	zr, err := zip.NewReader(bytes.NewReader(good.Bytes()), int64(good.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		must(t, err)
		if strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			must(t, errOf(io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)))
			row := []byte(`<row><c t="inlineStr"><is><t>330185199003071234</t></is></c></row>`)
			for n := 0; n < 200<<20; n += len(row) {
				must(t, errOf(w.Write(row)))
			}
			must(t, errOf(io.WriteString(w, `</sheetData></worksheet>`)))
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		must(t, errOf(io.Copy(w, rc)))
		must(t, rc.Close())
	}
	must(t, zw.Close())
	return buf.Bytes()
}

func TestRosterExport(t *testing.T) {
	e := newEnv(t)
	class := e.classID(approvedContent)
	in := traineeOf(7)
	in.Employer = "=HYPERLINK(\"http://evil\",\"点我\")"
	in.Name = "@张三"
	if _, err := e.store.AddTrainee(context.Background(), e.actorOf("school"), class, in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AddTrainee(context.Background(), e.actorOf("school"), class, traineeOf(8)); err != nil {
		t.Fatal(err)
	}
	school := e.login("school")
	res := school.get(classPath(class, "/roster.xlsx"))
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", res.status, res.header.Get("Content-Type"))
	}
	cells := sheetCells(t, []byte(res.body))
	joined := strings.Join(cells, "|")
	if strings.Contains(joined, traineeOf(8).IDNumber) || !strings.Contains(joined, training.MaskID(traineeOf(8).IDNumber)) ||
		strings.Contains(joined, traineeOf(8).Phone) {
		t.Fatal("export not masked")
	}
	for _, c := range cells {
		if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
			t.Errorf("cell starts a formula: %q", c)
		}
	}
	if !strings.Contains(joined, "'=HYPERLINK") {
		t.Error("formula not neutralised")
	}

	// The full version: the bureau, with a reason, audited.
	bureau := e.login("bureau")
	if r := bureau.post(classPath(class, "/roster/export"), url.Values{"reason": {" "}}); r.status != http.StatusUnprocessableEntity || !r.has("err-reason") {
		t.Fatalf("full export without reason: %d", r.status)
	}
	r := bureau.post(classPath(class, "/roster/export"), url.Values{"reason": {"稽核补贴申领"}})
	if r.status != http.StatusOK || !strings.Contains(strings.Join(sheetCells(t, []byte(r.body)), "|"), traineeOf(8).IDNumber) {
		t.Fatalf("full export: %d", r.status)
	}
	var after string
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT after::text FROM audit_log WHERE action = 'roster.export_pii' AND entity_id = $1`, class).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(after, "稽核补贴申领") {
		t.Fatalf("audit: %q", after)
	}
	if r := school.post(classPath(class, "/roster/export"), url.Values{"reason": {"x"}}); r.status != http.StatusForbidden {
		t.Fatalf("school full export: %d", r.status)
	}
}

func sheetCells(t *testing.T, data []byte) []string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

func TestRosterTemplate(t *testing.T) {
	e := newEnv(t)
	res := e.login("school").get("/roster/template.xlsx")
	if res.status != http.StatusOK {
		t.Fatalf("template: %d", res.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 2 || sheets[0] != roster.SheetName || sheets[1] != "说明" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows(roster.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || strings.Join(rows[0], ",") != strings.Join(rosterHeader(), ",") {
		t.Fatalf("header %v", rows)
	}
	style, err := f.GetCellStyle(roster.SheetName, "A2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if st == nil || st.NumFmt != 49 {
		t.Fatalf("ID column not text: %+v", st)
	}
	// The template itself reads back as an empty roster.
	if _, err := roster.Open([]byte(res.body)); err != nil {
		t.Fatal(err)
	}
}
