package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"tianmu/internal/config"
	"tianmu/internal/repository"
	"tianmu/internal/server"
)

// TestEveryGetRouteIsBenched walks the portal's router, like the access
// table does: every GET route has a row in pages, or an entry in
// notBenched that says why not. Rows and exclusions of routes that no
// longer exist fail too, and so does a row whose path does not match its
// route.
func TestEveryGetRouteIsBenched(t *testing.T) {
	cfg, _ := config.Load(func(string) string { return "" })
	srv := server.New(repository.New(nil, nil), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	defer srv.Close()
	routes := map[string]bool{}
	err := chi.Walk(srv.Handler(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet {
			routes[method+" "+route] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	benched := map[string]bool{}
	for _, p := range pages {
		benched[p.route] = true
		if !routes[p.route] {
			t.Errorf("bench row %q: no route %s", p.title(), p.route)
		}
	}
	for r, why := range notBenched {
		if !routes[r] {
			t.Errorf("notBenched %s: no such route", r)
		}
		if benched[r] {
			t.Errorf("%s is both benched and excluded", r)
		}
		if strings.TrimSpace(why) == "" {
			t.Errorf("notBenched %s: say why", r)
		}
	}
	for r := range routes {
		if !benched[r] && notBenched[r] == "" {
			t.Errorf("GET route %s has no bench row (pages.go) and no reason in notBenched", r)
		}
	}

	// Each row's URL, for a client with every kind of object, is its route.
	f := &fixtures{institutions: []int64{1}, users: []int64{2}, teachers: []int64{3}, textbooks: []int64{4},
		classes:      map[string][]int64{"submitted": {5}, "approved": {5}, "running": {5}, "assessed": {5}},
		benchClasses: []benchClass{{6, 7, 8, 9}}, files: [][2]int64{{3, 10}}, eligible: "/teachers/eligible?occupation=1",
		calDate: "2026-05-01", apps: []int64{11}, accepted: []int64{11}, scheduled: []int64{12}, published: []int64{12},
		entries: [][2]int64{{12, 13}}, codes: []string{"ABCDEFGHIJKLMNOP"}, examiners: []int64{14},
		complaints: []int64{15}, surveyCodes: []string{"ABCDEFGHJK"},
		inspections: []int64{15}, orders: []int64{16}, answered: []int64{16}, inspectionFiles: [][2]int64{{15, 17}}, evalYear: 2025,
		bigClaims: []int64{18}, notices: []int64{18}, payments: []int64{19},
		own: map[int64]*ownFixtures{1: {classes: []int64{5}, drafts: []int64{5}, future: []int64{5}, finished: []int64{5},
			teachers: []int64{3}, apps: []int64{11}, published: []int64{12}, ledger: []int64{5}, files: [][2]int64{{3, 10}}, bench: &benchClass{6, 7, 8, 9},
			complaints: []int64{15}, inspections: []int64{15}, orders: []int64{16}, claims: []int64{18}}}}
	mux := srv.Handler()
	for _, p := range pages {
		c := &client{role: p.role, userID: 1, inst: 1}
		path := p.path(f, c, 0)
		if path == "" {
			t.Errorf("%s: no URL with every object at hand", p.title())
			continue
		}
		rctx := chi.NewRouteContext()
		method, want, _ := strings.Cut(p.route, " ")
		if !mux.Match(rctx, method, strings.SplitN(path, "?", 2)[0]) || rctx.RoutePattern() != want {
			t.Errorf("%s: %s is routed to %q", p.title(), path, rctx.RoutePattern())
		}
	}
}
