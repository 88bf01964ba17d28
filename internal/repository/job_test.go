package repository_test

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	"tianmu/internal/jobs"
	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
)

// The validation job is enqueued in the upload's transaction: an accepted
// upload has its stored file and its job, a refused one has neither.
func TestImportJobEnqueuedWithUpload(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass()
	data := xlsxOf(t, [][]string{rowOf(traineeIn(1))})
	if _, err := cf.s.CreateImportJob(cf.ctx, cf.school, id, "a.xlsx", data); !errors.Is(err, repository.ErrNoQueue) {
		t.Fatalf("without a queue: %v", err)
	}
	if _, err := jobs.NewInserter(cf.s); err != nil {
		t.Fatal(err)
	}
	job, err := cf.s.CreateImportJob(cf.ctx, cf.school, id, "a.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if n := cf.count(`SELECT count(*) FROM river_job WHERE kind = 'roster_validate' AND queue = 'roster' AND state = 'available'
		AND (args->>'import_job_id')::bigint = $1`, job); n != 1 {
		t.Fatalf("river jobs for import %d: %d", job, n)
	}
	if _, err := cf.s.CreateImportJob(cf.ctx, cf.acad, id, "b.xlsx", data); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution's class: %v", err)
	}
	if n := cf.count(`SELECT count(*) FROM river_job`); n != 1 {
		t.Fatalf("a refused upload left a job: %d", n)
	}
	if n := cf.count(`SELECT count(*) FROM import_files`); n != 1 {
		t.Fatalf("files: %d", n)
	}
}

// A validation interrupted half way (its node died) leaves nothing staged,
// and the next run validates the file once.
func TestStageImportAgainAfterInterruption(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass()
	if _, err := jobs.NewInserter(cf.s); err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for i := 0; i < 1200; i++ {
		rows = append(rows, rowOf(traineeIn(100+i)))
	}
	job, err := cf.s.CreateImportJob(cf.ctx, cf.school, id, "a.xlsx", xlsxOf(t, rows))
	if err != nil {
		t.Fatal(err)
	}
	run := func(stopAfter int) error {
		data, err := cf.s.ImportFile(cf.ctx, job)
		if err != nil {
			return err
		}
		rd, err := roster.Open(data)
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		n := 0
		return cf.s.StageImport(cf.ctx, job, func() (training.RosterRow, error) {
			if n++; n > stopAfter {
				return training.RosterRow{}, errors.New("connection lost")
			}
			return rd.Next(cf.s.Today())
		})
	}
	if err := run(700); err == nil {
		t.Fatal("interrupted run succeeded")
	}
	if n := cf.count(`SELECT count(*) FROM import_rows WHERE job_id = $1`, job); n != 0 {
		t.Fatalf("%d rows staged by the interrupted run", n)
	}
	if n := cf.count(`SELECT processed FROM import_jobs WHERE id = $1 AND status = 'validating'`, job); n != 500 {
		t.Fatalf("progress of the interrupted run: %d", n)
	}
	if err := run(1 << 30); err != nil {
		t.Fatal(err)
	}
	if n := cf.count(`SELECT count(*) FROM import_rows WHERE job_id = $1`, job); n != 1200 {
		t.Fatalf("staged %d rows", n)
	}
	if n := cf.count(`SELECT valid FROM import_jobs WHERE id = $1 AND status = 'validated' AND total = 1200`, job); n != 1200 {
		t.Fatalf("valid %d", n)
	}
	// The status page reads the class, the job and its report at once, as
	// the separate reads give them.
	c, j, report, err := cf.s.ImportJobPage(cf.ctx, cf.school, id, job, 20)
	if err != nil {
		t.Fatal(err)
	}
	wantJob, wantReport, err := cf.s.ImportJob(cf.ctx, cf.school, id, job, 20)
	if err != nil {
		t.Fatal(err)
	}
	wantClass, err := cf.s.ClassByID(cf.ctx, cf.school, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(j, wantJob) || !reflect.DeepEqual(report, wantReport) || !reflect.DeepEqual(c, wantClass) || j.Status != "validated" {
		t.Fatalf("import job page %+v %v, separate reads %+v %v", j, report, wantJob, wantReport)
	}
	if _, _, _, err := cf.s.ImportJobPage(cf.ctx, cf.acad, id, job, 20); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution's job page: %v", err)
	}
	if _, _, _, err := cf.s.ImportJobPage(cf.ctx, cf.school, id, job+1000, 20); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("a missing job: %v", err)
	}
	// A third delivery finds the file gone: nothing to do.
	if err := run(1 << 30); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("run after validation: %v", err)
	}
	if err := cf.s.StageImport(cf.ctx, job, func() (training.RosterRow, error) { return training.RosterRow{}, io.EOF }); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("staging a validated job again: %v", err)
	}
}

func TestPurgeImports(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass()
	job := stage(t, cf.ctx, cf.s, cf.school, id, xlsxOf(t, [][]string{rowOf(traineeIn(1)), {"坏", "行"}}))
	if n, _, err := cf.s.PurgeImports(cf.ctx); err != nil || n != 0 {
		t.Fatalf("fresh import purged: %d %v", n, err)
	}
	cf.setNow(cf.now.Add(repository.ImportRetention + time.Hour))
	n, rows, err := cf.s.PurgeImports(cf.ctx)
	if err != nil || n != 1 || rows != 2 {
		t.Fatalf("purge: jobs %d rows %d %v", n, rows, err)
	}
	if c := cf.count(`SELECT count(*) FROM import_rows`); c != 0 {
		t.Fatalf("%d staged rows left", c)
	}
	if c := cf.count(`SELECT count(*) FROM audit_log WHERE action = 'roster.import_purge' AND (after->>'rows')::int = 2`); c != 1 {
		t.Fatalf("purge audit rows: %d", c)
	}
	if _, err := cf.s.ImportRoster(cf.ctx, cf.school, id, job); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("importing a purged job: %v", err)
	}
	j, _, err := cf.s.ImportJob(cf.ctx, cf.school, id, job, 10)
	if err != nil || !j.Purged {
		t.Fatalf("job page after purge: %+v %v", j, err)
	}
	if n, _, err := cf.s.PurgeImports(cf.ctx); err != nil || n != 0 {
		t.Fatalf("second purge: %d %v", n, err)
	}
	if c := cf.count(`SELECT count(*) FROM audit_log WHERE action = 'roster.import_purge'`); c != 1 {
		t.Fatalf("an empty purge was audited: %d", c)
	}
}

func TestPurgeSessions(t *testing.T) {
	cf := newClassFixture(t)
	if _, err := cf.s.Pool().Exec(cf.ctx, `INSERT INTO sessions (token, data, expiry) VALUES
		('old', '', now() - interval '1 minute'), ('live', '', now() + interval '1 hour')`); err != nil {
		t.Fatal(err)
	}
	n, err := cf.s.PurgeSessions(cf.ctx)
	if err != nil || n != 1 || cf.count(`SELECT count(*) FROM sessions WHERE token = 'live'`) != 1 {
		t.Fatalf("purged %d: %v", n, err)
	}
}

// INST-4 with its warning, as the nightly job stores it: the academy
// never started a class, so its six months run from its designation.
func TestRecomputeActivity(t *testing.T) {
	cf := newClassFixture(t)
	acad := cf.acad.InstitutionID
	var decided time.Time
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT decision_date FROM institutions WHERE id = $1`, acad).Scan(&decided); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, repository.Shanghai)
	}
	state := func() string {
		var s string
		_ = cf.s.Pool().QueryRow(cf.ctx, `SELECT coalesce((SELECT state FROM institution_activity WHERE institution_id = $1), 'ok')`, acad).Scan(&s)
		return s
	}
	if _, err := cf.s.RecomputeActivity(cf.ctx); err != nil || state() != "ok" {
		t.Fatalf("in March: %s %v", state(), err)
	}
	cf.setNow(at(decided.AddDate(0, 6, -10))) // flagged within a month
	ch, err := cf.s.RecomputeActivity(cf.ctx)
	if err != nil || state() != "warning" || len(ch.NewlyWarned) != 1 || ch.NewlyWarned[0] != acad || ch.Flagged != 0 {
		t.Fatalf("a month before: %s %+v %v", state(), ch, err)
	}
	cf.setNow(at(decided.AddDate(0, 6, 10))) // six months and ten days
	ch, err = cf.s.RecomputeActivity(cf.ctx)
	if err != nil || state() != "flagged" || len(ch.NewlyFlagged) != 1 || ch.Flagged != 1 {
		t.Fatalf("after six months: %s %+v %v", state(), ch, err)
	}
	flagged, warned, err := cf.s.ActivityCounts(cf.ctx, cf.bureau)
	if err != nil || flagged != 1 || warned != 0 {
		t.Fatalf("counts %d %d %v", flagged, warned, err)
	}
	if _, _, err := cf.s.ActivityCounts(cf.ctx, cf.school); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("school reads the counts: %v", err)
	}
	// The same day again: nothing changes, nothing is audited.
	before := cf.count(`SELECT count(*) FROM audit_log WHERE action = 'institution.activity'`)
	if ch, err := cf.s.RecomputeActivity(cf.ctx); err != nil || ch.Changed() || ch.Flagged != 1 {
		t.Fatalf("second run: %+v %v", ch, err)
	}
	if before != 2 || cf.count(`SELECT count(*) FROM audit_log WHERE action = 'institution.activity'`) != before {
		t.Fatalf("audit rows: %d", before)
	}
	// Suspended: no longer designated, the flag goes.
	if _, err := cf.s.Pool().Exec(cf.ctx, `UPDATE institutions SET status = 'suspended' WHERE id = $1`, acad); err != nil {
		t.Fatal(err)
	}
	if ch, err := cf.s.RecomputeActivity(cf.ctx); err != nil || len(ch.Cleared) != 1 || state() != "ok" {
		t.Fatalf("after suspension: %+v %v", ch, err)
	}
}

