package training

import "testing"

func TestCheckCreditCode(t *testing.T) {
	valid := "91330185" + "MA2H12345"
	valid += string(CreditCodeCheckChar(valid))
	for _, tc := range []struct {
		name, code string
		ok         bool
	}{
		{"generated valid", valid, true},
		{"real published code", "91330100MA27XL2B8Q", checkOf("91330100MA27XL2B8") == 'Q'},
		{"wrong check char", valid[:17] + flip(valid[17]), false},
		{"too short", valid[:17], false},
		{"too long", valid + "0", false},
		{"letter I not allowed", "91330185MA2I12345" + "0", false},
		{"letter O not allowed", "91330185MA2O12345" + "0", false},
		{"division code must be digits", "91A30185MA2H12345" + "0", false},
		{"lower case is not normalised here", "91330185ma2h12345" + "0", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckCreditCode(tc.code) == ""; got != tc.ok {
				t.Errorf("CheckCreditCode(%q) ok=%v, want %v (%s)", tc.code, got, tc.ok, CheckCreditCode(tc.code))
			}
		})
	}
}

func checkOf(prefix string) byte { return CreditCodeCheckChar(prefix) }

func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

func TestNormalizeCreditCode(t *testing.T) {
	if got := NormalizeCreditCode("  91330185ma2h1234x "); got != "91330185MA2H1234X" {
		t.Errorf("got %q", got)
	}
}

func FuzzCheckCreditCode(f *testing.F) {
	f.Add("91330185MA2H12345X")
	f.Add("")
	f.Add("ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ")
	f.Fuzz(func(t *testing.T, s string) {
		msg := CheckCreditCode(s)
		if msg == "" {
			if len(s) != 18 {
				t.Fatalf("accepted %q of length %d", s, len(s))
			}
			if CreditCodeCheckChar(s[:17]) != s[17] {
				t.Fatalf("accepted %q with a wrong check character", s)
			}
		}
	})
}
