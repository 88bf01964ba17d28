package roster

import "testing"

// must fails the test on err: a test checks every error it gets.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// errOf is the error of a call that returns a value too:
// must(t, errOf(w.Write(b))).
func errOf[T any](_ T, err error) error { return err }
