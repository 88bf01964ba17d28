package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"

	"tianmu/internal/dbtest"
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

// serve prints its URL, answers, and on cancellation (SIGTERM) shuts down
// cleanly and returns.
func TestServeStartsAndShutsDown(t *testing.T) {
	url := dbtest.URL(t)
	env := func(k string) string {
		switch k {
		case "DATABASE_URL":
			return url
		case "TIANMU_ADDR":
			return "127.0.0.1:0"
		case "TIANMU_LOG_LEVEL":
			return "error"
		}
		return ""
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env, nil, &out) }()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		base = re.FindString(out.String())
	}
	if base == "" {
		t.Fatalf("no URL printed: %s", out.String())
	}
	res, err := http.Get(base + "healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", err, res)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !regexp.MustCompile(`bureau\s+王科长`).MatchString(out.String()) {
		t.Errorf("demo logins not printed: %s", out.String())
	}
}
