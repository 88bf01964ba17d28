package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/config"
	"tianmu/internal/repository"
	"tianmu/internal/server"
	"tianmu/internal/training"
)

// statementLog keeps the text of every statement a pool sends.
type statementLog struct {
	mu   sync.Mutex
	list []string
}

func (l *statementLog) add(sql string) {
	l.mu.Lock()
	l.list = append(l.list, strings.Join(strings.Fields(sql), " "))
	l.mu.Unlock()
}

func (l *statementLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	l.add(d.SQL)
	return ctx
}
func (l *statementLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (l *statementLog) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}
func (l *statementLog) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	l.add(d.SQL)
}
func (l *statementLog) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (l *statementLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.list
	l.list = nil
	return out
}

// TestBaselineRunsThePagesQueries: tianmu-bench's baseline answers a page
// with the same statements the portal sends for it, less the session's
// own (its lookup with the user, and its write-back), and in plain text;
// it refuses anything but GET and, without a user, does what the portal
// does for a signed-out visitor.
func TestBaselineRunsThePagesQueries(t *testing.T) {
	e := newEnv(t)
	log := &statementLog{}
	cfg := e.store.Pool().Config().Copy()
	cfg.ConnConfig.Tracer = log
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := repository.New(pool, e.clock)
	conf, _ := config.Load(func(string) string { return "" })
	srv := server.New(store, conf, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{Hash: &fastHash})
	t.Cleanup(srv.Close)
	portal := httptest.NewServer(srv.Handler())
	t.Cleanup(portal.Close)
	users := map[int64]training.User{}
	var mu sync.Mutex
	base := httptest.NewServer(srv.BaselineHandler(func(_ context.Context, id int64) (training.User, error) {
		mu.Lock()
		defer mu.Unlock()
		u, ok := users[id]
		if !ok {
			return u, training.ErrNotFound
		}
		return u, nil
	}))
	t.Cleanup(base.Close)

	e.ts = portal // the clients below talk to the traced portal
	classID := e.queryID(`SELECT id FROM classes WHERE status = 'submitted' ORDER BY id LIMIT 1`)
	pages := []struct{ user, path string }{
		{"bureau", "/"},
		{"bureau", "/delivery"},
		{"bureau", "/delivery?flagged=1"},
		{"bureau", "/review"},
		{"bureau", fmt.Sprintf("/classes/%d", classID)},
		{"bureau", fmt.Sprintf("/institutions/%d", e.queryID(`SELECT id FROM institutions ORDER BY id LIMIT 1`))},
		{"school", "/"},
		{"school", "/classes"},
		{"centre", "/assessments"},
	}
	for _, p := range pages {
		c := e.login(p.user)
		u, err := store.UserByID(context.Background(), e.queryID(`SELECT id FROM users WHERE username = $1`, p.user))
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		users[u.ID] = u
		mu.Unlock()
		c.get(p.path) // a first view writes the session's CSRF token
		log.take()
		if r := c.get(p.path); r.status != http.StatusOK {
			t.Fatalf("portal %s as %s: %d", p.path, p.user, r.status)
		}
		var pageSQL []string
		for _, q := range log.take() {
			// The session store's own statements (scs), not the page's;
			// "exam_sessions s" is a page's table and must stay.
			if !strings.Contains(q, "FROM sessions s") && !strings.Contains(q, "INTO sessions ") {
				pageSQL = append(pageSQL, q)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, base.URL+p.path, nil)
		req.Header.Set(server.BaselineUserHeader, fmt.Sprint(u.ID))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("baseline %s: %d %s %q", p.path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		baseSQL := log.take()
		t.Logf("%s as %s: %d statements", p.path, p.user, len(baseSQL))
		slices.Sort(pageSQL)
		slices.Sort(baseSQL)
		if len(pageSQL) == 0 || !slices.Equal(pageSQL, baseSQL) {
			t.Errorf("%s as %s: the portal sent\n%s\nthe baseline\n%s", p.path, p.user, strings.Join(pageSQL, "\n"), strings.Join(baseSQL, "\n"))
		}
	}
	res, err := http.Post(base.URL+"/logout", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("baseline POST: %d", res.StatusCode)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noRedirect.Get(base.URL + "/review")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("baseline without a user: %d", res.StatusCode)
	}
}
