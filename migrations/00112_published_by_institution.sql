-- +goose Up
-- An institution's "results published in the last 30 days" (its to-do
-- list and navigation count on every page) filtered every session of the
-- province published in those days by its application's institution
-- (2.5 ms a count on the province data set). The session carries its
-- institution since 00109: this index gives its recent publications.
CREATE INDEX exam_sessions_inst_published_idx ON exam_sessions (institution_id, published_at) WHERE status = 'published';

-- +goose Down
DROP INDEX exam_sessions_inst_published_idx;
