package server

import (
	"testing"
	"time"
)

// TestNavCache: counts are served as kept for a minute; past it they are
// served once more and exactly one caller is told to count again; a failed
// recount lets the next caller try; a new generation (the user's own
// change) finds nothing kept; entries nobody read are forgotten.
func TestNavCache(t *testing.T) {
	c := newNavCache()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	k := navKey{user: 7, gen: 1}
	if _, ok, _ := c.get(k, t0); ok {
		t.Fatal("an empty cache had counts")
	}
	c.put(k, map[string]int{"review": 3}, t0)
	if counts, ok, recount := c.get(k, t0.Add(59*time.Second)); !ok || recount || counts["review"] != 3 {
		t.Fatalf("within the minute: %v %v %v", counts, ok, recount)
	}
	counts, ok, recount := c.get(k, t0.Add(61*time.Second))
	if !ok || !recount || counts["review"] != 3 {
		t.Fatalf("past the minute: %v %v %v, want the kept counts and a recount", counts, ok, recount)
	}
	if _, ok, recount := c.get(k, t0.Add(62*time.Second)); !ok || recount {
		t.Fatal("a second caller was told to count again while the first does")
	}
	c.done(k) // the recount failed
	if _, _, recount := c.get(k, t0.Add(63*time.Second)); !recount {
		t.Fatal("after a failed recount nobody counts again")
	}
	c.put(k, map[string]int{"review": 4}, t0.Add(64*time.Second))
	if counts, _, recount := c.get(k, t0.Add(65*time.Second)); recount || counts["review"] != 4 {
		t.Fatalf("after the recount: %v %v", counts, recount)
	}
	if _, ok, _ := c.get(navKey{user: 7, gen: 2}, t0.Add(65*time.Second)); ok {
		t.Fatal("a new generation found the old counts")
	}
	for i := range 300 {
		c.put(navKey{user: int64(100 + i)}, map[string]int{}, t0)
	}
	c.put(navKey{user: 999}, map[string]int{}, t0.Add(time.Hour))
	if _, ok, _ := c.get(k, t0.Add(time.Hour)); ok || len(c.m) != 1 {
		t.Fatalf("entries nobody read for an hour are kept: %d", len(c.m))
	}
}
