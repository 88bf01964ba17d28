package repository

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Queue is the durable job queue (River's client) as the repository uses
// it: a state change enqueues the work it causes in its own transaction,
// so the work exists exactly when the change committed, and the bureau
// retries a failed job in the transaction that audits it.
type Queue interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobRetryTx(ctx context.Context, tx pgx.Tx, id int64) (*rivertype.JobRow, error)
}

// ErrNoQueue is returned by a use case that enqueues work when the store
// was given no queue.
var ErrNoQueue = errors.New("repository: no job queue configured")

// SetQueue gives the store its job queue. Call it before serving.
func (s *Store) SetQueue(q Queue) { s.queue = q }

// enqueue puts a job in the queue inside tx. at, when not zero, is when the
// job becomes due (a deadline, a notice period's end).
func (s *Store) enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs, at time.Time) error {
	if s.queue == nil {
		return ErrNoQueue
	}
	var opts *river.InsertOpts
	if !at.IsZero() {
		opts = &river.InsertOpts{ScheduledAt: at}
	}
	_, err := s.queue.InsertTx(ctx, tx, args, opts)
	return err
}

// RosterValidateArgs is the job that reads an uploaded roster file into
// the staging table and checks it (internal/jobs runs it). The file is in
// import_files, so any node can take the job.
type RosterValidateArgs struct {
	ImportJobID int64 `json:"import_job_id"`
}

// Kind is the job's name in the queue.
func (RosterValidateArgs) Kind() string { return "roster_validate" }

// InsertOpts puts roster validations on their own queue, so a burst of
// uploads does not hold up the scheduled work.
func (RosterValidateArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueRoster, MaxAttempts: 5}
}

// Queues of the job queue.
const (
	QueueDefault = river.QueueDefault
	QueueRoster  = "roster"
)
