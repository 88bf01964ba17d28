package server

import (
	"context"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHeavyBoundsDocuments: no more documents are built at once than there
// are render slots; a request whose client left while it waited builds
// nothing.
func TestHeavyBoundsDocuments(t *testing.T) {
	s := &Server{renderSlots: make(chan struct{}, 2)}
	var now, most atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !s.heavy(httptest.NewRequest("GET", "/x.pdf", nil), func() {
				n := now.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(20 * time.Millisecond)
				now.Add(-1)
			}) {
				t.Error("a waiting request gave up with its client still there")
			}
		}()
	}
	wg.Wait()
	if m := most.Load(); m != 2 {
		t.Fatalf("%d documents built at once, want 2", m)
	}
	s.renderSlots <- struct{}{}
	s.renderSlots <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequest("GET", "/x.pdf", nil).WithContext(ctx)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if s.heavy(r, func() { t.Error("built for a client that left") }) {
		t.Fatal("heavy said it built")
	}
}
