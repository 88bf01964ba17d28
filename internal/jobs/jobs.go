package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"tianmu/internal/repository"
)

// Config tunes the runner; main fills it from config.Ops.
type Config struct {
	NodeID      string                   // the node's name in the queue (attempted_by, leader)
	Workers     int                      // roster validations at once on this node
	JobTimeout  time.Duration            // a job's time limit
	RescueAfter time.Duration            // a job running longer is taken as its node's death and run again
	Schedule    map[string]time.Duration // kind → interval, overriding the registry's schedule
	NoPeriodic  bool                     // run no scheduled jobs (tests of one kind)
	// Observe, when set, is told the outcome of every job this node ran
	// ("completed", "failed", "cancelled") and how long it ran (metrics).
	Observe func(kind, outcome string, d time.Duration)
}

// Runner runs the queue's jobs on this node: the workers of every kind,
// and, while this node is the leader, the periodic jobs and River's
// maintenance (rescuing the jobs of dead nodes, cleaning old jobs).
type Runner struct {
	store  *repository.Store
	log    *slog.Logger
	cfg    Config
	client *river.Client[pgx.Tx]
	unsub  func()
	done   chan struct{}
}

// New builds the runner on pool and gives the store its queue. Start runs
// it; a node that only serves pages can still enqueue without Start.
func New(store *repository.Store, pool *pgxpool.Pool, log *slog.Logger, cfg Config) (*Runner, error) {
	if cfg.Workers < 1 {
		cfg.Workers = 2
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = time.Minute
	}
	if cfg.RescueAfter <= cfg.JobTimeout {
		return nil, fmt.Errorf("jobs: rescue after %v must be longer than the job timeout %v", cfg.RescueAfter, cfg.JobTimeout)
	}
	r := &Runner{store: store, log: log.With("component", "jobs"), cfg: cfg}
	for k := range cfg.Schedule {
		if !periodic(k) {
			return nil, fmt.Errorf("jobs: no periodic job %q to schedule", k)
		}
	}
	workers := river.NewWorkers()
	r.register(workers)
	var periodicJobs []*river.PeriodicJob
	for _, k := range Kinds {
		if k.Schedule == nil || cfg.NoPeriodic {
			continue
		}
		sched := k.Schedule
		if d, ok := cfg.Schedule[k.Name]; ok {
			sched = Every(d)
		}
		periodicJobs = append(periodicJobs, river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
			return k.args(sched.Slot(time.Now())), &river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
		}, &river.PeriodicJobOpts{ID: k.Name, RunOnStart: true}))
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		ID:     cfg.NodeID,
		Logger: slog.New(warnOnly{log.Handler()}),
		Queues: map[string]river.QueueConfig{
			repository.QueueDefault: {MaxWorkers: 2},
			repository.QueueRoster:  {MaxWorkers: cfg.Workers},
		},
		Workers:                     workers,
		PeriodicJobs:                periodicJobs,
		JobTimeout:                  cfg.JobTimeout,
		RescueStuckJobsAfter:        cfg.RescueAfter,
		CompletedJobRetentionPeriod: 24 * time.Hour,
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
		CancelledJobRetentionPeriod: 30 * 24 * time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r.client = client
	store.SetQueue(client)
	return r, nil
}

// NewInserter gives the store a queue that only enqueues (tests, and the
// commands that change data without running jobs).
func NewInserter(store *repository.Store) (*river.Client[pgx.Tx], error) {
	client, err := river.NewClient(riverpgxv5.New(store.Pool()), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	store.SetQueue(client)
	return client, nil
}

func periodic(kind string) bool {
	for _, k := range Kinds {
		if k.Name == kind && k.Schedule != nil {
			return true
		}
	}
	return false
}

// Client is River's client (tests wait on its events).
func (r *Runner) Client() *river.Client[pgx.Tx] { return r.client }

// Start starts fetching and running jobs. ctx only bounds the start.
func (r *Runner) Start(ctx context.Context) error {
	events, unsub := r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	r.unsub, r.done = unsub, make(chan struct{})
	go r.watch(events)
	// Not ctx: River stops when its start context ends, and this one
	// outlives the start; Stop ends it.
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		unsub()
		return fmt.Errorf("jobs: start: %w", err)
	}
	r.log.Info("job runner started", "node", r.cfg.NodeID, "roster_workers", r.cfg.Workers, "job_timeout", r.cfg.JobTimeout,
		"rescue_after", r.cfg.RescueAfter)
	return nil
}

// Stop stops fetching jobs and waits for the running ones until ctx ends;
// then it cancels them, and River puts them back in the queue for another
// node (their attempt counts as failed with "context canceled").
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		r.log.Warn("jobs still running at shutdown: cancelling them, they go back to the queue")
		hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = r.client.StopAndCancel(hctx)
	}
	if r.unsub != nil {
		r.unsub()
		<-r.done
	}
	return err
}

func (r *Runner) watch(events <-chan *river.Event) {
	defer close(r.done)
	for ev := range events {
		if r.cfg.Observe == nil || ev.Job == nil {
			continue
		}
		outcome := "completed"
		switch ev.Kind {
		case river.EventKindJobFailed:
			outcome = "failed"
		case river.EventKindJobCancelled:
			outcome = "cancelled"
		}
		var d time.Duration
		if ev.JobStats != nil {
			d = ev.JobStats.RunDuration
		}
		r.cfg.Observe(ev.Job.Kind, outcome, d)
	}
}

// failure is a job's error as the queue records it: a Chinese message for
// the bureau's queue page; the cause goes to the log only.
type failure struct {
	msg   string
	cause error
}

func (f *failure) Error() string { return f.msg }
func (f *failure) Unwrap() error { return f.cause }

func (r *Runner) failure(job *rivertype.JobRow, msg string, cause error) error {
	r.log.Error("job failed", "kind", job.Kind, "job", job.ID, "attempt", job.Attempt, "err", cause)
	return &failure{msg: msg, cause: cause}
}

// warnOnly passes River's own warnings and errors to the log, not its
// chatter.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}
