package server

import (
	"context"
	"net/http"
	"strconv"

	"tianmu/internal/training"
)

// BaselineUserHeader names the user a baseline request acts as.
const BaselineUserHeader = "X-Bench-User"

type plainKey struct{}

// BaselineHandler is the portal's GET surface for tianmu-bench's
// baseline: the same routes and the same handlers, so the same repository
// calls with the same arguments, but none of the portal's middleware (no
// request id, log line, security headers, CSRF, session lookup or user
// reload), and pages answered as a line of plain text instead of rendered
// templates. The acting user is the one BaselineUserHeader names, looked up
// with user (the bench keeps them in memory). Whatever a page costs beyond
// this is what sessions, middleware and templates cost.
//
// It trusts a request header for who is signed in: it is for the bench's
// private loopback listener only, never served by `tianmu serve`, and it
// answers anything but GET with 405.
func (s *Server) BaselineHandler(user func(ctx context.Context, id int64) (training.User, error)) http.Handler {
	mux := s.routes(middlewares{
		// A session is still there for the few handlers that read one
		// (nothing loaded: no cookie, so no store access, and nothing
		// written unless a handler writes).
		session: func(int64, string) []func(http.Handler) http.Handler {
			return []func(http.Handler) http.Handler{s.sessions.LoadAndSave, baselineUser(user), s.checkInput}
		},
		requireUser: s.requireUser,
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "baseline: GET only", http.StatusMethodNotAllowed)
			return
		}
		mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), plainKey{}, true)))
	})
}

func baselineUser(user func(ctx context.Context, id int64) (training.User, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, err := strconv.ParseInt(r.Header.Get(BaselineUserHeader), 10, 64)
			if err != nil {
				next.ServeHTTP(w, r)
				return
			}
			u, err := user(r.Context(), id)
			if err != nil {
				http.Error(w, "baseline: unknown user", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, &u)))
		})
	}
}

// plain reports whether the page is answered for the bench's baseline.
func plain(r *http.Request) bool { return r.Context().Value(plainKey{}) != nil }
