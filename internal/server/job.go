package server

import (
	"net/http"
	"strconv"

	"tianmu/internal/jobs"
	"tianmu/internal/training"
	"tianmu/web"
)

// jobListLimit is how many jobs each list of the queue page shows.
const jobListLimit = 50

// jobList is the bureau's view of the background job queue.
func (s *Server) jobList(w http.ResponseWriter, r *http.Request) {
	a, ctx := actor(r), r.Context()
	counts, err := s.store.JobStateCounts(ctx, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := web.JobsPage{Layout: s.layout(r, "后台任务", "jobs"), Counts: counts, Limit: jobListLimit}
	for _, l := range []struct {
		to     *[]training.QueueJob
		states []string
	}{
		{&p.Failed, []string{"discarded", "cancelled"}},
		{&p.Retrying, []string{"retryable"}},
		{&p.Running, []string{"running"}},
		{&p.Waiting, []string{"available", "scheduled", "pending"}},
		{&p.Completed, []string{"completed"}},
	} {
		if *l.to, err = s.store.QueueJobs(ctx, a, l.states, jobListLimit); err != nil {
			s.fail(w, r, err)
			return
		}
	}
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
