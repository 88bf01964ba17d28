package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// Employment follow-up (SUP-3): the institution records at 3 and 6 months
// (one by one or from a spreadsheet), the bureau spot-checks and reads the
// rates.

// maxEmploymentImportRows bounds an import file (a class has at most a few
// hundred trainees).
const maxEmploymentImportRows = 1000

func employmentURL(id int64, months int) string {
	return "/classes/" + strconv.FormatInt(id, 10) + "/employment?months=" + strconv.Itoa(months)
}

func monthsParam(s string) int {
	if m, ok := training.ParseMonths(s); ok {
		return m
	}
	return 3
}

func (s *Server) classEmployment(w http.ResponseWriter, r *http.Request) {
	s.employmentPage(w, r, http.StatusOK, monthsParam(r.URL.Query().Get("months")), web.EmploymentForms{})
}

func (s *Server) employmentPage(w http.ResponseWriter, r *http.Request, status, months int, forms web.EmploymentForms) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	p, err := s.store.ClassEmployment(r.Context(), actor(r), id, months)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.EmploymentView(web.EmploymentPageView{Layout: s.layout(r, "就业回访 · "+p.Class.ClassNo, "classes"),
		P: p, Forms: forms}))
}

// employmentRecord records one trainee's follow-up.
func (s *Server) employmentRecord(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	months := monthsParam(r.PostFormValue("months"))
	eid, _ := strconv.ParseInt(r.PostFormValue("enrolment_id"), 10, 64)
	f := web.EmploymentForm{EnrolmentID: r.PostFormValue("enrolment_id"), Employed: r.PostFormValue("employed"),
		SelfEmployed: r.PostFormValue("self_employed"), Employer: r.PostFormValue("employer"), StartDate: r.PostFormValue("start_date")}
	in := training.EmploymentInput{EnrolmentID: eid, Employed: f.Employed, SelfEmployed: f.SelfEmployed, Employer: f.Employer, StartDate: f.StartDate}
	if _, _, err := s.store.RecordEmployment(r.Context(), actor(r), id, months, []training.EmploymentInput{in}); err != nil {
		if !mergeErrors(err, &f.Errors) {
			s.fail(w, r, err)
			return
		}
		s.employmentPage(w, r, http.StatusUnprocessableEntity, months, web.EmploymentForms{One: f})
		return
	}
	s.flash(r, "已登记就业情况。")
	redirect(w, r, employmentURL(id, months))
}

