package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"tianmu/internal/password"
	"tianmu/internal/training"
	"tianmu/web"
)

// loginFailed is the one answer for an unknown user, a wrong password, a
// disabled account and a throttled attempt, so none can be told apart.
const loginFailed = "用户名或密码错误，或尝试次数过多（每15分钟最多5次）。请稍后再试。"

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) != nil {
		redirect(w, r, "/")
		return
	}
	form := web.LoginForm{Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, web.LoginView(web.LoginPage{Layout: s.layout(r, "登录", ""), Form: form}))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	form := web.LoginForm{
		Username: strings.ToLower(strings.TrimSpace(r.PostFormValue("username"))),
		Next:     safeNext(r.PostFormValue("next")),
	}
	pw := r.PostFormValue("password")
	if form.Username == "" {
		form.Set("username", "请输入用户名")
	}
	if pw == "" {
		form.Set("password", "请输入密码")
	}
	if form.Any() {
		s.render(w, r, http.StatusUnprocessableEntity, web.LoginView(web.LoginPage{Layout: s.layout(r, "登录", ""), Form: form}))
		return
	}
	u, err := s.authenticate(r, form.Username, pw)
	if err != nil {
		if !errors.Is(err, errBadLogin) {
			s.fail(w, r, err)
			return
		}
		form.General = append(form.General, loginFailed)
		s.render(w, r, http.StatusUnprocessableEntity, web.LoginView(web.LoginPage{Layout: s.layout(r, "登录", ""), Form: form}))
		return
	}
	// A new token at sign-in defeats session fixation.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "uid", u.ID)
	s.sessions.Put(r.Context(), "sv", u.SessionVersion)
	s.sessions.Remove(r.Context(), "csrf")
	if u.MustChangePassword {
		redirect(w, r, "/password")
		return
	}
	to := form.Next
	if to == "" {
		to = "/"
	}
	redirect(w, r, to)
}

var errBadLogin = errors.New("bad login")

// authenticate counts the attempt first (atomically, per account and per
// address) and refuses one over a limit before any hashing: a flood of
// attempts costs one upsert each, not 19 MiB of argon2 memory. An allowed
// attempt is verified in one of the bounded hashing slots; an unknown user
// is verified against a dummy hash so the answer takes as long as for a
// wrong password.
func (s *Server) authenticate(r *http.Request, username, pw string) (training.User, error) {
	ctx := r.Context()
	allowed, err := s.store.ReserveLoginAttempt(ctx, username, s.clientAddr(r), s.limits)
	if err != nil {
		return training.User{}, err
	}
	if !allowed {
		return training.User{}, errBadLogin
	}
	u, hash, err := s.store.UserForLogin(ctx, username)
	known := err == nil
	if errors.Is(err, training.ErrNotFound) {
		hash = s.dummy
	} else if err != nil {
		return training.User{}, err
	}
	ok, verr := s.hashes.Verify(ctx, pw, hash)
	if errors.Is(verr, password.ErrBusy) || errors.Is(verr, context.Canceled) || errors.Is(verr, context.DeadlineExceeded) {
		return training.User{}, verr
	}
	if verr != nil || !ok || !known || u.Disabled {
		return training.User{}, errBadLogin
	}
	if err := s.store.ClearLoginFailures(ctx, username); err != nil {
		return training.User{}, err
	}
	if err := s.store.RecordLogin(ctx, u); err != nil {
		return training.User{}, err
	}
	return u, nil
}

// safeNext keeps only local paths, so ?next= cannot send a user elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/login")
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.PasswordView(web.PasswordPage{
		Layout: s.layout(r, "修改密码", ""), Forced: currentUser(r).MustChangePassword}))
}

func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	cur, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	var form web.PasswordForm
	hash, err := s.store.PasswordHash(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ok, err := s.hashes.Verify(r.Context(), cur, hash)
	if errors.Is(err, password.ErrBusy) {
		s.fail(w, r, err)
		return
	}
	if !ok {
		form.Set("current", "当前密码不正确")
	}
	if msg := training.CheckPassword(next, u.Username); msg != "" {
		form.Set("new", msg)
	} else if next == cur {
		form.Set("new", "新密码不能与当前密码相同")
	}
	if confirm != next {
		form.Set("confirm", "两次输入的新密码不一致")
	}
	if form.Any() {
		s.render(w, r, http.StatusUnprocessableEntity, web.PasswordView(web.PasswordPage{
			Layout: s.layout(r, "修改密码", ""), Forced: u.MustChangePassword, Form: form}))
		return
	}
	newHash, err := s.hashes.Hash(r.Context(), next, s.hash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.store.ChangeOwnPassword(r.Context(), actor(r), newHash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Other sessions of this user end (their version is now stale); this one
	// gets a new token and the new version.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "sv", v)
	s.flash(r, "密码已修改。")
	redirect(w, r, "/")
}
