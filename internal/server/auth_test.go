package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"tianmu/internal/demo"
)

func TestLoginLogout(t *testing.T) {
	e := newEnv(t)
	c := e.login("bureau")
	home := c.get("/")
	if home.status != http.StatusOK || !strings.Contains(home.text("whoami"), "王科长") {
		t.Fatalf("home after login: %d %q", home.status, home.text("whoami"))
	}
	// Keep the signed-in cookie to replay after logout.
	u, _ := url.Parse(e.ts.URL)
	old := c.http.Jar.Cookies(u)
	if r := c.post("/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	replay := e.client()
	replay.http.Jar.SetCookies(u, old)
	if r := replay.get("/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
		t.Fatalf("old cookie after logout: %d %s", r.status, r.location)
	}
}

func TestLoginSameAnswerAndRenewal(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	if v := cookieValue(c, "tianmu_session"); v != "" {
		t.Fatalf("an anonymous visitor got a session cookie %q", v)
	}
	unknown := c.post("/login", url.Values{"username": {"nobody"}, "password": {"whatever-123"}})
	wrong := c.post("/login", url.Values{"username": {"bureau"}, "password": {"whatever-123"}})
	if unknown.status != http.StatusUnprocessableEntity || wrong.status != http.StatusUnprocessableEntity {
		t.Fatalf("statuses %d %d", unknown.status, wrong.status)
	}
	if unknown.text("form-errors") != wrong.text("form-errors") {
		t.Fatalf("different answers:\n%s\n%s", unknown.text("form-errors"), wrong.text("form-errors"))
	}
	if !strings.Contains(wrong.body, `value="bureau"`) {
		t.Error("typed username not kept")
	}
	ok := c.post("/login", url.Values{"username": {"bureau"}, "password": {demo.Password}})
	if ok.status != http.StatusSeeOther || cookieValue(c, "tianmu_session") == "" {
		t.Fatalf("login: %d", ok.status)
	}
	// Signing in on a browser that holds a session (a planted or an older
	// one) gives a new token: session fixation is defeated.
	before := cookieValue(c, "tianmu_session")
	c.csrf = ""
	again := c.post("/login", url.Values{"username": {"academy"}, "password": {demo.Password}})
	if again.status != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", again.status)
	}
	if after := cookieValue(c, "tianmu_session"); after == "" || after == before {
		t.Fatal("session token not renewed at login")
	}
}

