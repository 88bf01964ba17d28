package training

import (
	"strings"
	"time"
)

// QueueJob is one job of the background queue as the bureau's queue page
// shows it.
type QueueJob struct {
	ID          int64
	Kind        string
	Queue       string
	State       string // River's: available, scheduled, running, retryable, completed, discarded, cancelled, pending
	Attempt     int
	MaxAttempts int
	CreatedAt   time.Time
	ScheduledAt time.Time
	AttemptedAt *time.Time
	FinalizedAt *time.Time
	Node        string // the node of the last attempt
	LastError   string // as the worker or River recorded it
	Args        string // the job's arguments (JSON; ids only, never personal data)
}

// Failed reports whether the job gave up (a person may retry it).
func (j QueueJob) Failed() bool { return j.State == "discarded" || j.State == "cancelled" }

// Retryable reports whether the bureau may retry the job now.
func (j QueueJob) Retryable() bool { return j.Failed() || j.State == "retryable" }

// JobStateLabels are the Chinese names of the queue's states.
var JobStateLabels = map[string]string{
	"available": "等待执行", "scheduled": "定时等待", "pending": "等待中", "running": "执行中",
	"retryable": "等待重试", "completed": "已完成", "discarded": "失败", "cancelled": "已取消",
}

// JobErrorText is the Chinese text of a job's recorded error. The workers
// record Chinese messages already (internal/jobs); River's own errors
// (time-outs, a node that died under the job, a panic) are recognised
// here. Anything else gets a generic message: a raw error may name
// internals and is for the log, not the page.
func JobErrorText(err string) string {
	switch {
	case err == "":
		return ""
	case hasHan(err):
		return err
	case strings.Contains(err, "deadline exceeded") || strings.Contains(err, "JobTimeout") || strings.Contains(err, "timeout"):
		return "执行超时，已中止"
	case strings.Contains(err, "Stuck job rescued") || strings.Contains(err, "rescued"):
		return "执行该任务的节点已停止响应，任务已交由其他节点重新执行"
	case strings.Contains(err, "PanicError") || strings.Contains(err, "panic"):
		return "程序异常中止（详见日志）"
	case strings.Contains(err, "context canceled"):
		return "节点停止时任务被中断，已放回队列"
	case strings.Contains(err, "no worker") || strings.Contains(err, "unknown job kind"):
		return "没有节点能执行此类任务（版本不一致？）"
	}
	return "执行出错（详见日志）"
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}
