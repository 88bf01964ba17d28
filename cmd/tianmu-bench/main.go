// Command tianmu-bench measures the portal's main pages under load: it
// loads the scale data set into its own database, runs the real server
// in-process on a loopback listener, signs in browsers (one cookie jar
// each) and drives every page at a fixed concurrency, next to a baseline
// that runs the same repository calls without sessions, middleware or
// templates. It writes a markdown report.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/config"
	"tianmu/internal/demo"
	"tianmu/internal/pgcluster"
	"tianmu/internal/repository"
	"tianmu/internal/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tianmu-bench:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

type options struct {
	out         string
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	maxRequests int
	durable     bool
	only        string
	cpuprofile  string
	loadStart   string
	scale       demo.Scale
}

func run(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "signin" {
		return runSignin(ctx, args[1:]) // the sign-in load test (signin.go)
	}
	var o options
	fs := flag.NewFlagSet("tianmu-bench", flag.ContinueOnError)
	fs.StringVar(&o.out, "out", "", "write the markdown report to this file (default: stdout only)")
	fs.IntVar(&o.concurrency, "c", 32, "concurrent clients per page")
	fs.DurationVar(&o.duration, "d", 5*time.Second, "measured duration per page and target")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured warm-up per page and target")
	fs.IntVar(&o.maxRequests, "n", 100000, "at most this many measured requests per page and target")
	fs.BoolVar(&o.durable, "durable", true, "private cluster with fsync and synchronous_commit on, as in production")
	fs.StringVar(&o.only, "only", "", "run only the pages whose name contains this")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured runs to this file")
	fs.IntVar(&o.scale.Institutions, "institutions", demo.DefaultScale.Institutions, "institutions in the data set")
	fs.IntVar(&o.scale.Users, "users", demo.DefaultScale.Users, "users in the data set")
	fs.IntVar(&o.scale.Teachers, "teachers", demo.DefaultScale.Teachers, "teachers in the data set")
	fs.IntVar(&o.scale.Textbooks, "textbooks", demo.DefaultScale.Textbooks, "textbooks in the data set")
	fs.IntVar(&o.scale.Classes, "classes", demo.DefaultScale.Classes, "class filings in the data set")
	fs.IntVar(&o.scale.Enrolments, "enrolments", demo.DefaultScale.Enrolments, "roster entries over the classes (about)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.concurrency < 1 || o.concurrency > 256 || o.duration <= 0 || o.duration > 10*time.Minute || o.maxRequests < 1 {
		return errors.New("want 1 <= -c <= 256, 0 < -d <= 10m, -n >= 1")
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}

	dbURL, cleanup, pgMode, err := database(ctx, o.durable)
	if err != nil {
		return err
	}
	defer cleanup()
	pool, err := repository.Open(ctx, dbURL, cfg.MaxDBConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := repository.MigrateUp(ctx, pool); err != nil {
		return err
	}
	logf("loading the scale data set (%d institutions, %d users, %d teachers, %d textbooks, %d classes, about %d enrolments)",
		o.scale.Institutions, o.scale.Users, o.scale.Teachers, o.scale.Textbooks, o.scale.Classes, o.scale.Enrolments)
	if err := demo.LoadScale(ctx, pool, o.scale, os.Stderr); err != nil {
		return err
	}
	// The loader's rows (a million enrolments, four million marks) are
	// garbage now: give the memory back so the portal's is what is measured.
	debug.FreeOSMemory()
	store := repository.New(pool, nil)

	// The portal, as `tianmu serve` builds it. Logs are formatted as in
	// production and dropped, except warnings and errors.
	log := slog.New(slog.NewTextHandler(&errorsOnly{w: os.Stderr}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// Every client signs in from 127.0.0.1: lift the per-address sign-in
	// limit (50 per 15 minutes) for the bench's 64 sign-ins.
	limits := repository.DefaultLoginLimits
	limits.PerAddress = 100000
	srv := server.New(store, cfg, log, server.Options{Limits: &limits, SessionCleanup: 5 * time.Minute})
	defer srv.Close()
	portal, stopPortal, err := serveLoopback(srv.Handler(), log)
	if err != nil {
		return err
	}
	defer stopPortal()

	var bureauID int64
	if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, demo.ScaleBureauUsername(0)).Scan(&bureauID); err != nil {
		return err
	}
	base, stopBase, err := serveLoopback((&baseline{store: store, bureauID: bureauID}).handler(), log)
	if err != nil {
		return err
	}
	defer stopBase()

	bureau, inst, err := signIn(ctx, pool, portal, o.concurrency)
	if err != nil {
		return err
	}
	pages, err := benchPages(ctx, pool)
	if err != nil {
		return err
	}

	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	o.loadStart = loadAvg()
	mem := startMemSampler()
	started := time.Now()
	var results []pageResult
	for _, p := range pages {
		if !strings.Contains(p.name, o.only) {
			continue
		}
		clients := bureau
		if p.institution {
			clients = inst
		}
		pr := pageResult{page: p}
		for _, target := range []struct {
			base   string
			dst    *result
			portal bool
		}{{portal, &pr.portal, true}, {base, &pr.base, false}} {
			pathFor := func(w, n int, c *client) string {
				path := p.path(w, n, c)
				if !target.portal && p.institution {
					path = addQuery(path, "inst", strconv.FormatInt(c.inst, 10))
				}
				return path
			}
			mem.phase(target.portal)
			_ = drive(ctx, target.base, clients, pathFor, o.warmup, o.maxRequests)
			*target.dst = drive(ctx, target.base, clients, pathFor, o.duration, o.maxRequests)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		logf("%-44s portal %7.0f req/s p50 %6s p99 %6s | baseline %7.0f req/s p99 %6s | errors %d/%d %s",
			p.name, pr.portal.rps(), ms(pr.portal.p50), ms(pr.portal.p99), pr.base.rps(), ms(pr.base.p99),
			pr.portal.errors, pr.base.errors, pr.portal.firstErr+pr.base.firstErr)
		results = append(results, pr)
	}
	peak := mem.stop()

	info, err := machineInfo(ctx, pool, cfg, o, pgMode, time.Since(started))
	if err != nil {
		return err
	}
	report := renderReport(info, results, peak)
	fmt.Print(report)
	if o.out != "" {
		if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
		logf("report written to %s", o.out)
	}
	return nil
}

// database returns a fresh database: a new one on BENCH_DATABASE_URL's
// server (dropped afterwards), or a private cluster in a temporary directory.
func database(ctx context.Context, durable bool) (string, func(), string, error) {
	name := "tianmu_bench_" + randomHex(4)
	if admin := os.Getenv("BENCH_DATABASE_URL"); admin != "" {
		if err := createDatabase(ctx, admin, name); err != nil {
			return "", nil, "", err
		}
		return pgcluster.WithDatabase(admin, name), func() { dropDatabase(admin, name) }, "BENCH_DATABASE_URL (server as configured)", nil
	}
	dir, err := os.MkdirTemp("", "tianmu-bench-pg-")
	if err != nil {
		return "", nil, "", err
	}
	logf("starting a private PostgreSQL cluster in %s", dir)
	c, err := pgcluster.Start(ctx, dir, pgcluster.Options{Fast: !durable, Port: 5433})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, "", err
	}
	cleanup := func() { _ = c.Stop(); _ = os.RemoveAll(dir) }
	if err := createDatabase(ctx, c.URL("postgres"), name); err != nil {
		cleanup()
		return "", nil, "", err
	}
	mode := "private cluster, fsync on, synchronous_commit on (durable)"
	if !durable {
		mode = "private cluster, fsync off, synchronous_commit off"
	}
	return c.URL(name), cleanup, mode + ", shared_buffers 128MB", nil
}

func createDatabase(ctx context.Context, admin, name string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `CREATE DATABASE `+name)
	return err
}

func dropDatabase(admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// serveLoopback serves h on 127.0.0.1 with the production server timeouts.
func serveLoopback(h http.Handler, log *slog.Logger) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}, nil
}

