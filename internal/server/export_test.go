package server

import "context"

// HashesRun is how many password hashes the server has run (tests check
// that a throttled sign-in runs none).
func (s *Server) HashesRun() int64 { return s.hashes.Runs() }

// HoldHashSlots takes every password-hashing slot until release is called
// (tests of the 503 answer).
func (s *Server) HoldHashSlots() (release func()) {
	var rels []func()
	for range s.hashes.Size() {
		rel, err := s.hashes.Acquire(context.Background())
		if err != nil {
			panic(err)
		}
		rels = append(rels, rel)
	}
	return func() {
		for _, r := range rels {
			r()
		}
	}
}
