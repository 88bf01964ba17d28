// Package config reads Tianmu's configuration from the environment, once.
package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Config is everything the portal reads from the environment.
type Config struct {
	DatabaseURL    string         // DATABASE_URL; empty: start a private cluster
	DataDir        string         // TIANMU_DATA_DIR, default ./.data
	Addr           string         // TIANMU_ADDR, default 127.0.0.1:8080
	BaseURL        string         // TIANMU_BASE_URL, for links in printed documents
	SecureCookies  bool           // TIANMU_SECURE_COOKIES: set behind HTTPS
	TrustedProxies []netip.Prefix // TIANMU_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For is believed
	IdleTimeout    time.Duration  // TIANMU_SESSION_IDLE, default 30m
	SessionMax     time.Duration  // TIANMU_SESSION_MAX, default 12h
	MaxDBConns     int32          // TIANMU_DB_MAX_CONNS, default 16
	LogLevel       string         // TIANMU_LOG_LEVEL: debug, info (default), warn, error
	PGPort         int            // TIANMU_PG_PORT: port of the private cluster's socket, default 5433
	Ops            Ops            // jobs, shutdown, monitoring (jobs.go)
}

// Load parses the environment through getenv.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		DataDir:     or(getenv("TIANMU_DATA_DIR"), ".data"),
		Addr:        or(getenv("TIANMU_ADDR"), "127.0.0.1:8080"),
		BaseURL:     getenv("TIANMU_BASE_URL"),
		LogLevel:    or(getenv("TIANMU_LOG_LEVEL"), "info"),
	}
	var err error
	if c.SecureCookies, err = parseBool(getenv("TIANMU_SECURE_COOKIES"), false); err != nil {
		return c, fmt.Errorf("TIANMU_SECURE_COOKIES: %w", err)
	}
	if c.IdleTimeout, err = parseDuration(getenv("TIANMU_SESSION_IDLE"), 30*time.Minute); err != nil {
		return c, fmt.Errorf("TIANMU_SESSION_IDLE: %w", err)
	}
	if c.SessionMax, err = parseDuration(getenv("TIANMU_SESSION_MAX"), 12*time.Hour); err != nil {
		return c, fmt.Errorf("TIANMU_SESSION_MAX: %w", err)
	}
	n, err := parseInt(getenv("TIANMU_DB_MAX_CONNS"), 16)
	if err != nil || n < 1 || n > 1000 {
		return c, fmt.Errorf("TIANMU_DB_MAX_CONNS: want 1..1000")
	}
	c.MaxDBConns = int32(n)
	if c.PGPort, err = parseInt(getenv("TIANMU_PG_PORT"), 5433); err != nil {
		return c, fmt.Errorf("TIANMU_PG_PORT: %w", err)
	}
	for _, s := range strings.Split(getenv("TIANMU_TRUSTED_PROXIES"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return c, fmt.Errorf("TIANMU_TRUSTED_PROXIES: %q: %w", s, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c, loadOps(getenv, &c)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func parseBool(s string, def bool) (bool, error) {
	if s == "" {
		return def, nil
	}
	return strconv.ParseBool(s)
}

func parseDuration(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d <= 0 {
		err = fmt.Errorf("must be positive")
	}
	return d, err
}

func parseInt(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	return strconv.Atoi(s)
}
