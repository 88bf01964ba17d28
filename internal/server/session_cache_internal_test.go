package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/config"
	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// sessionQueries counts the session lookups a pool sends.
type sessionQueries struct{ n atomic.Int64 }

func (q *sessionQueries) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, "FROM sessions s") {
		q.n.Add(1)
	}
	return ctx
}
func (q *sessionQueries) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// node is one portal process on the shared database.
type node struct {
	srv     *Server
	ts      *httptest.Server
	queries *sessionQueries
}

func newNode(t *testing.T, pool *pgxpool.Pool) *node {
	t.Helper()
	q := &sessionQueries{}
	cfg := pool.Config().Copy()
	cfg.ConnConfig.Tracer = q
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	conf, _ := config.Load(func(string) string { return "" })
	fast := password.Params{Memory: 64, Time: 1, Threads: 1}
	srv := New(repository.New(p, nil), conf, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Hash: &fast})
	srv.cache.heard = make(chan string, 10000)
	n := &node{srv: srv, ts: httptest.NewServer(srv.Handler()), queries: q}
	t.Cleanup(func() { n.ts.Close(); srv.Close(); p.Close() })
	return n
}

// waitFor waits for the node's cache to apply an announcement (kind and
// key, or "listening", "lost"). The listener is asynchronous; the bound is
// a failure, not a speed.
func (n *node) waitFor(t *testing.T, what string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case k := <-n.srv.cache.heard:
			if k == what {
				return
			}
		case <-deadline:
			t.Fatalf("no %q within 10 s", what)
		}
	}
}

// sync announces a heartbeat with a mark of its own and waits for the
// node to hear it: announcements arrive in commit order, so everything
// committed before has been applied by then.
func (n *node) sync(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	mark := "h" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := pool.Exec(context.Background(), `SELECT pg_notify($1, $2)`, repository.SessionChannel, mark); err != nil {
		t.Fatal(err)
	}
	n.waitFor(t, mark)
}

// listening waits until the node listens and has heard a heartbeat.
func (n *node) listening(t *testing.T) {
	t.Helper()
	n.waitFor(t, "listening")
	n.waitFor(t, "h")
}

type browser struct {
	c    *http.Client
	csrf string
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := b.c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res.StatusCode, res.Header.Get("Location")
}

func (b *browser) post(t *testing.T, u string, form url.Values) int {
	t.Helper()
	form.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// signIn signs in on a node; the cookie works on every node.
func signIn(t *testing.T, n *node, username string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.get(t, n.ts.URL+"/login")
	if code := b.post(t, n.ts.URL+"/login", url.Values{"username": {username}, "password": {demo.Password}}); code != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", username, code)
	}
	return b
}

// on sends the browser's cookies to another node.
func (b *browser) on(from, to *node) *browser {
	jar, _ := cookiejar.New(nil)
	fu, _ := url.Parse(from.ts.URL)
	tu, _ := url.Parse(to.ts.URL)
	jar.SetCookies(tu, b.c.Jar.Cookies(fu))
	return &browser{c: &http.Client{Jar: jar, CheckRedirect: b.c.CheckRedirect}, csrf: b.csrf}
}

