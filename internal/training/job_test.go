package training

import "testing"

func TestJobErrorText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"名单校验出错：数据库暂时不可用", "名单校验出错：数据库暂时不可用"},
		{"context deadline exceeded", "执行超时，已中止"},
		{"jobexecutor.JobTimeoutError: job exceeded its 1m0s timeout", "执行超时，已中止"},
		{"Stuck job rescued by Rescuer", "执行该任务的节点已停止响应，任务已交由其他节点重新执行"},
		{"PanicError: runtime error: index out of range", "程序异常中止（详见日志）"},
		{"context canceled", "节点停止时任务被中断，已放回队列"},
		{"repository: SELECT password FROM users: ERROR 42P01", "执行出错（详见日志）"},
	} {
		if got := JobErrorText(tc.in); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
	if !(QueueJob{State: "discarded"}).Retryable() || (QueueJob{State: "running"}).Retryable() || !(QueueJob{State: "retryable"}).Retryable() {
		t.Error("Retryable wrong")
	}
}