// signIn signs in n bureau users and n institution users (of n different
// designated institutions), each in its own client.
func signIn(ctx context.Context, pool *pgxpool.Pool, portal string, n int) (bureau, inst []*client, err error) {
	rows, _ := pool.Query(ctx, `
		SELECT DISTINCT ON (u.institution_id) u.username, u.institution_id
		FROM users u JOIN institutions i ON i.id = u.institution_id
		WHERE i.status = 'designated' AND u.disabled_at IS NULL
		ORDER BY u.institution_id, u.id LIMIT $1`, n)
	type account struct {
		username string
		inst     int64
	}
	accts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (account, error) {
		var a account
		return a, r.Scan(&a.username, &a.inst)
	})
	if err != nil {
		return nil, nil, err
	}
	if len(accts) < n {
		return nil, nil, fmt.Errorf("only %d institution accounts to sign in", len(accts))
	}
	t := time.Now()
	for i := range n {
		c := newClient()
		if err := c.login(portal, demo.ScaleBureauUsername(i), demo.ScalePassword); err != nil {
			return nil, nil, err
		}
		bureau = append(bureau, c)
		c = newClient()
		c.inst = accts[i].inst
		if err := c.login(portal, accts[i].username, demo.ScalePassword); err != nil {
			return nil, nil, err
		}
		inst = append(inst, c)
	}
	logf("signed in %d clients in %v (argon2id at the production cost)", 2*n, time.Since(t).Round(time.Millisecond))
	return bureau, inst, nil
}

