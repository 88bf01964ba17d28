package server

import (
	"testing"
	"time"
)

func TestAnonTokenSignature(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	other := []byte("fedcba9876543210fedcba9876543210")
	id, id2 := newAnonID(), newAnonID()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tok := signAnon(key, id, now.Add(anonTokenTTL))
	for _, tc := range []struct {
		name string
		key  []byte
		id   string
		tok  string
		now  time.Time
		want bool
	}{
		{"fresh", key, id, tok, now, true},
		{"just before expiry", key, id, tok, now.Add(anonTokenTTL - time.Second), true},
		{"expired", key, id, tok, now.Add(anonTokenTTL), false},
		{"another cookie", key, id2, tok, now, false},
		{"another key", other, id, tok, now, false},
		{"no cookie", key, "", tok, now, false},
		{"malformed cookie", key, "short", tok, now, false},
		{"empty token", key, id, "", now, false},
		{"no signature", key, id, "1772442000", now, false},
		{"expiry beyond the lifetime", key, id, signAnon(key, id, now.Add(3*anonTokenTTL)), now, false},
	} {
		if got := checkAnon(tc.key, tc.id, tc.tok, tc.now); got != tc.want {
			t.Errorf("%s: checkAnon = %v, want %v", tc.name, got, tc.want)
		}
	}
}
