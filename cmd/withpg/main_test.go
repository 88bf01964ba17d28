package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tianmu/internal/dbtest"
)

// The test binary doubles as withpg: run with WITHPG_AS_MAIN=1 it is main.
func TestMain(m *testing.M) {
	if os.Getenv("WITHPG_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:]))
	}
	if os.Getenv("WITHPG_ORPHAN") == "1" {
		// A test binary that dies with its own cluster still running.
		c, err := dbtest.StartClusterIn(context.Background(), "")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pid, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(strings.SplitN(string(pid), "\n", 2)[0])
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// withpg starts this test binary as withpg with its own cluster, running
// the shell script; the script's first line of output is returned.
func withpg(t *testing.T, script string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "sh", "-c", script)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEST_DATABASE_URL=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "WITHPG_AS_MAIN=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, bufio.NewReader(out)
}

// line reads "TMPDIR PID CHILD" as the script prints it.
func line(t *testing.T, r *bufio.Reader) (dir string, pid, child int) {
	t.Helper()
	s, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("no output from the command: %v", err)
	}
	f := strings.Fields(s)
	if len(f) != 3 {
		t.Fatalf("unexpected output %q", s)
	}
	pid, err1 := strconv.Atoi(f[1])
	child, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil {
		t.Fatalf("pids in %q: %v %v", s, err1, err2)
	}
	return f[0], pid, child
}

// The script prints its TMPDIR, the cluster's postmaster pid and its own
// pid (which `exec` keeps).
const printDirs = `host=$(echo "$TEST_DATABASE_URL" | sed 's/.*host=\([^&]*\).*/\1/' | sed 's/%2F/\//g'); ` +
	`echo "$TMPDIR $(head -n1 "$host/postmaster.pid") $$"; mkdir -p "$TMPDIR/leftover"; `

func gone(t *testing.T, dir string, pid int) {
	t.Helper()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there (%v)", dir, err)
	}
	if syscall.Kill(pid, 0) == nil {
		t.Errorf("postgres (pid %d) is still running", pid)
	}
}

func TestFailingCommandLeavesNothing(t *testing.T) {
	cmd, out := withpg(t, printDirs+`exit 3`)
	dir, pid, _ := line(t, out)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v, want status 3", err)
	}
	if !strings.Contains(dir, "tianmu-test-") {
		t.Fatalf("TMPDIR %q is not withpg's", dir)
	}
	gone(t, dir, pid)
}

// A cluster that a dying test binary left running is stopped and removed.
func TestOrphanClusterIsStopped(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd, out := withpg(t, printDirs+`WITHPG_AS_MAIN= WITHPG_ORPHAN=1 "`+exe+`"; exec sleep 60`)
	dir, _, _ := line(t, out)
	s, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("orphan cluster: %v", err)
	}
	orphan, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || syscall.Kill(orphan, 0) != nil {
		t.Fatalf("orphan cluster pid %q: %v", s, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // the command ends by the signal: a failure is expected
	gone(t, dir, orphan)
}

func TestInterruptedRunLeavesNothing(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, out := withpg(t, printDirs+`exec sleep 60`)
			dir, pid, child := line(t, out)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if sig == syscall.SIGINT {
				// A terminal sends SIGINT to the whole group; here the
				// command gets it by hand.
				if err := syscall.Kill(child, syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("an interrupted run reported success")
				}
			case <-time.After(60 * time.Second):
				t.Fatal("withpg did not end after the signal")
			}
			gone(t, dir, pid)
		})
	}
}