// page is one line of the report.
type page struct {
	name        string
	institution bool // driven by institution users (else bureau users)
	detail      bool // a detail page (else a list or the home page)
	path        func(worker, n int, c *client) string
}

type pageResult struct {
	page         page
	portal, base result
}

func fixed(p string) func(int, int, *client) string {
	return func(int, int, *client) string { return p }
}

// benchPages is the pages under test. Detail pages walk through every
// institution so the cache is not one row's.
func benchPages(ctx context.Context, pool *pgxpool.Pool) ([]page, error) {
	rows, _ := pool.Query(ctx, `SELECT id FROM institutions ORDER BY id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	var occ int64
	if err := pool.QueryRow(ctx, `SELECT id FROM occupations WHERE code = '4-03-02-01'`).Scan(&occ); err != nil {
		return nil, err
	}
	some := func(w, n int) int64 { return ids[(w*7919+n*104729)%len(ids)] }
	cp, err := classPages(ctx, pool)
	if err != nil {
		return nil, err
	}
	return append([]page{
		{name: "GET /institutions", path: fixed("/institutions")},
		{name: "GET /institutions?status=designated", path: fixed("/institutions?status=designated")},
		{name: "GET /institutions?name=家政", path: fixed("/institutions?name=" + url.QueryEscape("家政"))},
		{name: "GET /institutions?occupation=(中式烹调师)", path: fixed("/institutions?occupation=" + strconv.FormatInt(occ, 10))},
		{name: "GET /institutions?sort=name&desc=1", path: fixed("/institutions?sort=name&desc=1")},
		{name: "GET /institutions?sort=status", path: fixed("/institutions?sort=status")},
		{name: "GET /institutions?sort=created&desc=1", path: fixed("/institutions?sort=created&desc=1")},
		{name: "GET /institutions?page=50", path: fixed("/institutions?page=50")},
		{name: "GET /institutions/{id}", detail: true, path: func(w, n int, _ *client) string {
			return "/institutions/" + strconv.FormatInt(some(w, n), 10)
		}},
		{name: "GET /institutions/{id}/history", detail: true, path: func(w, n int, _ *client) string {
			return "/institutions/" + strconv.FormatInt(some(w, n), 10) + "/history"
		}},
		{name: "GET /users", path: fixed("/users")},
		{name: "GET / (bureau home)", path: fixed("/")},
		{name: "GET / (institution home)", institution: true, path: fixed("/")},
		{name: "GET /institutions/{own id} (institution)", institution: true, detail: true, path: func(_, _ int, c *client) string {
			return "/institutions/" + strconv.FormatInt(c.inst, 10)
		}},
	}, cp...), nil
}

// classPages are the review queue, the class lists and the filing page
// (issue 4). The queue's filters use the occupation with the most filings
// waiting and the institution with the most filings; filing pages walk
// through the submitted filings (the page runs the submit check live), the
// approved ones not yet started, and each institution user's own filings.
func classPages(ctx context.Context, pool *pgxpool.Pool) ([]page, error) {
	var occ, inst int64
	if err := pool.QueryRow(ctx, `SELECT occupation_id FROM classes WHERE status = 'submitted'
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).Scan(&occ); err != nil {
		return nil, fmt.Errorf("no submitted filing: %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT institution_id FROM classes GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).Scan(&inst); err != nil {
		return nil, err
	}
	ids := func(sql string) ([]int64, error) {
		rows, _ := pool.Query(ctx, sql)
		list, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err == nil && len(list) == 0 {
			err = fmt.Errorf("no rows: %s", sql)
		}
		return list, err
	}
	submitted, err := ids(`SELECT id FROM classes WHERE status = 'submitted' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	approved, err := ids(`SELECT id FROM classes WHERE status = 'approved' AND start_date > current_date ORDER BY id`)
	if err != nil {
		return nil, err
	}
	rows, _ := pool.Query(ctx, `SELECT institution_id, id FROM classes ORDER BY institution_id, id`)
	own := map[int64][]int64{}
	var i, c int64
	if _, err := pgx.ForEachRow(rows, []any{&i, &c}, func() error {
		own[i] = append(own[i], c)
		return nil
	}); err != nil {
		return nil, err
	}
	// Each institution client's 50-trainee class (approved, started, every
	// agreement signed) and its first session.
	rows, _ = pool.Query(ctx, `SELECT DISTINCT ON (c.institution_id) c.institution_id, c.id, s.id
		FROM classes c JOIN class_sessions s ON s.class_id = c.id AND s.seq = 1
		WHERE c.status = 'approved' AND c.start_date <= current_date AND c.enrolled = 50
		ORDER BY c.institution_id, c.id`)
	type benchClass struct{ class, session int64 }
	fifty := map[int64]benchClass{}
	var bc benchClass
	if _, err := pgx.ForEachRow(rows, []any{&i, &bc.class, &bc.session}, func() error {
		fifty[i] = bc
		return nil
	}); err != nil {
		return nil, err
	}
	fiftyPath := func(suffix func(benchClass) string) func(int, int, *client) string {
		return func(_, _ int, c *client) string {
			b, ok := fifty[c.inst]
			if !ok {
				return "/classes/0" // a 404, counted as an error
			}
			return "/classes/" + strconv.FormatInt(b.class, 10) + suffix(b)
		}
	}
	walk := func(list []int64) func(int, int, *client) string {
		return func(w, n int, _ *client) string {
			return "/classes/" + strconv.FormatInt(list[(w*7919+n*104729)%len(list)], 10)
		}
	}
	o, in := strconv.FormatInt(occ, 10), strconv.FormatInt(inst, 10)
	pages := []page{
		{name: "GET /review", path: fixed("/review")},
		{name: "GET /review?status=submitted&occupation=X", path: fixed("/review?status=submitted&occupation=" + o)},
		{name: "GET /review?institution=Y", path: fixed("/review?institution=" + in)},
		{name: "GET /review?status=&institution=Y", path: fixed("/review?status=&institution=" + in)},
		{name: "GET /review?status=approved&sort=start", path: fixed("/review?status=approved&sort=start")},
		{name: "GET /review?status= (all 50,000)", path: fixed("/review?status=")},
		{name: "GET /review?page=20", path: fixed("/review?page=20")},
		{name: "GET /review?status=&page=20", path: fixed("/review?status=&page=20")},
		{name: "GET /classes/{id} (submitted)", detail: true, path: walk(submitted)},
		{name: "GET /classes/{id} (approved)", detail: true, path: walk(approved)},
		{name: "GET /classes (institution)", institution: true, path: fixed("/classes")},
		{name: "GET /classes/{own id} (institution)", institution: true, detail: true, path: func(w, n int, c *client) string {
			list := own[c.inst]
			if len(list) == 0 {
				return "/classes/0"
			}
			return "/classes/" + strconv.FormatInt(list[(w*7919+n*104729)%len(list)], 10)
		}},
	}
	if len(fifty) == 0 {
		logf("no approved, started class with 50 trainees (-enrolments 0?): the roster pages are left out")
		return pages, nil
	}
	return append(pages, []page{
		{name: "GET /classes/{id}/sessions/{sid}/attendance (50 trainees)", institution: true, detail: true,
			path: fiftyPath(func(b benchClass) string { return "/sessions/" + strconv.FormatInt(b.session, 10) + "/attendance" })},
		{name: "GET /classes/{id}/roster (50 trainees)", institution: true, detail: true,
			path: fiftyPath(func(benchClass) string { return "/roster" })},
		{name: "GET /classes/{id}/agreements (50 trainees)", institution: true, detail: true,
			path: fiftyPath(func(benchClass) string { return "/agreements" })},
	}...), nil
}

func addQuery(path, k, v string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + k + "=" + url.QueryEscape(v)
}

// errorsOnly passes log lines at WARN and ERROR through to w and drops the
// rest after they were formatted, as a production log would cost.
type errorsOnly struct {
	mu sync.Mutex
	w  io.Writer
}

func (e *errorsOnly) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "level=ERROR") || strings.Contains(string(p), "level=WARN") {
		e.mu.Lock()
		defer e.mu.Unlock()
		_, _ = e.w.Write(p)
	}
	return len(p), nil
}

// memSampler samples this process's memory every 50 ms and keeps the
// maximum seen while the portal (not the baseline) was under load.
type memSampler struct {
	mu     sync.Mutex
	portal bool
	peak   memPeak
	done   chan struct{}
	wg     sync.WaitGroup
}

type memPeak struct {
	heapInuse, sys, rss uint64
	samples             int
}

func startMemSampler() *memSampler {
	m := &memSampler{done: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.done:
				return
			case <-t.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			rss := vmRSS()
			m.mu.Lock()
			if m.portal {
				m.peak.heapInuse = max(m.peak.heapInuse, ms.HeapInuse)
				m.peak.sys = max(m.peak.sys, ms.Sys)
				m.peak.rss = max(m.peak.rss, rss)
				m.peak.samples++
			}
			m.mu.Unlock()
		}
	}()
	return m
}

func (m *memSampler) phase(portal bool) {
	m.mu.Lock()
	m.portal = portal
	m.mu.Unlock()
}

func (m *memSampler) stop() memPeak {
	close(m.done)
	m.wg.Wait()
	return m.peak
}

// vmRSS reads VmRSS from /proc/self/status, in bytes.
func vmRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
