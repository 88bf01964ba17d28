package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tianmu/internal/config"
	"tianmu/internal/demo"
	"tianmu/internal/repository"
	"tianmu/internal/server"
)

// newEnvWith is newEnv with server options of the test's own.
func newEnvWith(t *testing.T, o server.Options) *env {
	t.Helper()
	e := &env{t: t, now: demoStart}
	e.store = repository.New(demoPool(t), e.clock)
	cfg, err := config.Load(func(string) string { return "" })
	must(t, err)
	o.Hash = &fastHash
	e.srv = server.New(e.store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), o)
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(func() { e.ts.Close(); e.srv.Close() })
	return e
}

func cookieValue(c *client, name string) string {
	u, _ := url.Parse(c.e.ts.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (e *env) sessionRows() int {
	e.t.Helper()
	var n int
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// noSessionHolds fails if any stored session contains secret.
func noSessionHolds(t *testing.T, e *env, secret string) {
	t.Helper()
	rows, err := e.store.Pool().Query(context.Background(), `SELECT data FROM sessions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			t.Fatal(err)
		}
		n++
		if bytes.Contains(data, []byte(secret)) {
			t.Fatal("a session row holds the one-time password")
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no session rows at all: the check looked at nothing")
	}
}

// Anonymous visitors write no session: page views, failed sign-ins, public
// lookups, with or without a stale session cookie. Only a successful
// sign-in creates one.
func TestAnonymousTrafficWritesNoSession(t *testing.T) {
	e := newEnv(t)
	stale := e.client()
	u, _ := url.Parse(e.ts.URL)
	stale.http.Jar.SetCookies(u, []*http.Cookie{{Name: "tianmu_session", Value: "no-such-session-token"}})
	for i, c := range []*client{e.client(), e.client(), stale} {
		for _, p := range []string{"/login", "/results", "/verify", "/verify/NOSUCHCODE", "/", "/institutions", "/no-such-page"} {
			r := c.get(p)
			if r.status >= 500 {
				t.Fatalf("client %d GET %s: %d", i, p, r.status)
			}
		}
		for _, f := range []struct {
			path string
			form url.Values
			want int
		}{
			{"/login", url.Values{"username": {"bureau"}, "password": {"wrong-password-1"}}, http.StatusUnprocessableEntity},
			{"/login", url.Values{"username": {"nobody"}, "password": {"wrong-password-1"}}, http.StatusUnprocessableEntity},
			{"/login", url.Values{"username": {""}, "password": {""}}, http.StatusUnprocessableEntity},
			{"/results", url.Values{"name": {"张三"}, "id_number": {"330185199003070013"}}, http.StatusOK},
			{"/verify", url.Values{"cert_no": {"LA2026D000999"}, "name": {"张三"}}, http.StatusOK},
		} {
			if r := c.post(f.path, f.form); r.status != f.want {
				t.Fatalf("client %d POST %s: %d, want %d", i, f.path, r.status, f.want)
			}
		}
		// Refused for want of a token: nothing written either.
		if r := c.postRaw("/login", url.Values{"username": {"bureau"}, "password": {demo.Password}}, nil); r.status != http.StatusForbidden {
			t.Fatalf("client %d: sign-in without a token: %d", i, r.status)
		}
	}
	if n := e.sessionRows(); n != 0 {
		t.Fatalf("%d session rows after anonymous traffic, want 0", n)
	}
	c := e.client()
	if r := c.post("/login", url.Values{"username": {"bureau"}, "password": {demo.Password}}); r.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.status)
	}
	if n := e.sessionRows(); n != 1 {
		t.Fatalf("%d session rows after one sign-in, want 1", n)
	}
	if r := c.get("/"); r.status != http.StatusOK || !strings.Contains(r.text("whoami"), "王科长") {
		t.Fatalf("home after sign-in: %d", r.status)
	}
}

// The sign-in and lookup forms are protected without a session: the token
// must be one the server signed, for this browser's cookie.
func TestAnonymousFormsNeedTheirToken(t *testing.T) {
	e := newEnv(t)
	alice, mallory := e.client(), e.client()
	alice.get("/login")
	mallory.get("/login")
	if alice.csrf == "" || mallory.csrf == "" || alice.csrf == mallory.csrf || cookieValue(alice, "tianmu_csrf") == "" {
		t.Fatalf("tokens %q %q, cookie %q", alice.csrf, mallory.csrf, cookieValue(alice, "tianmu_csrf"))
	}
	good := url.Values{"username": {"bureau"}, "password": {demo.Password}}
	same := map[string]string{"Sec-Fetch-Site": "same-origin"}
	with := func(tok string) url.Values {
		f := url.Values{"csrf_token": {tok}}
		for k, v := range good {
			f[k] = v
		}
		return f
	}
	tampered := alice.csrf[:len(alice.csrf)-2] + "AA"
	if tampered == alice.csrf {
		tampered = alice.csrf[:len(alice.csrf)-2] + "BB"
	}
	longer := "9" + alice.csrf // an expiry far in the future, same signature
	for _, tc := range []struct {
		name string
		c    *client
		form url.Values
	}{
		{"no token", alice, good},
		{"another visitor's token", alice, with(mallory.csrf)},
		{"tampered signature", alice, with(tampered)},
		{"extended expiry", alice, with(longer)},
		{"token without its cookie", e.client(), with(alice.csrf)},
	} {
		for _, path := range []string{"/login", "/results", "/verify"} {
			if r := tc.c.postRaw(path, tc.form, same); r.status != http.StatusForbidden || !r.has("error-403") {
				t.Errorf("%s: POST %s answered %d, want 403", tc.name, path, r.status)
			}
		}
	}
	// Cross-site requests are still refused by CrossOriginProtection, even
	// with a good token.
	if r := alice.postRaw("/login", with(alice.csrf), map[string]string{"Sec-Fetch-Site": "cross-site"}); r.status != http.StatusForbidden {
		t.Fatalf("cross-site sign-in: %d", r.status)
	}
	// None of the refused requests reached the sign-in: the account is not
	// throttled, and the right token signs in.
	if r := alice.postRaw("/login", with(alice.csrf), same); r.status != http.StatusSeeOther {
		t.Fatalf("sign-in with the right token: %d", r.status)
	}
	// A signed-in user's forms carry the session's token; the visitor's
	// signed token is no longer accepted.
	if r := alice.postRaw("/logout", url.Values{"csrf_token": {mallory.csrf}}, same); r.status != http.StatusForbidden {
		t.Fatalf("sign-out with a visitor token: %d", r.status)
	}
}

// Attempts over a limit are refused before any hashing, for a known and an
// unknown user alike, with the one answer.
func TestThrottledSignInHashesNothing(t *testing.T) {
	limits := repository.LoginLimits{Window: 15 * time.Minute, PerAccount: 2, PerAddress: 1000}
	e := newEnvWith(t, server.Options{Limits: &limits})
	start := e.srv.HashesRun()
	var answers []string
	for _, user := range []string{"bureau", "nobody-at-all"} {
		c := e.client()
		for i := range 5 {
			before := e.srv.HashesRun()
			r := c.post("/login", url.Values{"username": {user}, "password": {"wrong-password-1"}})
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("%s attempt %d: %d", user, i+1, r.status)
			}
			answers = append(answers, r.text("form-errors"))
			hashed := e.srv.HashesRun() - before
			if want := int64(1); i >= 2 {
				want = 0
				if hashed != want {
					t.Fatalf("%s attempt %d over the limit ran %d hashes, want 0", user, i+1, hashed)
				}
			} else if hashed != want {
				t.Fatalf("%s attempt %d ran %d hashes, want 1", user, i+1, hashed)
			}
		}
	}
	for _, a := range answers[1:] {
		if a != answers[0] || a == "" {
			t.Fatalf("answers differ: %q and %q", answers[0], a)
		}
	}
	if got := e.srv.HashesRun() - start; got != 4 {
		t.Fatalf("%d hashes for 10 attempts, want 4", got)
	}
	// The locked account refuses even its right password, without hashing.
	before := e.srv.HashesRun()
	if r := e.client().post("/login", url.Values{"username": {"bureau"}, "password": {demo.Password}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("locked account: %d", r.status)
	}
	if e.srv.HashesRun() != before {
		t.Fatal("a locked account's attempt ran a hash")
	}
}

// When every hashing slot stays taken, a sign-in gets the polite 503 page
// instead of waiting without end; when a slot is free it goes through.
func TestSignInBusyAnswers503(t *testing.T) {
	e := newEnvWith(t, server.Options{HashSlots: 1, HashWait: 10 * time.Millisecond})
	c := e.client()
	c.get("/login")
	release := e.srv.HoldHashSlots()
	r := c.post("/login", url.Values{"username": {"bureau"}, "password": {demo.Password}})
	release()
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "系统繁忙，请稍后再试") || r.header.Get("Retry-After") == "" {
		t.Fatalf("busy sign-in: %d %q", r.status, r.text("error-message"))
	}
	if n := e.sessionRows(); n != 0 {
		t.Fatalf("a refused sign-in left %d sessions", n)
	}
	if r := c.post("/login", url.Values{"username": {"bureau"}, "password": {demo.Password}}); r.status != http.StatusSeeOther {
		t.Fatalf("sign-in with a free slot: %d", r.status)
	}
}
