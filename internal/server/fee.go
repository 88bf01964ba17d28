package server

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// Fees (SUB-2, 第十二条): the class's fee page (application, decision,
// payments on the roster and by import) and the list of applications.

func feesURL(classID int64) string { return "/classes/" + strconv.FormatInt(classID, 10) + "/fees" }

func (s *Server) feeList(w http.ResponseWriter, r *http.Request) {
	p := listParams(r)
	f := repository.FeeFilter{Status: training.FeeStatus(r.URL.Query().Get("status"))}
	list, total, err := s.store.FeeApplications(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{}
	if f.Status.Valid() {
		filters.Set("status", string(f.Status))
	}
	s.render(w, r, http.StatusOK, web.FeeListView(web.FeeListPage{Layout: s.layout(r, "收费申请", "claims"), Rows: list,
		Status: string(f.Status), List: listView(r, p, total, filters)}))
}

func (s *Server) feeShow(w http.ResponseWriter, r *http.Request) {
	s.feePage(w, r, http.StatusOK, web.FeeForms{})
}

func (s *Server) feePage(w http.ResponseWriter, r *http.Request, status int, forms web.FeeForms) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	s.classFeePage(w, r, status, id, forms)
}

// classFeePage is the fee page of class id with the forms as typed.
func (s *Server) classFeePage(w http.ResponseWriter, r *http.Request, status int, id int64, forms web.FeeForms) {
	a := actor(r)
	p, err := s.store.ClassFees(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if forms.Pay.PaidOn == "" {
		forms.Pay.PaidOn = p.Today.Format("2006-01-02")
	}
	if forms.Pay.Amount == "" && p.Open != nil && p.Open.Status == training.FeeApproved {
		forms.Pay.Amount = training.YuanInput(p.Open.Amount)
	}
	s.render(w, r, status, web.FeeView(web.FeePage{Layout: s.layout(r, "收费 · "+p.Class.ClassNo, "claims"), P: p,
		CanApply: training.CanApplyFee(a, p.ApplyFacts()), Forms: forms}))
}

func (s *Server) feeApply(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	in := training.FeeInput{Amount: r.PostFormValue("amount"), Covers: r.PostFormValue("covers"), Reason: r.PostFormValue("reason")}
	_, err := s.store.ApplyFee(r.Context(), actor(r), id, in)
	if err == nil {
		s.flash(r, "收费申请已提交，经区人力社保局核准后方可收费。")
		redirect(w, r, feesURL(id))
		return
	}
	forms := web.FeeForms{Apply: web.FeeApplyForm{Input: in}}
	if !mergeErrors(err, &forms.Apply.Errors) {
		s.fail(w, r, err)
		return
	}
	s.feePage(w, r, http.StatusUnprocessableEntity, forms)
}

// feeStep is the bureau's approve/return or the institution's withdraw.
func (s *Server) feeStep(action training.FeeAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		f := web.StepForm{Action: string(action) + "-" + strconv.FormatInt(id, 10), Reason: strings.TrimSpace(r.PostFormValue("note"))}
		classID, err := s.store.StepFee(r.Context(), actor(r), id, formVersion(r), action, f.Reason)
		if err != nil && classID == 0 {
			s.fail(w, r, err) // not found, or not the actor's to see
			return
		}
		s.stepDone(w, r, err, f, "收费申请已"+action.Label()+"。", feesURL(classID),
			func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
				s.classFeePage(w, r, status, classID, web.FeeForms{Step: f})
			})
	}
}

func (s *Server) feePay(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	enrolment, _ := strconv.ParseInt(r.PostFormValue("enrolment_id"), 10, 64)
	in := training.FeePaymentInput{EnrolmentID: enrolment, Amount: r.PostFormValue("amount"), PaidOn: r.PostFormValue("paid_on"),
		ReceiptNo: r.PostFormValue("receipt_no")}
	_, err := s.store.RecordFeePayments(r.Context(), actor(r), id, []training.FeePaymentInput{in})
	if err == nil {
		s.flash(r, training.NoticeFeePaid)
		redirect(w, r, feesURL(id))
		return
	}
	forms := web.FeeForms{Pay: web.FeePayForm{EnrolmentID: r.PostFormValue("enrolment_id"), Amount: in.Amount, PaidOn: in.PaidOn, ReceiptNo: in.ReceiptNo}}
	if !mergeErrors(err, &forms.Pay.Errors) {
		s.fail(w, r, err)
		return
	}
	s.feePage(w, r, http.StatusUnprocessableEntity, forms)
}

// maxFeeImportRows bounds a fee import: a class holds at most 500.
const maxFeeImportRows = 500

func (s *Server) feeImport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	failed := func(status int, err error) {
		forms := web.FeeForms{}
		if !mergeErrors(err, &forms.Import) {
			s.fail(w, r, err)
			return
		}
		s.feePage(w, r, status, forms)
	}
	if err := s.store.CanRecordFees(r.Context(), actor(r), id); err != nil {
		failed(http.StatusUnprocessableEntity, err) // a rule's refusal beside the upload; else the error page
		return
	}
	file, _, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		failed(http.StatusUnprocessableEntity, training.Invalid("file", "请选择要上传的文件"))
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
	rows, err := roster.ReadTable(data, maxFeeImportRows)
	<-s.importSlots
	if err != nil {
		if msg, ok := roster.AsProblem(err); ok {
			failed(http.StatusUnprocessableEntity, training.Invalid("file", msg))
			return
		}
		s.fail(w, r, err)
		return
	}
	if rs := training.CheckFeeImportHeader(rows[0]); !rs.OK() {
		failed(http.StatusUnprocessableEntity, rs.Err())
		return
	}
	var in []training.FeePaymentInput
	for i, cells := range rows[1:] {
		if row, ok := training.ParseFeeImportRow(i+2, cells); ok {
			in = append(in, row)
		}
	}
	if len(in) == 0 {
		failed(http.StatusUnprocessableEntity, training.Invalid("file", "文件中没有缴费记录"))
		return
	}
	n, err := s.store.RecordFeePayments(r.Context(), actor(r), id, in)
	if err != nil {
		failed(http.StatusUnprocessableEntity, err)
		return
	}
	s.flash(r, training.NoticeFeesImported(n))
	redirect(w, r, feesURL(id))
}

// feeTemplate is the import template: the header row and one example.
func (s *Server) feeTemplate(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="fee-template.xlsx"; filename*=UTF-8''`+url.PathEscape("缴费登记模板.xlsx"))
	rows := [][]string{training.FeeImportColumns, {"330185199203151021", "方晓东", "300.00", "2026-03-10", "SJ2026-001"}}
	if err := roster.WriteSheet(w, rows, false); err != nil {
		s.log.Error("fee template", "request_id", requestID(r), "err", err)
	}
}
