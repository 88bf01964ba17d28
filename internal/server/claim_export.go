package server

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
	"tianmu/web"
)

// Claim exports (SUB-3): the claim workbook (masked; the bureau's full
// list on an explicit, audited request), the payment batch workbook, the
// bureau's fund-use report workbook. Workbooks are streamed.

// startDownload sets the headers of an attachment written straight to w.
func startDownload(w http.ResponseWriter, contentType, name string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "no-store")
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// claimExport is the claim workbook with ID numbers masked.
func (s *Server) claimExport(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	d, err := s.store.ClaimPage(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	startDownload(w, xlsxType, "补贴申领-"+d.Claim.ClaimNo+".xlsx")
	s.heavy(r, func() {
		if err := roster.WriteClaim(w, d, false); err != nil {
			s.log.Error("claim export", "request_id", requestID(r), "claim", id, "err", err)
		}
	})
}

// claimExportFull is the bureau's workbook with full ID numbers: a reason
// is required and the export is audited; a refusal shows the claim page
// with the message beside the reason.
func (s *Server) claimExportFull(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	form := web.ReasonForm{Reason: r.PostFormValue("reason")}
	d, err := s.store.ClaimFullExport(r.Context(), actor(r), id, form.Reason)
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.claimPage(w, r, http.StatusUnprocessableEntity, web.ClaimForms{FullExport: form})
		return
	}
	startDownload(w, xlsxType, "补贴申领-"+d.Claim.ClaimNo+"-完整.xlsx")
	s.heavy(r, func() {
		if err := roster.WriteClaim(w, d, true); err != nil {
			s.log.Error("claim full export", "request_id", requestID(r), "claim", id, "err", err)
		}
	})
}

// paymentBatchExport is the batch a payment belongs to: the bureau's
// whole batch, an institution's own claims in it.
func (s *Server) paymentBatchExport(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	b, err := s.store.PaymentBatchOf(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	startDownload(w, xlsxType, "补贴拨付批次-"+b.BatchNo+".xlsx")
	s.heavy(r, func() {
		if err := roster.WritePaymentBatch(w, b, false); err != nil {
			s.log.Error("payment batch export", "request_id", requestID(r), "payment", id, "err", err)
		}
	})
}

// paymentBatchFull is the bureau's batch workbook with full ID numbers,
// asked for beside a payment on the claim page: a reason is required and
// the export is audited; a refusal shows the claim page with the message
// beside that payment's reason.
func (s *Server) paymentBatchFull(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	pid, ok2 := idParam(r, "pid")
	if !ok || !ok2 {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	form := web.ReasonForm{Reason: r.PostFormValue("reason")}
	b, err := s.store.PaymentBatchFull(r.Context(), actor(r), id, pid, form.Reason)
	if err != nil {
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
		s.claimPage(w, r, http.StatusUnprocessableEntity, web.ClaimForms{BatchFull: form, BatchFullPayment: pid})
		return
	}
	startDownload(w, xlsxType, "补贴拨付批次-"+b.BatchNo+"-完整.xlsx")
	s.heavy(r, func() {
		if err := roster.WritePaymentBatch(w, b, true); err != nil {
			s.log.Error("payment batch full export", "request_id", requestID(r), "payment", pid, "err", err)
		}
	})
}

// fundUseReportExport is the bureau's report for a year, every
// institution, streamed a page at a time.
func (s *Server) fundUseReportExport(w http.ResponseWriter, r *http.Request) {
	a, year := actor(r), s.yearParam(r)
	const size = 200
	first, total, err := s.store.FundUseReport(r.Context(), a, year, repository.Page{Number: 1, Size: size})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	header := []string{"培训机构", "已拨付培训补贴（元）", "已收培训费（元）", "收入合计（元）"}
	for _, c := range training.FundCategories {
		header = append(header, c.Label()+"（元）")
	}
	header = append(header, "支出合计（元）", "结余（元）", "超支")
	widths := make([]float64, len(header))
	widths[0] = 30
	startDownload(w, xlsxType, "经费使用报表-"+strconv.Itoa(year)+".xlsx")
	err = roster.Stream(w, "经费使用", strconv.Itoa(year)+"年度培训补贴和收费的使用情况", header, widths,
		func(put func(cells ...string) error) error {
			page := first
			for n := 1; ; n++ {
				for _, b := range page {
					row := []string{b.InstitutionName, training.YuanInput(b.SubsidiesPaid), training.YuanInput(b.FeesCollected),
						training.YuanInput(b.SubsidiesPaid + b.FeesCollected)}
					for i := range training.FundCategories {
						row = append(row, training.YuanInput(b.ByCategory[i]))
					}
					over := ""
					if b.Balance() < 0 {
						over = "支出超过收入"
					}
					row = append(row, training.YuanInput(b.Spent()), training.YuanInput(b.Balance()), over)
					if err := put(row...); err != nil {
						return err
					}
				}
				if n*size >= total || len(page) == 0 {
					return nil
				}
				var err error
				if page, _, err = s.store.FundUseReport(r.Context(), a, year, repository.Page{Number: n + 1, Size: size}); err != nil {
					return err
				}
			}
		})
	if err != nil {
		s.log.Error("fund use report export", "request_id", requestID(r), "err", err)
	}
}

// claimFormPDF is the printed claim form (申领表) for signature, seal and
// the archive: ID numbers masked. Same access as the claim page.
func (s *Server) claimFormPDF(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	d, err := s.store.ClaimPage(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.certs == nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, "申领表打印暂不可用", "服务器缺少打印所需的中文字体，请联系管理员。")
		return
	}
	var buf bytes.Buffer
	if ok := s.heavy(r, func() { err = s.certs.ClaimForm(&buf, d, s.store.Now()) }); !ok {
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	startDownload(w, "application/pdf", "补贴申领表-"+d.Claim.ClaimNo+".pdf")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}
