package repository_test

import "testing"

// must fails the test on err: a test checks every error it gets.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
