package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"tianmu/internal/config"
	"tianmu/internal/repository"
	"tianmu/internal/server"
	"tianmu/internal/training"
)

// The portal and the baseline each run in a process of their own (this
// binary again, with -serve), so the portal's memory is the portal's and
// neither shares a Go runtime with the load generator.

// serveChild is the child's main: it serves on a loopback port, writes
// "ready URL" on stdout, and stops on SIGTERM (writing its CPU profile).
func serveChild(kind, dbURL, cpuprofile string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	if kind == "portal" {
		cfg.Ops.ApplyMemoryLimit() // as tianmu serve does
	}
	pool, err := repository.Open(ctx, dbURL, cfg.MaxDBConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := repository.New(pool, nil)
	// Formatted as in production and dropped, except warnings and errors.
	log := slog.New(slog.NewTextHandler(&errorsOnly{w: os.Stderr, prefix: kind + ": "}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// Every client signs in from 127.0.0.1: the per-address sign-in limit
	// (50 per 15 minutes) is lifted; the per-account one stays.
	// The same for the public lookups (30 per address per 15 minutes).
	limits := repository.DefaultLoginLimits
	limits.PerAddress = 1 << 30
	public := repository.DefaultPublicLimits
	public.PerAddress = 1 << 30
	srv := server.New(store, cfg, log, server.Options{Limits: &limits, PublicLimits: &public, SessionCleanup: 5 * time.Minute})
	defer srv.Close()
	var h http.Handler
	switch kind {
	case "portal":
		h = srv.Handler()
	case "baseline":
		var mu sync.Mutex
		users := map[int64]training.User{}
		h = srv.BaselineHandler(func(ctx context.Context, id int64) (training.User, error) {
			mu.Lock()
			u, ok := users[id]
			mu.Unlock()
			if ok {
				return u, nil
			}
			u, err := store.UserByID(ctx, id)
			if err == nil {
				mu.Lock()
				users[id] = u
				mu.Unlock()
			}
			return u, err
		})
	default:
		return fmt.Errorf("-serve %q: want portal or baseline", kind)
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() { _ = hs.Serve(ln) }()
	fmt.Printf("ready http://%s\n", ln.Addr())
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// child is a running server process.
type child struct {
	cmd     *exec.Cmd
	url     string
	done    chan error
	once    sync.Once
	stopErr error
}

// startChild runs this binary as a server of kind on dbURL and waits for
// it to listen.
func startChild(kind, dbURL, cpuprofile string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"-serve", kind, "-db", dbURL}
	if cpuprofile != "" {
		args = append(args, "-cpuprofile", cpuprofile)
	}
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- u
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	go func() { c.done <- cmd.Wait() }()
	select {
	case c.url = <-ready:
		return c, nil
	case err := <-c.done:
		return nil, fmt.Errorf("%s server exited before listening: %v", kind, err)
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("%s server did not listen within a minute", kind)
	}
}

// stop ends the child (SIGTERM, then a kill after 10 s), once.
func (c *child) stop() error {
	c.once.Do(func() { c.stopErr = c.terminate() })
	return c.stopErr
}

func (c *child) terminate() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("server exited: %v", err)
		}
		return err
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		return errors.New("server did not stop within 10 s")
	}
}

// errorsOnly passes log lines at WARN and ERROR through to w and drops the
// rest after they were formatted, as a production log would cost.
type errorsOnly struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
}

func (e *errorsOnly) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "level=ERROR") || strings.Contains(string(p), "level=WARN") {
		e.mu.Lock()
		defer e.mu.Unlock()
		_, _ = io.WriteString(e.w, e.prefix)
		_, _ = e.w.Write(p)
	}
	return len(p), nil
}
