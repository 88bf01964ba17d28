package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Targets (issue 16).
const (
	targetSingleP99 = 20 * time.Millisecond // every page, one client at a time
	targetRatio     = 0.6                   // portal throughput / baseline's, 32 clients
	targetOpenP99   = 50 * time.Millisecond // the mixed stream at a fixed rate
	targetOpenP50   = 10 * time.Millisecond
	targetMemBytes  = 150 << 20 // the portal process's peak resident memory
)

// pageResult is one page against both targets.
// pageResult is a page's run on the portal and on the baseline; in the
// one-client pass also each one's first request, sent before the window
// (a page's first view after the start reads its rows from disk into
// PostgreSQL's cache and plans its statements on a new connection:
// reported, not judged, and a failure fails the row).
type pageResult struct{ portal, base, portalFirst, baseFirst result }

func (pr pageResult) ratio() float64 {
	if pr.base.rps() == 0 {
		return 0
	}
	return pr.portal.rps() / pr.base.rps()
}

func (pr pageResult) failed() string {
	var out []string
	if f := pr.portal.failed(); f != "" {
		out = append(out, "portal: "+f)
	}
	if f := pr.base.failed(); f != "" {
		out = append(out, "baseline: "+f)
	}
	if f := pr.portalFirst.failed(); f != "" && pr.portalFirst.elapsed > 0 {
		out = append(out, "portal's first request: "+f)
	}
	if f := pr.baseFirst.failed(); f != "" && pr.baseFirst.elapsed > 0 {
		out = append(out, "baseline's first request: "+f)
	}
	return strings.Join(out, "; ")
}

type report struct {
	pages          []page
	single, closed []pageResult
	openMixed      []page
	openAll        result
	openWarm       result // the warm-up before it (not judged)
	openPages      []result
	openSent       int
	openLag        time.Duration
	signin         []burstResult
	mem            memPeak
}

type machine struct {
	date, cpu, memory, goVersion, pgVersion, pgMode string
	nproc, gomaxprocs                               int
	poolSize                                        int32
	opts                                            options
	counts                                          string
	loadStart                                       string
	loads                                           []string
	total, loadTime                                 time.Duration
}

