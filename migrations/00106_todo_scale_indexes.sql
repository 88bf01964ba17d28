-- +goose Up
-- Province scale (issue 16) for the home pages' to-do lists and navigation
-- counts (issue 17, todo.go).
-- "Results published in
-- the last 30 days" starts from the recently published sessions, not from
-- every session; "accepted, waiting to be scheduled" probes each accepted
-- application's live sessions, and the approval / publishing items read
-- the sessions of one status.
CREATE INDEX exam_sessions_published_idx ON exam_sessions (published_at, application_id) WHERE status = 'published';
CREATE INDEX exam_sessions_live_idx ON exam_sessions (application_id) WHERE status <> 'cancelled';
CREATE INDEX exam_sessions_waiting_idx ON exam_sessions (status, application_id) WHERE status IN ('scheduled', 'scored', 'approved');
CREATE INDEX exam_applications_accepted_idx ON exam_applications (eval_org_id, decided_at, id) WHERE status = 'accepted';

-- +goose Down
DROP INDEX exam_applications_accepted_idx;
DROP INDEX exam_sessions_waiting_idx;
DROP INDEX exam_sessions_live_idx;
DROP INDEX exam_sessions_published_idx;
