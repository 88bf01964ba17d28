// Package multinode runs several Tianmu nodes on loopback ports behind
// HAProxy on one database: `make cluster` and the multi-node test use it.
// Every process is a child of the caller, stopped by Stop.
package multinode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options describe a cluster of nodes.
type Options struct {
	Nodes       int      // how many portal processes
	Binary      string   // the tianmu binary
	DatabaseURL string   // the database every node uses
	Addr        string   // the balancer's address; "" picks a free loopback port
	NodePorts   []int    // the nodes' ports; nil picks free loopback ports
	Config      string   // the HAProxy configuration template (deploy/haproxy.cfg)
	Dir         string   // where the generated configuration and the logs go
	Env         []string // extra environment of every node (KEY=value)
	ServeArgs   []string // after `tianmu serve`, e.g. -demo
	Out         io.Writer
}

// Node is one portal process.
type Node struct {
	ID   string
	Addr string // host:port
	Log  string // its stdout and stderr
	env  []string
	bin  string
	args []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Cluster is the running nodes and the balancer.
type Cluster struct {
	Nodes []*Node
	Addr  string // the balancer
	o     Options
	lb    *exec.Cmd
	lbEnd chan struct{}
}

// URL is the balancer's base URL.
func (c *Cluster) URL() string { return "http://" + c.Addr }

// URL is the node's own base URL (bypassing the balancer).
func (n *Node) URL() string { return "http://" + n.Addr }

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// HAProxy finds the haproxy binary (Debian puts it in /usr/sbin, which a
// user's PATH may lack).
func HAProxy() (string, error) {
	if p, err := exec.LookPath("haproxy"); err == nil {
		return p, nil
	}
	if st, err := os.Stat("/usr/sbin/haproxy"); err == nil && !st.IsDir() {
		return "/usr/sbin/haproxy", nil
	}
	return "", errors.New("multinode: haproxy not found: apt-get install haproxy")
}

// Start starts the first node (it migrates and, on an empty database,
// loads the demo data), waits until it is ready, then the others, then
// HAProxy, and waits until the balancer answers.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	if o.Nodes < 1 {
		return nil, errors.New("multinode: at least one node")
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	haproxy, err := HAProxy()
	if err != nil {
		return nil, err
	}
	c := &Cluster{o: o, Addr: o.Addr}
	if c.Addr == "" {
		p, err := FreePort()
		if err != nil {
			return nil, err
		}
		c.Addr = "127.0.0.1:" + strconv.Itoa(p)
	}
	for i := 0; i < o.Nodes; i++ {
		port := 0
		if i < len(o.NodePorts) {
			port = o.NodePorts[i]
		} else if port, err = FreePort(); err != nil {
			return nil, err
		}
		id := "node" + strconv.Itoa(i+1)
		n := &Node{ID: id, Addr: "127.0.0.1:" + strconv.Itoa(port), Log: filepath.Join(o.Dir, id+".log"), bin: o.Binary,
			args: append([]string{"serve"}, o.ServeArgs...)}
		n.env = append(os.Environ(), "DATABASE_URL="+o.DatabaseURL, "TIANMU_ADDR="+n.Addr, "TIANMU_NODE_ID="+id,
			"TIANMU_BASE_URL=http://"+c.Addr, "TIANMU_TRUSTED_PROXIES=127.0.0.1/32,::1/128")
		n.env = append(n.env, o.Env...)
		c.Nodes = append(c.Nodes, n)
	}
	ok := false
	defer func() {
		if !ok {
			c.Stop()
		}
	}()
	for i, n := range c.Nodes {
		if err := n.Start(); err != nil {
			return nil, err
		}
		if i == 0 { // the others start on a migrated, filled database
			if err := n.WaitReady(ctx, 2*time.Minute); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range c.Nodes[1:] {
		if err := n.WaitReady(ctx, time.Minute); err != nil {
			return nil, err
		}
	}
	cfg, err := c.writeConfig()
	if err != nil {
		return nil, err
	}
	lbLog, err := os.Create(filepath.Join(o.Dir, "haproxy.log"))
	if err != nil {
		return nil, err
	}
	c.lb = exec.Command(haproxy, "-db", "-f", cfg)
	c.lb.Env = append(os.Environ(), "TIANMU_LB_ADDR="+c.Addr)
	c.lb.Stdout, c.lb.Stderr = lbLog, lbLog
	c.lb.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.lb.Start(); err != nil {
		lbLog.Close()
		return nil, fmt.Errorf("multinode: haproxy: %w", err)
	}
	c.lbEnd = make(chan struct{})
	go func() { _ = c.lb.Wait(); lbLog.Close(); close(c.lbEnd) }()
	if err := waitHTTP(ctx, c.URL()+"/readyz", 30*time.Second, c.lbEnd); err != nil {
		log, _ := os.ReadFile(filepath.Join(o.Dir, "haproxy.log"))
		return nil, fmt.Errorf("multinode: balancer not ready: %w\n%s", err, log)
	}
	ok = true
	return c, nil
}

// writeConfig copies the template with a server line per node.
func (c *Cluster) writeConfig() (string, error) {
	tmpl, err := os.ReadFile(c.o.Config)
	if err != nil {
		return "", err
	}
	var servers strings.Builder
	for _, n := range c.Nodes {
		fmt.Fprintf(&servers, "    server %s %s check\n", n.ID, n.Addr)
	}
	out := strings.Replace(string(tmpl), "#@servers\n", servers.String(), 1)
	if out == string(tmpl) {
		return "", fmt.Errorf("multinode: %s has no #@servers line", c.o.Config)
	}
	p := filepath.Join(c.o.Dir, "haproxy.cfg")
	return p, os.WriteFile(p, []byte(out), 0o644)
}

// Start starts (or restarts) the node's process.
func (n *Node) Start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	log, err := os.OpenFile(n.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.bin, n.args...)
	cmd.Env = n.env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("multinode: start %s: %w", n.ID, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); log.Close(); close(done) }()
	n.cmd, n.done = cmd, done
	return nil
}

