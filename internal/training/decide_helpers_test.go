package training

import "testing"

// wantRules checks that rs refuses with exactly the rules want, in order
// (none: allowed).
func wantRules(t *testing.T, name string, rs Refusals, want ...*Rule) {
	t.Helper()
	if len(rs) != len(want) {
		t.Errorf("%s: refusals %q, want %d", name, rs.Messages(), len(want))
		return
	}
	for i, r := range rs {
		if r.Rule != want[i] {
			t.Errorf("%s: refusal %d is %q, want %q", name, i, r.Message, want[i].Msg())
		}
	}
}