// TestSessionCacheEndsDisabledSessionsOnEveryNode: two portal processes on
// one database, each keeping sessions in memory. A page view on a node
// that has the session costs no session query; the bureau disabling the
// account on the other node ends the session on both (as soon as the
// announcement arrives, and at once on the node that disabled it); a
// password change, a sign-out and a lost listener connection are not
// missed either.
func TestSessionCacheEndsDisabledSessionsOnEveryNode(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai) }
	pool := dbtest.PoolWith(t, "demo-cache", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, clock), password.Params{Memory: 64, Time: 1, Threads: 1})
	})
	a, b := newNode(t, pool), newNode(t, pool)
	a.listening(t)
	b.listening(t)

	var schoolID int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM users WHERE username = 'school'`).Scan(&schoolID); err != nil {
		t.Fatal(err)
	}
	school := signIn(t, a, "school")
	// The sign-in (last_login_at) and the first view (the session's CSRF
	// token) are announced; once heard, the next view keeps the session.
	school.get(t, a.ts.URL+"/")
	a.sync(t, pool)
	if code, _ := school.get(t, a.ts.URL+"/"); code != http.StatusOK {
		t.Fatalf("school's home: %d", code)
	}
	before := a.queries.n.Load()
	for range 5 {
		if code, _ := school.get(t, a.ts.URL+"/"); code != http.StatusOK {
			t.Fatalf("school's home: %d", code)
		}
	}
	if n := a.queries.n.Load() - before; n != 0 {
		t.Fatalf("%d session queries for five views of a kept session", n)
	}
	onB := school.on(a, b)
	if code, _ := onB.get(t, b.ts.URL+"/"); code != http.StatusOK {
		t.Fatalf("school's home on the other node: %d", code)
	}

	// The bureau disables the school's account on node B.
	bureau := signIn(t, b, "bureau")
	bureau.get(t, b.ts.URL+"/users/"+itoa64(schoolID))
	if code := bureau.post(t, b.ts.URL+"/users/"+itoa64(schoolID)+"/disable", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("disable: %d", code)
	}
	// At once on B (its own write); on A once the announcement arrives.
	if code, loc := onB.get(t, b.ts.URL+"/"); code != http.StatusSeeOther || loc != "/login" {
		t.Fatalf("disabled user on the node that disabled: %d %s", code, loc)
	}
	a.sync(t, pool)
	if code, loc := school.get(t, a.ts.URL+"/"); code != http.StatusSeeOther || loc != "/login" {
		t.Fatalf("disabled user on the other node: %d %s", code, loc)
	}

	// Sign-out on A ends the session on B.
	centre := signIn(t, a, "centre")
	centre.get(t, a.ts.URL+"/")
	centreB := centre.on(a, b)
	if code, _ := centreB.get(t, b.ts.URL+"/"); code != http.StatusOK {
		t.Fatalf("centre on B: %d", code)
	}
	b.sync(t, pool)
	centreB.get(t, b.ts.URL+"/") // kept on B now
	if code := centre.post(t, a.ts.URL+"/logout", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", code)
	}
	b.sync(t, pool)
	if code, loc := centreB.get(t, b.ts.URL+"/"); code != http.StatusSeeOther || loc != "/login" {
		t.Fatalf("signed-out session on the other node: %d %s", code, loc)
	}

	// The listener's connection is lost: the cache empties and is not used
	// until it listens again, so a change made meanwhile is not missed.
	academy := signIn(t, a, "academy")
	academy.get(t, a.ts.URL+"/")
	academy.get(t, a.ts.URL+"/")
	if _, err := pool.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN `+repository.SessionChannel+`'`); err != nil {
		t.Fatal(err)
	}
	a.waitFor(t, "lost")
	if _, err := pool.Exec(context.Background(), `UPDATE users SET session_version = session_version + 1 WHERE username = 'academy'`); err != nil {
		t.Fatal(err)
	}
	if code, loc := academy.get(t, a.ts.URL+"/"); code != http.StatusSeeOther || loc != "/login" {
		// The update is announced to every node; A, between losing its
		// connection and listening again, reads the session afresh.
		t.Fatalf("session from before a password change, after a lost listener: %d %s", code, loc)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// TestSessionCacheRules: what is kept and when it may be used.
func TestSessionCacheRules(t *testing.T) {
	c := newSessionCache()
	u := &training.User{ID: 7, InstitutionID: 3}
	e := func() *cachedSession {
		return &cachedSession{data: []byte("x"), expiry: time.Now().Add(time.Hour), user: u, at: time.Now()}
	}
	g := c.generation()
	c.put("t1", e(), g)
	if _, ok := c.get("t1"); ok {
		t.Fatal("kept while not listening")
	}
	c.setListening(true)
	c.announced('h', "")
	g = c.generation()
	c.put("t1", e(), g)
	if _, ok := c.get("t1"); !ok {
		t.Fatal("not kept while listening")
	}
	// A read during which anything was announced is not kept.
	g = c.generation()
	c.announced('u', "99")
	c.put("t2", e(), g)
	if _, ok := c.get("t2"); ok {
		t.Fatal("kept a read that an announcement overtook")
	}
	if _, ok := c.get("t1"); !ok {
		t.Fatal("another user's announcement dropped t1")
	}
	for _, a := range []struct {
		kind byte
		key  string
	}{{'u', "7"}, {'i', "3"}, {'s', "t1"}, {'r', ""}} {
		c.put("t1", e(), c.generation())
		c.announced(a.kind, a.key)
		if _, ok := c.get("t1"); ok {
			t.Fatalf("still kept after %c%s", a.kind, a.key)
		}
	}
	// No heartbeat for a second: not used.
	c.put("t1", e(), c.generation())
	c.mu.Lock()
	c.beat = time.Now().Add(-2 * heartbeatWithin)
	c.mu.Unlock()
	if _, ok := c.get("t1"); ok {
		t.Fatal("used without a recent heartbeat")
	}
	c.announced('h', "")
	c.setListening(false)
	if _, ok := c.get("t1"); ok {
		t.Fatal("used after the connection was lost")
	}
	var nilCache *sessionCache
	if _, ok := nilCache.get("t1"); ok {
		t.Fatal("a nil cache keeps sessions")
	}
}
