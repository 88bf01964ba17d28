package jobs

import (
	"bytes"
	"context"
	"fmt"

	"github.com/riverqueue/river"

	"tianmu/internal/repository"
	"tianmu/internal/roster"
	"tianmu/internal/training"
)

// ledgerExportWorker writes the workbooks of an institution's ledgers of
// a year (SUP-1), one class at a time, each stored as a part in its own
// transaction so the page shows the progress and a run taken over after
// its node died resumes where it stopped. Only one workbook is in memory
// at a time; the download streams the parts into a zip.
func (r *Runner) ledgerExport(ctx context.Context, job *river.Job[repository.LedgerExportArgs]) error {
	id := job.Args.ExportID
	classes, next, err := r.store.LedgerExportTodo(ctx, id)
	if err != nil {
		return r.failure(job.JobRow, "台账导出出错，将自动重试", err)
	}
	var buf bytes.Buffer
	for i, classID := range classes {
		p, err := r.store.LedgerPage(ctx, training.System, classID)
		if err != nil {
			return r.ledgerFail(ctx, job, id, err)
		}
		buf.Reset()
		l := p.Ledger
		title := l.Class.InstitutionName + " " + l.Class.ClassNo + " 培训台账"
		if err := roster.WriteLedger(&buf, title, l.Parts()); err != nil {
			return r.ledgerFail(ctx, job, id, err)
		}
		name := fmt.Sprintf("%03d-培训台账-%s.xlsx", next+i, l.Class.ClassNo)
		if err := r.store.SaveLedgerExportPart(ctx, id, next+i, classID, name, buf.Bytes()); err != nil {
			return r.ledgerFail(ctx, job, id, err)
		}
	}
	if err := r.store.FinishLedgerExport(ctx, id, ""); err != nil {
		return r.failure(job.JobRow, "台账导出出错，将自动重试", err)
	}
	return nil
}

// ledgerFail retries; after the last attempt the export says it failed.
func (r *Runner) ledgerFail(ctx context.Context, job *river.Job[repository.LedgerExportArgs], id int64, err error) error {
	if job.Attempt >= job.MaxAttempts {
		_ = r.store.FinishLedgerExport(context.WithoutCancel(ctx), id, "导出失败："+errorText(err))
	}
	return r.failure(job.JobRow, "台账导出出错："+errorText(err), err)
}
