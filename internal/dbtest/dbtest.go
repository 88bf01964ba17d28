// Package dbtest gives tests a real PostgreSQL database: TEST_DATABASE_URL
// when set, otherwise a private cluster started once per test process (or
// once per `make test` run, which starts one and sets TEST_DATABASE_URL).
// A template database is migrated once; each test gets a fresh copy.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/pgcluster"
	"tianmu/internal/repository"
	"tianmu/migrations"
)

var (
	once     sync.Once
	adminURL string
	cluster  *pgcluster.Cluster
	template string
	setupErr error
)

// Main wraps testing.M.Run so a cluster this process started is stopped.
func Main(m *testing.M) { MainThen(m, nil) }

// MainThen is Main with a step (after, when not nil) run after the tests
// and before the databases go: a package's shared browser, say.
func MainThen(m *testing.M, after func()) {
	code := m.Run()
	if after != nil {
		after()
	}
	dropDerived()
	if cluster != nil {
		_ = cluster.Stop()
		_ = os.RemoveAll(cluster.Dir)
	}
	os.Exit(code)
}

// StartClusterIn starts a throw-away fast cluster in a fresh directory
// under parent ("" for the system's temporary directory), owned by the
// postgres user when running as root. The caller stops it and removes
// its Dir; on an error the directory is already removed.
func StartClusterIn(ctx context.Context, parent string) (*pgcluster.Cluster, error) {
	dir, err := os.MkdirTemp(parent, "tianmu-pg-")
	if err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if u, err := user.Lookup("postgres"); err == nil {
			uid, _ := strconv.Atoi(u.Uid)
			gid, _ := strconv.Atoi(u.Gid)
			_ = os.Chown(dir, uid, gid)
		}
	}
	// Each socket lives in its own directory, so one port number serves
	// parallel clusters.
	c, err := pgcluster.Start(ctx, dir, pgcluster.Options{Fast: true, Port: 5433})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// TempCluster starts a throw-away cluster of t's own (for tests that stop
// and restart a server); it is stopped and its directory removed when t
// ends.
func TempCluster(t testing.TB) *pgcluster.Cluster {
	t.Helper()
	c, err := StartClusterIn(context.Background(), "")
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		_ = c.Stop()
		if err := os.RemoveAll(c.Dir); err != nil {
			t.Errorf("dbtest: remove %s: %v", c.Dir, err)
		}
	})
	return c
}

func setup() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	adminURL = os.Getenv("TEST_DATABASE_URL")
	if adminURL == "" {
		cluster, setupErr = StartClusterIn(ctx, "")
		if setupErr != nil {
			return
		}
		adminURL = cluster.URL("postgres")
	}
	template, setupErr = ensureTemplate(ctx)
}

// migrationsHash names the template after the migration files, so a new
// migration builds a new template on a shared server.
func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(migrations.FS, p)
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func ensureTemplate(ctx context.Context) (string, error) {
	name := "tianmu_tmpl_" + migrationsHash()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("dbtest: connect %s: %w", redact(adminURL), err)
	}
	defer conn.Close(ctx)
	// Several test processes share one server under `make test`: one builds.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(727272)`); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock(727272)`)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_b"
	_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+building); err != nil {
		return "", err
	}
	pool, err := repository.Open(ctx, pgcluster.WithDatabase(adminURL, building), 4)
	if err != nil {
		return "", err
	}
	err = repository.MigrateUp(ctx, pool)
	pool.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+building+` RENAME TO `+name); err != nil {
		return "", err
	}
	return name, nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(database url)"
	}
	return u.Redacted()
}

// URL creates a fresh migrated database for t, dropped when t ends, and
// returns its connection string.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(setup)
	if setupErr != nil {
		t.Fatalf("dbtest: %v", setupErr)
	}
	return copyOf(t, template)
}

// copyOf creates a copy of database tmpl for t, dropped when t ends.
func copyOf(t testing.TB, tmpl string) string {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("dbtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl)
		if err == nil || attempt == 20 {
			break
		}
		time.Sleep(50 * time.Millisecond) // template briefly busy
	}
	if err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), adminURL)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	return pgcluster.WithDatabase(adminURL, name)
}

// derivedTemplate is a migrated database that a fixture filled once.
type derivedTemplate struct {
	once sync.Once
	name string
	err  error
}

var (
	derivedMu sync.Mutex
	derived   = map[string]*derivedTemplate{}
)

// PoolWith returns a pool on a fresh database holding what load put into
// a migrated database: load runs once per test process and key, and each
// test gets a copy. It is for fixtures every test of a package needs (the
// demo data): load must not depend on the test. The copies are dropped
// when the test ends, the filled database when the process ends (Main).
func PoolWith(t testing.TB, key string, load func(context.Context, *pgxpool.Pool) error) *pgxpool.Pool {
	t.Helper()
	once.Do(setup)
	if setupErr != nil {
		t.Fatalf("dbtest: %v", setupErr)
	}
	derivedMu.Lock()
	d := derived[key]
	if d == nil {
		d = &derivedTemplate{}
		derived[key] = d
	}
	derivedMu.Unlock()
	d.once.Do(func() {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		name := "tianmu_fix_" + hex.EncodeToString(b)
		d.err = buildDerived(name, load)
		d.name = name
	})
	if d.err != nil {
		t.Fatalf("dbtest: fixture %s: %v", key, d.err)
	}
	pool, err := repository.Open(context.Background(), copyOf(t, d.name), 20)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func buildDerived(name string, load func(context.Context, *pgxpool.Pool) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+template); err != nil {
		return err
	}
	pool, err := repository.Open(ctx, pgcluster.WithDatabase(adminURL, name), 4)
	if err != nil {
		return err
	}
	err = load(ctx, pool)
	pool.Close() // copies need the database without connections
	return err
}

// dropDerived drops the databases PoolWith filled.
func dropDerived() {
	derivedMu.Lock()
	defer derivedMu.Unlock()
	if len(derived) == 0 || cluster != nil { // a private cluster goes away whole
		return
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	for _, d := range derived {
		if d.name != "" {
			_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+d.name+` WITH (FORCE)`)
		}
	}
}

// Pool returns a pool on a fresh database, closed when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := repository.Open(context.Background(), URL(t), 20)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}
