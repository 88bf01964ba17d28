// Command tianmu-cluster runs Tianmu as a multi-node deployment on this
// machine: N portal processes on loopback ports behind HAProxy (Debian's
// haproxy, configured by deploy/haproxy.cfg), on DATABASE_URL or the
// private cluster under TIANMU_DATA_DIR. Ctrl-C stops them all. `make
// cluster N=3` builds bin/tianmu and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"tianmu/internal/config"
	"tianmu/internal/multinode"
	"tianmu/internal/pgcluster"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tianmu-cluster:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 3, "number of portal nodes")
	bin := flag.String("bin", "bin/tianmu", "the portal binary")
	basePort := flag.Int("node-port", 8081, "port of the first node (the others follow)")
	haproxyCfg := flag.String("config", "deploy/haproxy.cfg", "HAProxy configuration template")
	withDemo := flag.Bool("demo", false, "load the demo data set into an empty DATABASE_URL database (always on the private cluster)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	url := cfg.DatabaseURL
	var serveArgs []string
	if *withDemo || url == "" {
		serveArgs = []string{"-demo"}
	}
	if url == "" {
		c, err := pgcluster.Start(ctx, filepath.Join(cfg.DataDir, "postgres"), pgcluster.Options{Port: cfg.PGPort})
		if err != nil {
			return err
		}
		defer c.Stop()
		if err := c.CreateDatabase(ctx, "tianmu"); err != nil {
			return err
		}
		url = c.URL("tianmu")
	}
	var ports []int
	for i := 0; i < *n; i++ {
		ports = append(ports, *basePort+i)
	}
	fmt.Printf("starting %d nodes on 127.0.0.1:%d-%d behind HAProxy on %s …\n", *n, ports[0], ports[len(ports)-1], cfg.Addr)
	cl, err := multinode.Start(ctx, multinode.Options{Nodes: *n, Binary: *bin, DatabaseURL: url, Addr: cfg.Addr, NodePorts: ports,
		Config: *haproxyCfg, Dir: filepath.Join(cfg.DataDir, "cluster"), Env: []string{"TIANMU_DRAIN_DELAY=" + drainDelay()}, ServeArgs: serveArgs})
	if err != nil {
		return err
	}
	defer cl.Stop()
	fmt.Printf("\n天目 Tianmu is running at %s/ (%d nodes; logs in %s)\n", cl.URL(), *n, filepath.Join(cfg.DataDir, "cluster"))
	for _, node := range cl.Nodes {
		fmt.Printf("  %s  %s/\n", node.ID, node.URL())
	}
	fmt.Println("Ctrl-C stops the balancer, every node and the private cluster.")
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Println("stopping …")
			return nil
		case <-tick.C:
			for _, node := range cl.Nodes {
				if !node.Running() {
					fmt.Printf("%s stopped (see its log); restarting\n", node.ID)
					if err := node.Start(); err != nil {
						return err
					}
				}
			}
		}
	}
}

// drainDelay covers HAProxy's health checks (fall 2 × inter 1 s).
func drainDelay() string {
	if d := os.Getenv("TIANMU_DRAIN_DELAY"); d != "" {
		return d
	}
	return strconv.Itoa(3) + "s"
}
