package server

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"

	"tianmu/internal/training"
	"tianmu/web"
)

// Handler is the whole HTTP surface of the portal: every route is here.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(withRequestID, s.logRequests, securityHeaders, s.recoverPanic)

	static, _ := fs.Sub(web.Static, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", http.FileServerFS(static)))
	r.Get("/healthz", s.healthz)

	r.Group(func(r chi.Router) {
		r.Use(s.csrf.Handler, limitBody(1<<20), trackSession, s.sessions.LoadAndSave, markSession, s.loadUser, s.checkCSRF)

		// Public.
		r.Get("/login", s.loginForm)
		r.Post("/login", s.login)

		// Signed in, any role.
		r.Group(func(r chi.Router) {
			r.Use(s.requireUser)
			r.Get("/", s.home)
			r.Post("/logout", s.logout)
			r.Get("/password", s.passwordForm)
			r.Post("/password", s.passwordChange)

			// Bureau, or the institution's own staff (others get 404).
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(training.RoleBureau, training.RoleInstitution))
				r.Get("/institutions/{id}", s.institutionShow)
				r.Get("/institutions/{id}/edit", s.institutionEdit)
				r.Post("/institutions/{id}/edit", s.institutionUpdate)
			})

			// Bureau only.
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(training.RoleBureau))
				r.Get("/institutions", s.institutionList)
				r.Get("/institutions/new", s.institutionNew)
				r.Post("/institutions", s.institutionCreate)
				r.Post("/institutions/{id}/designate", s.institutionStatus(training.ActDesignate))
				r.Post("/institutions/{id}/suspend", s.institutionStatus(training.ActSuspend))
				r.Post("/institutions/{id}/resume", s.institutionStatus(training.ActResume))
				r.Post("/institutions/{id}/revoke", s.institutionStatus(training.ActRevoke))
				r.Get("/institutions/{id}/scope", s.scopeForm)
				r.Post("/institutions/{id}/scope", s.scopeSave)
				r.Get("/institutions/{id}/history", s.institutionHistory)

				r.Get("/users", s.userList)
				r.Get("/users/new", s.userNew)
				r.Post("/users", s.userCreate)
				r.Get("/users/{id}", s.userShow)
				r.Post("/users/{id}/disable", s.userDisable)
				r.Post("/users/{id}/enable", s.userEnable)
				r.Post("/users/{id}/reset-password", s.userResetPassword)
			})
		})

		r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.fail(w, r, training.ErrNotFound) })
		r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
			s.errorPage(w, r, http.StatusMethodNotAllowed, "不支持的请求方式", "该地址不支持此请求方式。")
		})
	})
	return r
}
