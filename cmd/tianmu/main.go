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
	store := repository.New(pool, nil)
	hasUsers, err := demo.Loaded(ctx, store)
	if err != nil {
		return err
	}
	wantDemo := withDemo || cfg.DatabaseURL == ""
	switch {
	case !hasUsers && wantDemo:
		log.Info("first start: loading demo data")
		if err := demo.Load(ctx, store, password.Default); err != nil {
			return err
		}
	case !hasUsers:
		log.Warn("the database has no accounts: create the first with `tianmu user add`, or load the demo data with `tianmu demo` (or `serve -demo`)")
	}
	srv := server.New(store, cfg, log, server.Options{SessionCleanup: 5 * time.Minute})
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
	fmt.Fprintf(stdout, "\n天目 Tianmu is running at http://%s/\n\n", ln.Addr())
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
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return httpSrv.Shutdown(sctx)
}