// Running reports whether the process is alive.
func (n *Node) Running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.done == nil {
		return false
	}
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

// Kill ends the node with SIGKILL (a crash: nothing is cleaned up) and
// waits until it is gone.
func (n *Node) Kill() { n.signal(syscall.SIGKILL, 0) }

// Term asks the node to shut down gracefully (SIGTERM) and waits up to
// wait for it; then it kills it.
func (n *Node) Term(wait time.Duration) error {
	if !n.signal(syscall.SIGTERM, wait) {
		n.Kill()
		return fmt.Errorf("multinode: %s did not stop within %v", n.ID, wait)
	}
	return nil
}

// signal sends sig and waits for the exit (forever for SIGKILL); false
// when the node is still running after wait.
func (n *Node) signal(sig syscall.Signal, wait time.Duration) bool {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return true
	}
	_ = cmd.Process.Signal(sig)
	if sig == syscall.SIGKILL {
		<-done
		return true
	}
	select {
	case <-done:
		return true
	case <-time.After(wait):
		return false
	}
}

// WaitReady waits until the node's /readyz answers 200.
func (n *Node) WaitReady(ctx context.Context, limit time.Duration) error {
	n.mu.Lock()
	done := n.done
	n.mu.Unlock()
	if err := waitHTTP(ctx, n.URL()+"/readyz", limit, done); err != nil {
		log, _ := os.ReadFile(n.Log)
		return fmt.Errorf("multinode: %s not ready: %w\n%s", n.ID, err, tail(log, 3000))
	}
	return nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func waitHTTP(ctx context.Context, url string, limit time.Duration, exited <-chan struct{}) error {
	deadline := time.Now().Add(limit)
	cl := &http.Client{Timeout: 2 * time.Second}
	for {
		res, err := cl.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		select {
		case <-exited:
			return errors.New("the process exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %v: %w", limit, err)
		}
	}
}

// Stop stops the balancer and every node (SIGTERM, then SIGKILL after
// 30 s).
func (c *Cluster) Stop() {
	if c.lb != nil && c.lb.Process != nil {
		_ = c.lb.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.lbEnd:
		case <-time.After(5 * time.Second):
			_ = c.lb.Process.Kill()
			<-c.lbEnd
		}
		c.lb = nil
	}
	var wg sync.WaitGroup
	for _, n := range c.Nodes {
		if !n.Running() {
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = n.Term(30 * time.Second) }()
	}
	wg.Wait()
}
