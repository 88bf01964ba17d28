package server

import (
	"net/http"
	"strconv"

	"tianmu/web"
)

// The bureau's evaluation organisations (EXAM-6): withdrawing a social
// organisation's approval and assigning centre accounts to organisations.

func (s *Server) evalOrgAdmin(w http.ResponseWriter, r *http.Request, status int, page web.EvalOrgAdminPage) {
	data, err := s.store.EvalOrgAdmin(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Layout, page.Orgs = s.layout(r, "考核评价机构", "eval-orgs"), data.Orgs
	for _, u := range data.Users {
		page.Users = append(page.Users, web.CentreUserView{ID: u.ID, Username: u.Username, Name: u.Name, Disabled: u.Disabled,
			EvalOrgID: u.EvalOrgID, OrgName: u.OrgName})
	}
	s.render(w, r, status, web.EvalOrgAdminView(page))
}

func (s *Server) evalOrgWithdraw(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	step := web.StepForm{Action: strconv.FormatInt(id, 10), Reason: r.PostFormValue("reason")}
	err := s.store.WithdrawEvalOrg(r.Context(), actor(r), id, formVersion(r), step.Reason)
	if err == nil {
		s.flash(r, "已撤销该机构的核准，不能再被选作新的考核机构。")
		redirect(w, r, "/eval-orgs")
		return
	}
	if !mergeErrors(err, &step.Errors) {
		s.fail(w, r, err)
		return
	}
	s.evalOrgAdmin(w, r, http.StatusUnprocessableEntity, web.EvalOrgAdminPage{Withdraw: step})
}

func (s *Server) userEvalOrg(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	org, _ := strconv.ParseInt(r.PostFormValue("eval_org_id"), 10, 64)
	err := s.store.AssignCentreUser(r.Context(), actor(r), id, org)
	if err == nil {
		s.flash(r, "已调整该账号所属的考核机构。")
		redirect(w, r, "/eval-orgs")
		return
	}
	step := web.StepForm{Action: strconv.FormatInt(id, 10)}
	if !mergeErrors(err, &step.Errors) {
		s.fail(w, r, err)
		return
	}
	s.evalOrgAdmin(w, r, http.StatusUnprocessableEntity, web.EvalOrgAdminPage{Assign: step})
}
