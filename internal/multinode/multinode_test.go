package multinode_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/dbtest"
	"tianmu/internal/multinode"
	"tianmu/internal/repository"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The node settings of the test: short job limits, so a job whose node
// dies is rescued in well under a minute (River's rescuer runs every 30 s
// on the leader), and the scheduled jobs every few seconds.
var nodeEnv = []string{
	"TIANMU_JOB_TIMEOUT=15s", "TIANMU_JOB_RESCUE_AFTER=20s",
	"TIANMU_JOB_SCHEDULE=session_purge=2s,import_purge=3s,institution_activity=5s",
	"TIANMU_DRAIN_DELAY=3s", "TIANMU_SHUTDOWN_TIMEOUT=15s", "TIANMU_LOG_LEVEL=info",
}

// Three real portal processes behind HAProxy on one database.
func TestSeveralNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three portal processes and HAProxy")
	}
	if _, err := multinode.HAProxy(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("haproxy is missing: .ci/run installs it")
		}
		t.Skip("haproxy not installed (apt-get install haproxy)")
	}
	ctx := context.Background()
	root, _ := filepath.Abs("../..")
	bin := filepath.Join(t.TempDir(), "tianmu")
	if out, err := exec.Command("go", "build", "-o", bin, filepath.Join(root, "cmd", "tianmu")).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dbURL := dbtest.URL(t)
	dir := t.TempDir()
	if d := os.Getenv("TIANMU_MULTINODE_DIR"); d != "" {
		dir = d // keep the node logs
	}
	cl, err := multinode.Start(ctx, multinode.Options{Nodes: 3, Binary: bin, DatabaseURL: dbURL,
		Config: filepath.Join(root, "deploy", "haproxy.cfg"), Dir: dir, Env: nodeEnv, ServeArgs: []string{"-demo"}})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cl.Stop()
		}
		if t.Failed() {
			for _, n := range cl.Nodes {
				b, _ := os.ReadFile(n.Log)
				t.Logf("--- %s log (tail)\n%s", n.ID, tailString(string(b), 4000))
			}
		}
	})
	pool, err := repository.Open(ctx, dbURL, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	started := time.Now()
	n1, n2, n3 := cl.Nodes[0], cl.Nodes[1], cl.Nodes[2]

	t.Run("a session started on one node works on the others", func(t *testing.T) {
		b, err := signIn(n1.URL(), "centre")
		if err != nil {
			t.Fatal(err)
		}
		for _, base := range []string{n2.URL(), n3.URL(), cl.URL()} {
			r, err := b.get(base, "/")
			if err != nil || r.status != http.StatusOK || !strings.Contains(r.body, "赵考务") {
				t.Fatalf("%s: %d %v", base, r.status, err)
			}
		}
		if r, err := b.post(n3.URL(), "/logout", nil); err != nil || r.status != http.StatusSeeOther {
			t.Fatalf("sign out on node 3: %d %v", r.status, err)
		}
		if r, err := b.get(n1.URL(), "/"); err != nil || r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
			t.Fatalf("node 1 after signing out on node 3: %d %s %v", r.status, r.location, err)
		}
	})

	var class int64
	if err := pool.QueryRow(ctx, `SELECT c.id FROM classes c JOIN users u ON u.institution_id = c.institution_id AND u.username = 'school'
		WHERE c.status = 'approved' AND c.start_date > current_date ORDER BY c.start_date LIMIT 1`).Scan(&class); err != nil {
		t.Fatal(err)
	}
	rosterPath := "/classes/" + strconv.FormatInt(class, 10) + "/roster"
	school, err := signIn(n1.URL(), "school")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := school.get(n1.URL(), rosterPath); err != nil {
		t.Fatal(err)
	}

	t.Run("roster validations per second with 2 nodes", func(t *testing.T) {
		if err := n1.Term(30 * time.Second); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := n1.Start(); err != nil {
				t.Fatal(err)
			}
			if err := n1.WaitReady(ctx, time.Minute); err != nil {
				t.Fatal(err)
			}
		}()
		const files, rows = 12, 1000
		var ids []int64
		var datas [][]byte
		for i := 0; i < files; i++ {
			d, err := rosterFile(20000+i*rows, rows)
			if err != nil {
				t.Fatal(err)
			}
			datas = append(datas, d)
		}
		b, err := signIn(cl.URL(), "school")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.get(cl.URL(), rosterPath); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for _, d := range datas {
			r, err := b.upload(cl.URL(), rosterPath+"/import", "名单.xlsx", d)
			if err != nil || r.status != http.StatusSeeOther {
				t.Fatalf("upload: %d %v", r.status, err)
			}
			ids = append(ids, importJobOf(t, r.location))
		}
		uploaded := time.Since(start)
		for _, id := range ids {
			waitValidated(t, pool, id, rows, 3*time.Minute)
		}
		d := time.Since(start)
		var perNode string
		_ = pool.QueryRow(ctx, `SELECT string_agg(n || ': ' || c, ', ') FROM (SELECT attempted_by[array_length(attempted_by, 1)] n, count(*) c
			FROM river_job WHERE kind = 'roster_validate' AND (args->>'import_job_id')::bigint = ANY($1) GROUP BY 1 ORDER BY 1) x`, ids).Scan(&perNode)
		if rows, err := pool.Query(ctx, `SELECT id, to_char(created_at, 'HH24:MI:SS.MS'), coalesce(to_char(attempted_at, 'HH24:MI:SS.MS'), '-'),
				coalesce(to_char(finalized_at, 'HH24:MI:SS.MS'), '-'), attempted_by::text FROM river_job
				WHERE kind = 'roster_validate' AND (args->>'import_job_id')::bigint = ANY($1) ORDER BY id`, ids); err == nil {
			for rows.Next() {
				var id int64
				var c, a, f, by string
				_ = rows.Scan(&id, &c, &a, &f, &by)
				t.Logf("job %d created %s attempted %s finished %s by %s", id, c, a, f, by)
			}
			rows.Close()
		}
		var wait, run float64
		_ = pool.QueryRow(ctx, `SELECT avg(extract(epoch FROM attempted_at - created_at)), avg(extract(epoch FROM finalized_at - attempted_at))
			FROM river_job WHERE kind = 'roster_validate' AND (args->>'import_job_id')::bigint = ANY($1)`, ids).Scan(&wait, &run)
		t.Logf("%d files of %d rows uploaded through the balancer and validated by 2 nodes in %.1f s (uploads %.1f s): %.1f validations/s, %.0f rows/s (%s); a job waited %.2f s on average and ran %.2f s",
			files, rows, d.Seconds(), uploaded.Seconds(), float64(files)/d.Seconds(), float64(files*rows)/d.Seconds(), perNode, wait, run)
	})

	t.Run("an upload is validated when its node is killed right after", func(t *testing.T) {
		data, err := rosterFile(0, 3000)
		if err != nil {
			t.Fatal(err)
		}
		r, err := school.upload(n1.URL(), rosterPath+"/import", "名单.xlsx", data)
		if err != nil || r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d %v", r.status, err)
		}
		n1.Kill()
		killed := time.Now()
		job := importJobOf(t, r.location)
		waitValidated(t, pool, job, 3000, 3*time.Minute)
		t.Logf("upload to node1, node1 killed: validated %.1f s later (%s)", time.Since(killed).Seconds(), attempts(t, pool, job))
		if err := n1.Start(); err != nil {
			t.Fatal(err)
		}
		if err := n1.WaitReady(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
		// The report is the same on every node.
		for _, n := range cl.Nodes {
			page, err := school.get(n.URL(), r.location)
			if err != nil || page.status != http.StatusOK || !strings.Contains(page.body, "3000") {
				t.Fatalf("report on %s: %d %v", n.ID, page.status, err)
			}
		}
	})

	t.Run("a validation whose node dies is finished by another node", func(t *testing.T) {
		data, err := rosterFile(5000, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := school.get(n2.URL(), rosterPath); err != nil {
			t.Fatal(err)
		}
		r, err := school.upload(n2.URL(), rosterPath+"/import", "名单.xlsx", data)
		if err != nil || r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d %v", r.status, err)
		}
		job := importJobOf(t, r.location)
		node := runningOn(t, pool, job, 30*time.Second)
		if node == "" {
			t.Skip("the validation finished before it could be caught running")
		}
		victim := nodeByID(cl, node)
		victim.Kill()
		killed := time.Now()
		waitValidated(t, pool, job, 10000, 3*time.Minute)
		t.Logf("validation running on %s, %s killed: finished by another node %.1f s later (%s)", node, node,
			time.Since(killed).Seconds(), attempts(t, pool, job))
		if err := victim.Start(); err != nil {
			t.Fatal(err)
		}
		if err := victim.WaitReady(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("under load, a node that stops or dies loses no acknowledged write", func(t *testing.T) {
		loadThroughBalancer(t, cl, pool)
	})

	t.Run("validations after the load", func(t *testing.T) {
		// The same measure on the database the load filled (logged only).
		for _, n := range cl.Nodes {
			if !n.Running() {
				if err := n.Start(); err != nil {
					t.Fatal(err)
				}
				if err := n.WaitReady(ctx, time.Minute); err != nil {
					t.Fatal(err)
				}
			}
		}
		var ids []int64
		start := time.Now()
		for i := 0; i < 3; i++ {
			d, err := rosterFile(40000+i*1000, 1000)
			if err != nil {
				t.Fatal(err)
			}
			r, err := school.upload(cl.URL(), rosterPath+"/import", "名单.xlsx", d)
			if err != nil || r.status != http.StatusSeeOther {
				t.Fatalf("upload: %d %v", r.status, err)
			}
			ids = append(ids, importJobOf(t, r.location))
		}
		for _, id := range ids {
			waitValidated(t, pool, id, 1000, 3*time.Minute)
		}
		var wait, run float64
		_ = pool.QueryRow(ctx, `SELECT avg(extract(epoch FROM attempted_at - created_at)), avg(extract(epoch FROM finalized_at - attempted_at))
			FROM river_job WHERE kind = 'roster_validate' AND (args->>'import_job_id')::bigint = ANY($1)`, ids).Scan(&wait, &run)
		t.Logf("after the load: 3 files validated in %.1f s; a job waited %.2f s and ran %.2f s on average", time.Since(start).Seconds(), wait, run)
	})

	cl.Stop()
	stopped = true

	t.Run("each scheduled job ran once per slot across the nodes", func(t *testing.T) {
		rows, err := pool.Query(ctx, `SELECT kind, count(*), count(DISTINCT args->>'slot'), count(*) FILTER (WHERE state = 'completed'),
				count(*) FILTER (WHERE attempt > 1), count(DISTINCT attempted_by[1])
			FROM river_job WHERE kind IN ('session_purge', 'import_purge', 'institution_activity') GROUP BY kind ORDER BY kind`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		elapsed := time.Since(started)
		kinds := 0
		for rows.Next() {
			var kind string
			var jobs, slots, completed, retried, nodes int
			if err := rows.Scan(&kind, &jobs, &slots, &completed, &retried, &nodes); err != nil {
				t.Fatal(err)
			}
			kinds++
			t.Logf("%s: %d runs in %d slots over %.0f s, %d completed, %d needed a second attempt, run by %d nodes",
				kind, jobs, slots, elapsed.Seconds(), completed, retried, nodes)
			// One job per slot, run to completion; only a job whose node
			// was killed under it (three kills) ran twice.
			if jobs != slots || completed < jobs-2 || retried > 3 {
				t.Errorf("%s: %d jobs for %d slots, %d completed, %d retried", kind, jobs, slots, completed, retried)
			}
		}
		if kinds != 3 {
			t.Fatalf("%d scheduled kinds ran", kinds)
		}
		var purges int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'session_purge' AND state = 'completed'`).Scan(&purges)
		if float64(purges) < elapsed.Seconds()/2/3 { // every 2 s, leaderless gaps after the kills allowed for
			t.Errorf("only %d session purges in %.0f s", purges, elapsed.Seconds())
		}
	})

	t.Run("the audit chain verifies", func(t *testing.T) {
		brk, n, err := repository.New(pool, nil).VerifyAudit(ctx)
		if err != nil || brk != nil {
			t.Fatalf("audit chain: %+v after %d rows, %v", brk, n, err)
		}
		t.Logf("audit chain verified: %d rows", n)
	})
}

// loadThroughBalancer has clients create institutions through HAProxy
// while one node is stopped gracefully and another is killed: every write
// the portal acknowledged (303) is in the database; no request fails
// around the graceful stop; after the kill, at most the requests that
// were in flight fail.
func loadThroughBalancer(t *testing.T, cl *multinode.Cluster, pool *pgxpool.Pool) {
	ctx := context.Background()
	var sessions []*browser
	for _, u := range []string{"bureau", "bureau2"} {
		b, err := signIn(cl.URL(), u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.get(cl.URL(), "/institutions/new"); err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, b)
	}
	const clients = 6
	type failure struct {
		at  time.Duration
		why string
	}
	var (
		mu       sync.Mutex
		acked    []int64
		failures []failure
		sent     int
	)
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			b := sessions[c%len(sessions)]
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				form := url.Values{"name": {fmt.Sprintf("负载测试培训学校%d-%d", c, i)}, "credit_code": {creditCode(c*100000 + i)},
					"address": {"临安区锦城街道1号"}, "legal_rep": {"胡"}, "contact_name": {"胡老师"}, "contact_phone": {"13857100000"},
					"venue": {"教室两间"}, "facilities": {"投影"}, "equipment": {"电工实训台"}, "staff": {"教师5人"},
					"csrf_token": {b.csrf}}
				req, _ := http.NewRequest(http.MethodPost, cl.URL()+"/institutions", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				res, err := b.http.Do(req)
				at := time.Since(start)
				mu.Lock()
				sent++
				switch {
				case err != nil:
					failures = append(failures, failure{at, err.Error()})
				case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/institutions/"):
					id, _ := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/institutions/"), 10, 64)
					acked = append(acked, id)
				default:
					failures = append(failures, failure{at, "status " + strconv.Itoa(res.StatusCode)})
				}
				mu.Unlock()
				if res != nil {
					res.Body.Close()
				}
			}
		}(c)
	}
	time.Sleep(4 * time.Second)
	termAt := time.Since(start)
	termDone := make(chan error, 1)
	go func() { termDone <- cl.Nodes[1].Term(30 * time.Second) }()
	time.Sleep(8 * time.Second)
	killAt := time.Since(start)
	cl.Nodes[2].Kill()
	time.Sleep(5 * time.Second)
	close(stop)
	wg.Wait()
	if err := <-termDone; err != nil {
		t.Errorf("graceful stop: %v", err)
	}
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	var stored int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM institutions WHERE id = ANY($1)`, acked).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	var created int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM institutions WHERE name LIKE '负载测试培训学校%'`).Scan(&created)
	t.Logf("%d requests in %.1f s through the balancer (%.0f/s): %d acknowledged, %d failed, %d institutions stored; node2 stopped (SIGTERM) at %.1f s, node3 killed (SIGKILL) at %.1f s",
		sent, elapsed.Seconds(), float64(sent)/elapsed.Seconds(), len(acked), len(failures), created, termAt.Seconds(), killAt.Seconds())
	for _, f := range failures {
		t.Logf("failed at %.2f s: %s", f.at.Seconds(), f.why)
	}
	if stored != len(acked) {
		t.Errorf("%d acknowledged writes, %d stored: acknowledged writes lost", len(acked), stored)
	}
	if len(acked) < 20 {
		t.Errorf("only %d writes acknowledged", len(acked))
	}
	for _, f := range failures {
		if f.at < killAt {
			t.Errorf("a request failed at %.2f s, before the kill (graceful stop at %.2f s): %s", f.at.Seconds(), termAt.Seconds(), f.why)
		}
		if f.at > killAt+10*time.Second {
			t.Errorf("a request failed %.2f s after the kill: %s", (f.at - killAt).Seconds(), f.why)
		}
	}
	// A killed node cuts the request each client has in flight on it; until
	// HAProxy's health check marks it down (fall 2 × inter 1 s) a client's
	// next request can reach the dead node's connection once more (seen: 7
	// failures from 6 clients, 20 ms apart). None of them was acknowledged,
	// so none is a lost write; the bound keeps a flood of failures visible.
	if len(failures) > 2*clients {
		t.Errorf("%d requests failed; at most the %d in flight and one more each before the balancer notices may", len(failures), clients)
	}
}

func importJobOf(t *testing.T, location string) int64 {
	t.Helper()
	i := strings.LastIndex(location, "/import/")
	id, err := strconv.ParseInt(location[i+len("/import/"):], 10, 64)
	if i < 0 || err != nil {
		t.Fatalf("job page %q", location)
	}
	return id
}

func waitValidated(t *testing.T, pool *pgxpool.Pool, job int64, total int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var status string
		var n int
		if err := pool.QueryRow(context.Background(), `SELECT status, total FROM import_jobs WHERE id = $1`, job).Scan(&status, &n); err != nil {
			t.Fatal(err)
		}
		if status == "validated" {
			if n != total {
				t.Fatalf("import %d: %d rows, want %d", job, n, total)
			}
			return
		}
		if status == "failed" || time.Now().After(deadline) {
			t.Fatalf("import %d: %s after %v (%s)", job, status, limit, attempts(t, pool, job))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runningOn waits until the job's validation runs and names the node.
func runningOn(t *testing.T, pool *pgxpool.Pool, job int64, limit time.Duration) string {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var state, node string
		err := pool.QueryRow(context.Background(), `SELECT state::text, coalesce(attempted_by[array_length(attempted_by, 1)], '') FROM river_job
			WHERE kind = 'roster_validate' AND (args->>'import_job_id')::bigint = $1`, job).Scan(&state, &node)
		if err != nil {
			t.Fatal(err)
		}
		switch state {
		case "running":
			return node
		case "completed":
			return ""
		}
	}
	t.Fatal("the validation did not start")
	return ""
}

func attempts(t *testing.T, pool *pgxpool.Pool, job int64) string {
	var s string
	_ = pool.QueryRow(context.Background(), `SELECT state::text || ', attempt ' || attempt || ' on ' || array_to_string(attempted_by, ' then ')
		FROM river_job WHERE kind = 'roster_validate' AND (args->>'import_job_id')::bigint = $1`, job).Scan(&s)
	return s
}

func nodeByID(cl *multinode.Cluster, id string) *multinode.Node {
	for _, n := range cl.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
