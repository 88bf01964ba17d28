package server

import (
	"net/http"
	"strconv"

	"tianmu/internal/training"
	"tianmu/web"
)

// Sanctions (SUP-4, INST-3, INST-4, 第十六条): the institution's
// supervision page (its inspections, orders and sanctions; the bureau's
// decision form) and the decision itself.

func (s *Server) institutionSupervision(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := web.SanctionForm{Kind: q.Get("kind"), Ground: q.Get("ground"), DecidedOn: s.store.Today().Format("2006-01-02"),
		Findings: map[string]bool{}, Lines: map[string]bool{}}
	if f := q.Get("finding"); f != "" {
		form.Findings[f] = true
	}
	if u := currentUser(r); u != nil && form.DecidedBy == "" {
		form.DecidedBy = u.Name
	}
	s.renderSupervision(w, r, http.StatusOK, form)
}

func (s *Server) renderSupervision(w http.ResponseWriter, r *http.Request, status int, form web.SanctionForm) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	s.renderSupervisionOf(w, r, status, id, form, web.StepForm{})
}

// renderSupervisionOf is institution id's supervision page, with the
// sanction form as typed and the step f (stop-<class>) refused.
func (s *Server) renderSupervisionOf(w http.ResponseWriter, r *http.Request, status int, id int64, form web.SanctionForm, f web.StepForm) {
	p, err := s.store.InstitutionSupervision(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.InstitutionSupervisionView(web.InstitutionSupervisionPage{
		Layout: s.layout(r, "监督与处理 · "+p.Institution.Name, "supervision"), P: p, Form: form, Now: s.store.Now(), Step: f}))
}

func (s *Server) sanctionCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	form := web.SanctionForm{Kind: r.PostFormValue("kind"), Ground: r.PostFormValue("ground"), Reason: r.PostFormValue("reason"),
		DecisionNo: r.PostFormValue("decision_no"), DecidedBy: r.PostFormValue("decided_by"), DecidedOn: r.PostFormValue("decided_on"),
		Recover: r.PostFormValue("recover"), Referral: r.PostFormValue("referral") == "1", ReferralNote: r.PostFormValue("referral_note"),
		Findings: map[string]bool{}, Lines: map[string]bool{}}
	in := training.SanctionInput{Kind: training.SanctionKind(form.Kind), Ground: training.SanctionGround(form.Ground),
		Reason: form.Reason, DecisionNo: form.DecisionNo, DecidedBy: form.DecidedBy, DecidedOn: form.DecidedOn,
		Recover: form.Recover, Referral: form.Referral, ReferralNote: form.ReferralNote}
	for _, v := range r.PostForm["findings"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			in.FindingIDs = append(in.FindingIDs, n)
			form.Findings[v] = true
		}
	}
	for _, v := range r.PostForm["lines"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			in.LineIDs = append(in.LineIDs, n)
			form.Lines[v] = true
		}
	}
	if _, err := s.store.RecordSanction(r.Context(), actor(r), id, in); err != nil {
		status, ok := refusal(err, &form.Errors)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.renderSupervision(w, r, status, form)
		return
	}
	s.flash(r, "处理决定已记录："+in.Kind.Label()+"。")
	redirect(w, r, supervisionURL(id))
}

// classStop records the bureau's decision to stop an approved class of a
// suspended or revoked institution (INST-3).
func (s *Server) classStop(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	by := r.PostFormValue("decided_by")
	if u := currentUser(r); u != nil && by == "" {
		by = u.Name
	}
	f := web.StepForm{Action: "stop-" + strconv.FormatInt(id, 10), Reason: r.PostFormValue("reason")}
	inst, err := s.store.StopClass(r.Context(), actor(r), id, version, training.ClassStopInput{Reason: f.Reason, DecidedBy: by})
	if err != nil {
		// Refused: the page the button is on, the supervision of the
		// class's institution.
		c, cerr := s.store.ClassByID(r.Context(), actor(r), id)
		if cerr != nil {
			s.fail(w, r, err)
			return
		}
		inst = c.InstitutionID
	}
	form := web.SanctionForm{DecidedBy: by, DecidedOn: s.store.Today().Format("2006-01-02"), Findings: map[string]bool{}, Lines: map[string]bool{}}
	s.stepDone(w, r, err, f, "已决定停止该培训班，机构已收到通知。", supervisionURL(inst)+"#classes",
		func(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
			s.renderSupervisionOf(w, r, status, inst, form, f)
		})
}
