// Package password hashes and verifies passwords with argon2id, stored as PHC
// strings ($argon2id$v=19$m=19456,t=2,p=1$salt$hash).
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters (OWASP: m=19 MiB, t=2, p=1).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default is the production cost.
var Default = Params{Memory: 19456, Time: 2, Threads: 1}

var b64 = base64.RawStdEncoding

// Hash returns the PHC string for pw with a fresh 16-byte salt.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformed is returned for a stored hash that cannot be parsed.
var ErrMalformed = errors.New("password: malformed hash")

// Verify reports whether pw matches the PHC string, in constant time.
func Verify(pw, phc string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, ErrMalformed
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformed
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformed
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Random returns a one-time password of n characters from an alphabet
// without look-alikes (no 0/O, 1/l/I), with letters and digits.
func Random(n int) string {
	const letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
	const digits = "23456789"
	const all = letters + digits
	b := make([]byte, n)
	buf := make([]byte, n)
	for {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand never fails on Linux
		}
		var hasL, hasD bool
		for i := range b {
			b[i] = all[int(buf[i])%len(all)]
			if strings.IndexByte(digits, b[i]) >= 0 {
				hasD = true
			} else {
				hasL = true
			}
		}
		if hasL && hasD {
			return string(b)
		}
	}
}
