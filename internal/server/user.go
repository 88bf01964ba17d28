package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
	"tianmu/web"
)

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	f, filters := userFilter(r)
	p := listParams(r)
	users, total, err := s.store.Users(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.UserListView(web.UserListPage{Layout: s.layout(r, "账号管理", "users"),
		Users: users, List: listView(r, p, total, filters).WithExport("/users.xlsx"), Role: string(f.Role), Query: f.Query}))
}

// userFilter reads the account list's filters, and the query that keeps
// them in links.
func userFilter(r *http.Request) (repository.UserFilter, url.Values) {
	q := r.URL.Query()
	f := repository.UserFilter{Role: training.Role(q.Get("role")), Query: strings.TrimSpace(q.Get("q"))}
	if !f.Role.Valid() {
		f.Role = ""
	}
	return f, filterEcho("role", string(f.Role), "q", f.Query)
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	s.renderUserForm(w, r, http.StatusOK, web.UserForm{InstitutionID: r.URL.Query().Get("institution")})
}

func (s *Server) renderUserForm(w http.ResponseWriter, r *http.Request, status int, form web.UserForm) {
	insts, err := s.store.InstitutionChoices(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.UserNewView(web.UserNewPage{Layout: s.layout(r, "创建账号", "users"), Form: form, Institutions: insts}))
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	form := web.UserForm{
		Username:      r.PostFormValue("username"),
		Name:          r.PostFormValue("name"),
		Role:          r.PostFormValue("role"),
		InstitutionID: r.PostFormValue("institution_id"),
	}
	in := training.UserInput{Username: form.Username, Name: form.Name, Role: training.Role(form.Role)}
	if form.InstitutionID != "" {
		id, err := strconv.ParseInt(form.InstitutionID, 10, 64)
		if err != nil {
			form.Set("institution_id", "所选机构不存在")
		}
		in.InstitutionID = id
	}
	if in.Role != training.RoleInstitution {
		in.InstitutionID = 0
	}
	if !form.Any() {
		otp := password.Random(12)
		hash, err := s.hashes.Hash(r.Context(), otp, s.hash)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		id, err := s.store.CreateUser(r.Context(), actor(r), in, hash, true)
		if err == nil {
			s.showOneTimePassword(w, r, id, otp, "账号已创建。")
			return
		}
		if !mergeErrors(err, &form.Errors) {
			s.fail(w, r, err)
			return
		}
	}
	s.renderUserForm(w, r, http.StatusUnprocessableEntity, form)
}

func (s *Server) userShow(w http.ResponseWriter, r *http.Request) {
	s.renderUser(w, r, http.StatusOK, web.StepForm{})
}

// renderUser is the account's page, with the step f refused.
func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, f web.StepForm) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	u, err := s.store.UserForBureau(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, web.UserShowView(web.UserShowPage{Layout: s.layout(r, "账号 "+u.Username, "users"), User: u, Step: f}))
}

// showOneTimePassword answers the POST that made a one-time password with
// the account page showing it (200, never cached: securityHeaders sends
// no-store). It is shown once and stored nowhere, not even for a moment in
// the session as a flash would be; only its hash is kept.
func (s *Server) showOneTimePassword(w http.ResponseWriter, r *http.Request, id int64, otp, msg string) {
	u, err := s.store.UserForBureau(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.layout(r, "账号 "+u.Username, "users")
	l.Flash, l.FlashKind = msg, "ok"
	s.render(w, r, http.StatusOK, web.UserShowView(web.UserShowPage{Layout: l, User: u, OneTimePass: otp}))
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) { s.setDisabled(w, r, true) }
func (s *Server) userEnable(w http.ResponseWriter, r *http.Request)  { s.setDisabled(w, r, false) }

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	err := s.store.SetUserDisabled(r.Context(), actor(r), id, disabled)
	if disabled {
		s.stepDone(w, r, err, web.StepForm{Action: "disable"}, "账号已停用，其所有会话已结束。", "/users/"+strconv.FormatInt(id, 10), s.renderUser)
		return
	}
	s.stepDone(w, r, err, web.StepForm{Action: "enable"}, "账号已启用。", "/users/"+strconv.FormatInt(id, 10), s.renderUser)
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	otp := password.Random(12)
	hash, err := s.hashes.Hash(r.Context(), otp, s.hash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.ResetPassword(r.Context(), actor(r), id, hash); err != nil {
		s.stepDone(w, r, err, web.StepForm{Action: "reset-password"}, "", "", s.renderUser)
		return
	}
	s.showOneTimePassword(w, r, id, otp, "密码已重置，用户须在下次登录时修改密码。")
}
