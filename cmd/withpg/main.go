// Command withpg runs a command with TEST_DATABASE_URL pointing at a private,
// throw-away PostgreSQL cluster, so one `make test` run starts one cluster
// for every test package. When TEST_DATABASE_URL is already set it runs the
// command as it is.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

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
	env := os.Environ()
	if os.Getenv("TEST_DATABASE_URL") == "" {
		c, err := dbtest.StartCluster(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, "withpg:", err)
			return 1
		}
		defer os.RemoveAll(c.Dir)
		defer c.Stop()
		env = append(env, "TEST_DATABASE_URL="+c.URL("postgres"))
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdin, os.Stdout, os.Stderr, env
	signal.Ignore(syscall.SIGINT) // the child gets it from the terminal; we clean up after
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "withpg:", err)
		return 1
	}
	return 0
}
