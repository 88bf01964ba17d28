// Package pgcluster runs a private PostgreSQL cluster from the locally
// installed server binaries, for `make run` and the test suite. It never
// touches a system cluster: data, socket and log live in one directory.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	Dir  string // data directory
	Port int
	bin  string
	cred *syscall.Credential
	cmd  *exec.Cmd
	ours bool // started by us (false when it was already running)
}

// Options tune the cluster. Fast turns off durability for tests.
type Options struct {
	Fast bool
	Port int // 0 picks 5433
}

// ErrNoBinaries explains what to install when the server binaries are missing.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, postgres) not found: install them with `apt-get install postgresql` (Debian/Ubuntu), or set DATABASE_URL to an existing database")

// FindBinDir locates initdb and postgres: $TIANMU_PG_BINDIR, `pg_config
// --bindir`, then the newest /usr/lib/postgresql/<major>/bin.
func FindBinDir() (string, error) {
	var cands []string
	if d := os.Getenv("TIANMU_PG_BINDIR"); d != "" {
		cands = append(cands, d)
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		cands = append(cands, strings.TrimSpace(string(out)))
	}
	if dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin"); len(dirs) > 0 {
		sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
		cands = append(cands, dirs...)
	}
	for _, d := range cands {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func majorOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// credential returns the postgres OS user's credential when running as root
// (initdb and postgres refuse to run as root), else nil.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root needs the `postgres` OS user (installed with the postgresql package): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// Start initialises dir on first use and starts the server on a unix socket
// inside dir. If a server from an earlier run is still up there, it is used.
func Start(ctx context.Context, dir string, o Options) (*Cluster, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	if o.Port == 0 {
		o.Port = 5433
	}
	c := &Cluster{Dir: dir, Port: o.Port, bin: bin, cred: cred}
	if err := c.ensureDirs(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	}
	if c.running() {
		return c, nil
	}
	if err := c.start(ctx, o.Fast); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cluster) ensureDirs() error {
	// Every directory from the data dir's parent up must be traversable by
	// the postgres user; os.MkdirAll leaves 0755 which is enough.
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if c.cred != nil {
		if err := os.Chown(c.Dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return fmt.Errorf("pgcluster: chown %s: %w", c.Dir, err)
		}
		for p := filepath.Dir(c.Dir); p != "/" && p != "."; p = filepath.Dir(p) {
			st, err := os.Stat(p)
			if err == nil && st.Mode().Perm()&0o001 == 0 {
				_ = os.Chmod(p, st.Mode().Perm()|0o011)
			}
		}
	}
	return nil
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

func (c *Cluster) initdb(ctx context.Context) error {
	out, err := c.command(ctx, "initdb", "-D", c.Dir, "--auth=trust", "-U", "postgres",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: initdb: %w\n%s", err, out)
	}
	return nil
}

// SocketDir is where the unix socket lives.
func (c *Cluster) SocketDir() string { return c.Dir }

func (c *Cluster) socketPath() string {
	return filepath.Join(c.Dir, fmt.Sprintf(".s.PGSQL.%d", c.Port))
}

func (c *Cluster) running() bool {
	_, err := os.Stat(c.socketPath())
	if err != nil {
		return false
	}
	pid, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
	if err != nil {
		return false
	}
	n, _ := strconv.Atoi(strings.SplitN(string(pid), "\n", 2)[0])
	return n > 0 && syscall.Kill(n, 0) == nil
}

func (c *Cluster) start(ctx context.Context, fast bool) error {
	args := []string{"-D", c.Dir, "-k", c.Dir, "-p", strconv.Itoa(c.Port), "-c", "listen_addresses=",
		"-c", "max_connections=200", "-c", "shared_buffers=128MB"}
	if fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	logf, err := os.OpenFile(filepath.Join(c.Dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("pgcluster: log: %w", err)
	}
	if c.cred != nil {
		_ = logf.Chown(int(c.cred.Uid), int(c.cred.Gid))
	}
	// Not CommandContext: the server must outlive the start-up context.
	cmd := c.command(context.Background(), "postgres", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("pgcluster: start postgres: %w", err)
	}
	c.cmd, c.ours = cmd, true
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(c.Dir, "server.log"))
			return fmt.Errorf("pgcluster: postgres exited: %v\n%s", err, tail(string(log), 2000))
		case <-ctx.Done():
			_ = c.Stop()
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if c.command(ctx, "pg_isready", "-h", c.Dir, "-p", strconv.Itoa(c.Port), "-q").Run() == nil {
			return nil
		}
	}
	return errors.New("pgcluster: postgres did not become ready in 30s; see " + filepath.Join(c.Dir, "server.log"))
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// URL is a connection string for database name over the unix socket.
func (c *Cluster) URL(database string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + database}
	q := url.Values{}
	q.Set("host", c.Dir)
	q.Set("port", strconv.Itoa(c.Port))
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	return u.String()
}

// CreateDatabase creates database name if it does not exist.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	out, err := c.command(ctx, "psql", "-h", c.Dir, "-p", strconv.Itoa(c.Port), "-U", "postgres", "-d", "postgres",
		"-tAc", "SELECT 1 FROM pg_database WHERE datname = '"+name+"'").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: psql: %w\n%s", err, out)
	}
	if strings.TrimSpace(string(out)) == "1" {
		return nil
	}
	out, err = c.command(ctx, "createdb", "-h", c.Dir, "-p", strconv.Itoa(c.Port), "-U", "postgres", name).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: createdb %s: %w\n%s", name, err, out)
	}
	return nil
}

// Stop shuts the server down (fast mode) if this process started it.
func (c *Cluster) Stop() error {
	if !c.ours || c.cmd == nil || c.cmd.Process == nil {
		return nil
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() {
		for c.running() {
			time.Sleep(50 * time.Millisecond)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
	}
	c.ours = false
	return nil
}

// WithDatabase is the connection string raw pointed at database db.
func WithDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}
