package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `tianmu serve args…` with env until the test ends; it
// returns the portal's URL, the output so far, and a stop that cancels
// the run (as SIGTERM does) and returns what serve returned.
func startServe(t *testing.T, env map[string]string, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	getenv := func(k string) string {
		switch k {
		case "TIANMU_ADDR":
			return "127.0.0.1:0"
		case "TIANMU_LOG_LEVEL":
			return "warn"
		}
		return env[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), getenv, nil, &out) }()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(25 * time.Second):
			return errors.New("serve did not shut down")
		}
	}
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		base = re.FindString(out.String())
	}
	if base == "" {
		_ = stop()
		t.Fatalf("no URL printed: %s", out.String())
	}
	return base, &out, stop
}

func userCount(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var demoLogins = regexp.MustCompile(`bureau\s+王科长`)

// serve prints its URL, answers, and on cancellation (SIGTERM) shuts down
// cleanly and returns. Given a database by DATABASE_URL it migrates it
// but loads no demo accounts (their password is published).
func TestServeStartsAndShutsDown(t *testing.T) {
	url := dbtest.URL(t)
	base, out, stop := startServe(t, map[string]string{"DATABASE_URL": url})
	res, err := http.Get(base + "healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", err, res)
	}
	res.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if strings.Contains(out.String(), "Demo logins") || strings.Contains(out.String(), demo.Password) {
		t.Errorf("demo logins printed for a DATABASE_URL database: %s", out.String())
	}
	if n := userCount(t, url); n != 0 {
		t.Fatalf("serve created %d accounts in a DATABASE_URL database", n)
	}
	if !strings.Contains(out.String(), "tianmu user add") {
		t.Errorf("no hint how to create the first account: %s", out.String())
	}
}

// `serve -demo` loads the demo data set into an empty DATABASE_URL database.
func TestServeDemoFlag(t *testing.T) {
	url := dbtest.URL(t)
	_, out, stop := startServe(t, map[string]string{"DATABASE_URL": url}, "-demo")
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if !demoLogins.MatchString(out.String()) {
		t.Errorf("demo logins not printed: %s", out.String())
	}
	if n := userCount(t, url); n < len(demo.Logins) {
		t.Fatalf("%d accounts after serve -demo, want the %d demo logins", n, len(demo.Logins))
	}
}

// `make run` without DATABASE_URL: a private cluster under the data
// directory, with the demo data loaded on first start.
func TestServePrivateClusterLoadsDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	dir, err := os.MkdirTemp("", "tianmu-serve-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	_, out, stop := startServe(t, map[string]string{"TIANMU_DATA_DIR": dir, "TIANMU_PG_PORT": "5433"})
	if !demoLogins.MatchString(out.String()) {
		_ = stop()
		t.Fatalf("demo logins not printed: %s", out.String())
	}
	// The cluster is still up while serve runs.
	c := &url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/tianmu",
		RawQuery: url.Values{"host": {filepath.Join(dir, "postgres")}, "port": {"5433"}, "sslmode": {"disable"}}.Encode()}
	n := userCount(t, c.String())
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if n < len(demo.Logins) {
		t.Fatalf("%d accounts in the private cluster, want the %d demo logins", n, len(demo.Logins))
	}
}
