-- +goose Up
-- To-do lists (issue 17): the home pages find waiting work by index.
-- Size exceptions waiting for the bureau's decision (SIZE-3).
CREATE INDEX classes_exception_waiting_idx ON classes (start_date, id)
    WHERE exception_asked > 0 AND exception_by = '';
-- Sessions to check, score, approve and publish.
CREATE INDEX exam_sessions_status_idx ON exam_sessions (status, exam_date, id);

-- +goose Down
DROP INDEX exam_sessions_status_idx;
DROP INDEX classes_exception_waiting_idx;
