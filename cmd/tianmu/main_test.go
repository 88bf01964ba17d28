package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"tianmu/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestCommands(t *testing.T) {
	url := dbtest.URL(t)
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "status"}, env, nil, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "00001") || !strings.Contains(out.String(), "applied") {
		t.Fatalf("status: %s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"demo"}, env, nil, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"demo"}, env, nil, &out); err != nil || !strings.Contains(out.String(), "already") {
		t.Fatalf("second demo load: %v %q", err, out.String())
	}
	out.Reset()
	err := run(ctx, []string{"user", "add", "-username", "ops.li", "-name", "李运维", "-role", "bureau"}, env, strings.NewReader("weak\n"), &out)
	if err == nil {
		t.Fatal("weak password accepted")
	}
	err = run(ctx, []string{"user", "add", "-username", "ops.li", "-name", "李运维", "-role", "bureau"}, env, strings.NewReader("Strong-pass-2026\n"), &out)
	if err != nil || !strings.Contains(out.String(), "ops.li created") {
		t.Fatalf("user add: %v %s", err, out.String())
	}
	if err := run(ctx, []string{"bogus"}, env, nil, &out); err == nil {
		t.Fatal("unknown command accepted")
	}
}