func (m *machine) fill(ctx context.Context, pool *pgxpool.Pool) error {
	m.date, m.nproc, m.gomaxprocs, m.goVersion = time.Now().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version()
	m.cpu, m.memory = procField("/proc/cpuinfo", "model name", ":"), memTotal()
	if err := pool.QueryRow(ctx, `SHOW server_version`).Scan(&m.pgVersion); err != nil {
		return err
	}
	var n [14]int64
	err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM institutions), (SELECT count(*) FROM users),
		(SELECT count(*) FROM teachers), (SELECT count(*) FROM classes), (SELECT count(*) FROM classes WHERE status = 'submitted'),
		(SELECT count(*) FROM class_sessions), (SELECT count(*) FROM trainees), (SELECT count(*) FROM enrolments),
		(SELECT count(*) FROM session_deliveries), (SELECT count(*) FROM attendance), (SELECT count(*) FROM exam_applications),
		(SELECT count(*) FROM exam_entries), (SELECT count(*) FROM certificates), pg_database_size(current_database())`).
		Scan(&n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8], &n[9], &n[10], &n[11], &n[12], &n[13])
	m.counts = fmt.Sprintf("%d institutions, %d users, %d teachers; %d class filings (%d waiting for review) with %d sessions; "+
		"%d trainees, %d enrolments, %d sessions recorded with %d attendance marks; %d assessment applications, %d exam entries, "+
		"%d certificates; %.1f GiB", n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], n[11], n[12], float64(n[13])/(1<<30))
	return err
}

// loadAvg is the first three fields of /proc/loadavg.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func memTotal() string {
	v := procField("/proc/meminfo", "MemTotal", ":")
	var kb uint64
	if _, err := fmt.Sscanf(v, "%d", &kb); err != nil {
		return v
	}
	return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
}

func procField(file, key, sep string) string {
	f, err := os.Open(file)
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func ms(d time.Duration) string {
	if d >= 1<<62 {
		return "∞"
	}
	return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000)
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func kindNote(k pageKind) string {
	switch k {
	case kindDownload:
		return " (download)"
	case kindStatic:
		return " (static)"
	}
	return ""
}

func (rep report) render(m machine) (string, []string) {
	var b strings.Builder
	var failures []string
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	fail := func(shape string, p page, why string) {
		failures = append(failures, shape+" "+p.title()+": "+why)
	}
	w("# Tianmu load benchmark\n\n")
	w("Generated by `make bench` (`go run ./cmd/tianmu-bench -out bench/REPORT.md`). Do not edit by hand.\n\n")
	w("| | |\n|---|---|\n")
	w("| date | %s |\n", m.date)
	w("| machine | %d CPUs (`nproc`), GOMAXPROCS %d, %s, %s RAM |\n", m.nproc, m.gomaxprocs, m.cpu, m.memory)
	w("| Go | %s |\n", m.goVersion)
	w("| PostgreSQL | %s, %s, same machine, unix socket |\n", m.pgVersion, m.pgMode)
	w("| data set | %s |\n", m.counts)
	if m.loadTime > 0 {
		w("| loading it | `demo.LoadScale` (`tianmu demo -scale`): %v |\n", m.loadTime.Round(time.Second))
	}
	w("| portal | `server.New(...).Handler()` in a process of its own, production middleware, scs sessions in PostgreSQL, templ; pool size %d |\n", m.poolSize)
	w("| baseline | `server.New(...).BaselineHandler(...)` in a process of its own: the same routes and handlers (so the same repository calls), without middleware, session or user lookup, and a line of plain text instead of the template |\n")
	w("| load generator | this process; keep-alive connections over 127.0.0.1; a request unanswered after %v is a timeout |\n", m.opts.timeout)
	w("| load average (1, 5, 15 min) | %s at the start; %s (the machine is shared) |\n", m.loadStart, strings.Join(m.loads, "; "))
	w("| total run | %v |\n\n", m.total.Round(time.Second))

	w("Latencies in milliseconds. A row **FAILED** when its page completed nothing or answered anything but 200 (or timed out): ")
	w("its figures cannot be believed, and the run exits with an error. Failed requests count as slower than any answer in the percentiles.\n\n")

	if len(rep.single) > 0 {
		w("## One client at a time\n\n")
		w("Each page for %v with one client (then the baseline the same way), after one request sent first and reported apart, not judged "+
			"(\"first\": the page's first view since the start, its rows read into PostgreSQL's cache, its statements planned on a new connection). "+
			"Target: portal p99 < %v on every page (downloads and static files are reported, not judged).\n\n",
			m.opts.single, targetSingleP99)
		w("| page | requests | portal first | portal p50 | portal p99 | baseline first | baseline p50 | baseline p99 | target |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
		met, judged := 0, 0
		for i, pr := range rep.single {
			p := rep.pages[i]
			v := "—"
			if f := pr.failed(); f != "" {
				v = "**FAILED**: " + f
				fail("one client", p, f)
			} else if p.kind == kindPage {
				judged++
				ok := pr.portal.p99 < targetSingleP99
				if ok {
					met++
				}
				v = verdict(ok)
			}
			w("| `%s`%s | %d | %s | %s | %s | %s | %s | %s | %s |\n", strings.TrimPrefix(p.title(), "GET "), kindNote(p.kind), pr.portal.requests,
				ms(pr.portalFirst.p50), ms(pr.portal.p50), ms(pr.portal.p99), ms(pr.baseFirst.p50), ms(pr.base.p50), ms(pr.base.p99), v)
		}
		w("\nMet on %d of %d pages.\n\n", met, judged)
	}
	if len(rep.closed) > 0 {
		w("## %d clients per page, closed loop\n\n", m.opts.concurrency)
		w("Each client sends its next request when the last is answered; %v measured after %v of warm-up, portal then baseline. "+
			"Target: portal throughput ≥ %.1f × the baseline's (static files reported, not judged).\n\n", m.opts.duration, m.opts.warmup, targetRatio)
		w("| page | clients' objects | portal req/s | p50 | p99 | baseline req/s | p50 | p99 | portal/baseline | target |\n")
		w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		met, judged := 0, 0
		for i, pr := range rep.closed {
			p := rep.pages[i]
			v := "—"
			if f := pr.failed(); f != "" {
				v = "**FAILED**: " + f
				fail("closed loop", p, f)
			} else if p.kind != kindStatic {
				judged++
				ok := pr.ratio() >= targetRatio
				if ok {
					met++
				}
				v = verdict(ok)
			}
			w("| `%s`%s | %s | %.0f | %s | %s | %.0f | %s | %s | %.2f | %s |\n", strings.TrimPrefix(p.title(), "GET "), kindNote(p.kind),
				objects(p), pr.portal.rps(), ms(pr.portal.p50), ms(pr.portal.p99), pr.base.rps(), ms(pr.base.p50), ms(pr.base.p99), pr.ratio(), v)
		}
		w("\nMet on %d of %d pages.\n\n", met, judged)
	}
	if len(rep.openMixed) > 0 {
		a := rep.openAll
		w("## Mixed stream at %d requests/s, open loop\n\n", m.opts.rate)
		w("%d requests over %v, one every %v whatever the answers (each in its own goroutine), spread over the main pages of every role "+
			"in proportion to their weights, each role's signed-in clients taking turns. Latency is measured from the time a request was due, "+
			"so a stall shows as late answers (the generator itself was at most %s ms late sending one). Targets: p99 < %v, p50 < %v, no error.\n\n",
			rep.openSent, m.opts.open, time.Second/time.Duration(m.opts.rate), ms(rep.openLag), targetOpenP99, targetOpenP50)
		if m.opts.openWarmup > 0 {
			wu := rep.openWarm
			w("Before it, the same stream for %v as a warm-up, reported and not judged: %d answered, %d errors (%d timeouts), p50 %s, p99 %s ms.\n\n",
				m.opts.openWarmup, wu.requests, wu.errors, wu.timeouts, ms(wu.p50), ms(wu.p99))
		}
		ok := a.failed() == "" && a.p99 < targetOpenP99 && a.p50 < targetOpenP50
		w("| | requests answered | errors (timeouts) | p50 | p99 | target |\n|---|---:|---:|---:|---:|---|\n")
		w("| **all** | %d | %d (%d) | %s | %s | %s |\n", a.requests, a.errors, a.timeouts, ms(a.p50), ms(a.p99), verdict(ok))
		for i, p := range rep.openMixed {
			r := rep.openPages[i]
			w("| `%s` (weight %d) | %d | %d (%d) | %s | %s | |\n", strings.TrimPrefix(p.title(), "GET "), p.mix, r.requests, r.errors, r.timeouts,
				ms(r.p50), ms(r.p99))
			if f := r.failed(); f != "" {
				fail("open loop", p, f)
			}
		}
		w("\n")
	}
	if len(rep.signin) > 0 {
		w("## Sign-in bursts\n\n")
		w("After the pages, the bursts of `tianmu-bench signin` (signin.go) at the same portal process: %d sign-in attempts at once "+
			"(right, wrong and locked passwords, unknown and disabled users), each from its own loopback address, then all from one "+
			"(the portal under test lifts the per-address limit, so both hash as many passwords as arrive). `make bench` also runs "+
			"`tianmu-bench signin` on its own against `tianmu serve` with the production limits (bench/SIGNIN.md).\n\n", rep.signin[0].n)
		w("| burst | attempts | time | p50 | max | transport errors | RSS before | RSS peak |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range rep.signin {
			w("| %s | %d | %v | %v | %v | %d | %s | %s |\n", r.name, r.n, r.elapsed.Round(time.Millisecond), r.p50.Round(time.Millisecond),
				r.pMax.Round(time.Millisecond), r.errs, mib(r.before), mib(r.peak))
			if r.errs > 0 {
				failures = append(failures, "sign-in burst "+r.name+": "+r.firstErr)
			}
		}
		w("\n")
	}
	w("## Memory\n\n")
	during := ""
	if rep.mem.during != "" {
		during = " (during " + rep.mem.during + ")"
	}
	w("The portal process, sampled every 100 ms through the whole run (%d samples): largest VmRSS %s%s; VmHWM (the kernel's peak of the process's life, "+
		"sign-ins included) %s. Target < %d MB: %s.\n\n", rep.mem.samples, mib(rep.mem.rss), during, mib(rep.mem.hwm), targetMemBytes>>20,
		verdict(rep.mem.hwm > 0 && rep.mem.hwm < targetMemBytes))
	w(notes)
	if len(failures) > 0 {
		w("\n**%d measurements FAILED** (see the rows marked so).\n", len(failures))
	}
	return b.String(), failures
}

// objects says what a page's requests walk through.
func objects(p page) string {
	switch p.role {
	case inst:
		return "own"
	case anon:
		return "—"
	}
	return "all"
}

const notes = `## Notes

- Every GET route of the portal is a row, or is listed with its reason in ` + "`notBenched`" + ` (cmd/tianmu-bench/pages.go); ` +
	"`TestEveryGetRouteIsBenched`" + ` walks the router and fails otherwise.
- Detail pages walk through their objects (a different one per request and client): all institutions, filings, applications,
  sessions and certificates for the bureau and the centre; an institution's own for its clients (the first 32 designated
  institutions, each with a 50-trainee class in training). An institution with nothing to ask on a page sits it out; a page no
  client can ask fails the run.
- The data set is ` + "`demo.LoadScale`" + `: every account's password hash is one argon2id hash at the production cost; the audit log
  holds each institution's status history and that of the filings the bureau works on.
`
