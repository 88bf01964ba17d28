package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/net/html"

	"tianmu/internal/config"
	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/jobs"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/server"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var fastHash = password.Params{Memory: 64, Time: 1, Threads: 1}

// demoStart is the clock of every env when it starts.
var demoStart = time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)

// demoPool is a fresh database with the demo data, loaded once per test
// process at demoStart (demo.Load takes a while; a copy is quick).
func demoPool(t *testing.T) *pgxpool.Pool {
	return dbtest.PoolWith(t, "demo", func(ctx context.Context, pool *pgxpool.Pool) error {
		return demo.Load(ctx, repository.New(pool, func() time.Time { return demoStart }), fastHash)
	})
}

// env is a whole portal on a fresh database with the demo data loaded.
type env struct {
	t     *testing.T
	store *repository.Store
	srv   *server.Server
	ts    *httptest.Server
	mu    sync.Mutex
	now   time.Time

	fixtures map[string]int64 // objects the access walk adds (access_test.go)
	jobsOnce sync.Once
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, now: demoStart}
	e.store = repository.New(demoPool(t), e.clock)
	if _, err := jobs.NewInserter(e.store); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(string) string { return "" })
	must(t, err)
	e.srv = server.New(e.store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{Hash: &fastHash})
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(func() { e.ts.Close(); e.srv.Close() })
	return e
}

// runJobs starts a job runner on the env's database (once): uploads are
// validated by it, as on a node. Scheduled jobs do not run.
func (e *env) runJobs() {
	e.jobsOnce.Do(func() {
		r, err := jobs.New(e.store, e.store.Pool(), slog.New(slog.NewTextHandler(io.Discard, nil)),
			jobs.Config{NodeID: "test", RescueAfter: 2 * time.Minute, NoPeriodic: true})
		if err != nil {
			e.t.Fatal(err)
		}
		if err := r.Start(context.Background()); err != nil {
			e.t.Fatal(err)
		}
		e.t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = r.Stop(ctx)
		})
	})
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// client is a browser: a cookie jar, no automatic redirects, and the CSRF
// token of its session.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login signs in as a demo user and returns the client.
func (e *env) login(username string) *client {
	e.t.Helper()
	c := e.client()
	res := c.post("/login", url.Values{"username": {username}, "password": {demo.Password}})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d\n%s", username, res.status, res.text("form-errors"))
	}
	c.csrf = ""
	return c
}

type response struct {
	status   int
	location string
	body     string
	header   http.Header
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.e.t.Fatalf("%s %s: read the body: %v", req.Method, req.URL, err)
	}
	body := string(b)
	if m := csrfRe.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	return response{status: res.StatusCode, location: res.Header.Get("Location"), body: body, header: res.Header}
}

func (c *client) get(path string) response {
	c.e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.ts.URL+path, nil)
	must(c.e.t, err)
	return c.do(req)
}

// post sends a form with the session's CSRF token (fetched first if the
// client has none) and a same-origin header, as a browser would.
func (c *client) post(path string, form url.Values) response {
	c.e.t.Helper()
	c.fetchCSRF()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if _, ok := f["csrf_token"]; !ok {
		f.Set("csrf_token", c.csrf)
	}
	res := c.postRaw(path, f, map[string]string{"Sec-Fetch-Site": "same-origin"})
	if path == "/login" && res.status == http.StatusSeeOther {
		c.csrf = "" // the session was renewed: a new token comes with the next page
	}
	return res
}

// fetchCSRF loads a page with a form when the client has no token yet
// (the sign-in page for an anonymous client).
func (c *client) fetchCSRF() {
	c.e.t.Helper()
	if c.csrf == "" {
		for _, page := range []string{"/login", "/", "/password"} {
			if c.get(page); c.csrf != "" {
				break
			}
		}
	}
}

func (c *client) postRaw(path string, form url.Values, headers map[string]string) response {
	c.e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.ts.URL+path, strings.NewReader(form.Encode()))
	must(c.e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return c.do(req)
}

// text is the text content of the elements with data-testid=id, joined.
func (r response) text(id string) string {
	return strings.Join(r.texts(id), "\n")
}

// texts is the text content of each element with data-testid=id.
func (r response) texts(id string) []string {
	doc, err := html.Parse(strings.NewReader(r.body))
	if err != nil {
		return nil
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "data-testid" && a.Val == id {
					out = append(out, strings.TrimSpace(textOf(n)))
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func (r response) has(id string) bool { return len(r.texts(id)) > 0 }

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

// institutionID finds a demo institution's id by name.
func (e *env) institutionID(name string) int64 {
	e.t.Helper()
	var id int64
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT id FROM institutions WHERE name = $1`, name).Scan(&id); err != nil {
		e.t.Fatalf("institution %s: %v", name, err)
	}
	return id
}

func (e *env) userID(username string) int64 {
	e.t.Helper()
	var id int64
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
		e.t.Fatalf("user %s: %v", username, err)
	}
	return id
}
