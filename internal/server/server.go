// Package server is Tianmu's HTTP layer: the routes, middleware and one
// handler file per resource. Handlers parse, make one repository call, and
// render or redirect; the rules live in training and the repository.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"tianmu/internal/certpdf"
	"tianmu/internal/config"
	"tianmu/internal/password"
	"tianmu/internal/repository"
)

// Server holds the dependencies of the handlers.
type Server struct {
	store    *repository.Store
	sessions *scs.SessionManager
	log      *slog.Logger
	cfg      config.Config
	hash     password.Params
	hashes   *password.Slots // bounds the argon2id hashes running at once
	limits   repository.LoginLimits
	dummy    string // a hash to verify against for unknown users
	csrf     *http.CrossOriginProtection

	csrfKeyMu  sync.Mutex
	csrfKeyVal []byte // the anonymous forms' signing key, read once
	stopGC     func()

	importSlots  chan struct{} // at most cap(importSlots) roster files open at once
	metrics      *Metrics
	draining     atomic.Bool       // /readyz answers 503: the node is shutting down
	certs        *certpdf.Renderer // nil when the fonts are missing
	publicLimits repository.PublicLimits
	// complaintLimits bounds complaint filing per address (issue 12).
	complaintLimits repository.PublicLimits
	nav             *navCache // the navigation's to-do counts per user (navcache.go)
	// renderSlots bound the documents built whole in memory at once (heavy).
	renderSlots chan struct{}
}

// Options tune a server; the zero value is production.
type Options struct {
	// Hash overrides the argon2id cost (tests use a cheap one).
	Hash *password.Params
	// Limits overrides the sign-in throttle.
	Limits *repository.LoginLimits
	// SessionCleanup is how often expired sessions are deleted; 0 = never.
	SessionCleanup time.Duration
	// PublicLimits overrides the public lookup limit.
	PublicLimits *repository.PublicLimits
	// ComplaintLimits overrides the complaint filing limit.
	ComplaintLimits *repository.PublicLimits
	// HashSlots is how many password hashes may run at once (default: the
	// number of CPUs); HashWait how long a request waits for a slot before
	// it is answered 503 (default 5 s).
	HashSlots int
	HashWait  time.Duration
	// CertFont and CertLatinFont override the certificate fonts.
	CertFont, CertLatinFont string
	// Metrics are shared with the job runner; nil makes the server its own.
	Metrics *Metrics
}

// New builds a server. Close stops its background work.
func New(store *repository.Store, cfg config.Config, log *slog.Logger, o Options) *Server {
	s := &Server{store: store, cfg: cfg, log: log, hash: password.Default, limits: repository.DefaultLoginLimits,
		importSlots: make(chan struct{}, 2), nav: newNavCache(), renderSlots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	if o.Hash != nil {
		s.hash = *o.Hash
	}
	if o.Limits != nil {
		s.limits = *o.Limits
	}
	slots, wait := runtime.GOMAXPROCS(0), 5*time.Second
	if o.HashSlots > 0 {
		slots = o.HashSlots
	}
	if o.HashWait > 0 {
		wait = o.HashWait
	}
	s.hashes = password.NewSlots(slots, wait)
	s.dummy, _ = password.Hash("tianmu-dummy-password", s.hash)
	s.metrics = o.Metrics
	if s.metrics == nil {
		s.metrics = NewMetrics(store)
	}
	s.publicLimits = repository.DefaultPublicLimits
	if o.PublicLimits != nil {
		s.publicLimits = *o.PublicLimits
	}
	s.complaintLimits = repository.ComplaintLimits
	if o.ComplaintLimits != nil {
		s.complaintLimits = *o.ComplaintLimits
	}
	// The certificate fonts are parsed once, here, not per request.
	cjk, lat := certpdf.DefaultFont, certpdf.DefaultLatinFont
	if o.CertFont != "" {
		cjk = o.CertFont
	}
	if o.CertLatinFont != "" {
		lat = o.CertLatinFont
	}
	if r, err := certpdf.Load(cjk, lat, cfg.BaseURL); err != nil {
		log.Warn("certificate printing disabled", "err", err)
	} else {
		s.certs = r
	}

	st := pgxstore.NewWithCleanupInterval(store.Pool(), o.SessionCleanup)
	s.stopGC = st.StopCleanup
	sm := scs.New()
	sm.Store = &sessionStore{PostgresStore: st, store: store, touchEvery: time.Minute}
	sm.Codec = sessionCodec{}
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Lifetime = cfg.SessionMax
	sm.Cookie.Name = "tianmu_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }
	s.sessions = sm

	s.csrf = http.NewCrossOriginProtection()
	s.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusForbidden, "请求被拒绝", "该请求来自其他网站，已被拒绝。请从本系统页面重新操作。")
	}))
	return s
}

// Close stops the session cleanup goroutine, if any.
func (s *Server) Close() {
	if s.stopGC != nil {
		s.stopGC()
	}
}

// Sessions exposes the session manager (tests read session state).
func (s *Server) Sessions() *scs.SessionManager { return s.sessions }

// Drain makes /readyz answer 503, so the balancer stops sending requests
// here before the listener closes (graceful shutdown).
func (s *Server) Drain() { s.draining.Store(true) }

// ping reports whether the database answers, for /readyz.
func (s *Server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.store.Pool().Ping(ctx)
}

// heavy runs build holding one of the render slots (as many as the
// process has cores): a PDF or a workbook is built whole in memory — a
// certificate or claim form parses its CJK font, a 500-line claim's
// workbook holds every cell — and 32 of them at once took the process past
// 300 MiB in the bench (bench/REPORT.md, 2026-11-30) while sharing the same
// two cores. A request waits for a slot; false when its client left first
// (nothing was written).
func (s *Server) heavy(r *http.Request, build func()) bool {
	select {
	case s.renderSlots <- struct{}{}:
	case <-r.Context().Done():
		return false
	}
	defer func() { <-s.renderSlots }()
	build()
	return true
}
