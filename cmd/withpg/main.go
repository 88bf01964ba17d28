// Command withpg runs a command with TEST_DATABASE_URL pointing at a private,
// throw-away PostgreSQL cluster, so one `make test` run starts one cluster
// for every test package. When TEST_DATABASE_URL is already set it runs the
// command as it is.
//
// It leaves nothing behind: the command runs with TMPDIR set to a directory
// of this run (the cluster's data, the clusters tests start themselves,
// browser profiles and every other temporary file go there), and that
// directory is removed when the command ends, fails or is interrupted
// (SIGINT, SIGTERM, SIGHUP are passed on to the command first). A
// PostgreSQL server still running in it (a test binary that died before
// its clean-up) is stopped first.
package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"tianmu/internal/dbtest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: withpg command [args...]")
		os.Exit(2)
	}
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	// Signals are caught from the start, so an interrupt during the
	// cluster's start-up still cleans up.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	root, err := os.MkdirTemp("", "tianmu-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "withpg:", err)
		return 1
	}
	defer cleanup(root)
	// The postgres OS user must reach the clusters inside.
	if err := os.Chmod(root, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "withpg:", err)
		return 1
	}
	env := append(os.Environ(), "TMPDIR="+root)
	if os.Getenv("TEST_DATABASE_URL") == "" {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-sigs:
				cancel()
			case <-ctx.Done():
			}
		}()
		c, err := dbtest.StartClusterIn(ctx, root)
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, "withpg:", err)
			return 1
		}
		defer func() { _ = c.Stop() }()
		env = append(env, "TEST_DATABASE_URL="+c.URL("postgres"))
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdin, os.Stdout, os.Stderr, env
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "withpg:", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			// The terminal sends SIGINT to the whole group already; pass
			// the others on, and wait for the command to finish.
			if sig != os.Interrupt {
				_ = cmd.Process.Signal(sig)
			}
		case err := <-done:
			if err == nil {
				return 0
			}
			if ee, ok := err.(*exec.ExitError); ok {
				if code := ee.ExitCode(); code >= 0 {
					return code
				}
				return 1 // killed by a signal
			}
			fmt.Fprintln(os.Stderr, "withpg:", err)
			return 1
		}
	}
}

// cleanup stops any PostgreSQL server whose data directory is under root
// (a cluster a test started and could not stop), then removes root.
func cleanup(root string) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != root && strings.Count(strings.TrimPrefix(p, root), string(filepath.Separator)) > 3 {
			return filepath.SkipDir
		}
		if d.Name() == "postmaster.pid" {
			stopPostmaster(p)
		}
		return nil
	})
	if err := os.RemoveAll(root); err != nil {
		fmt.Fprintln(os.Stderr, "withpg: clean up:", err)
	}
}

func stopPostmaster(pidFile string) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pid <= 0 || syscall.Kill(pid, 0) != nil {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGQUIT) // immediate shutdown: the data is thrown away anyway
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}
