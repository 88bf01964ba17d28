// Command tianmu-bench measures every GET page of the portal at province
// scale. It loads the scale data set into its own database, runs the
// portal and a baseline in processes of their own, signs in browsers of
// every role (one cookie jar each) and drives each page three ways: one
// client at a time (latency), 32 clients in a closed loop (throughput,
// beside the baseline), and a mixed stream of the main pages of all roles
// at a fixed arrival rate (latency under a steady load). The baseline is
// the portal's own handlers without middleware, sessions or templates
// (server.BaselineHandler). A page that completes nothing or answers any
// error fails its row and the run. It writes a markdown report.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/debug"
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
	"tianmu/internal/training"
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
	out              string
	concurrency      int
	duration, warmup time.Duration
	single           time.Duration // per page and target in the concurrency-1 pass
	timeout          time.Duration
	rate             int
	open             time.Duration
	openWarmup       time.Duration
	durable          bool
	only             *regexp.Regexp
	shapes           string
	db               string
	cpuprofile       string
	scale            demo.Scale
}

func run(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "signin" {
		return runSignin(ctx, args[1:]) // the sign-in load test (signin.go)
	}
	var o options
	var only, serve string
	fs := flag.NewFlagSet("tianmu-bench", flag.ContinueOnError)
	fs.StringVar(&o.out, "out", "", "write the markdown report to this file (default: stdout only)")
	fs.IntVar(&o.concurrency, "c", 32, "clients per page in the closed loop")
	fs.DurationVar(&o.duration, "d", 2*time.Second, "measured time per page and target in the closed loop")
	fs.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured warm-up per page and target in the closed loop")
	fs.DurationVar(&o.single, "d1", time.Second, "measured time per page and target with one client")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Second, "a request not answered in this time counts as a timeout")
	fs.IntVar(&o.rate, "rate", 300, "arrivals per second in the open loop")
	fs.DurationVar(&o.open, "open", time.Minute, "duration of the open loop")
	fs.DurationVar(&o.openWarmup, "openwarmup", 10*time.Second, "the open loop's stream sent before it, at the same rate, reported but not judged")
	fs.BoolVar(&o.durable, "durable", true, "private cluster with fsync and synchronous_commit on, as in production")
	fs.StringVar(&only, "only", "", "run only the pages whose name matches this regular expression")
	fs.StringVar(&o.shapes, "shapes", "single,closed,open,signin", "load shapes to run (signin: bursts of sign-in attempts, for memory)")
	fs.StringVar(&o.db, "db", "", "use this database, already migrated and loaded with the scale data set (default: a new one)")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the portal process to this file")
	fs.StringVar(&serve, "serve", "", "internal: serve the portal or the baseline (a child process)")
	fs.IntVar(&o.scale.Institutions, "institutions", demo.DefaultScale.Institutions, "institutions in the data set")
	fs.IntVar(&o.scale.Users, "users", demo.DefaultScale.Users, "users in the data set")
	fs.IntVar(&o.scale.Teachers, "teachers", demo.DefaultScale.Teachers, "teachers in the data set")
	fs.IntVar(&o.scale.Textbooks, "textbooks", demo.DefaultScale.Textbooks, "textbooks in the data set")
	fs.IntVar(&o.scale.Classes, "classes", demo.DefaultScale.Classes, "class filings in the data set")
	fs.IntVar(&o.scale.Enrolments, "enrolments", demo.DefaultScale.Enrolments, "roster entries over the classes (about)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if serve != "" {
		return serveChild(serve, o.db, o.cpuprofile)
	}
	if o.concurrency < 1 || o.concurrency > 256 || o.duration <= 0 || o.single <= 0 || o.rate < 1 || o.timeout <= 0 {
		return errors.New("want 1 <= -c <= 256, -d, -d1, -timeout > 0, -rate >= 1")
	}
	var err error
	if o.only, err = regexp.Compile(only); err != nil {
		return err
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	started := time.Now()
	info := machine{loadStart: loadAvg(), opts: o, poolSize: cfg.MaxDBConns}

	dbURL := o.db
	if dbURL == "" {
		var cleanup func()
		dbURL, cleanup, info.pgMode, err = database(ctx, o.durable)
		if err != nil {
			return err
		}
		defer cleanup()
	} else {
		info.pgMode = "an existing database (-db)"
	}
	pool, err := repository.Open(ctx, dbURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	if o.db == "" {
		if err := repository.MigrateUp(ctx, pool); err != nil {
			return err
		}
		logf("loading the scale data set (%d institutions, %d users, %d teachers, %d textbooks, %d classes, about %d enrolments)",
			o.scale.Institutions, o.scale.Users, o.scale.Teachers, o.scale.Textbooks, o.scale.Classes, o.scale.Enrolments)
		t := time.Now()
		if err := demo.LoadScale(ctx, pool, o.scale, os.Stderr); err != nil {
			return err
		}
		info.loadTime = time.Since(t)
		// The loader's rows are garbage now: give the memory back.
		debug.FreeOSMemory()
	}

	portal, err := startChild("portal", dbURL, o.cpuprofile)
	if err != nil {
		return err
	}
	defer portal.stop()
	base, err := startChild("baseline", dbURL, "")
	if err != nil {
		return err
	}
	defer base.stop()
	mem := watchMemory(portal.cmd.Process.Pid)
	pt := target{name: "portal", base: portal.url}
	bt := target{name: "baseline", base: base.url, baseline: true}

	clients, err := signIn(ctx, pool, pt.base, o.concurrency)
	if err != nil {
		return err
	}
	f, err := findFixtures(ctx, pool, instsOf(clients))
	if err != nil {
		return err
	}
	var selected []page
	var missing []string
	for _, p := range pages {
		if !o.only.MatchString(p.title()) {
			continue
		}
		if len(clientsFor(p, f, clients)) == 0 {
			missing = append(missing, p.title())
		}
		selected = append(selected, p)
	}
	if len(missing) > 0 {
		return fmt.Errorf("the data set has nothing to ask on %d pages (is it the scale data set, loaded whole?): %s",
			len(missing), strings.Join(missing, "; "))
	}

	var rep report
	rep.pages = selected
	shapes := strings.Split(o.shapes, ",")
	has := func(s string) bool {
		for _, x := range shapes {
			if x == s {
				return true
			}
		}
		return false
	}
	if has("single") {
		info.loads = append(info.loads, "before the one-client pass: "+loadAvg())
		for _, p := range selected {
			cs := clientsFor(p, f, clients)[:1]
			mem.at("one client, " + p.title())
			path := func(c *client, _, n int) string { return p.path(f, c, n) }
			var pr pageResult
			pr.portalFirst = firstRequest(ctx, pt, cs[0], path, o.timeout)
			pr.portal = closedLoop(ctx, pt, cs, 1, path, o.single, o.timeout)
			pr.baseFirst = firstRequest(ctx, bt, cs[0], path, o.timeout)
			pr.base = closedLoop(ctx, bt, cs, 1, path, o.single, o.timeout)
			rep.single = append(rep.single, pr)
			logf("one client   %-62s portal p50 %6s p99 %6s | baseline p99 %6s %s", p.title(), ms(pr.portal.p50), ms(pr.portal.p99),
				ms(pr.base.p99), pr.failed())
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	if has("closed") {
		info.loads = append(info.loads, "before the closed loop: "+loadAvg())
		for _, p := range selected {
			cs := clientsFor(p, f, clients)
			mem.at(strconv.Itoa(o.concurrency) + " clients, " + p.title())
			path := func(c *client, w, n int) string { return p.path(f, c, w*100003+n) }
			var pr pageResult
			for _, t := range []struct {
				t   target
				dst *result
			}{{pt, &pr.portal}, {bt, &pr.base}} {
				closedLoop(ctx, t.t, cs, o.concurrency, path, o.warmup, o.timeout)
				*t.dst = closedLoop(ctx, t.t, cs, o.concurrency, path, o.duration, o.timeout)
			}
			rep.closed = append(rep.closed, pr)
			logf("%d clients   %-62s portal %6.0f req/s p99 %6s | baseline %6.0f req/s | %.2f %s", o.concurrency, p.title(),
				pr.portal.rps(), ms(pr.portal.p99), pr.base.rps(), pr.ratio(), pr.failed())
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	if has("open") {
		info.loads = append(info.loads, "before the open loop: "+loadAvg())
		mem.at("the open loop")
		var mixed []page
		for _, p := range selected {
			if p.mix > 0 {
				mixed = append(mixed, p)
			}
		}
		if len(mixed) > 0 {
			if o.openWarmup > 0 {
				// The same stream first, reported but not judged: a portal
				// just started opens its database connections and PostgreSQL
				// fills each new backend's caches (3–4 s at 300/s measured).
				warm := schedule(mixed, f, clients, o.rate, o.openWarmup)
				rep.openWarm, _, _ = openLoop(ctx, pt, warm, len(mixed), o.timeout)
				logf("open warm-up %d requests at %d/s: p50 %s p99 %s, %d errors (%d timeouts)",
					len(warm), o.rate, ms(rep.openWarm.p50), ms(rep.openWarm.p99), rep.openWarm.errors, rep.openWarm.timeouts)
			}
			arrivals := schedule(mixed, f, clients, o.rate, o.open)
			rep.openAll, rep.openPages, rep.openLag = openLoop(ctx, pt, arrivals, len(mixed), o.timeout)
			rep.openMixed, rep.openSent = mixed, len(arrivals)
			logf("open loop    %d requests at %d/s: p50 %s p99 %s, %d errors (%d timeouts), generator lag up to %s",
				len(arrivals), o.rate, ms(rep.openAll.p50), ms(rep.openAll.p99), rep.openAll.errors, rep.openAll.timeouts, ms(rep.openLag))
		}
	}
	if has("signin") {
		info.loads = append(info.loads, "before the sign-in bursts: "+loadAvg())
		mem.at("the sign-in bursts")
		if rep.signin, err = signinBursts(ctx, dbURL, portal, 200); err != nil {
			return err
		}
	}
	info.loads = append(info.loads, "at the end: "+loadAvg())
	rep.mem = mem.stop()
	if err := portal.stop(); err != nil {
		logf("portal: %v", err)
	}
	info.total = time.Since(started)
	if err := info.fill(ctx, pool); err != nil {
		return err
	}
	text, failures := rep.render(info)
	fmt.Print(text)
	if o.out != "" {
		if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(o.out, []byte(text), 0o644); err != nil {
			return err
		}
		logf("report written to %s", o.out)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d measurements failed (errors or nothing completed):\n  %s", len(failures), strings.Join(failures, "\n  "))
	}
	return nil
}

// schedule is the open loop's stream: the pages in proportion to their
// weights, interleaved (smooth weighted round robin), at rate per second
// for d; each page's clients take turns.
func schedule(mixed []page, f *fixtures, byRole map[string][]*client, rate int, d time.Duration) []arrival {
	n := int(d.Seconds() * float64(rate))
	total := 0
	for _, p := range mixed {
		total += p.mix
	}
	cur := make([]int, len(mixed))
	turns := make([]int, len(mixed))
	cs := make([][]*client, len(mixed))
	for i, p := range mixed {
		cs[i] = clientsFor(p, f, byRole)
	}
	out := make([]arrival, n)
	for k := range n {
		best := 0
		for i, p := range mixed {
			cur[i] += p.mix
			if cur[i] > cur[best] {
				best = i
			}
		}
		cur[best] -= total
		c := cs[best][turns[best]%len(cs[best])]
		out[k] = arrival{page: best, c: c, path: mixed[best].path(f, c, turns[best]), at: time.Duration(k) * time.Second / time.Duration(rate)}
		turns[best]++
	}
	return out
}

// signIn signs in n clients of each role through the real form (bureau
// and centre accounts, and one account each of the first n designated
// institutions) and n visitors who stay signed out.
func signIn(ctx context.Context, pool *pgxpool.Pool, base string, n int) (map[string][]*client, error) {
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
		return nil, err
	}
	if len(accts) < n {
		return nil, fmt.Errorf("only %d institution accounts to sign in", len(accts))
	}
	out := map[string][]*client{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	t := time.Now()
	for i := range n {
		for _, a := range []struct {
			role     training.Role
			username string
			inst     int64
		}{{training.RoleBureau, demo.ScaleBureauUsername(i), 0}, {training.RoleCentre, demo.ScaleCentreUsername(i), 0},
			{training.RoleInstitution, accts[i].username, accts[i].inst}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := newClient(a.role)
				c.inst = a.inst
				if err := c.login(base, a.username, demo.ScalePassword); err != nil {
					errs <- err
					return
				}
				if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, a.username).Scan(&c.userID); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				out[string(a.role)] = append(out[string(a.role)], c)
				mu.Unlock()
			}()
		}
		c := newClient("")
		c.userID = int64(i) // spreads the visitors' objects; never sent
		out[""] = append(out[""], c)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	logf("signed in %d clients in %v (argon2id at the production cost)", 3*n, time.Since(t).Round(time.Millisecond))
	return out, nil
}

func instsOf(byRole map[string][]*client) []int64 {
	var out []int64
	for _, c := range byRole[string(training.RoleInstitution)] {
		out = append(out, c.inst)
	}
	return out
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

// memWatch samples the portal process's resident memory.
type memWatch struct {
	pid   int
	done  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	peak  memPeak
	label string // what the load is doing now (at)
}

type memPeak struct {
	rss, hwm uint64 // largest VmRSS sampled, VmHWM (the kernel's peak) at the end
	samples  int
	during   string // what the load was doing at the largest sample
}

// at names what the load does from now on, for the memory peak's report.
func (m *memWatch) at(label string) {
	m.mu.Lock()
	m.label = label
	m.mu.Unlock()
}

func watchMemory(pid int) *memWatch {
	m := &memWatch{pid: pid, done: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.done:
				return
			case <-t.C:
			}
			v, _ := procStatus(pid, "VmRSS")
			m.mu.Lock()
			if v > m.peak.rss {
				m.peak.rss, m.peak.during = v, m.label
			}
			m.peak.samples++
			m.mu.Unlock()
		}
	}()
	return m
}

func (m *memWatch) stop() memPeak {
	close(m.done)
	m.wg.Wait()
	m.peak.hwm, _ = procStatus(m.pid, "VmHWM")
	return m.peak
}
