package server

import (
	"net/http"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// The lists' .xlsx exports (issue 17): /institutions.xlsx, /teachers.xlsx,
// /textbooks.xlsx, /classes.xlsx, /review.xlsx, /assessments.xlsx and
// /users.xlsx export what their list shows, with its filters and sort
// (the same filter functions and the same repository scope as the page),
// every matching row. The rows are streamed from the database into
// excelize's stream writer and the workbook is zipped straight into the
// response: no row limit, and no list held in memory. ID numbers and
// phones are masked as on the pages.

// downloadWriter sets the download's headers on the first byte written,
// so that an error before it (the query failing) still gets the error
// page.
type downloadWriter struct {
	w       http.ResponseWriter
	file    string
	started bool
}

func (d *downloadWriter) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.w.Header()
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", `attachment; filename="`+d.file+`"`)
		h.Set("Cache-Control", "no-store")
	}
	return d.w.Write(b)
}

// streamList writes a list export: fill hands its rows to put.
func (s *Server) streamList(w http.ResponseWriter, r *http.Request, ex web.ListExport, fill func(put func(...string) error) error) {
	d := &downloadWriter{w: w, file: ex.File}
	err := roster.Stream(d, ex.Sheet, "", ex.Header, ex.Widths, fill)
	if err == nil {
		return
	}
	if !d.started {
		s.fail(w, r, err)
		return
	}
	// Half a workbook has gone out: the client sees a broken download.
	s.log.Error("list export broken off", "path", r.URL.Path, "err", err)
}

func (s *Server) institutionExport(w http.ResponseWriter, r *http.Request) {
	f, _ := institutionFilter(r)
	s.streamList(w, r, web.InstitutionExport, func(put func(...string) error) error {
		return s.store.InstitutionsEach(r.Context(), actor(r), f, listParams(r), func(row repository.InstitutionRow) error {
			return put(web.InstitutionExportRow(web.InstitutionListRow{Institution: row.Institution, ScopeCount: row.ScopeCount, UserCount: row.UserCount})...)
		})
	})
}

func (s *Server) teacherExport(w http.ResponseWriter, r *http.Request) {
	f, _ := teacherFilter(r)
	s.streamList(w, r, web.TeacherExport, func(put func(...string) error) error {
		return s.store.TeachersEach(r.Context(), actor(r), f, listParams(r), func(row repository.TeacherRow) error {
			return put(web.TeacherExportRow(web.TeacherListRow(row))...)
		})
	})
}

func (s *Server) textbookExport(w http.ResponseWriter, r *http.Request) {
	f, _ := textbookFilter(r)
	s.streamList(w, r, web.TextbookExport, func(put func(...string) error) error {
		return s.store.TextbooksEach(r.Context(), actor(r), f, listParams(r), func(b training.Textbook) error {
			return put(web.TextbookExportRow(b)...)
		})
	})
}

func (s *Server) classExport(w http.ResponseWriter, r *http.Request)  { s.classListExport(w, r, false) }
func (s *Server) reviewExport(w http.ResponseWriter, r *http.Request) { s.classListExport(w, r, true) }

func (s *Server) classListExport(w http.ResponseWriter, r *http.Request, queue bool) {
	f, _ := classFilter(r, queue)
	ex := web.ClassExport
	if queue {
		ex = web.ReviewExport
	}
	cal, err := s.store.Calendar(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.store.Today()
	s.streamList(w, r, ex, func(put func(...string) error) error {
		return s.store.ClassesEach(r.Context(), actor(r), f, listParams(r), func(row repository.ClassRow) error {
			v := web.ClassListRow{Class: row.Class, PendingChange: row.HasPendingChange, Warnings: row.CheckWarnings,
				Display: training.DisplayStatus(row.Status, row.Plan.StartDate, today)}
			if !row.Plan.StartDate.IsZero() {
				d, _ := cal.FilingDeadline(row.Plan.StartDate)
				v.Deadline = d.Format("2006-01-02")
			}
			return put(web.ClassExportRow(v)...)
		})
	})
}

func (s *Server) applicationExport(w http.ResponseWriter, r *http.Request) {
	f := applicationFilter(r)
	s.streamList(w, r, web.ApplicationExport, func(put func(...string) error) error {
		return s.store.ApplicationsEach(r.Context(), actor(r), f, func(a training.Application) error {
			return put(web.ApplicationExportRow(a)...)
		})
	})
}

func (s *Server) userExport(w http.ResponseWriter, r *http.Request) {
	f, _ := userFilter(r)
	s.streamList(w, r, web.UserExport, func(put func(...string) error) error {
		return s.store.UsersEach(r.Context(), actor(r), f, listParams(r), func(u training.User) error {
			return put(web.UserExportRow(u)...)
		})
	})
}