// employmentImport imports a spreadsheet: nothing is saved unless every row
// is right, and the page lists every row's problems.
func (s *Server) employmentImport(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	months := monthsParam(r.FormValue("months"))
	failed := func(err error, report []training.EmploymentImportRow) {
		forms := web.EmploymentForms{Report: report}
		if !mergeErrors(err, &forms.Import) {
			s.fail(w, r, err)
			return
		}
		s.employmentPage(w, r, http.StatusUnprocessableEntity, months, forms)
	}
	file, _, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		failed(training.Invalid("file", "请选择要上传的文件"), nil)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, roster.MaxFile+1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	select {
	case s.importSlots <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	rows, err := roster.ReadTable(data, maxEmploymentImportRows)
	<-s.importSlots
	if err != nil {
		if msg, ok := roster.AsProblem(err); ok {
			failed(training.Invalid("file", msg), nil)
			return
		}
		s.fail(w, r, err)
		return
	}
	if rs := training.CheckEmploymentImportHeader(rows[0]); !rs.OK() {
		failed(rs.Err(), nil)
		return
	}
	var in []training.EmploymentInput
	for i, cells := range rows[1:] {
		if row, ok := training.ParseEmploymentImportRow(i+2, cells); ok {
			in = append(in, row)
		}
	}
	n, report, err := s.store.RecordEmployment(r.Context(), actor(r), id, months, in)
	if err == nil && n == 0 {
		err = training.InvalidGeneral("文件中有错误，未导入任何记录。请按下表修改后重新上传。")
	}
	if err != nil {
		failed(err, report)
		return
	}
	s.flash(r, "已导入"+strconv.Itoa(n)+"名学员的就业情况。")
	redirect(w, r, employmentURL(id, months))
}

// employmentTemplate is the import template: the header and one example.
func (s *Server) employmentTemplate(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="employment-template.xlsx"; filename*=UTF-8''`+url.PathEscape("就业回访模板.xlsx"))
	rows := [][]string{training.EmploymentImportColumns, {"330185199203151021", "方晓东", "是", "否", "临安某酒店", "2026-05-06"}}
	if err := roster.WriteSheet(w, rows, false); err != nil {
		s.log.Error("employment template", "request_id", requestID(r), "err", err)
	}
}

// employmentReport is the bureau's employment rate per class, institution
// or year, with the missing records.
func (s *Server) employmentReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	by := repository.EmploymentGroup(q.Get("by"))
	if by == "" {
		by = repository.EmploymentByInstitution
	}
	months := monthsParam(q.Get("months"))
	year, _ := strconv.Atoi(q.Get("year"))
	p := listParams(r)
	rows, total, err := s.store.EmploymentReport(r.Context(), actor(r), by, months, year, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{"by": {string(by)}, "months": {strconv.Itoa(months)}}
	if year > 0 {
		filters.Set("year", strconv.Itoa(year))
	}
	s.render(w, r, http.StatusOK, web.EmploymentReportView(web.EmploymentReportPage{Layout: s.layout(r, "就业情况", "effect"), Rows: rows,
		By: string(by), Months: months, Year: q.Get("year"), List: listView(r, p, total, filters)}))
}

func (s *Server) employmentChecks(w http.ResponseWriter, r *http.Request) {
	s.checksPage(w, r, http.StatusOK, nil, web.CheckForm{})
}

func (s *Server) checksPage(w http.ResponseWriter, r *http.Request, status int, sample []training.SpotCheckRow, f web.CheckForm) {
	recent, err := s.store.RecentChecks(r.Context(), actor(r), 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.ChecksView(web.ChecksPage{Layout: s.layout(r, "就业抽查", "effect"), Recent: recent, Sample: sample, Form: f}))
}

// employmentSample draws a sample to check by phone (the phones are
// shown, so drawing is a POST and audited).
func (s *Server) employmentSample(w http.ResponseWriter, r *http.Request) {
	sample, err := s.store.DrawSpotCheckSample(r.Context(), actor(r), 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.checksPage(w, r, http.StatusOK, sample, web.CheckForm{})
}

func (s *Server) employmentCheck(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	f := web.CheckForm{RecordID: id, Result: r.PostFormValue("result"), Note: r.PostFormValue("note")}
	if err := s.store.SpotCheck(r.Context(), actor(r), id, version, training.SpotCheckInput{Result: f.Result, Note: f.Note}); err != nil {
		if !mergeErrors(err, &f.Errors) {
			s.fail(w, r, err)
			return
		}
		s.checksPage(w, r, http.StatusUnprocessableEntity, nil, f)
		return
	}
	s.flash(r, "已记录抽查结果。")
	redirect(w, r, "/employment/checks")
}

// employmentExport downloads what /employment shows with the same
// grouping, follow-up point and year, every page of it.
func (s *Server) employmentExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	by := repository.EmploymentGroup(q.Get("by"))
	if by == "" {
		by = repository.EmploymentByInstitution
	}
	months := monthsParam(q.Get("months"))
	year, _ := strconv.Atoi(q.Get("year"))
	rows, _, err := s.store.EmploymentReport(r.Context(), actor(r), by, months, year, repository.Page{Number: 1, Size: maxReportRows})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "结业后" + strconv.Itoa(months) + "个月就业情况（" + web.EmploymentGroupLabel(string(by)) + "）"
	if year > 0 {
		title = strconv.Itoa(year) + "年结业 " + title
	}
	var buf bytes.Buffer
	err = roster.Stream(&buf, "就业情况", title, web.EmploymentReportHeader, nil, func(put func(...string) error) error {
		for _, row := range rows {
			if err := put(web.EmploymentReportCells(row)...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="employment-`+string(by)+`-`+strconv.Itoa(months)+`.xlsx"; filename*=UTF-8''`+url.PathEscape(title+".xlsx"))
	_, _ = buf.WriteTo(w)
}
