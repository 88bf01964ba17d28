package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// The soft memory limit: 100 MiB unless set; GOMEMLIMIT, read by the
// runtime itself, wins; nonsense is refused at start.
func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		vars map[string]string
		want int64
		err  string
	}{
		{vars: nil, want: 100 << 20},
		{vars: map[string]string{"TIANMU_MEMORY_LIMIT": "256"}, want: 256 << 20},
		{vars: map[string]string{"TIANMU_MEMORY_LIMIT": "256", "GOMEMLIMIT": "1GiB"}, want: 0},
		{vars: map[string]string{"TIANMU_MEMORY_LIMIT": "16"}, err: "TIANMU_MEMORY_LIMIT"},
		{vars: map[string]string{"TIANMU_MEMORY_LIMIT": "100MB"}, err: "TIANMU_MEMORY_LIMIT"},
	} {
		cfg, err := Load(env(c.vars))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: err %v, want one naming %s", c.vars, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", c.vars, err)
		}
		if cfg.Ops.MemoryLimit != c.want {
			t.Errorf("%v: limit %d, want %d", c.vars, cfg.Ops.MemoryLimit, c.want)
		}
	}
}