func TestRetryJob(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass()
	if _, err := jobs.NewInserter(cf.s); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.s.CreateImportJob(cf.ctx, cf.school, id, "a.xlsx", xlsxOf(t, [][]string{rowOf(traineeIn(1))})); err != nil {
		t.Fatal(err)
	}
	var jid int64
	if err := cf.s.Pool().QueryRow(cf.ctx, `UPDATE river_job SET state = 'discarded', attempt = 5, finalized_at = now(),
		errors = ARRAY['{"error": "名单文件校验出错：数据库暂时不可用", "attempt": 5}'::jsonb] RETURNING id`).Scan(&jid); err != nil {
		t.Fatal(err)
	}
	j, err := cf.s.QueueJob(cf.ctx, cf.bureau, jid)
	if err != nil || !j.Failed() || j.LastError != "名单文件校验出错：数据库暂时不可用" || j.Kind != "roster_validate" {
		t.Fatalf("job: %+v %v", j, err)
	}
	if err := cf.s.RetryJob(cf.ctx, cf.school, jid); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("school retries: %v", err)
	}
	if err := cf.s.RetryJob(cf.ctx, cf.bureau, jid+1000); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("missing job: %v", err)
	}
	if err := cf.s.RetryJob(cf.ctx, cf.bureau, jid); err != nil {
		t.Fatal(err)
	}
	if n := cf.count(`SELECT count(*) FROM river_job WHERE id = $1 AND state = 'available'`, jid); n != 1 {
		t.Fatal("job not back in the queue")
	}
	if n := cf.count(`SELECT count(*) FROM audit_log WHERE action = 'job.retry' AND entity_id = $1 AND actor_role = 'bureau'`, jid); n != 1 {
		t.Fatal("retry not audited")
	}
	if err := cf.s.RetryJob(cf.ctx, cf.bureau, jid); !errors.Is(err, training.ErrConflict) {
		t.Fatalf("retrying a waiting job: %v", err)
	}
	counts, err := cf.s.JobStateCounts(cf.ctx, cf.bureau)
	if err != nil || counts["available"] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
	list, err := cf.s.QueueJobs(cf.ctx, cf.bureau, []string{"available"}, 10)
	if err != nil || len(list) != 1 || list[0].ID != jid {
		t.Fatalf("list %+v %v", list, err)
	}
	// The job page reads the same in one round trip.
	ts, counter := tracedStore(t, cf)
	counter.reset()
	pageCounts, lists, err := ts.JobsPage(cf.ctx, cf.bureau, [][]string{{"available"}, {"completed"}}, 10)
	if err != nil || counter.roundTrips != 1 || !reflect.DeepEqual(pageCounts, counts) || len(lists) != 2 ||
		!reflect.DeepEqual(lists[0], list) {
		t.Fatalf("job page: %d round trips, %v %v %+v", counter.roundTrips, err, pageCounts, lists)
	}
	if _, _, err := ts.JobsPage(cf.ctx, cf.school, nil, 10); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("an institution's job page: %v", err)
	}
}

