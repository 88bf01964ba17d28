package server

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 3, 2, 9, 30, 0, 123, time.UTC)
	values := map[string]interface{}{"uid": int64(42), "sv": 3, "csrf": "tok-ABC", "flash": "考勤已保存。", "flash_kind": "ok",
		"otp_user": int64(-7), "remember": true, "at": time.Unix(0, 1767225600123456789), "empty": ""}
	c := sessionCodec{}
	b, err := c.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	d, v, err := c.Decode(b)
	if err != nil || !d.Equal(deadline) {
		t.Fatalf("deadline %v, %v", d, err)
	}
	if !reflect.DeepEqual(v["at"].(time.Time).UnixNano(), values["at"].(time.Time).UnixNano()) {
		t.Fatalf("time: %v", v["at"])
	}
	delete(v, "at")
	want := map[string]interface{}{}
	for k, x := range values {
		if k != "at" {
			want[k] = x
		}
	}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", v, want)
	}
	// The same session is the same bytes, whatever the map's order.
	for range 20 {
		again, _ := c.Encode(deadline, values)
		if !bytes.Equal(again, b) || !sameSession(again, b) {
			t.Fatal("encoding is not deterministic")
		}
	}
	changed := map[string]interface{}{"uid": int64(42), "sv": 3, "csrf": "tok-ABD"}
	other, _ := c.Encode(deadline, changed)
	if sameSession(other, b) {
		t.Fatal("different sessions compare equal")
	}
	// A session stored with gob before is still read, and compares equal
	// to the same session in the new form.
	old, err := scs.GobCodec{}.Encode(deadline, changed)
	if err != nil {
		t.Fatal(err)
	}
	if _, v, err := c.Decode(old); err != nil || v["uid"] != int64(42) || v["csrf"] != "tok-ABD" {
		t.Fatalf("gob session: %v %v", v, err)
	}
	if !sameSession(old, other) {
		t.Fatal("a gob session differs from the same session re-encoded")
	}
	if _, err := c.Encode(deadline, map[string]interface{}{"x": 1.5}); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Fatalf("unsupported type: %v", err)
	}
	for i := 1; i < len(b); i++ {
		if _, _, err := c.Decode(b[:i]); err == nil {
			t.Fatalf("truncated at %d: no error", i)
		}
	}
}
