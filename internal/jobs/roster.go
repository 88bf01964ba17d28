package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
)

// rosterWorker validates an uploaded roster file: it reads the file that
// CreateImportJob stored, parses it row by row and stages it
// (repository.StageImport). A file that cannot be read as a roster fails
// the import with its message (the job itself succeeds); an unexpected
// error is retried, and after the last attempt the import is marked
// failed with the file kept, so the bureau can retry it from /jobs.
type rosterWorker struct {
	river.WorkerDefaults[repository.RosterValidateArgs]
	store   *repository.Store
	log     *slog.Logger
	timeout time.Duration
}

func (w *rosterWorker) Timeout(*river.Job[repository.RosterValidateArgs]) time.Duration {
	return w.timeout
}

func (w *rosterWorker) Work(ctx context.Context, job *river.Job[repository.RosterValidateArgs]) error {
	id := job.Args.ImportJobID
	data, err := w.store.ImportFile(ctx, id)
	if errors.Is(err, training.ErrNotFound) {
		return nil // validated (or refused, or purged) by an earlier run
	}
	if err != nil {
		return w.fail(ctx, job, err)
	}
	rd, err := roster.Open(data)
	if err != nil {
		return w.refuse(ctx, job, err)
	}
	defer rd.Close()
	today := w.store.Today()
	err = w.store.StageImport(ctx, id, func() (training.RosterRow, error) { return rd.Next(today) })
	switch {
	case err == nil, errors.Is(err, training.ErrNotFound), errors.Is(err, training.ErrConflict):
		return nil // done, here or by a run on another node
	}
	return w.refuse(ctx, job, err)
}

// refuse records a file problem as the import's failure, or fails the job.
func (w *rosterWorker) refuse(ctx context.Context, job *river.Job[repository.RosterValidateArgs], err error) error {
	msg, ok := roster.AsProblem(err)
	if !ok {
		return w.fail(ctx, job, err)
	}
	if err := w.store.FailImportJob(ctx, job.Args.ImportJobID, msg, false); err != nil {
		return w.fail(ctx, job, err)
	}
	return nil
}

func (w *rosterWorker) fail(ctx context.Context, job *river.Job[repository.RosterValidateArgs], err error) error {
	w.log.Error("roster validation failed", "import_job", job.Args.ImportJobID, "job", job.ID, "attempt", job.Attempt, "err", err)
	if job.Attempt >= job.MaxAttempts {
		// The last attempt: the institution learns now; the bureau may
		// still retry the job (the file is kept).
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if ferr := w.store.FailImportJob(ctx, job.Args.ImportJobID, "处理文件时出错，请重新上传", true); ferr != nil {
			w.log.Error("roster validation: record failure", "import_job", job.Args.ImportJobID, "err", ferr)
		}
	}
	return &failure{msg: "名单文件校验出错：" + errorText(err), cause: err}
}

// errorText says in Chinese what kind of error stopped a job.
func errorText(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "执行超时"
	case errors.Is(err, context.Canceled):
		return "节点停止，任务已放回队列"
	case repository.Unavailable(err), errors.Is(err, training.ErrUnavailable):
		return "数据库暂时不可用"
	}
	return "内部错误（详见日志）"
}
