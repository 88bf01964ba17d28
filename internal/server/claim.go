package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

// Subsidy claims (SUB-3, 第十二条): the list, the build page, the claim
// page and its workflow steps, objections, payments and recovery; the
// public notice with its objection form.

func claimURL(id int64) string { return "/claims/" + strconv.FormatInt(id, 10) }

func (s *Server) claimList(w http.ResponseWriter, r *http.Request) {
	p := listParams(r)
	f := repository.ClaimFilter{Status: training.ClaimStatus(r.URL.Query().Get("status")), Queue: r.URL.Query().Get("queue") == "1"}
	list, total, err := s.store.Claims(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{}
	if f.Status.Valid() {
		filters.Set("status", string(f.Status))
	}
	if f.Queue {
		filters.Set("queue", "1")
	}
	s.render(w, r, http.StatusOK, web.ClaimListView(web.ClaimListPage{Layout: s.layout(r, "补贴申领", "subsidy-claims"), Rows: list,
		Status: string(f.Status), Queue: f.Queue, List: listView(r, p, total, filters)}))
}

func (s *Server) claimNew(w http.ResponseWriter, r *http.Request) {
	s.claimNewPage(w, r, http.StatusOK, nil, web.Errors{})
}

func (s *Server) claimNewPage(w http.ResponseWriter, r *http.Request, status int, chosen map[int64]bool, e web.Errors) {
	classes, err := s.store.ClaimableClasses(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.ClaimNewView(web.ClaimNewPage{Layout: s.layout(r, "新建补贴申领", "subsidy-claims"),
		Classes: classes, Chosen: chosen, Errors: e}))
}

func (s *Server) claimBuild(w http.ResponseWriter, r *http.Request) {
	chosen := map[int64]bool{}
	var ids []int64
	for _, v := range r.PostForm["class_id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && !chosen[id] {
			chosen[id] = true
			ids = append(ids, id)
		}
	}
	id, err := s.store.BuildClaim(r.Context(), actor(r), ids)
	if err == nil {
		s.flash(r, "申领已生成：请核对补贴明细和未纳入的人员，再提交。")
		redirect(w, r, claimURL(id))
		return
	}
	var e web.Errors
	if !mergeErrors(err, &e) {
		s.fail(w, r, err)
		return
	}
	s.claimNewPage(w, r, http.StatusUnprocessableEntity, chosen, e)
}

func (s *Server) claimShow(w http.ResponseWriter, r *http.Request) {
	s.claimPage(w, r, http.StatusOK, web.ClaimForms{})
}

func (s *Server) claimPage(w http.ResponseWriter, r *http.Request, status int, forms web.ClaimForms) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	s.claimPageOf(w, r, status, id, forms)
}

func (s *Server) claimPageOf(w http.ResponseWriter, r *http.Request, status int, id int64, forms web.ClaimForms) {
	p, err := s.store.ClaimPage(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if forms.Payment.Amount == "" {
		forms.Payment.Amount = training.YuanInput(p.Claim.Total)
	}
	if forms.Payment.PaidOn == "" {
		forms.Payment.PaidOn = s.store.Today().Format("2006-01-02")
	}
	s.render(w, r, status, web.ClaimView(web.ClaimPage{Layout: s.layout(r, "补贴申领 "+p.Claim.ClaimNo, "subsidy-claims"), P: p, Forms: forms}))
}

// claimShowAgain is the claim's page again after a refused step f (422 or
// 409), the message beside the step's button.
func (s *Server) claimShowAgain(id int64, forms web.ClaimForms) stepPage {
	return func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
		forms.Step = f
		s.claimPageOf(w, r, status, id, forms)
	}
}

// claimStep is a workflow step on the claim page (submit, withdraw,
// review, return, approve, confirm paid, payment failed): done, back to
// the claim; refused, the claim's page with the message beside the button.
func (s *Server) claimStep(action training.ClaimAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		f := web.StepForm{Action: string(action), Reason: strings.TrimSpace(r.PostFormValue("note"))}
		to, err := s.store.StepClaim(r.Context(), actor(r), id, formVersion(r), action, f.Reason)
		s.stepDone(w, r, err, f, "补贴申领已"+action.Label()+"，当前状态：「"+to.Label()+"」。", claimURL(id),
			s.claimShowAgain(id, web.ClaimForms{}))
	}
}

