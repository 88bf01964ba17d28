package server

import (
	"context"
	"net/http"
	"time"
)

// healthz says the process is up (liveness): it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz says whether the balancer may send requests here: the database
// answers, it holds every migration of this binary, and the node is not
// shutting down.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	msg := s.notReady(r.Context())
	if msg != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(msg + "\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

func (s *Server) notReady(ctx context.Context) string {
	if s.draining.Load() {
		return "draining"
	}
	if err := s.ping(ctx); err != nil {
		return "database unavailable"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	ok, err := s.store.SchemaCurrent(ctx)
	switch {
	case err != nil:
		return "database unavailable"
	case !ok:
		return "migrations pending"
	}
	return ""
}