// The check for duplicates inside a file runs its window once per file,
// also when ANALYZE has seen many staged rows of earlier imports (the
// planner then expects a new job to have a row or two; the window used to
// run again for every row: seconds for 1,000 rows).
func TestDuplicateCheckRunsOnce(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass()
	var rows [][]string
	for i := 0; i < 3000; i++ {
		rows = append(rows, rowOf(traineeIn(10000+i)))
	}
	stage(t, cf.ctx, cf.s, cf.school, id, xlsxOf(t, rows))
	if _, err := cf.s.Pool().Exec(cf.ctx, `ANALYZE import_rows`); err != nil {
		t.Fatal(err)
	}
	job := stage(t, cf.ctx, cf.s, cf.school, id, xlsxOf(t, rows[:500]))
	tx, err := cf.s.Pool().Begin(cf.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(cf.ctx) }()
	// A generic plan, as after five executions of the prepared statement.
	if _, err := tx.Exec(cf.ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	var out []byte
	if err := tx.QueryRow(cf.ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+repository.DupCheckSQL, job).Scan(&out); err != nil {
		t.Fatal(err)
	}
	var plan []struct{ Plan map[string]any }
	if err := json.Unmarshal(out, &plan); err != nil || len(plan) != 1 {
		t.Fatalf("plan: %v %s", err, out)
	}
	windows := 0
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if n["Node Type"] == "WindowAgg" {
			windows++
			if loops, _ := n["Actual Loops"].(float64); loops != 1 {
				t.Errorf("the window ran %v times", loops)
			}
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				walk(m)
			}
		}
	}
	walk(plan[0].Plan)
	if windows != 1 {
		t.Fatalf("%d window nodes in %s", windows, out)
	}
}
