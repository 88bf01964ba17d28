package main

// `tianmu-bench signin` is the sign-in load test (SECURITY.md: memory stays
// bounded whatever arrives). It starts the real `tianmu serve` as a child
// process on a fresh database, fires bursts of parallel sign-in attempts
// at it — right, wrong and locked passwords, unknown and disabled users —
// and reads the server's resident memory from /proc/<pid>/status while
// they run. It fails when the peak (VmHWM) passes -max-rss.

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// signinKinds are the attempts of a burst, in equal shares.
var signinKinds = []string{"right", "wrong", "unknown", "locked", "disabled"}

const benchPassword = "Bench-Signin-2026"

type signinOptions struct {
	bin    string
	n      int
	maxRSS int // MiB
	out    string
}

func runSignin(ctx context.Context, args []string) error {
	var o signinOptions
	fs := flag.NewFlagSet("tianmu-bench signin", flag.ContinueOnError)
	fs.StringVar(&o.bin, "bin", "bin/tianmu", "the tianmu binary to start (built from ./cmd/tianmu when missing)")
	fs.IntVar(&o.n, "n", 200, "parallel sign-in attempts per burst")
	fs.IntVar(&o.maxRSS, "max-rss", 200, "fail when the server's peak resident memory passes this many MiB")
	fs.StringVar(&o.out, "out", "", "also write the markdown report to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.n < len(signinKinds) || o.n > 1000 {
		return fmt.Errorf("want %d <= -n <= 1000", len(signinKinds))
	}
	bin, cleanBin, err := tianmuBinary(ctx, o.bin)
	if err != nil {
		return err
	}
	defer cleanBin()

	dbURL, cleanup, _, err := database(ctx, true)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := prepareSigninAccounts(ctx, dbURL, o.n/len(signinKinds)); err != nil {
		return err
	}

	srv, err := startServer(ctx, bin, dbURL)
	if err != nil {
		return err
	}
	defer srv.stop()
	idle, _ := procStatus(srv.pid, "VmRSS")

	// The locked account: six wrong passwords (the limit is five per 15
	// minutes) before the bursts.
	for range 6 {
		c := newSigninClient(net.IPv4(127, 0, 0, 1))
		if err := c.prepare(srv.base); err != nil {
			return err
		}
		if _, err := c.attempt(srv.base, "bench.locked", "wrong-password"); err != nil {
			return err
		}
	}

	var bursts []burstResult
	// Burst 1: every attempt from its own loopback address, so no
	// per-address limit helps: all but the locked account's need a hash.
	spread := func(i int) net.IP { return net.IPv4(127, 1, byte(i/250), byte(1+i%250)) }
	// Burst 2: every attempt from one address (the per-address limit of 50
	// per 15 minutes turns the rest away before any hashing).
	one := func(int) net.IP { return net.IPv4(127, 0, 0, 1) }
	for _, b := range []struct {
		name string
		addr func(int) net.IP
	}{{"one address per attempt", spread}, {"all from one address", one}} {
		res, err := burst(ctx, srv, o.n, b.addr)
		if err != nil {
			return err
		}
		res.name = b.name
		bursts = append(bursts, res)
		logf("%s: %s", b.name, res.summary())
	}
	hwm, err := procStatus(srv.pid, "VmHWM")
	if err != nil {
		return err
	}
	after, _ := procStatus(srv.pid, "VmRSS")
	report := signinReport(o, idle, after, hwm, bursts)
	fmt.Print(report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	if hwm > uint64(o.maxRSS)<<20 {
		return fmt.Errorf("the server's peak resident memory %.1f MiB is over the %d MiB limit", float64(hwm)/(1<<20), o.maxRSS)
	}
	return nil
}

// tianmuBinary is the given binary, or one built now into a temporary
// directory.
func tianmuBinary(ctx context.Context, bin string) (string, func(), error) {
	if st, err := os.Stat(bin); err == nil && !st.IsDir() {
		abs, err := filepath.Abs(bin)
		return abs, func() {}, err
	}
	dir, err := os.MkdirTemp("", "tianmu-bench-bin-")
	if err != nil {
		return "", nil, err
	}
	out := filepath.Join(dir, "tianmu")
	logf("building %s", out)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/tianmu")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("build tianmu: %w", err)
	}
	return out, func() { os.RemoveAll(dir) }, nil
}

