package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/config"
	"tianmu/internal/pgcluster"
)

// backup writes a logical dump of the database (pg_dump's custom format:
// compressed, restorable table by table) into a directory.
func backup(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dir := fs.String("dir", "backups", "directory for the dump")
	if err := fs.Parse(args); err != nil {
		return err
	}
	url, stop, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(*dir, "tianmu-"+time.Now().In(time.Local).Format("20060102-150405")+".dump")
	out, err := pgTool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file="+path, "--dbname="+url).CombinedOutput()
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("pg_dump: %w\n%s", err, out)
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s (%d KB)\n", path, st.Size()>>10)
	return nil
}

// restore loads a dump made by backup into an empty database (a new
// one: it refuses a database that has tables), in one transaction.
func restore(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	file := fs.String("file", "", "the dump to restore")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("usage: tianmu restore -file backups/tianmu-….dump (into an empty database)")
	}
	url, stop, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	var tables int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables)
	conn.Close(ctx)
	if err != nil {
		return err
	}
	if tables > 0 {
		return fmt.Errorf("restore: the database has %d tables; restore into a new, empty database", tables)
	}
	out, err := pgTool("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname="+url, *file).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_restore: %w\n%s", err, out)
	}
	fmt.Fprintf(stdout, "restored %s\n", *file)
	return nil
}

// pgTool runs pg_dump or pg_restore from the server binaries' directory
// (the same version as the private cluster), or from PATH.
func pgTool(name string, args ...string) *exec.Cmd {
	if dir, err := pgcluster.FindBinDir(); err == nil {
		if p := filepath.Join(dir, name); isFile(p) {
			return exec.Command(p, args...)
		}
	}
	return exec.Command(name, args...)
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
