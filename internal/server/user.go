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
	q := r.URL.Query()
	f := repository.UserFilter{Role: training.Role(q.Get("role")), Query: strings.TrimSpace(q.Get("q"))}
	if !f.Role.Valid() {
		f.Role = ""
	}
	p := listParams(r)
	users, total, err := s.store.Users(r.Context(), actor(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := url.Values{}
	if f.Role != "" {
		filters.Set("role", string(f.Role))
	}
	if f.Query != "" {
		filters.Set("q", f.Query)
	}
	s.render(w, r, http.StatusOK, web.UserListView(web.UserListPage{Layout: s.layout(r, "账号管理", "users"),
		Users: users, List: listView(r, p, total, filters), Role: string(f.Role), Query: f.Query}))
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
		hash, err := password.Hash(otp, s.hash)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		id, err := s.store.CreateUser(r.Context(), actor(r), in, hash, true)
		if err == nil {
			s.sessions.Put(r.Context(), "otp", otp)
			s.sessions.Put(r.Context(), "otp_user", id)
			s.flash(r, "账号已创建。")
			redirect(w, r, "/users/"+strconv.FormatInt(id, 10))
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
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	u, err := s.store.UserForBureau(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := web.UserShowPage{Layout: s.layout(r, "账号 "+u.Username, "users"), User: u}
	if s.sessions.GetInt64(r.Context(), "otp_user") == id {
		page.OneTimePass = s.sessions.PopString(r.Context(), "otp")
		s.sessions.Remove(r.Context(), "otp_user")
	}
	s.render(w, r, http.StatusOK, web.UserShowView(page))
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) { s.setDisabled(w, r, true) }
func (s *Server) userEnable(w http.ResponseWriter, r *http.Request)  { s.setDisabled(w, r, false) }

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	if err := s.store.SetUserDisabled(r.Context(), actor(r), id, disabled); err != nil {
		s.fail(w, r, err)
		return
	}
	if disabled {
		s.flash(r, "账号已停用，其所有会话已结束。")
	} else {
		s.flash(r, "账号已启用。")
	}
	redirect(w, r, "/users/"+strconv.FormatInt(id, 10))
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.fail(w, r, training.ErrNotFound)
		return
	}
	otp := password.Random(12)
	hash, err := password.Hash(otp, s.hash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.ResetPassword(r.Context(), actor(r), id, hash); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "otp", otp)
	s.sessions.Put(r.Context(), "otp_user", id)
	s.flash(r, "密码已重置，用户须在下次登录时修改密码。")
	redirect(w, r, "/users/"+strconv.FormatInt(id, 10))
}