// prepareSigninAccounts migrates the database and creates the accounts
// each share of a burst signs in with: per accounts with the bench
// password for the right attempts, per/2 for the wrong ones, the locked
// account, and per/5 disabled accounts. The password is hashed with the
// production cost, as `tianmu user add` does.
func prepareSigninAccounts(ctx context.Context, dbURL string, per int) error {
	pool, err := repository.Open(ctx, dbURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := repository.MigrateUp(ctx, pool); err != nil {
		return err
	}
	hash, err := password.Hash(benchPassword, password.Default)
	if err != nil {
		return err
	}
	store := repository.New(pool, nil)
	add := func(username string) (int64, error) {
		return store.CreateUser(ctx, training.System, training.UserInput{Username: username, Name: "压测账号", Role: training.RoleBureau}, hash, false)
	}
	for _, u := range signinUsers(per) {
		id, err := add(u.username)
		if err != nil {
			return fmt.Errorf("account %s: %w", u.username, err)
		}
		if u.disabled {
			if _, err := pool.Exec(ctx, `UPDATE users SET disabled_at = now() WHERE id = $1`, id); err != nil {
				return err
			}
		}
	}
	return nil
}

type signinUser struct {
	username string
	disabled bool
}

func signinUsers(per int) []signinUser {
	var us []signinUser
	for i := range per {
		us = append(us, signinUser{username: fmt.Sprintf("bench.right%03d", i)})
	}
	for i := range max(per/2, 1) {
		us = append(us, signinUser{username: fmt.Sprintf("bench.wrong%03d", i)})
	}
	us = append(us, signinUser{username: "bench.locked"})
	for i := range max(per/5, 1) {
		us = append(us, signinUser{username: fmt.Sprintf("bench.disabled%03d", i), disabled: true})
	}
	return us
}

// attemptFor is the i-th attempt of a burst: its kind, username and password.
func attemptFor(i, per int) (kind, username, pw string) {
	kind = signinKinds[i%len(signinKinds)]
	j := i / len(signinKinds)
	switch kind {
	case "right":
		return kind, fmt.Sprintf("bench.right%03d", j%per), benchPassword
	case "wrong":
		return kind, fmt.Sprintf("bench.wrong%03d", j%max(per/2, 1)), "wrong-password-" + strconv.Itoa(j)
	case "unknown":
		return kind, fmt.Sprintf("nobody.%s", randomHex(4)), benchPassword
	case "locked":
		return kind, "bench.locked", benchPassword
	default:
		return kind, fmt.Sprintf("bench.disabled%03d", j%max(per/5, 1)), benchPassword
	}
}

// serverProc is a running `tianmu serve`.
type serverProc struct {
	base string
	pid  int
	cmd  *exec.Cmd
	done chan error
}

func startServer(ctx context.Context, bin, dbURL string) (*serverProc, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TIANMU_ADDR="+addr, "TIANMU_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &serverProc{base: "http://" + addr, pid: cmd.Process.Pid, cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("tianmu serve exited: %v", err)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
		if res, err := http.Get(s.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				logf("tianmu serve is up at %s (pid %d)", s.base, s.pid)
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("tianmu serve did not answer /healthz in 60 s")
		}
	}
}

func (s *serverProc) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// procStatus reads a memory line (in kB) of /proc/<pid>/status, in bytes.
func procStatus(pid int, key string) (uint64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", key, pid)
}

// signinClient is one browser at one loopback address.
type signinClient struct {
	http *http.Client
	csrf string
}

func newSigninClient(ip net.IP) *signinClient {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: ip}}
	return &signinClient{http: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		Transport:     &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// prepare opens the sign-in page: the cookie and the form's token.
func (c *signinClient) prepare(base string) error {
	res, err := c.http.Get(base + "/login")
	if err != nil {
		return err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		return fmt.Errorf("no CSRF token on the sign-in page (status %d)", res.StatusCode)
	}
	c.csrf = string(m[1])
	return nil
}

func (c *signinClient) attempt(base, username, pw string) (int, error) {
	form := url.Values{"username": {username}, "password": {pw}, "csrf_token": {c.csrf}}
	req, err := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

type burstResult struct {
	name      string
	n         int
	counts    map[string]map[int]int // kind → status → attempts
	errs      int
	firstErr  string
	elapsed   time.Duration
	p50, pMax time.Duration
	before    uint64 // VmRSS before the burst
	peak      uint64 // highest VmRSS sampled during it
}

func (b burstResult) summary() string {
	return fmt.Sprintf("%d attempts in %v, p50 %v, max %v, RSS %.1f → peak %.1f MiB, errors %d %s",
		b.n, b.elapsed.Round(time.Millisecond), b.p50.Round(time.Millisecond), b.pMax.Round(time.Millisecond),
		float64(b.before)/(1<<20), float64(b.peak)/(1<<20), b.errs, b.firstErr)
}

// burst opens the sign-in page in n clients, then sends their n attempts
// at once, sampling the server's VmRSS every 5 ms meanwhile.
func burst(ctx context.Context, srv *serverProc, n int, addr func(int) net.IP) (burstResult, error) {
	per := n / len(signinKinds)
	clients := make([]*signinClient, n)
	for i := range clients {
		clients[i] = newSigninClient(addr(i))
		if err := clients[i].prepare(srv.base); err != nil {
			return burstResult{}, err
		}
	}
	res := burstResult{n: n, counts: map[string]map[int]int{}}
	res.before, _ = procStatus(srv.pid, "VmRSS")
	var peak atomic.Uint64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v, err := procStatus(srv.pid, "VmRSS"); err == nil && v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stopSampling:
				return
			case <-t.C:
			}
		}
	}()
	type outcome struct {
		kind   string
		status int
		took   time.Duration
		err    error
	}
	out := make([]outcome, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range clients {
		kind, user, pw := attemptFor(i, per)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t0 := time.Now()
			st, err := c.attempt(srv.base, user, pw)
			out[i] = outcome{kind, st, time.Since(t0), err}
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	res.elapsed = time.Since(t0)
	close(stopSampling)
	<-sampled
	res.peak = peak.Load()
	var took []time.Duration
	for _, o := range out {
		if o.err != nil {
			res.errs++
			if res.firstErr == "" {
				res.firstErr = o.err.Error()
			}
			continue
		}
		if res.counts[o.kind] == nil {
			res.counts[o.kind] = map[int]int{}
		}
		res.counts[o.kind][o.status]++
		took = append(took, o.took)
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	if len(took) > 0 {
		res.p50, res.pMax = took[len(took)/2], took[len(took)-1]
	}
	return res, ctx.Err()
}

func signinReport(o signinOptions, idle, after, hwm uint64, bursts []burstResult) string {
	mb := func(b uint64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }
	var b strings.Builder
	fmt.Fprintf(&b, "# Sign-in under load\n\n")
	fmt.Fprintf(&b, "%s, %d CPUs, %s; `tianmu serve` (argon2id m=19 MiB, t=2, p=1; %d hashing slots) on a private cluster; load average %s before.\n\n",
		time.Now().Format("2006-01-02"), runtime.NumCPU(), runtime.Version(), runtime.NumCPU(), loadAvg())
	fmt.Fprintf(&b, "| burst | attempts | time | p50 | max | RSS before MiB | RSS peak MiB |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range bursts {
		fmt.Fprintf(&b, "| %s | %d | %v | %v | %v | %s | %s |\n", r.name, r.n, r.elapsed.Round(time.Millisecond),
			r.p50.Round(time.Millisecond), r.pMax.Round(time.Millisecond), mb(r.before), mb(r.peak))
	}
	fmt.Fprintf(&b, "\nAnswers (303 signed in, 422 the one refusal, 503 busy):\n\n| burst | kind | answers |\n|---|---|---|\n")
	for _, r := range bursts {
		for _, k := range signinKinds {
			var parts []string
			var codes []int
			for code := range r.counts[k] {
				codes = append(codes, code)
			}
			sort.Ints(codes)
			for _, code := range codes {
				parts = append(parts, fmt.Sprintf("%d × %d", r.counts[k][code], code))
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", r.name, k, strings.Join(parts, ", "))
		}
		if r.errs > 0 {
			fmt.Fprintf(&b, "| %s | transport errors | %d (%s) |\n", r.name, r.errs, r.firstErr)
		}
	}
	verdict := "under"
	if hwm > uint64(o.maxRSS)<<20 {
		verdict = "OVER"
	}
	fmt.Fprintf(&b, "\nServer resident memory: idle %s MiB, after the bursts %s MiB, **peak (VmHWM) %s MiB**: %s the %d MiB limit.\n",
		mb(idle), mb(after), mb(hwm), verdict, o.maxRSS)
	return b.String()
}