func TestLoginThrottledPerAccount(t *testing.T) {
	e := newEnv(t)
	// Ten parallel wrong guesses from different clients: at most five may be
	// checked, and afterwards even the right password is refused.
	// Every guess gets the one refusal; exactly five were checked (hashed),
	// the other five refused before any hashing.
	hashed := e.srv.HashesRun()
	clients := make([]*client, 10)
	for i := range clients {
		clients[i] = e.client()
		clients[i].fetchCSRF()
	}
	statuses := make([]int, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.post("/login", url.Values{"username": {"school"}, "password": {"wrong-password-1"}}).status
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusUnprocessableEntity {
			t.Errorf("guess %d: %d, want 422", i, st)
		}
	}
	if n := e.srv.HashesRun() - hashed; n != 5 {
		t.Fatalf("%d of 10 parallel guesses were checked, want exactly 5", n)
	}
	c := e.client()
	if r := c.post("/login", url.Values{"username": {"school"}, "password": {demo.Password}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("right password after 10 failures: %d, want 422", r.status)
	}
	// Another account is not affected.
	e.login("academy")
	// After the window passes, the account works again.
	e.mu.Lock()
	e.now = e.now.Add(16 * 60e9)
	e.mu.Unlock()
	e.login("school")
}

func TestCSRFRequired(t *testing.T) {
	e := newEnv(t)
	c := e.login("bureau")
	id := e.institutionID("临安锦城家政服务培训中心")
	before := c.get("/institutions/" + itoa(id)).text("inst-status")
	// No token at all, with a same-origin header.
	r := c.postRaw("/institutions/"+itoa(id)+"/suspend", url.Values{"reason": {"test"}, "version": {"3"}}, map[string]string{"Sec-Fetch-Site": "same-origin"})
	if r.status != http.StatusForbidden {
		t.Fatalf("post without token: %d, want 403", r.status)
	}
	// A wrong token.
	r = c.postRaw("/institutions/"+itoa(id)+"/suspend", url.Values{"reason": {"test"}, "version": {"3"}, "csrf_token": {"forged"}}, nil)
	if r.status != http.StatusForbidden {
		t.Fatalf("post with forged token: %d, want 403", r.status)
	}
	// A cross-site request with the right token.
	c.get("/")
	r = c.postRaw("/institutions/"+itoa(id)+"/suspend", url.Values{"reason": {"test"}, "version": {"3"}, "csrf_token": {c.csrf}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
	if r.status != http.StatusForbidden {
		t.Fatalf("cross-site post: %d, want 403", r.status)
	}
	if after := c.get("/institutions/" + itoa(id)).text("inst-status"); after != before {
		t.Fatalf("status changed by refused requests: %q → %q", before, after)
	}
}

func TestDisableEndsSessions(t *testing.T) {
	e := newEnv(t)
	school := e.login("school")
	if r := school.get("/"); r.status != http.StatusOK {
		t.Fatalf("school home: %d", r.status)
	}
	bureau := e.login("bureau")
	if r := bureau.post("/users/"+itoa(e.userID("school"))+"/disable", nil); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.status)
	}
	if r := school.get("/"); r.status != http.StatusSeeOther {
		t.Fatalf("disabled user's session still works: %d", r.status)
	}
	c := e.client()
	if r := c.post("/login", url.Values{"username": {"school"}, "password": {demo.Password}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("disabled user signed in: %d", r.status)
	}
}

func TestResetPasswordForcesChange(t *testing.T) {
	e := newEnv(t)
	bureau := e.login("bureau")
	id := e.userID("academy")
	r := bureau.post("/users/"+itoa(id)+"/reset-password", nil)
	if r.status != http.StatusOK {
		t.Fatalf("reset: %d", r.status)
	}
	otp := r.text("otp")
	if len(otp) != 12 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("one-time password not shown: %q (Cache-Control %q)", otp, r.header.Get("Cache-Control"))
	}
	noSessionHolds(t, e, otp)
	if again := bureau.get("/users/" + itoa(id)); again.status != http.StatusOK || again.has("otp") {
		t.Fatalf("one-time password shown twice: %d", again.status)
	}
	c := e.client()
	if r := c.post("/login", url.Values{"username": {"academy"}, "password": {otp}}); r.status != http.StatusSeeOther || r.location != "/password" {
		t.Fatalf("login with otp: %d %s", r.status, r.location)
	}
	if r := c.get("/"); r.status != http.StatusSeeOther || r.location != "/password" {
		t.Fatalf("must change password first: %d %s", r.status, r.location)
	}
	bad := c.post("/password", url.Values{"current": {otp}, "new": {"short"}, "confirm": {"short"}})
	if bad.status != http.StatusUnprocessableEntity || !bad.has("err-new") {
		t.Fatalf("weak password accepted: %d", bad.status)
	}
	good := c.post("/password", url.Values{"current": {otp}, "new": {"Linan-2026-new"}, "confirm": {"Linan-2026-new"}})
	if good.status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", good.status, good.text("form-errors"))
	}
	if r := c.get("/"); r.status != http.StatusOK {
		t.Fatalf("home after change: %d", r.status)
	}
}

func TestSecurityHeadersAndErrorPages(t *testing.T) {
	e := newEnv(t)
	c := e.login("school")
	r := c.get("/no/such/page")
	if r.status != http.StatusNotFound || !r.has("error-404") {
		t.Fatalf("404 page: %d", r.status)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
		if r.header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("CSP lacks frame-ancestors 'none'")
	}
	if r := c.get("/users"); r.status != http.StatusForbidden || !r.has("error-403") {
		t.Fatalf("403 page: %d", r.status)
	}
}
