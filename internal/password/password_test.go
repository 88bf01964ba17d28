package password

import (
	"strings"
	"testing"
)

var fast = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse 1", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("unexpected PHC string %q", h)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse 1", true}, {"correct horse 2", false}, {"", false}} {
		ok, err := Verify(tc.pw, h)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	h2, err := Hash("correct horse 1", fast)
	if err != nil {
		t.Fatal(err)
	}
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, phc := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA"} {
		if _, err := Verify("x", phc); err == nil {
			t.Errorf("Verify(%q) accepted a malformed hash", phc)
		}
	}
}

func TestRandom(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		p := Random(12)
		if len(p) != 12 || strings.ContainsAny(p, "0O1lI") || seen[p] {
			t.Fatalf("bad random password %q", p)
		}
		seen[p] = true
	}
}
