-- +goose Up
-- Background work on River (00030, 00031): what the jobs need of their own.

-- An uploaded roster file, stored with its import job in the same
-- transaction that enqueues the validation, so any node can validate it
-- (the one that received it may be gone). Deleted once the rows are staged
-- (validated) or the file is refused; kept after an unexpected failure so
-- the bureau can retry the job from the queue page.
CREATE TABLE import_files (
    job_id     bigint PRIMARY KEY REFERENCES import_jobs (id) ON DELETE CASCADE,
    data       bytea NOT NULL,
    size       integer NOT NULL CHECK (size = length(data)),
    sha256     bytea NOT NULL CHECK (length(sha256) = 32),
    created_at timestamptz NOT NULL
);

-- The staging rows hold personal data: a nightly job deletes them (and any
-- file left) 30 days after the upload and records when.
ALTER TABLE import_jobs ADD COLUMN purged_at timestamptz;
CREATE INDEX import_jobs_purge_idx ON import_jobs (created_at) WHERE purged_at IS NULL;

-- INST-4 (第十六条) as recomputed every night: one row per designated
-- institution that is flagged (no class started in six months) or will be
-- within a month (warning). Pages read this small table instead of probing
-- every institution's classes.
CREATE TABLE institution_activity (
    institution_id bigint PRIMARY KEY REFERENCES institutions (id) ON DELETE CASCADE,
    state          text NOT NULL CHECK (state IN ('warning', 'flagged')),
    since          date NOT NULL,   -- last class start, or the designation date when none
    computed_on    date NOT NULL    -- the day (Asia/Shanghai) the rule was evaluated for
);
CREATE INDEX institution_activity_state_idx ON institution_activity (state);

-- +goose Down
DROP TABLE institution_activity;
DROP INDEX import_jobs_purge_idx;
ALTER TABLE import_jobs DROP COLUMN purged_at;
DROP TABLE import_files;
