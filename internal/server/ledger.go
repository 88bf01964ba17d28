package server

import (
	"archive/zip"
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// Ledgers (SUP-1, 第十四条): a class's ledger page and workbook, the
// year-end list, and the bureau's download of an institution's year.

func (s *Server) ledgerShow(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	p, err := s.store.LedgerPage(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.LedgerView(web.LedgerPage{Layout: s.layout(r, "培训台账 · "+p.Ledger.Class.ClassNo, "ledgers"),
		P: p, Parts: p.Ledger.Parts(), Gaps: training.LedgerGaps(p.Ledger.Facts())}))
}

func (s *Server) ledgerWorkbook(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	p, err := s.store.LedgerPage(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	c := p.Ledger.Class
	if err := roster.WriteLedger(&buf, c.InstitutionName+" "+c.ClassNo+" 培训台账", p.Ledger.Parts()); err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, "培训台账-"+c.ClassNo+".xlsx", buf.Bytes())
}

// ledgerYearOf reads ?year= (default: this year).
func (s *Server) ledgerYearOf(v string) int {
	if y, err := strconv.Atoi(v); err == nil && y >= 2000 && y <= 2200 {
		return y
	}
	return s.store.Today().Year()
}

func (s *Server) ledgerList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	inst, _ := strconv.ParseInt(q.Get("institution"), 10, 64)
	s.ledgerListPage(w, r, http.StatusOK, inst, s.ledgerYearOf(q.Get("year")), web.Errors{})
}

func (s *Server) ledgerListPage(w http.ResponseWriter, r *http.Request, status int, inst int64, year int, errs web.Errors) {
	pg := listParams(r)
	pg.Sort, pg.Desc = "", false // one order: by the end date
	p, err := s.store.LedgerYear(r.Context(), actor(r), inst, year, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{"year": {strconv.Itoa(p.Year)}}
	if p.InstitutionID != 0 && actor(r).IsBureau() {
		filters.Set("institution", strconv.FormatInt(p.InstitutionID, 10))
	}
	s.render(w, r, status, web.LedgerListView(web.LedgerListPage{Layout: s.layout(r, "培训台账", "ledgers"), P: p, Errors: errs,
		List: listView(r, pg, p.Total, filters)}))
}

func (s *Server) ledgerExportStart(w http.ResponseWriter, r *http.Request) {
	inst, _ := strconv.ParseInt(r.PostFormValue("institution"), 10, 64)
	year, yerr := strconv.Atoi(r.PostFormValue("year"))
	if yerr != nil {
		year = 0
	}
	id, err := s.store.StartLedgerExport(r.Context(), actor(r), inst, year)
	if err == nil {
		s.flash(r, "已开始导出，完成后可下载。")
		redirect(w, r, "/ledger-exports/"+strconv.FormatInt(id, 10))
		return
	}
	var errs web.Errors
	if !mergeErrors(err, &errs) {
		s.fail(w, r, err)
		return
	}
	if year < 2000 || year > 2200 {
		year = s.store.Today().Year()
	}
	s.ledgerListPage(w, r, http.StatusUnprocessableEntity, inst, year, errs)
}

func (s *Server) ledgerExportShow(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	x, err := s.store.LedgerExportByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.layout(r, "台账导出", "ledgers")
	if x.Status == "queued" || x.Status == "running" {
		l.Refresh = 2 // progress without JavaScript
	}
	s.render(w, r, http.StatusOK, web.LedgerExportView(web.LedgerExportPage{Layout: l, X: x}))
}

// ledgerExportDownload streams the export's workbooks into a zip, one at
// a time: nothing holds the whole year in memory.
func (s *Server) ledgerExportDownload(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	x, err := s.store.LedgerExportByID(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if x.Status != "done" {
		s.fail(w, r, training.ErrConflict)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{
		"filename": "培训台账-" + x.InstitutionName + "-" + strconv.Itoa(x.Year) + ".zip"}))
	h.Set("Cache-Control", "no-store")
	zw := zip.NewWriter(w)
	err = s.store.StreamLedgerExport(r.Context(), actor(r), id, func(name string, data []byte) error {
		// The workbooks are zip files already: stored, not deflated again.
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: x.RequestedAt})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		// The status is sent: log it; the client sees a broken zip.
		s.log.Error("ledger export download", "export", id, "err", err)
	}
}