func (s *Server) claimRebuild(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	err := s.store.RebuildClaim(r.Context(), actor(r), id, formVersion(r))
	s.stepDone(w, r, err, web.StepForm{Action: "rebuild"}, "申领明细已按最新情况重新生成。", claimURL(id),
		s.claimShowAgain(id, web.ClaimForms{}))
}

func (s *Server) claimPayment(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	in := training.ClaimPaymentInput{BatchNo: r.PostFormValue("batch_no"), PaidOn: r.PostFormValue("paid_on"),
		VoucherNo: r.PostFormValue("voucher_no"), Amount: r.PostFormValue("amount")}
	err := s.store.RecordClaimPayment(r.Context(), actor(r), id, formVersion(r), in)
	s.stepDone(w, r, err, web.StepForm{Action: string(training.ActClaimRecordPayment)}, "拨付已登记，到账后请确认。", claimURL(id),
		s.claimShowAgain(id, web.ClaimForms{Payment: in}))
}

// objectionDecide decides an objection from the claim's page: refused, the
// claim's page (found through the objection) with the message beside the
// objection's button.
func (s *Server) objectionDecide(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	upheld := r.PostFormValue("outcome") == "upheld"
	f := web.StepForm{Action: "decide-" + strconv.FormatInt(id, 10), Reason: strings.TrimSpace(r.PostFormValue("decision"))}
	if upheld {
		f.Approved = "upheld"
	}
	claimID, err := s.store.DecideClaimObjection(r.Context(), actor(r), id, upheld, f.Reason)
	if err != nil && claimID == 0 {
		s.fail(w, r, err) // not found, or not the actor's to decide
		return
	}
	done := "异议已处理：不成立。"
	if upheld {
		done = "异议成立，所涉人员已移出申领。"
	}
	s.stepDone(w, r, err, f, done, claimURL(claimID), s.claimShowAgain(claimID, web.ClaimForms{}))
}

// claimRecovery marks the lines ticked on the claim's page for recovery
// (追缴) in one step: refused, the page again with the lines still ticked
// and the message beside the button.
func (s *Server) claimRecovery(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	in := training.RecoveryInput{Amount: strings.TrimSpace(r.PostFormValue("amount")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	lines := formIDs(r, "line_id")
	chosen := make(map[int64]bool, len(lines))
	for _, l := range lines {
		chosen[l] = true
	}
	f := web.StepForm{Action: "recovery", Reason: in.Reason, Size: in.Amount}
	err := s.store.MarkRecoveries(r.Context(), actor(r), id, formVersion(r), lines, in)
	s.stepDone(w, r, err, f, "已标记追缴："+strconv.Itoa(len(chosen))+"人。", claimURL(id), s.claimShowAgain(id, web.ClaimForms{Recover: chosen}))
}

// Public notice (公示), no sign-in: masked lines and the objection form.

func (s *Server) noticeList(w http.ResponseWriter, r *http.Request) {
	p := listParams(r)
	list, total, err := s.store.PublicNotices(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.NoticeListView(web.NoticeListPage{Layout: s.layout(r, "补贴公示", "notices"), Rows: list,
		List: listView(r, p, total, nil)}))
}

func (s *Server) noticeShow(w http.ResponseWriter, r *http.Request) {
	s.noticePage(w, r, http.StatusOK, web.NoticePage{Done: r.URL.Query().Get("filed") == "1"})
}

func (s *Server) noticePage(w http.ResponseWriter, r *http.Request, status int, page web.NoticePage) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	p, err := s.store.PublicNotice(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Layout, page.P = s.layout(r, "补贴公示 "+p.ClaimNo, "notices"), p
	s.render(w, r, status, web.NoticeView(page))
}

func (s *Server) objectionFile(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	allowed, err := s.store.ReserveObjection(r.Context(), s.clientAddr(r), s.publicLimits)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !allowed {
		s.errorPage(w, r, http.StatusTooManyRequests, "提交过于频繁", "您提交的异议过多，请稍后再试。")
		return
	}
	in := training.ObjectionInput{LineID: r.PostFormValue("line_id"), Objector: r.PostFormValue("objector"),
		Contact: r.PostFormValue("contact"), Body: r.PostFormValue("body")}
	_, err = s.store.FileObjection(r.Context(), id, in)
	if err == nil {
		redirect(w, r, "/notices/"+strconv.FormatInt(id, 10)+"?filed=1")
		return
	}
	page := web.NoticePage{Form: in}
	if !mergeErrors(err, &page.Errors) {
		s.fail(w, r, err)
		return
	}
	s.noticePage(w, r, http.StatusUnprocessableEntity, page)
}
