package password

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when no hashing slot came free in time.
var ErrBusy = errors.New("password: too many hashes running, no slot came free in time")

// Slots bounds how many argon2id hashes run at once. Each hash holds its
// memory cost (19 MiB by default) while it runs, so without a bound a burst
// of sign-ins takes as much memory as it has requests; with one, at most
// n × the memory cost, whatever arrives. A caller that waits longer than
// the wait for a slot gets ErrBusy.
type Slots struct {
	ch   chan struct{}
	wait time.Duration
	runs atomic.Int64 // hashes started, for tests
	busy atomic.Int64 // callers turned away
}

// NewSlots allows n hashes at once (at least 1); a caller waits at most
// wait for a slot.
func NewSlots(n int, wait time.Duration) *Slots {
	if n < 1 {
		n = 1
	}
	return &Slots{ch: make(chan struct{}, n), wait: wait}
}

func (s *Slots) acquire(ctx context.Context) error {
	select {
	case s.ch <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.ch <- struct{}{}:
		return nil
	case <-t.C:
		s.busy.Add(1)
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Acquire takes a slot for work of the caller's own (ErrBusy, or the
// context's error, when none came free); release gives it back.
func (s *Slots) Acquire(ctx context.Context) (release func(), err error) {
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	return func() { <-s.ch }, nil
}

// do runs f in a slot.
func (s *Slots) do(ctx context.Context, f func()) error {
	release, err := s.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	s.runs.Add(1)
	f()
	return nil
}

// Hash is Hash in a slot.
func (s *Slots) Hash(ctx context.Context, pw string, p Params) (h string, err error) {
	if serr := s.do(ctx, func() { h, err = Hash(pw, p) }); serr != nil {
		return "", serr
	}
	return h, err
}

// Verify is Verify in a slot.
func (s *Slots) Verify(ctx context.Context, pw, phc string) (ok bool, err error) {
	if serr := s.do(ctx, func() { ok, err = Verify(pw, phc) }); serr != nil {
		return false, serr
	}
	return ok, err
}

// Runs is how many hashes have been started through s.
func (s *Slots) Runs() int64 { return s.runs.Load() }

// Busy is how many callers were turned away with ErrBusy.
func (s *Slots) Busy() int64 { return s.busy.Load() }

// Size is how many hashes may run at once.
func (s *Slots) Size() int { return cap(s.ch) }
