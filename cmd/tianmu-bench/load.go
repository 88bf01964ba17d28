package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tianmu/internal/server"
	"tianmu/internal/training"
)

// client is one browser: its own cookie jar, no redirects followed (a
// redirect counts as an error). Signed-in clients know who they are, so
// the baseline can be told.
type client struct {
	http     *http.Client
	role     training.Role // "" for a visitor who is not signed in
	userID   int64
	username string
	inst     int64 // the institution of an institution user
}

// transport is shared by every client: keep-alive connections to loopback.
var transport = &http.Transport{
	MaxIdleConns:        1024,
	MaxIdleConnsPerHost: 1024,
	IdleConnTimeout:     90 * time.Second,
	DisableCompression:  true,
	DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
}

func newClient(role training.Role) *client {
	jar, _ := cookiejar.New(nil)
	return &client{role: role, http: &http.Client{Jar: jar, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// login signs in through the real form, as a browser does. The portal
// bounds the password hashes running at once and answers 503 (busy) to
// attempts that find no slot; a person tries again, and so does the bench
// (the signed-in clients are set-up, not what is measured).
func (c *client) login(base, username, pw string) error {
	var err error
	for try := 0; try < 20; try++ {
		if err = c.loginOnce(base, username, pw); !errors.Is(err, errBusy) {
			return err
		}
		time.Sleep(time.Duration(200+try*100) * time.Millisecond)
	}
	return err
}

var errBusy = errors.New("sign-in busy (503)")

// loginOnce: GET /login for the CSRF token, then POST it with a
// same-origin header.
func (c *client) loginOnce(base, username, pw string) error {
	res, err := c.http.Get(base + "/login")
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		return fmt.Errorf("login %s: no CSRF token on the form (status %d)", username, res.StatusCode)
	}
	form := url.Values{"username": {username}, "password": {pw}, "csrf_token": {string(m[1])}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err = c.http.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusServiceUnavailable {
		return errBusy
	}
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		return fmt.Errorf("login %s: status %d, location %q", username, res.StatusCode, res.Header.Get("Location"))
	}
	c.username = username
	return nil
}

// target is a server under test: the portal, or the baseline (which is
// told who the client is in a header instead of by a session).
type target struct {
	name     string
	base     string
	baseline bool
}

// get sends one GET and reads the whole answer. It returns the error that
// makes the request count as failed: a transport error, a timeout, or any
// status but 200.
func (t target) get(ctx context.Context, c *client, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.base+path, nil)
	if err != nil {
		return err
	}
	hc := c.http
	if t.baseline {
		hc = plainClient
		if c.role != "" {
			req.Header.Set(server.BaselineUserHeader, strconv.FormatInt(c.userID, 10))
		}
	}
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", path, res.StatusCode)
	}
	return nil
}

// plainClient sends the baseline's requests: no cookies.
var plainClient = &http.Client{Transport: transport,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// result is one page's run against one target.
type result struct {
	requests int // answered 200 within the timeout
	errors   int // any other answer, or no answer
	timeouts int // of errors: no answer within the timeout (in flight at the end included)
	elapsed  time.Duration
	p50, p99 time.Duration
	firstErr string
}

func (r result) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// failed is why a run cannot be believed: nothing answered, or anything
// failed.
func (r result) failed() string {
	switch {
	case r.requests == 0:
		return "no request completed " + r.firstErr
	case r.errors > 0:
		return fmt.Sprintf("%d errors (%d timeouts): %s", r.errors, r.timeouts, r.firstErr)
	}
	return ""
}

// tally collects what the workers of a run saw.
type tally struct {
	mu       sync.Mutex
	lat      []time.Duration
	errors   int
	timeouts int
	firstErr string
}

func (t *tally) add(d time.Duration, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err == nil {
		t.lat = append(t.lat, d)
		return
	}
	t.errors++
	if errors.Is(err, context.DeadlineExceeded) {
		t.timeouts++
	}
	if t.firstErr == "" {
		t.firstErr = err.Error()
	}
}

// result sorts the latencies. Failed requests count as slower than any
// answer in the percentiles: a stall is not hidden by dropping it.
func (t *tally) result(elapsed time.Duration) result {
	r := result{requests: len(t.lat), errors: t.errors, timeouts: t.timeouts, elapsed: elapsed, firstErr: t.firstErr}
	all := slices.Clone(t.lat)
	slices.Sort(all)
	for range t.errors {
		all = append(all, time.Duration(1<<62))
	}
	if len(all) > 0 {
		r.p50 = all[percentileIndex(len(all), 0.50)]
		r.p99 = all[percentileIndex(len(all), 0.99)]
	}
	return r
}

// percentileIndex is the nearest-rank index of percentile p in n sorted values.
func percentileIndex(n int, p float64) int {
	i := int(float64(n)*p+0.999999) - 1
	return max(0, min(n-1, i))
}

// closedLoop runs workers clients, each sending its next request when the
// last one is answered, for d. Worker w is client clients[w%len]; path
// gives its n-th URL. A request not answered within timeout counts as a
// timeout; at the end of d no new request starts, and those in flight run
// to their answer or their timeout and are counted either way.
func closedLoop(ctx context.Context, t target, clients []*client, workers int, path func(c *client, w, n int) string,
	d, timeout time.Duration) result {
	var tl tally
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for w := range workers {
		c := clients[w%len(clients)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(end) && ctx.Err() == nil; n++ {
				rctx, cancel := context.WithTimeout(ctx, timeout)
				t0 := time.Now()
				err := t.get(rctx, c, path(c, w, n))
				cancel()
				tl.add(time.Since(t0), err)
			}
		}()
	}
	wg.Wait()
	return tl.result(time.Since(start))
}

// firstRequest sends one request, the one the window then starts with,
// and measures it alone.
func firstRequest(ctx context.Context, t target, c *client, path func(c *client, w, n int) string, timeout time.Duration) result {
	var tl tally
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t0 := time.Now()
	err := t.get(rctx, c, path(c, 0, 0))
	tl.add(time.Since(t0), err)
	return tl.result(time.Since(t0))
}

// arrival is one request of the open loop: what to ask, as whom, when.
type arrival struct {
	page int
	c    *client
	path string
	at   time.Duration // after the start
}

// openLoop sends the arrivals at their times whatever the answers (each
// in its own goroutine), and measures each latency from the time it was
// due, so a stalled server shows as late answers rather than as fewer
// requests. Every arrival ends answered, failed, or timed out.
func openLoop(ctx context.Context, t target, arrivals []arrival, pages int, timeout time.Duration) (result, []result, time.Duration) {
	per := make([]tally, pages)
	var all tally
	var wg sync.WaitGroup
	var lagMu sync.Mutex
	var lag time.Duration // how late the generator itself sent a request
	start := time.Now()
	for _, a := range arrivals {
		if d := time.Until(start.Add(a.at)); d > 0 {
			time.Sleep(d)
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			due := start.Add(a.at)
			if l := time.Since(due); l > 0 {
				lagMu.Lock()
				lag = max(lag, l)
				lagMu.Unlock()
			}
			rctx, cancel := context.WithDeadline(ctx, due.Add(timeout))
			err := t.get(rctx, a.c, a.path)
			cancel()
			el := time.Since(due)
			per[a.page].add(el, err)
			all.add(el, err)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	out := make([]result, pages)
	for i := range per {
		out[i] = per[i].result(elapsed)
	}
	return all.result(elapsed), out, lag
}
