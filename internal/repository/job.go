package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The queue's tables belong to River (migrations 00030, 00031); these are
// the reads of the bureau's queue page and the retry it may make, plus
// the clean-ups the scheduled jobs run.

// ImportRetention is how long the staged rows of a roster import (names,
// ID numbers, phones) are kept after the upload.
const ImportRetention = 30 * 24 * time.Hour

// JobStateCounts is the number of jobs in each of River's states (jobs
// that finished are kept for a day, failed ones for a week).
func (s *Store) JobStateCounts(ctx context.Context, a training.Actor) (map[string]int, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, jobCountsSQL)
	if err != nil {
		return nil, translate(err, "job counts")
	}
	out := map[string]int{}
	var st string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error { out[st] = n; return nil })
	return out, translate(err, "job counts")
}

const queueJobColumns = `id, kind, queue, state::text, attempt, max_attempts, created_at, scheduled_at, attempted_at, finalized_at,
	coalesce(attempted_by[array_length(attempted_by, 1)], ''), coalesce(errors[array_length(errors, 1)]->>'error', ''), args::text`

// jobCountsSQL counts the jobs per state; queueJobsSQL lists the newest
// jobs in the states $1, at most $2.
const (
	jobCountsSQL = `SELECT state::text, count(*) FROM river_job GROUP BY state`
	queueJobsSQL = `SELECT ` + queueJobColumns + ` FROM river_job WHERE state::text = ANY($1) ORDER BY id DESC LIMIT $2`
)

func scanQueueJob(row pgx.CollectableRow) (training.QueueJob, error) {
	var j training.QueueJob
	err := row.Scan(&j.ID, &j.Kind, &j.Queue, &j.State, &j.Attempt, &j.MaxAttempts, &j.CreatedAt, &j.ScheduledAt, &j.AttemptedAt,
		&j.FinalizedAt, &j.Node, &j.LastError, &j.Args)
	return j, err
}

// QueueJobs lists the jobs in the given states, newest first, at most
// limit (bureau only).
func (s *Store) QueueJobs(ctx context.Context, a training.Actor, states []string, limit int) ([]training.QueueJob, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, queueJobsSQL, states, limit)
	if err != nil {
		return nil, translate(err, "queue jobs")
	}
	list, err := pgx.CollectRows(rows, scanQueueJob)
	return list, translate(err, "queue jobs")
}

// JobsPage reads the job page in one round trip: the count per state and,
// for each group of states, its newest jobs (at most limit each).
func (s *Store) JobsPage(ctx context.Context, a training.Actor, groups [][]string, limit int) (map[string]int, [][]training.QueueJob, error) {
	if !a.IsBureau() {
		return nil, nil, training.ErrForbidden
	}
	counts := map[string]int{}
	lists := make([][]training.QueueJob, len(groups))
	b := &pgx.Batch{}
	b.Queue(jobCountsSQL).Query(func(rows pgx.Rows) error {
		var st string
		var n int
		_, err := pgx.ForEachRow(rows, []any{&st, &n}, func() error { counts[st] = n; return nil })
		return err
	})
	for i, states := range groups {
		b.Queue(queueJobsSQL, states, limit).
			Query(func(rows pgx.Rows) error {
				var err error
				lists[i], err = pgx.CollectRows(rows, scanQueueJob)
				return err
			})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, translate(err, "job page")
	}
	return counts, lists, nil
}

// QueueJob is one job of the queue (bureau only).
func (s *Store) QueueJob(ctx context.Context, a training.Actor, id int64) (training.QueueJob, error) {
	if !a.IsBureau() {
		return training.QueueJob{}, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, `SELECT `+queueJobColumns+` FROM river_job WHERE id = $1`, id)
	if err != nil {
		return training.QueueJob{}, translate(err, "queue job %d", id)
	}
	j, err := pgx.CollectExactlyOneRow(rows, scanQueueJob)
	return j, translate(err, "queue job %d", id)
}

// RetryJob puts a failed job (or one waiting for its next attempt) back in
// the queue to run now, and audits who did it. Only the bureau may; a job
// in any other state is a conflict.
func (s *Store) RetryJob(ctx context.Context, a training.Actor, id int64) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	if s.queue == nil {
		return ErrNoQueue
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var j training.QueueJob
		err := tx.QueryRow(ctx, `SELECT kind, state::text, attempt FROM river_job WHERE id = $1 FOR UPDATE`, id).Scan(&j.Kind, &j.State, &j.Attempt)
		if err != nil {
			return err
		}
		if !j.Retryable() {
			return training.ErrConflict
		}
		if _, err := s.queue.JobRetryTx(ctx, tx, id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "job.retry", Entity: "job", EntityID: id,
			Before: map[string]any{"kind": j.Kind, "state": j.State, "attempts": j.Attempt}, After: map[string]any{"state": "available"}})
	})
	return translate(err, "retry job %d", id)
}

// PurgeImports deletes the staged rows and any stored file of roster
// imports uploaded more than ImportRetention ago, marks the jobs purged,
// and audits the counts. It returns the number of jobs and rows purged.
func (s *Store) PurgeImports(ctx context.Context) (jobs, rows int64, err error) {
	before := s.now().Add(-ImportRetention)
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var files int64
		if err := tx.QueryRow(ctx, `WITH old AS (
				UPDATE import_jobs SET purged_at = $2 WHERE created_at < $1 AND purged_at IS NULL RETURNING id),
			r AS (DELETE FROM import_rows WHERE job_id IN (SELECT id FROM old) RETURNING 1),
			f AS (DELETE FROM import_files WHERE job_id IN (SELECT id FROM old) RETURNING 1)
			SELECT (SELECT count(*) FROM old), (SELECT count(*) FROM r), (SELECT count(*) FROM f)`, before, s.now()).
			Scan(&jobs, &rows, &files); err != nil {
			return err
		}
		if jobs == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, training.System, auditRecord{Action: "roster.import_purge", Entity: "import_jobs",
			After: map[string]any{"uploaded_before": before.In(Shanghai).Format(time.DateOnly), "jobs": jobs, "rows": rows, "files": files}})
	})
	return jobs, rows, translate(err, "purge imports")
}

// PurgeSessions deletes expired sessions and returns how many.
func (s *Store) PurgeSessions(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < current_timestamp`)
	return tag.RowsAffected(), translate(err, "purge sessions")
}

// QueueCount is the number of jobs of a queue in a state.
type QueueCount struct {
	Queue, State string
	Count        int
}

// QueueDepth counts the jobs that wait, run or failed for good, by queue
// and state (for /metrics; no actor: the metrics endpoint has its own
// address check).
func (s *Store) QueueDepth(ctx context.Context) ([]QueueCount, error) {
	rows, err := s.pool.Query(ctx, `SELECT queue, state::text, count(*) FROM river_job
		WHERE state NOT IN ('completed', 'cancelled') GROUP BY queue, state ORDER BY queue, state`)
	if err != nil {
		return nil, translate(err, "queue depth")
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[QueueCount])
	return list, translate(err, "queue depth")
}
