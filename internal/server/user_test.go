package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCreateUserFlow(t *testing.T) {
	e := newEnv(t)
	c := e.login("bureau")
	// An institution account without an institution, and a taken username.
	r := c.post("/users", url.Values{"username": {"school"}, "name": {"新人"}, "role": {"institution"}})
	if r.status != http.StatusUnprocessableEntity || r.text("err-institution_id") == "" {
		t.Fatalf("bad user form: %d %q", r.status, r.text("form-errors"))
	}
	if !strings.Contains(r.body, `value="新人"`) {
		t.Error("typed name not kept")
	}
	inst := e.institutionID("临安锦城家政服务培训中心")
	r = c.post("/users", url.Values{"username": {"school"}, "name": {"新人"}, "role": {"institution"}, "institution_id": {itoa(inst)}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("err-username"), "已被使用") {
		t.Fatalf("duplicate username: %d %q", r.status, r.text("err-username"))
	}
	r = c.post("/users", url.Values{"username": {"jc.wang"}, "name": {"王新"}, "role": {"institution"}, "institution_id": {itoa(inst)}})
	if r.status != http.StatusOK || r.text("flash") == "" {
		t.Fatalf("create: %d %s", r.status, r.text("form-errors"))
	}
	otp := r.text("otp")
	if len(otp) != 12 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("otp %q, Cache-Control %q", otp, r.header.Get("Cache-Control"))
	}
	noSessionHolds(t, e, otp)
	// The new user signs in with it, must change it, then sees only their institution.
	n := e.client()
	if r := n.post("/login", url.Values{"username": {"jc.wang"}, "password": {otp}}); r.location != "/password" {
		t.Fatalf("first login goes to %q", r.location)
	}
	if r := n.post("/password", url.Values{"current": {otp}, "new": {"Jincheng-2026"}, "confirm": {"Jincheng-2026"}}); r.status != http.StatusSeeOther {
		t.Fatalf("change: %d", r.status)
	}
	if h := n.get("/"); !strings.Contains(h.body, "临安锦城家政服务培训中心") {
		t.Fatal("new institution user does not see their institution")
	}
	list := c.get("/users?q=jc.wang")
	if rows := list.texts("user-row"); len(rows) != 1 {
		t.Fatalf("user list filter: %d rows", len(rows))
	}
}

func TestCentreHomeShowsFigures(t *testing.T) {
	e := newEnv(t)
	c := e.login("centre")
	r := c.get("/")
	if r.status != http.StatusOK || !strings.Contains(r.text("centre-stats"), "2定点培训机构") {
		t.Fatalf("centre home: %d %q", r.status, r.text("centre-stats"))
	}
	s := e.login("school")
	h := s.get("/")
	if h.text("inst-status") != "定点" || len(h.texts("scope-row")) != 4 {
		t.Fatalf("institution home: %q, %d scope rows", h.text("inst-status"), len(h.texts("scope-row")))
	}
}
