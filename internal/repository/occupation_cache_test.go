package repository_test

import (
	"reflect"
	"testing"
)

// TestOccupationsReadOncePerWhile: the occupation list (reference data a
// migration changes) is read from the database once and then served from
// memory for a while; each caller gets its own copy.
func TestOccupationsReadOncePerWhile(t *testing.T) {
	cf := newClassFixture(t)
	s, counter := tracedStore(t, cf)
	first, err := s.Occupations(cf.ctx)
	if err != nil || len(first) == 0 {
		t.Fatalf("%d occupations, %v", len(first), err)
	}
	counter.reset()
	second, err := s.Occupations(cf.ctx)
	if err != nil || counter.roundTrips != 0 || !reflect.DeepEqual(first, second) {
		t.Fatalf("second read: %d round trips, %v, equal %v", counter.roundTrips, err, reflect.DeepEqual(first, second))
	}
	second[0].Name = "改过的名称"
	third, err := s.Occupations(cf.ctx)
	if err != nil || third[0].Name == "改过的名称" {
		t.Fatalf("a caller's change reached the cache: %q %v", third[0].Name, err)
	}
}
