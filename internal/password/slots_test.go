package password

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// However many callers arrive at once, no more than the slots hash at the
// same time, and every caller that waited gets its turn.
func TestSlotsBoundConcurrentHashes(t *testing.T) {
	s := NewSlots(2, time.Minute)
	var inFlight, maxInFlight atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.do(context.Background(), func() {
				n := inFlight.Add(1)
				for m := maxInFlight.Load(); n > m && !maxInFlight.CompareAndSwap(m, n); m = maxInFlight.Load() {
				}
				if _, err := Hash("pw", fast); err != nil {
					t.Error(err)
				}
				inFlight.Add(-1)
			})
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		if err != nil {
			t.Errorf("caller failed: %v", err)
			continue
		}
		ok++
	}
	if ok != 50 || s.Runs() != 50 || s.Busy() != 0 {
		t.Fatalf("%d callers succeeded, %d runs, %d busy; want 50, 50, 0", ok, s.Runs(), s.Busy())
	}
	if m := maxInFlight.Load(); m < 1 || m > 2 {
		t.Fatalf("%d hashes ran at once; want at most 2", m)
	}
}

// A caller that finds every slot taken for longer than the wait gets
// ErrBusy, and one whose request is gone gets its context's error; neither
// hashes.
func TestSlotsBusy(t *testing.T) {
	s := NewSlots(1, time.Millisecond)
	hold := make(chan struct{})
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- s.do(context.Background(), func() { close(started); <-hold }) }()
	<-started
	if _, err := s.Verify(context.Background(), "pw", "x"); !errors.Is(err, ErrBusy) {
		t.Fatalf("Verify with every slot taken: %v, want ErrBusy", err)
	}
	if _, err := s.Hash(context.Background(), "pw", fast); !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash with every slot taken: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.wait = time.Hour
	if _, err := s.Verify(ctx, "pw", "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify for a cancelled request: %v", err)
	}
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.Runs() != 1 || s.Busy() != 2 {
		t.Fatalf("runs %d, busy %d; want 1 and 2", s.Runs(), s.Busy())
	}
	h, err := s.Hash(context.Background(), "pw", fast)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Verify(context.Background(), "pw", h); err != nil || !ok {
		t.Fatalf("Verify after the slot came free: %v %v", ok, err)
	}
}
