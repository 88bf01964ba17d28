// Command tianmu is the portal: serve (default), migrate, user add, demo.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/config"
	"tianmu/internal/demo"
	"tianmu/internal/jobs"
	"tianmu/internal/password"
	"tianmu/internal/pgcluster"
	"tianmu/internal/repository"
	"tianmu/internal/server"
	"tianmu/internal/training"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tianmu:", err)
		os.Exit(1)
	}
}

const usage = `usage: tianmu [command]

commands:
  serve [-demo]             run the portal (default); the demo data set (accounts
                            with a published password) is loaded into an empty
                            database only for the private cluster (DATABASE_URL
                            unset) or with -demo

  migrate up|down|status    apply, roll back one, or list migrations
  user add -username U -name N -role bureau|institution|centre [-institution ID]
                            create an account; the password is read from stdin
  demo                      load the demo data set (if the database has no users)
  demo -scale               load the large benchmark data set (empty database)
  backup [-dir backups]     write a logical dump (pg_dump -Fc) of the database
  restore -file F           load a dump into a new, empty database
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, stdout)
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		withDemo := fs.Bool("demo", false, "load the demo data set into an empty DATABASE_URL database")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return serve(ctx, cfg, log, stdout, *withDemo)
	case "migrate":
		return withDB(ctx, cfg, log, func(pool *pgxpool.Pool) error { return migrate(ctx, pool, args, stdout) })
	case "user":
		if len(args) == 0 || args[0] != "add" {
			return errors.New("usage: tianmu user add -username U -name N -role R [-institution ID] < password")
		}
		return withDB(ctx, cfg, log, func(pool *pgxpool.Pool) error { return userAdd(ctx, pool, args[1:], stdin, stdout) })
	case "demo":
		fs := flag.NewFlagSet("demo", flag.ContinueOnError)
		scale := fs.Bool("scale", false, "load the large benchmark data set")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return withDB(ctx, cfg, log, func(pool *pgxpool.Pool) error {
			if err := repository.MigrateUp(ctx, pool); err != nil {
				return err
			}
			if *scale {
				return demo.LoadScale(ctx, pool, demo.DefaultScale, stdout)
			}
			store := repository.New(pool, nil)
			loaded, err := demo.Loaded(ctx, store)
			if err != nil || loaded {
				if loaded {
					fmt.Fprintln(stdout, "the database already has users; demo data not loaded")
				}
				return err
			}
			return demo.Load(ctx, store, password.Default)
		})
	case "backup":
		return backup(ctx, cfg, log, args, stdout)
	case "restore":
		return restore(ctx, cfg, log, args, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// database returns the database URL: DATABASE_URL, or a private cluster
// under the data directory, started now and stopped by the returned func.
func database(ctx context.Context, cfg config.Config, log *slog.Logger) (string, func(), error) {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL, func() {}, nil
	}
	dir := filepath.Join(cfg.DataDir, "postgres")
	log.Info("starting private PostgreSQL cluster", "dir", dir)
	c, err := pgcluster.Start(ctx, dir, pgcluster.Options{Port: cfg.PGPort})
	if err != nil {
		return "", nil, err
	}
	if err := c.CreateDatabase(ctx, "tianmu"); err != nil {
		_ = c.Stop()
		return "", nil, err
	}
	return c.URL("tianmu"), func() {
		log.Info("stopping private PostgreSQL cluster")
		_ = c.Stop()
	}, nil
}

func withDB(ctx context.Context, cfg config.Config, log *slog.Logger, fn func(*pgxpool.Pool) error) error {
	url, stop, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	pool, err := repository.Open(ctx, url, cfg.MaxDBConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	return fn(pool)
}

func migrate(ctx context.Context, pool *pgxpool.Pool, args []string, stdout io.Writer) error {
	p, closeDB, err := repository.Migrator(pool, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	dir := "up"
	if len(args) > 0 {
		dir = args[0]
	}
	switch dir {
	case "up":
		res, err := p.Up(ctx)
		for _, r := range res {
			fmt.Fprintln(stdout, r)
		}
		return err
	case "down":
		r, err := p.Down(ctx)
		if r != nil {
			fmt.Fprintln(stdout, r)
		}
		return err
	case "status":
		st, err := p.Status(ctx)
		for _, s := range st {
			applied := "pending"
			if s.State == "applied" {
				applied = "applied " + s.AppliedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%05d  %-40s %s\n", s.Source.Version, filepath.Base(s.Source.Path), applied)
		}
		return err
	}
	return fmt.Errorf("usage: tianmu migrate up|down|status")
}

func userAdd(ctx context.Context, pool *pgxpool.Pool, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	username := fs.String("username", "", "login name")
	name := fs.String("name", "", "person's name")
	role := fs.String("role", "", "bureau, institution or centre")
	inst := fs.Int64("institution", 0, "institution id (role institution)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := repository.MigrateUp(ctx, pool); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	pw := strings.TrimRight(line, "\r\n")
	if msg := training.CheckPassword(pw, *username); msg != "" {
		return fmt.Errorf("password: %s", msg)
	}
	h, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	store := repository.New(pool, nil)
	id, err := store.CreateUser(ctx, training.System, training.UserInput{Username: *username, Name: *name,
		Role: training.Role(*role), InstitutionID: *inst}, h, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s created (id %d)\n", *username, id)
	return nil
}

// serve migrates and runs the portal. The demo data set holds accounts
// whose password is published: it goes into an empty database only when
// that is the private cluster of `make run` (DATABASE_URL unset) or when
// asked with -demo, never by default into a database someone configured.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer, withDemo bool) error {
	url, stopDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stopDB()
	pool, err := repository.Open(ctx, url, cfg.MaxDBConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := repository.MigrateUp(ctx, pool); err != nil {
		return err
	}
	cfg.Ops.ApplyMemoryLimit()
	store := repository.New(pool, nil)
	wantDemo := withDemo || cfg.DatabaseURL == ""
	if err := loadDemoOnce(ctx, store, log, wantDemo); err != nil {
		return err
	}
	metrics := server.NewMetrics(store)
	ops := cfg.Ops
	runner, err := jobs.New(store, pool, log, jobs.Config{NodeID: ops.NodeID, Workers: ops.JobWorkers, JobTimeout: ops.JobTimeout,
		RescueAfter: ops.JobRescueAfter, Schedule: ops.JobSchedule, Observe: metrics.ObserveJob})
	if err != nil {
		return err
	}
	// Expired sessions are deleted by a scheduled job, once for all nodes.
	srv := server.New(store, cfg, log, server.Options{Metrics: metrics})
	defer srv.Close()
	httpSrv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if !ops.NoJobs {
		if err := runner.Start(ctx); err != nil {
			ln.Close()
			return err
		}
	}
	fmt.Fprintf(stdout, "\n天目 Tianmu is running at http://%s/ (node %s)\n\n", ln.Addr(), ops.NodeID)
	if wantDemo {
		fmt.Fprintf(stdout, "Demo logins (password %s):\n", demo.Password)
		for _, l := range demo.Logins {
			extra := ""
			if l.Institution != "" {
				extra = " — " + l.Institution
			}
			fmt.Fprintf(stdout, "  %-8s %s（%s）%s\n", l.Username, l.Name, l.Role.Label(), extra)
		}
		fmt.Fprintln(stdout)
	}
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		if !ops.NoJobs {
			_ = runner.Stop(context.Background())
		}
		return err
	case <-ctx.Done():
	}
	return shutdown(srv, httpSrv, runner, ops, log)
}

// shutdown stops a node gracefully: /readyz turns 503 so the balancer
// stops sending requests (for DrainDelay), the listener closes and the
// running requests finish, then the job runner stops fetching and waits
// for its running jobs (cancelling them into the queue again if they take
// too long); the caller then closes the pool and the cluster.
func shutdown(srv *server.Server, httpSrv *http.Server, runner *jobs.Runner, ops config.Ops, log *slog.Logger) error {
	log.Info("shutting down: draining", "delay", ops.DrainDelay)
	srv.Drain()
	time.Sleep(ops.DrainDelay)
	hctx, cancel := context.WithTimeout(context.Background(), ops.ShutdownTimeout)
	defer cancel()
	err := httpSrv.Shutdown(hctx)
	if err != nil {
		log.Warn("requests still running at shutdown", "err", err)
	}
	if !ops.NoJobs {
		jctx, cancel := context.WithTimeout(context.Background(), ops.ShutdownTimeout)
		defer cancel()
		if jerr := runner.Stop(jctx); jerr != nil {
			log.Warn("job runner stop", "err", jerr)
		}
	}
	log.Info("stopped")
	return err
}

// demoLock serialises the first start of several nodes on an empty
// database: one loads the demo data, the others wait and find it there.
const demoLock = 7270015

// loadDemoOnce loads the demo data into a database without users when
// wanted (serve -demo, or the private cluster), under a lock, so that
// several nodes starting at once on an empty database load it once.
func loadDemoOnce(ctx context.Context, store *repository.Store, log *slog.Logger, wantDemo bool) error {
	conn, err := store.Pool().Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, demoLock); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, demoLock)
	hasUsers, err := demo.Loaded(ctx, store)
	if err != nil {
		return err
	}
	switch {
	case !hasUsers && wantDemo:
		log.Info("first start: loading demo data")
		return demo.Load(ctx, store, password.Default)
	case !hasUsers:
		log.Warn("the database has no accounts: create the first with `tianmu user add`, or load the demo data with `tianmu demo` (or `serve -demo`)")
	}
	return nil
}
