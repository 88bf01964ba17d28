package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// The access table (SECURITY.md): every route × role × object → status.
// Objects: "own" is the signed-in institution's and "other" another
// institution's; for user routes they are two accounts nobody in the walk
// signs in with (centre2, bureau2); "missing" does not exist. Routes without an {id} use "-".
//
// POST requests carry a CSRF token and a stale version (0), so a permitted
// request on an existing object answers 409 (or 422 for an invalid form)
// without changing anything, and a missing object answers 404.

type roleStatus struct{ anon, bureau, inst, centre int }

const (
	ok   = http.StatusOK
	see  = http.StatusSeeOther
	bad  = http.StatusUnprocessableEntity
	forb = http.StatusForbidden
	nf   = http.StatusNotFound
	conf = http.StatusConflict
)

// same answers one status for every signed-in role.
func same(anon, signedIn int) roleStatus { return roleStatus{anon, signedIn, signedIn, signedIn} }

// bureauOnly: anonymous → sign-in, bureau → b, others → 403.
func bureauOnly(b int) roleStatus { return roleStatus{see, b, forb, forb} }

type access map[string]roleStatus // object variant → statuses

var accessTable = map[string]access{
	"GET /healthz":   {"-": same(ok, ok)},
	"GET /static/*":  {"-": same(ok, ok)},
	"GET /login":     {"-": roleStatus{ok, see, see, see}},
	"POST /login":    {"-": same(bad, bad)},
	"GET /":          {"-": same(see, ok)},
	"POST /logout":   {"-": same(see, see)},
	"GET /password":  {"-": same(see, ok)},
	"POST /password": {"-": same(see, bad)},

	"GET /institutions/{id}": {
		"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /institutions/{id}/edit": {
		"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"POST /institutions/{id}/edit": {
		"own": {see, conf, conf, forb}, "other": {see, conf, nf, forb}, "missing": {see, nf, nf, forb}},

	"GET /institutions":                 {"-": bureauOnly(ok)},
	"GET /institutions/new":             {"-": bureauOnly(ok)},
	"POST /institutions":                {"-": bureauOnly(bad)},
	"POST /institutions/{id}/designate": {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"POST /institutions/{id}/suspend":   {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"POST /institutions/{id}/resume":    {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"POST /institutions/{id}/revoke":    {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"GET /institutions/{id}/scope":      {"own": bureauOnly(ok), "other": bureauOnly(ok), "missing": bureauOnly(nf)},
	"POST /institutions/{id}/scope":     {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"GET /institutions/{id}/history":    {"own": bureauOnly(ok), "other": bureauOnly(ok), "missing": bureauOnly(nf)},

	"GET /users": {"-": bureauOnly(ok)},

	"GET /calendar":                   {"-": bureauOnly(ok)},
	"GET /calendar/new":               {"-": bureauOnly(ok)},
	"POST /calendar":                  {"-": bureauOnly(bad)},
	"GET /calendar/deadline":          {"-": same(see, ok)},
	"GET /users/new":                  {"-": bureauOnly(ok)},
	"POST /users":                     {"-": bureauOnly(bad)},
	"GET /users/{id}":                 {"own": bureauOnly(ok), "other": bureauOnly(ok), "missing": bureauOnly(nf)},
	"POST /users/{id}/disable":        {"own": bureauOnly(see), "other": bureauOnly(see), "missing": bureauOnly(nf)},
	"POST /users/{id}/enable":         {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"POST /users/{id}/reset-password": {"own": bureauOnly(see), "other": bureauOnly(see), "missing": bureauOnly(nf)},
}

// postForm is what every POST of the access walk sends: plausible values
// and a stale version.
var postForm = url.Values{
	"version": {"0"}, "reason": {"访问测试"}, "decision_no": {"测试1号"}, "decision_date": {"2026-03-01"},
	"decided_by": {"测试"}, "contact_name": {"测试"}, "contact_phone": {"13857112345"},
}

func TestAccessTableCoversEveryRoute(t *testing.T) {
	e := newEnv(t)
	seen := map[string]bool{}
	err := chi.Walk(e.srv.Handler(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		seen[key] = true
		if _, ok := accessTable[key]; !ok {
			t.Errorf("route %s is missing from the access table", key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range accessTable {
		if !seen[key] {
			t.Errorf("access table lists %s, which the router does not have", key)
		}
	}
}

func TestAccessTable(t *testing.T) {
	for key, variants := range accessTable {
		t.Run(strings.NewReplacer("/", "_", " ", "_").Replace(key), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			method, route, _ := strings.Cut(key, " ")
			for variant, want := range variants {
				for _, who := range []string{"anon", "bureau", "school", "centre"} {
					path := e.pathFor(route, variant)
					var c *client
					if who == "anon" {
						c = e.client()
					} else {
						c = e.login(who)
					}
					var r response
					if method == http.MethodGet {
						r = c.get(path)
					} else {
						r = c.post(path, postForm)
					}
					exp := map[string]int{"anon": want.anon, "bureau": want.bureau, "school": want.inst, "centre": want.centre}[who]
					if r.status != exp {
						t.Errorf("%s %s (%s) as %s: %d, want %d", method, path, variant, who, r.status, exp)
					}
				}
			}
		})
	}
}

// pathFor fills {id} for the object variant.
func (e *env) pathFor(route, variant string) string {
	route = strings.Replace(route, "/*", "/app.css", 1)
	if !strings.Contains(route, "{id}") {
		return route
	}
	var id int64 = 999999
	users := strings.HasPrefix(route, "/users/")
	switch {
	case variant == "own" && users:
		id = e.userID("centre2")
	case variant == "other" && users:
		id = e.userID("bureau2")
	case variant == "own":
		id = e.institutionID("杭州市临安区天目职业技能培训学校")
	case variant == "other":
		id = e.institutionID("临安锦城家政服务培训中心")
	}
	return strings.Replace(route, "{id}", itoa(id), 1)
}
