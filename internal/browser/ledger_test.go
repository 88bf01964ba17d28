package browser_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"tianmu/internal/demo"
)

// fetchBytes downloads path in the page's session (same origin, the
// session cookie) and returns the status, the content type and the body.
func (e *env) fetchBytes(path string) (int, string, []byte) {
	e.t.Helper()
	out := run(e, "fetch "+path, chromedp.Evaluate[[]string](fmt.Sprintf(`fetch(%q).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer());
		let s = ''; for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
		return [String(r.status), r.headers.get('Content-Type') || '', btoa(s)];
	})`, path), chromedp.EvalAwaitPromise))
	body, err := base64.StdEncoding.DecodeString(out[2])
	if err != nil {
		e.t.Fatal(err)
	}
	var status int
	fmt.Sscan(out[0], &status)
	return status, out[1], body
}

// TestLedgerOpensExportsPrints: the school opens the ledger of the demo's
// finished class from the year-end list (after trying a class still in
// training: refused with the article), downloads its workbook, and prints
// it (print media emulated, an A4 PDF made); the bureau downloads the
// school's year as a zip, following the progress page.
func TestLedgerOpensExportsPrints(t *testing.T) {
	e := newEnv(t)
	finished := e.scalar(`SELECT id FROM classes WHERE content = $1`, demo.FinishedClassContent)
	running := e.scalar(`SELECT min(id) FROM classes WHERE status = 'approved' AND institution_id = (SELECT institution_id FROM classes WHERE id = $1)`, finished)
	e.login("school")

	// Refused: a class that has not finished has no ledger yet.
	e.visit(fmt.Sprintf("/classes/%d/ledger", running))
	if body := e.text(chromedp.CSS("main")); !strings.Contains(body, "第十四条：培训班结业后才有培训台账") {
		t.Fatalf("a running class's ledger: %s", body)
	}
	// Corrected: the year-end list, then the finished class.
	e.visit("/ledgers")
	// The demo's finished class (the list also holds the classes its
	// claims are built from) says what is missing.
	rows := e.texts(`[data-testid="ledger-list"] tbody tr`)
	found := false
	for _, row := range rows {
		found = found || strings.Contains(row, "尚未申报鉴定考核")
	}
	if !found {
		t.Fatalf("year-end rows: %q", rows)
	}
	e.click(chromedp.CSS(fmt.Sprintf(`[data-testid="ledger-list"] tbody tr a[href="/classes/%d/ledger"]`, finished)))
	if loc := e.location(); loc != fmt.Sprintf("/classes/%d/ledger", finished) {
		t.Fatalf("at %s", loc)
	}
	if seal := e.text(tid("ledger-seal")); !strings.Contains(seal, "实时台账") {
		t.Fatalf("seal: %s", seal)
	}
	roster := e.text(tid("ledger-roster"))
	if !strings.Contains(roster, "方晓东") || !strings.Contains(roster, "330185********") {
		t.Fatalf("roster part: %s", roster)
	}
	e.shot("ledger")

	// Export: the workbook the link gives, a sheet per part.
	href := run(e, "xlsx link", chromedp.Evaluate[string](`document.querySelector('[data-testid="ledger-xlsx"]').getAttribute('href')`))
	status, ctype, body := e.fetchBytes(href)
	if status != 200 || !strings.Contains(ctype, "spreadsheetml") {
		t.Fatalf("workbook: %d %s", status, ctype)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	f.Close()
	if len(sheets) != 9 || sheets[2] != "学员名单" {
		t.Fatalf("sheets %v", sheets)
	}

	// Print: under print media the navigation and the buttons go, the
	// tables stay; the page prints to A4.
	must := func(what string, err error) {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("print media", chromedp.Do(e.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})))
	hidden, err := chromedp.Run(e.ctx, chromedp.Evaluate[[]string](`[
		getComputedStyle(document.querySelector('header.top')).display,
		getComputedStyle(document.querySelector('[data-testid="ledger-xlsx"]').closest('p')).display,
		getComputedStyle(document.querySelector('[data-testid="ledger-roster"] table')).display]`))
	must("print styles", err)
	if hidden[0] != "none" || hidden[1] != "none" || hidden[2] != "table" {
		t.Fatalf("print media: header %s, actions %s, table %s", hidden[0], hidden[1], hidden[2])
	}
	yes := true
	pdf, err := chromedp.Run(e.ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
		return res.Data, err
	}))
	must("print to PDF", err)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 5000 {
		t.Fatalf("print: %d bytes", len(pdf))
	}
	_ = os.WriteFile(filepath.Join(e.shots, t.Name()+"-ledger.pdf"), pdf, 0o644)
	t.Logf("printed: %d bytes of PDF", len(pdf))
	e.do("screen media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))

	// The bureau downloads the school's year: progress, then the zip.
	e.click(tid("logout"))
	e.login("bureau")
	inst := e.scalar(`SELECT institution_id FROM classes WHERE id = $1`, finished)
	year := e.scalar(`SELECT extract(year FROM end_date)::bigint FROM classes WHERE id = $1`, finished)
	e.visit(fmt.Sprintf("/ledgers?institution=%d&year=%d", inst, year))
	e.click(tid("ledger-export"))
	if !strings.HasPrefix(e.location(), "/ledger-exports/") {
		t.Fatalf("after export: %s", e.location())
	}
	deadline := time.Now().Add(30 * time.Second)
	for e.count(tid("ledger-export-download")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("export not done: %s", e.text(tid("ledger-export-status")))
		}
		time.Sleep(500 * time.Millisecond) // the page refreshes itself every 2 s
	}
	dl := run(e, "download link", chromedp.Evaluate[string](`document.querySelector('[data-testid="ledger-export-download"]').getAttribute('href')`))
	status, ctype, body = e.fetchBytes(dl)
	if status != 200 || ctype != "application/zip" || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("zip: %d %s %d bytes", status, ctype, len(body))
	}
}
