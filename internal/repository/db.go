package repository

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"tianmu/migrations"
)

// Open connects a pool to url. Every session runs in Asia/Shanghai so dates
// compare as the regulation reads them, and has a statement timeout so a
// stuck query cannot hold a request forever.
func Open(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("repository: parse database url: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Shanghai"
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = "30000"
	cfg.ConnConfig.RuntimeParams["application_name"] = "tianmu"
	// No parallel query for the portal's statements (unless the URL sets
	// it): its reads are short and many at once, and on the province data
	// set a worker's start cost more than the scan it shared — the centre's
	// "sessions to check" count took 35 ms with a worker and 1.4 ms without
	// (2026-11-30); 32 users at once then queued for workers.
	if _, set := cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"]; !set {
		cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	// No JIT compilation either (unless the URL sets it): PostgreSQL
	// compiles a statement whose estimated cost passes jit_above_cost, and
	// on the province data set that compile took 400 ms of the 725 ms of
	// the bureau's year-end ledger summary of its busiest institution —
	// more than the statement itself (2026-11-30). A portal's statements
	// are answered in milliseconds or are reports read page by page; none
	// runs long enough for compiled expressions to pay back.
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	cfg.HealthCheckPeriod = 10 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("repository: connect: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("repository: connect: %w", err)
	}
	return pool, nil
}

// Migrator wraps the goose provider over the embedded migrations.
func Migrator(pool *pgxpool.Pool, logTo io.Writer) (*goose.Provider, func() error, error) {
	db := stdlib.OpenDBFromPool(pool)
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("repository: migration lock: %w", err)
	}
	opts := []goose.ProviderOption{goose.WithSessionLocker(locker)}
	if logTo != nil {
		opts = append(opts, goose.WithVerbose(true))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, opts...)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("repository: migrations: %w", err)
	}
	return p, db.Close, nil
}

// MigrateUp applies every pending migration.
func MigrateUp(ctx context.Context, pool *pgxpool.Pool) error {
	p, closeDB, err := Migrator(pool, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("repository: migrate up: %w", err)
	}
	return nil
}
