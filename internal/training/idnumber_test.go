package training

import (
	"testing"
	"time"
)

func id17(prefix string) string { return prefix + string(IDCheckChar(prefix)) }

func TestParseResidentID(t *testing.T) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	good := id17("33018519900307123")
	for _, tc := range []struct {
		name string
		in   string
		ok   bool
		male bool
	}{
		{"valid, male (odd 17th digit)", good, true, true},
		{"valid, female", id17("33018519851231002"), true, false},
		{"check digit X", "11010519491231002X", true, false},
		{"wrong check digit", good[:17] + string(wrongCheck(good[17])), false, false},
		{"lower-case x is not normalised here", "11010519491231002x", false, false},
		{"February 30th", id17("33018519900230123"), false, false},
		{"leap day in a leap year", id17("33018520000229123"), true, true},
		{"leap day in a non-leap year", id17("33018520010229123"), false, false},
		{"born in the future", id17("33018520300101123"), false, false},
		{"born before 1900", id17("33018518991231123"), false, false},
		{"17 characters", good[:17], false, false},
		{"letters in the body", "3301851990030712A" + "1", false, false},
		{"Excel scientific notation", "3.30185E+17", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, msg := ParseResidentID(tc.in, today)
			if (msg == "") != tc.ok {
				t.Fatalf("ParseResidentID(%q) = %q, want ok=%v", tc.in, msg, tc.ok)
			}
			if tc.ok && r.Male != tc.male {
				t.Errorf("male = %v, want %v", r.Male, tc.male)
			}
		})
	}
	r, _ := ParseResidentID(good, today)
	if !r.BirthDate.Equal(time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("birth date %v", r.BirthDate)
	}
}

func wrongCheck(c byte) byte {
	if c == '1' {
		return '2'
	}
	return '1'
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ in, id, phone string }{
		{"330185199003071234", "330185********1234", "330***********1234"},
		{"13812345678", "138123*5678", "138****5678"},
		{"123", "***", "***"},
	} {
		if got := MaskID(tc.in); got != tc.id {
			t.Errorf("MaskID(%q) = %q, want %q", tc.in, got, tc.id)
		}
		if got := MaskPhone(tc.in); got != tc.phone {
			t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.phone)
		}
	}
}

func TestCheckPhone(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"13857112345", true}, {"19912345678", true}, {"12857112345", false}, {"1385711234", false},
		{"0571-63712345", true}, {"057163712345", true}, {"63712345", false}, {"0571-6371234a", false}, {"-0571637123", false},
	} {
		if got := CheckPhone(tc.in) == ""; got != tc.ok {
			t.Errorf("CheckPhone(%q) ok=%v, want %v", tc.in, got, tc.ok)
		}
	}
}

func FuzzParseResidentID(f *testing.F) {
	f.Add("11010519491231002X")
	f.Add("3.30185E+17")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
		r, msg := ParseResidentID(s, today)
		if msg != "" {
			return
		}
		if len(s) != 18 || IDCheckChar(s[:17]) != s[17] || r.BirthDate.After(today) || r.Number != s {
			t.Fatalf("accepted invalid %q", s)
		}
		if MaskID(s)[:6] != s[:6] || MaskID(s)[14:] != s[14:] {
			t.Fatalf("mask of %q is wrong: %q", s, MaskID(s))
		}
	})
}
