package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// client is one signed-in browser: its own cookie jar, no redirects
// followed (a redirect to /login counts as an error).
type client struct {
	http *http.Client
	inst int64 // the institution of an institution user
}

// transport is shared by every client: keep-alive connections to loopback.
var transport = &http.Transport{
	MaxIdleConns:        256,
	MaxIdleConnsPerHost: 256,
	IdleConnTimeout:     90 * time.Second,
	DisableCompression:  true,
	DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
}

func newClient() *client {
	jar, _ := cookiejar.New(nil)
	return &client{http: &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// login signs in through the real form: GET /login for the session's CSRF
// token, then POST it with a same-origin header, as a browser does.
func (c *client) login(base, username, pw string) error {
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
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		return fmt.Errorf("login %s: status %d, location %q", username, res.StatusCode, res.Header.Get("Location"))
	}
	return nil
}

// result is one page's run against one target.
type result struct {
	requests int
	errors   int
	elapsed  time.Duration
	p50, p99 time.Duration
	bytes    int64
	firstErr string
}

func (r result) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// drive runs clients concurrently (one goroutine per client) against the
// paths pathFor gives, for at most d or maxRequests requests in all,
// whichever comes first. Only loopback URLs are accepted.
func drive(ctx context.Context, base string, clients []*client, pathFor func(worker, n int, c *client) string,
	d time.Duration, maxRequests int) result {
	if u, err := url.Parse(base); err != nil || u.Hostname() != "127.0.0.1" {
		panic("tianmu-bench: refusing to load a non-loopback target " + base)
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var issued atomic.Int64
	lat := make([][]time.Duration, len(clients))
	errs := make([]int, len(clients))
	bytes := make([]int64, len(clients))
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				if ctx.Err() != nil || issued.Add(1) > int64(maxRequests) {
					return
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+pathFor(w, n, c), nil)
				t := time.Now()
				res, err := c.http.Do(req)
				if err != nil {
					if ctx.Err() != nil {
						return // the time is up; this request does not count
					}
					errs[w]++
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				k, rerr := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				el := time.Since(t)
				if rerr != nil && ctx.Err() != nil {
					return
				}
				bytes[w] += k
				if res.StatusCode != http.StatusOK || rerr != nil {
					errs[w]++
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%s: status %d", req.URL.Path, res.StatusCode))
					continue
				}
				lat[w] = append(lat[w], el)
			}
		}()
	}
	wg.Wait()
	r := result{elapsed: time.Since(start)}
	var all []time.Duration
	for w := range clients {
		all = append(all, lat[w]...)
		r.errors += errs[w]
		r.bytes += bytes[w]
	}
	slices.Sort(all)
	r.requests = len(all)
	if len(all) > 0 {
		r.p50 = all[percentileIndex(len(all), 0.50)]
		r.p99 = all[percentileIndex(len(all), 0.99)]
	}
	if v, ok := firstErr.Load().(string); ok {
		r.firstErr = v
	}
	return r
}

// percentileIndex is the nearest-rank index of percentile p in n sorted values.
func percentileIndex(n int, p float64) int {
	i := int(float64(n)*p+0.999999) - 1
	return max(0, min(n-1, i))
}
