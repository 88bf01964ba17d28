-- +goose Up
-- Roster imports (名单导入): a job per uploaded file, so the validation can
-- run in the background and its progress and report survive across
-- requests. The file itself is never stored: it is parsed in memory
-- (bounded) and its rows are copied into import_rows.
CREATE TABLE import_jobs (
    id             bigserial PRIMARY KEY,
    class_id       bigint NOT NULL REFERENCES classes (id),
    institution_id bigint NOT NULL REFERENCES institutions (id),
    filename       text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'validating', 'validated', 'imported', 'failed')),
    processed      integer NOT NULL DEFAULT 0,   -- rows read so far
    total          integer NOT NULL DEFAULT 0,   -- rows in the file (known once read)
    valid          integer NOT NULL DEFAULT 0,
    imported       integer NOT NULL DEFAULT 0,
    message        text NOT NULL DEFAULT '',     -- why the file was refused (failed)
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX import_jobs_class_idx ON import_jobs (class_id, id);

-- The staging table: one row per data row of the file, as typed, with the
-- row's own problems (problems, from the row parser) and those found
-- against the other rows and the database (checks, recomputed set-based
-- at validation and again inside the import transaction).
CREATE TABLE import_rows (
    job_id       bigint NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    line         integer NOT NULL,
    id_number    text NOT NULL,
    name         text NOT NULL,
    phone        text NOT NULL,
    target_group text NOT NULL,
    employment   text NOT NULL,
    hukou        text NOT NULL,
    employer     text NOT NULL,
    birth_date   date,              -- set when the row is valid on its own
    sex          text,
    problems     text[] NOT NULL DEFAULT '{}',
    checks       text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (job_id, line)
);
CREATE INDEX import_rows_id_number_idx ON import_rows (job_id, id_number);

-- +goose Down
DROP TABLE import_rows;
DROP TABLE import_jobs;
