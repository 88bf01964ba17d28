package server

import (
	"net/http"
	"strconv"

	"tianmu/internal/jobs"
	"tianmu/web"
)

// jobListLimit is how many jobs each list of the queue page shows.
const jobListLimit = 50

// jobList is the bureau's view of the background job queue.
func (s *Server) jobList(w http.ResponseWriter, r *http.Request) {
	a, ctx := actor(r), r.Context()
	counts, lists, err := s.store.JobsPage(ctx, a, [][]string{{"discarded", "cancelled"}, {"retryable"}, {"running"},
		{"available", "scheduled", "pending"}, {"completed"}}, jobListLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := web.JobsPage{Layout: s.layout(r, "后台任务", "jobs"), Counts: counts, Limit: jobListLimit,
		Failed: lists[0], Retrying: lists[1], Running: lists[2], Waiting: lists[3], Completed: lists[4]}
	for _, k := range jobs.Kinds {
		jk := web.JobKind{Name: k.Name, Label: k.Label}
		if k.Schedule != nil {
			jk.Schedule = k.Schedule.String()
			if d, ok := s.cfg.Ops.JobSchedule[k.Name]; ok {
				jk.Schedule = jobs.Every(d).String()
			}
		}
		p.Kinds = append(p.Kinds, jk)
	}
	s.render(w, r, http.StatusOK, web.JobsView(p))
}

// jobRetry puts a failed job back in the queue (audited).
func (s *Server) jobRetry(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := s.store.RetryJob(r.Context(), actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "任务 "+strconv.FormatInt(id, 10)+" 已重新排队，将由空闲节点执行。")
	redirect(w, r, "/jobs")
}
