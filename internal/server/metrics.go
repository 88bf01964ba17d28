package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tianmu/internal/repository"
)

// Metrics are the portal's Prometheus metrics: requests and their latency
// per route pattern (never the raw path: it holds ids), the database pool,
// the job queue, and refused sign-ins. One registry per process.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	signin   *prometheus.CounterVec
	jobs     *prometheus.HistogramVec
}

// NewMetrics registers the metrics of store's pool and queue.
func NewMetrics(store *repository.Store) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tianmu_http_request_duration_seconds",
		Help:    "HTTP requests by chi route pattern, method and status, and how long they took.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})
	m.signin = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tianmu_signin_refusals_total",
		Help: "Sign-in attempts refused (wrong password, unknown user, throttled), by status.",
	}, []string{"status"})
	m.jobs = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tianmu_jobs_run_duration_seconds",
		Help:    "Background jobs run on this node by kind and outcome (completed, failed, cancelled).",
		Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300},
	}, []string{"kind", "outcome"})
	pool := store.Pool()
	m.reg.MustRegister(m.requests, m.signin, m.jobs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tianmu_db_pool_acquired_conns", Help: "Connections in use."},
			func() float64 { return float64(pool.Stat().AcquiredConns()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tianmu_db_pool_idle_conns", Help: "Idle connections."},
			func() float64 { return float64(pool.Stat().IdleConns()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tianmu_db_pool_max_conns", Help: "Pool size."},
			func() float64 { return float64(pool.Stat().MaxConns()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "tianmu_db_pool_acquires_total", Help: "Connections acquired."},
			func() float64 { return float64(pool.Stat().AcquireCount()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "tianmu_db_pool_empty_acquires_total",
			Help: "Acquires that had to wait for a connection."},
			func() float64 { return float64(pool.Stat().EmptyAcquireCount()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "tianmu_db_pool_acquire_wait_seconds_total",
			Help: "Time spent waiting for a connection."},
			func() float64 { return pool.Stat().AcquireDuration().Seconds() }),
		&queueCollector{store: store, depth: prometheus.NewDesc("tianmu_jobs_queue_depth",
			"Jobs in the queue by queue and state (discarded = failed for good, kept 30 days).", []string{"queue", "state"}, nil)},
	)
	return m
}

// ObserveJob records a job this node ran (jobs.Config.Observe).
func (m *Metrics) ObserveJob(kind, outcome string, d time.Duration) {
	m.jobs.WithLabelValues(kind, outcome).Observe(d.Seconds())
}

// instrument records every request under its route pattern.
func (m *Metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		code := strconv.Itoa(status)
		m.requests.WithLabelValues(route, r.Method, code).Observe(time.Since(start).Seconds())
		if route == "/login" && r.Method == http.MethodPost && (status == http.StatusUnprocessableEntity || status == http.StatusTooManyRequests) {
			m.signin.WithLabelValues(code).Inc()
		}
	})
}

// metricsHandler serves /metrics to the configured addresses only. A request
// that came through a proxy (it carries X-Forwarded-For or Forwarded) is
// refused even from an allowed address: behind the balancer every request
// comes from loopback.
func (s *Server) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{Timeout: 5 * time.Second})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.metricsAllowed(r) {
			s.errorPage(w, r, http.StatusForbidden, "无权访问", "监控指标只对配置的地址开放。")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) metricsAllowed(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.Ops.MetricsAllow {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// queueCollector reads the queue's depth at scrape time.
type queueCollector struct {
	store *repository.Store
	depth *prometheus.Desc
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.depth }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	depth, err := c.store.QueueDepth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.depth, err)
		return
	}
	for _, d := range depth {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(d.Count), d.Queue, d.State)
	}
}
