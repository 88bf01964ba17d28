package config

import (
	"fmt"
	"net/netip"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Ops is the configuration of background jobs, shutdown and monitoring:
// what a deployment of several nodes tunes.
type Ops struct {
	NodeID          string                   // TIANMU_NODE_ID: this node's name in the job queue, default host-pid
	JobWorkers      int                      // TIANMU_JOB_WORKERS: roster validations at once per node, default 2
	JobTimeout      time.Duration            // TIANMU_JOB_TIMEOUT: a job's time limit, default 1m
	JobRescueAfter  time.Duration            // TIANMU_JOB_RESCUE_AFTER: a job running this long is taken as its node's death, default 2m
	JobSchedule     map[string]time.Duration // TIANMU_JOB_SCHEDULE: kind=interval,... overrides the schedules
	NoJobs          bool                     // TIANMU_NO_JOBS: this node serves pages only and runs no jobs
	DrainDelay      time.Duration            // TIANMU_DRAIN_DELAY: how long /readyz says 503 before the listener closes, default 0
	ShutdownTimeout time.Duration            // TIANMU_SHUTDOWN_TIMEOUT: for requests, then again for jobs, default 20s
	MetricsAllow    []netip.Prefix           // TIANMU_METRICS_ALLOW: who may read /metrics, default loopback
	MemoryLimit     int64                    // TIANMU_MEMORY_LIMIT: the Go runtime's soft memory limit in MiB, default 100 (GOMEMLIMIT, when set, wins)
}

func loadOps(getenv func(string) string, c *Config) error {
	o := &c.Ops
	o.NodeID = getenv("TIANMU_NODE_ID")
	if o.NodeID == "" {
		host, _ := os.Hostname()
		o.NodeID = host + "-" + strconv.Itoa(os.Getpid())
	}
	var err error
	if o.JobWorkers, err = parseInt(getenv("TIANMU_JOB_WORKERS"), 2); err != nil || o.JobWorkers < 1 || o.JobWorkers > 100 {
		return fmt.Errorf("TIANMU_JOB_WORKERS: want 1..100")
	}
	if o.JobTimeout, err = parseDuration(getenv("TIANMU_JOB_TIMEOUT"), time.Minute); err != nil {
		return fmt.Errorf("TIANMU_JOB_TIMEOUT: %w", err)
	}
	if o.JobRescueAfter, err = parseDuration(getenv("TIANMU_JOB_RESCUE_AFTER"), 2*time.Minute); err != nil {
		return fmt.Errorf("TIANMU_JOB_RESCUE_AFTER: %w", err)
	}
	if o.JobRescueAfter <= o.JobTimeout {
		return fmt.Errorf("TIANMU_JOB_RESCUE_AFTER (%v) must be longer than TIANMU_JOB_TIMEOUT (%v): a job still running would be run twice", o.JobRescueAfter, o.JobTimeout)
	}
	o.JobSchedule = map[string]time.Duration{}
	for _, kv := range strings.Split(getenv("TIANMU_JOB_SCHEDULE"), ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		d, err := time.ParseDuration(v)
		if !ok || err != nil || d < time.Second {
			return fmt.Errorf("TIANMU_JOB_SCHEDULE: %q: want kind=interval (at least 1s)", kv)
		}
		o.JobSchedule[strings.TrimSpace(k)] = d
	}
	if o.NoJobs, err = parseBool(getenv("TIANMU_NO_JOBS"), false); err != nil {
		return fmt.Errorf("TIANMU_NO_JOBS: %w", err)
	}
	if s := getenv("TIANMU_DRAIN_DELAY"); s == "0" || s == "" {
		o.DrainDelay = 0
	} else if o.DrainDelay, err = parseDuration(s, 0); err != nil {
		return fmt.Errorf("TIANMU_DRAIN_DELAY: %w", err)
	}
	if o.ShutdownTimeout, err = parseDuration(getenv("TIANMU_SHUTDOWN_TIMEOUT"), 20*time.Second); err != nil {
		return fmt.Errorf("TIANMU_SHUTDOWN_TIMEOUT: %w", err)
	}
	mib, err := parseInt(getenv("TIANMU_MEMORY_LIMIT"), 100)
	if err != nil || mib < 32 || mib > 1<<20 {
		return fmt.Errorf("TIANMU_MEMORY_LIMIT: want a number of MiB, 32 or more")
	}
	o.MemoryLimit = int64(mib) << 20
	if getenv("GOMEMLIMIT") != "" {
		o.MemoryLimit = 0 // the runtime read it at start
	}
	allow := getenv("TIANMU_METRICS_ALLOW")
	if allow == "" {
		allow = "127.0.0.1/32,::1/128"
	}
	if o.MetricsAllow, err = parsePrefixes(allow); err != nil {
		return fmt.Errorf("TIANMU_METRICS_ALLOW: %w", err)
	}
	return nil
}

// ApplyMemoryLimit sets the Go runtime's soft memory limit (the garbage
// collector works harder as the heap nears it and returns freed memory to
// the system) unless GOMEMLIMIT already set one. It is soft: a live heap
// above it slows the node down, it does not stop it.
func (o Ops) ApplyMemoryLimit() {
	if o.MemoryLimit > 0 {
		debug.SetMemoryLimit(o.MemoryLimit)
	}
}

// parsePrefixes reads comma-separated CIDRs or single addresses.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("%q: %w", s, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
