package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tianmu/internal/demo"
)

// The demo finished class's ledger: the page with every part, masked
// personal data, the gaps the year-end check will find, and the workbook
// with a sheet per part.
func TestLedgerPageAndWorkbook(t *testing.T) {
	e := newEnv(t)
	id := e.classID(demo.FinishedClassContent)
	var fullID string
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT t.id_number FROM enrolments en JOIN trainees t ON t.id = en.trainee_id
		WHERE en.class_id = $1 ORDER BY en.id LIMIT 1`, id).Scan(&fullID); err != nil {
		t.Fatal(err)
	}
	school := e.login("school")
	r := school.get("/classes/" + itoa(id) + "/ledger")
	if r.status != ok {
		t.Fatalf("ledger page: %d", r.status)
	}
	for _, part := range []string{"filing", "versions", "roster", "agreements", "attendance", "rates", "results", "money", "history"} {
		if !r.has("ledger-" + part) {
			t.Errorf("ledger page has no part %s", part)
		}
	}
	if strings.Contains(r.body, fullID) || !strings.Contains(r.text("ledger-roster"), fullID[:6]+"********"+fullID[14:]) {
		t.Errorf("roster not masked: %s", r.text("ledger-roster"))
	}
	if !strings.Contains(r.text("ledger-seal"), "实时台账") || !strings.Contains(r.text("ledger-gap-exam"), "尚未申报鉴定考核") {
		t.Errorf("seal %q, gaps %q", r.text("ledger-seal"), r.text("ledger-gaps"))
	}

	x := school.get("/classes/" + itoa(id) + "/ledger.xlsx")
	if x.status != ok || !strings.Contains(x.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("workbook: %d %s", x.status, x.header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"备案信息", "备案版本", "学员名单", "培训协议", "考勤与课时", "学员出勤", "考核与证书", "收费与补贴", "操作记录"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("学员名单")
	if err != nil || len(rows) != 2+5 || strings.Contains(strings.Join(rows[2], ","), fullID) {
		t.Fatalf("roster sheet %v %v", err, rows)
	}

	// The year-end list: the institution's own, with what is missing.
	l := school.get("/ledgers?institution=999999")
	if l.status != ok || !l.has("ledger-list") || !strings.Contains(l.text("ledger-list"), "尚未申报鉴定考核") {
		t.Fatalf("ledger list: %d %s", l.status, l.text("ledger-list"))
	}
	// The academy sees neither the page nor the school's classes.
	academy := e.login("academy")
	if r := academy.get("/classes/" + itoa(id) + "/ledger"); r.status != nf {
		t.Fatalf("academy reads the school's ledger: %d", r.status)
	}
	if r := academy.get("/ledgers"); strings.Contains(r.body, "/classes/"+itoa(id)+"/ledger") {
		t.Fatal("academy's list shows the school's class")
	}
}

// The bureau downloads an institution's ledgers of a year: a job builds
// the workbooks, the page shows the progress (meta refresh, no
// JavaScript), the download is a zip of workbooks.
func TestLedgerExportFlow(t *testing.T) {
	e := newEnv(t)
	e.runJobs()
	id := e.classID(demo.FinishedClassContent)
	c, err := e.store.ClassByID(context.Background(), e.actorOf("bureau"), id)
	e.must(err)
	year := itoa(int64(c.Plan.EndDate.Year()))
	bureau := e.login("bureau")
	// Refused, then corrected: no institution chosen.
	if r := bureau.post("/ledgers/export", url.Values{"year": {year}}); r.status != bad || !strings.Contains(r.body, "请选择培训机构") {
		t.Fatalf("export without an institution: %d", r.status)
	}
	list := bureau.get("/ledgers?institution=" + itoa(c.InstitutionID) + "&year=" + year)
	if !list.has("ledger-export-form") || !strings.Contains(list.text("ledger-summary"), "结业 ") { // the demo's claim classes finished this year too
		t.Fatalf("bureau list: %s", list.text("ledger-summary"))
	}
	r := bureau.post("/ledgers/export", url.Values{"institution": {itoa(c.InstitutionID)}, "year": {year}})
	if r.status != see || !strings.HasPrefix(r.location, "/ledger-exports/") {
		t.Fatalf("start export: %d %s", r.status, r.location)
	}
	deadline := time.Now().Add(30 * time.Second)
	var page response
	for {
		page = bureau.get(r.location)
		if strings.Contains(page.text("ledger-export-status"), "已完成") {
			break
		}
		if !strings.Contains(page.body, `http-equiv="refresh"`) {
			t.Fatalf("progress page does not refresh itself: %s", page.text("ledger-export-status"))
		}
		if time.Now().After(deadline) {
			t.Fatalf("export not done: %s", page.text("ledger-export-status"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Contains(page.body, `http-equiv="refresh"`) {
		t.Error("a finished export still refreshes")
	}
	if r := e.login("school").get(r.location); r.status != forb {
		t.Fatalf("institution reads an export: %d", r.status)
	}
	d := bureau.get(r.location + "/download")
	if d.status != ok || d.header.Get("Content-Type") != "application/zip" {
		t.Fatalf("download: %d %s", d.status, d.header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(d.body)), int64(len(d.body)))
	// One workbook per finished class (the demo's claim classes too).
	if err != nil || len(zr.File) < 1 || !strings.HasSuffix(zr.File[0].Name, ".xlsx") {
		t.Fatalf("zip %v %d files", err, len(zr.File))
	}
	rc, err := zr.File[0].Open()
	e.must(err)
	defer rc.Close()
	f, err := excelize.OpenReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := len(f.GetSheetList()); n != 9 {
		t.Fatalf("workbook in the zip has %d sheets", n)
	}
}
