package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"tianmu/internal/repository"
)

// Kind is one kind of background job: its name in the queue, what the
// bureau's queue page calls it, and for a periodic job when it runs.
type Kind struct {
	Name     string
	Label    string
	Schedule Schedule // nil: enqueued by a state change (InsertTx)
	args     func(slot time.Time) river.JobArgs
}

// Kinds is the registry: every kind of job the portal runs. A kind is
// added here and its worker in register (see doc.go).
var Kinds = []Kind{
	{Name: repository.RosterValidateArgs{}.Kind(), Label: "学员名单文件校验"},
	{Name: repository.EvaluationRunArgs{}.Kind(), Label: "第十五条：年度考评验审计算"},
	{Name: repository.LedgerExportArgs{}.Kind(), Label: "第十四条：导出机构年度培训台账"},
	{Name: ActivityArgs{}.Kind(), Label: "第十六条：六个月未开班机构标记及提前一个月预警", Schedule: DailyAt(1, 30),
		args: func(s time.Time) river.JobArgs { return ActivityArgs{Slot: s} }},
	{Name: OverdueOrdersArgs{}.Kind(), Label: "第十六条：整改通知逾期标记（机构和区人力社保局首页提示）", Schedule: DailyAt(0, 10),
		args: func(s time.Time) river.JobArgs { return OverdueOrdersArgs{Slot: s} }},
	{Name: ImportPurgeArgs{}.Kind(), Label: "删除30天前的名单导入明细（个人信息）", Schedule: DailyAt(2, 0),
		args: func(s time.Time) river.JobArgs { return ImportPurgeArgs{Slot: s} }},
	{Name: SessionPurgeArgs{}.Kind(), Label: "清理过期会话", Schedule: Every(time.Hour),
		args: func(s time.Time) river.JobArgs { return SessionPurgeArgs{Slot: s} }},
	{Name: repository.ClaimNoticeCloseArgs{}.Kind(), Label: "第十二条：补贴申领公示期满（5个工作日）"},
	{Name: ClaimNoticeSweepArgs{}.Kind(), Label: "第十二条：结束所有已期满的补贴公示（补漏）", Schedule: DailyAt(0, 10),
		args: func(s time.Time) river.JobArgs { return ClaimNoticeSweepArgs{Slot: s} }},
}

// KindLabel is the Chinese name of a kind, or the kind itself.
func KindLabel(kind string) string {
	for _, k := range Kinds {
		if k.Name == kind {
			return k.Label
		}
	}
	return kind
}

// ActivityArgs recomputes INST-4 and its warning (第十六条) for the day.
type ActivityArgs struct {
	Slot time.Time `json:"slot"`
}

// Kind is the job's name in the queue.
func (ActivityArgs) Kind() string { return "institution_activity" }

// OverdueOrdersArgs flags the rectification orders past their deadline.
type OverdueOrdersArgs struct {
	Slot time.Time `json:"slot"`
}

// Kind is the job's name in the queue.
func (OverdueOrdersArgs) Kind() string { return "rectification_overdue" }

// ImportPurgeArgs deletes roster-import staging rows older than 30 days.
type ImportPurgeArgs struct {
	Slot time.Time `json:"slot"`
}

// Kind is the job's name in the queue.
func (ImportPurgeArgs) Kind() string { return "import_purge" }

// SessionPurgeArgs deletes expired sessions.
type SessionPurgeArgs struct {
	Slot time.Time `json:"slot"`
}

// Kind is the job's name in the queue.
func (SessionPurgeArgs) Kind() string { return "session_purge" }

// ClaimNoticeSweepArgs closes every claim notice past its last day (behind
// the per-claim jobs enqueued at approval).
type ClaimNoticeSweepArgs struct {
	Slot time.Time `json:"slot"`
}

// Kind is the job's name in the queue.
func (ClaimNoticeSweepArgs) Kind() string { return "claim_notice_sweep" }

// register adds every kind's worker.
func (r *Runner) register(w *river.Workers) {
	river.AddWorker(w, &rosterWorker{store: r.store, log: r.log, timeout: r.cfg.JobTimeout})
	river.AddWorker(w, river.WorkFunc(r.ledgerExport))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[ActivityArgs]) error {
		ch, err := r.store.RecomputeActivity(ctx)
		if err != nil {
			return r.failure(job.JobRow, "第十六条机构活跃情况计算出错，将自动重试", err)
		}
		r.log.Info("institution activity", "flagged", ch.Flagged, "warned", ch.Warned, "newly_flagged", len(ch.NewlyFlagged),
			"newly_warned", len(ch.NewlyWarned), "cleared", len(ch.Cleared))
		return nil
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[repository.EvaluationRunArgs]) error {
		took, err := r.store.RunEvaluation(ctx, job.Args.Year)
		if err != nil {
			return r.failure(job.JobRow, "年度考评计算出错，将自动重试", err)
		}
		r.log.Info("evaluation run", "year", job.Args.Year, "ms", took.Milliseconds())
		return nil
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[OverdueOrdersArgs]) error {
		ids, err := r.store.MarkOverdueOrders(ctx)
		if err != nil {
			return r.failure(job.JobRow, "整改通知逾期标记出错，将自动重试", err)
		}
		r.log.Info("rectification overdue", "flagged", len(ids))
		return nil
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[ImportPurgeArgs]) error {
		n, rows, err := r.store.PurgeImports(ctx)
		if err != nil {
			return r.failure(job.JobRow, "删除过期名单导入明细出错，将自动重试", err)
		}
		r.log.Info("import purge", "jobs", n, "rows", rows)
		return nil
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[SessionPurgeArgs]) error {
		n, err := r.store.PurgeSessions(ctx)
		if err != nil {
			return r.failure(job.JobRow, "清理过期会话出错，将自动重试", err)
		}
		r.log.Debug("session purge", "deleted", n)
		return nil
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[repository.ClaimNoticeCloseArgs]) error {
		closed, err := r.store.CloseClaimNotice(ctx, job.Args.ClaimID)
		if err != nil {
			return r.failure(job.JobRow, "结束补贴公示出错，将自动重试", err)
		}
		r.log.Info("claim notice", "claim", job.Args.ClaimID, "closed", closed)
		return nil
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[ClaimNoticeSweepArgs]) error {
		n, err := r.store.CloseDueNotices(ctx)
		if err != nil {
			return r.failure(job.JobRow, "结束期满的补贴公示出错，将自动重试", err)
		}
		r.log.Info("claim notice sweep", "closed", n)
		return nil
	}))
}
