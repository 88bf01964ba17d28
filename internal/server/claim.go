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
		forms.Payment.PaidOn = s.store.Today().Format("2006-01-02")
	}
	s.render(w, r, status, web.ClaimView(web.ClaimPage{Layout: s.layout(r, "补贴申领 "+p.Claim.ClaimNo, "subsidy-claims"), P: p, Forms: forms}))
}

// claimStepPage is the claim page (of the path's id) with a refused step.
func (s *Server) claimStepPage(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
	s.claimPage(w, r, status, web.ClaimForms{Step: f})
}

// claimStep is a workflow step on the claim page: a refusal shows the page
// again with the message beside the step's button.
func (s *Server) claimStep(action training.ClaimAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r, "id")
		if !ok {
			return
		}
		f := web.StepForm{Action: string(action), Reason: strings.TrimSpace(r.PostFormValue("note"))}
		to, err := s.store.StepClaim(r.Context(), actor(r), id, formVersion(r), action, f.Reason)
		s.stepDone(w, r, err, f, "补贴申领已"+action.Label()+"，当前状态：「"+to.Label()+"」。", claimURL(id), s.claimStepPage)
	}
}

func (s *Server) claimRebuild(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	err := s.store.RebuildClaim(r.Context(), actor(r), id, formVersion(r))
	s.stepDone(w, r, err, web.StepForm{Action: "rebuild"}, "申领明细已按最新情况重新生成。", claimURL(id), s.claimStepPage)
}

func (s *Server) claimPayment(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	in := training.ClaimPaymentInput{BatchNo: r.PostFormValue("batch_no"), PaidOn: r.PostFormValue("paid_on"),
		VoucherNo: r.PostFormValue("voucher_no"), Amount: r.PostFormValue("amount")}
	err := s.store.RecordClaimPayment(r.Context(), actor(r), id, formVersion(r), in)
	s.stepDone(w, r, err, web.StepForm{Action: "payment"}, "拨付已登记，到账后请确认。", claimURL(id),
		func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
			s.claimPage(w, r, status, web.ClaimForms{Step: f, Payment: in})
		})
}

// claimRowStep ends a step on one objection or line of a claim: the claim
// is found through the row (claimID 0: the row is not the actor's to see).
func (s *Server) claimRowStep(w http.ResponseWriter, r *http.Request, claimID int64, err error, forms web.ClaimForms, done string) {
	if err != nil && claimID == 0 {
		s.fail(w, r, err)
		return
	}
	s.stepDone(w, r, err, forms.Step, done, claimURL(claimID), func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
		forms.Step = f
		s.claimPageOf(w, r, status, claimID, forms)
	})
}

func (s *Server) objectionDecide(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	upheld := r.PostFormValue("outcome") == "upheld"
	f := web.StepForm{Action: "objection-" + strconv.FormatInt(id, 10), Reason: strings.TrimSpace(r.PostFormValue("decision"))}
	claimID, err := s.store.DecideClaimObjection(r.Context(), actor(r), id, upheld, f.Reason)
	done := "异议已处理：不成立。"
	if upheld {
		done = "异议成立，所涉人员已移出申领。"
	}
	s.claimRowStep(w, r, claimID, err, web.ClaimForms{Step: f}, done)
}

func (s *Server) claimRecovery(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	in := training.RecoveryInput{Amount: r.PostFormValue("amount"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	claimID, err := s.store.MarkRecovery(r.Context(), actor(r), id, in)
	f := web.StepForm{Action: "recovery-" + strconv.FormatInt(id, 10), Reason: in.Reason}
	s.claimRowStep(w, r, claimID, err, web.ClaimForms{Step: f, Recovery: in.Amount}, "已标记追缴。")
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
