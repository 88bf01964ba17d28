package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

type (
	requestIDKey     struct{}
	userKey          struct{}
	sessionLoadedKey struct{}
)

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

func currentUser(r *http.Request) *training.User {
	u, _ := r.Context().Value(userKey{}).(*training.User)
	return u
}

// actor is the signed-in user as the actor of a use case. Only called
// behind requireUser.
func actor(r *http.Request) training.Actor {
	if u := currentUser(r); u != nil {
		return u.Actor()
	}
	return training.Actor{}
}

// withRequestID gives every request an id for the logs and the error page.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs method, path (no query: it may hold names), status,
// size, duration and the request id. No personal data.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		switch {
		case strings.HasPrefix(r.URL.Path, "/static/"):
			return
		case r.URL.Path == "/readyz" || r.URL.Path == "/healthz" || r.URL.Path == "/metrics":
			if sw.status < 400 {
				return // the balancer asks every second
			}
		}
		s.log.Info("request", "request_id", requestID(r), "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.bytes, "ms", time.Since(start).Milliseconds())
	})
}

// recoverPanic turns a panic into the Chinese 500 page; the server lives on.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "request_id", requestID(r), "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				w.Header().Set("Connection", "close")
				s.errorPage(w, r, http.StatusInternalServerError, "系统内部错误", "处理您的请求时出错，操作未保存。请稍后重试。")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders: a CSP without inline script, no framing, no sniffing,
// and no caching of pages that hold personal data.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

type bodyLimitKey struct{}

// limitBody caps request bodies (forms are small; uploads have their own).
// what says the limit to the user on the 413 page ("表单内容不能超过1 MB").
func limitBody(n int64, what string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyLimitKey{}, what)))
		})
	}
}

// tooLarge is the 413 page, stating the limit of the route that refused.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	what, _ := r.Context().Value(bodyLimitKey{}).(string)
	if what != "" {
		what = "（" + what + "）"
	}
	s.errorPage(w, r, http.StatusRequestEntityTooLarge, "提交的内容过大", "提交的内容超过了允许的大小"+what+"，操作未保存。")
}

// markSession notes that the session is loaded, so the layout may use it.
func markSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionLoadedKey{}, true)))
	})
}

// loadUser puts the signed-in user in the request context. A disabled user,
// or a session from before a password change or reset, is signed out here:
// this is how disabling an account ends its sessions at once.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		uid := s.sessions.GetInt64(ctx, "uid")
		if uid == 0 {
			next.ServeHTTP(w, r)
			return
		}
		u, ok := sessionUser(ctx, uid)
		var err error
		if !ok {
			u, err = s.store.UserByID(ctx, uid)
		}
		switch {
		case errors.Is(err, training.ErrNotFound):
		case err != nil:
			s.fail(w, r, err)
			return
		case u.Disabled || u.SessionVersion != s.sessions.GetInt(ctx, "sv"):
		default:
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				// The user's own change may change their to-do counts: a
				// new generation, so the next page on any node counts them
				// again (navcache.go).
				s.sessions.Put(ctx, "nav_gen", time.Now().UnixNano())
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey{}, &u)))
			return
		}
		_ = s.sessions.Destroy(ctx)
		next.ServeHTTP(w, r)
	})
}

// requireUser sends a signed-out visitor to the sign-in page, and a user
// with a one-time password to the password page.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u == nil {
			to := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			redirect(w, r, to)
			return
		}
		if u.MustChangePassword && r.URL.Path != "/password" && r.URL.Path != "/logout" {
			redirect(w, r, "/password")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireRole answers 403 to any other role.
func (s *Server) requireRole(roles ...training.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := currentUser(r)
			for _, role := range roles {
				if u != nil && u.Role == role {
					next.ServeHTTP(w, r)
					return
				}
			}
			s.fail(w, r, training.ErrForbidden)
		})
	}
}

// maxUploadBody caps an upload request: the largest file plus room for the
// other fields and the multipart framing. A file between MaxUpload and
// this gets the form's 422 message; a bigger body gets 413.
const maxUploadBody = repository.MaxUpload + 256<<10

// clientAddr is the peer address; X-Forwarded-For is believed only when the
// peer is a configured trusted proxy, and then the right-most untrusted hop
// is used.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
