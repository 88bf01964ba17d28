-- +goose Up
-- The annual evaluation (考评验审, SUP-6, 第十五条, issue 13): the bureau's
-- weights, deductions and grade bands per year (data), the run's state and
-- progress, and one row per designated institution with every input, the
-- score, grade, rank, the computed suggestion and the outcome a person
-- decided.

CREATE TABLE evaluation_years (
    year            integer PRIMARY KEY CHECK (year BETWEEN 2020 AND 2100),
    w_pass          integer NOT NULL CHECK (w_pass BETWEEN 0 AND 100),
    w_employment    integer NOT NULL CHECK (w_employment BETWEEN 0 AND 100),
    w_satisfaction  integer NOT NULL CHECK (w_satisfaction BETWEEN 0 AND 100),
    d_complaint     integer NOT NULL CHECK (d_complaint BETWEEN 0 AND 50),
    d_finding       integer NOT NULL CHECK (d_finding BETWEEN 0 AND 50),
    d_overdue       integer NOT NULL CHECK (d_overdue BETWEEN 0 AND 50),
    d_shortfall     integer NOT NULL CHECK (d_shortfall BETWEEN 0 AND 50),
    d_recovered     integer NOT NULL CHECK (d_recovered BETWEEN 0 AND 50),
    band_excellent  integer NOT NULL,
    band_pass       integer NOT NULL,
    band_basic      integer NOT NULL,
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'computed', 'published')),
    total           integer NOT NULL DEFAULT 0 CHECK (total >= 0),
    done            integer NOT NULL DEFAULT 0 CHECK (done >= 0),
    run_ms          integer NOT NULL DEFAULT 0,
    run_at          timestamptz,
    published_by    text NOT NULL DEFAULT '',
    published_at    timestamptz,
    set_by          text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    CONSTRAINT evaluation_years_weights_check CHECK (w_pass + w_employment + w_satisfaction = 100),
    CONSTRAINT evaluation_years_bands_check CHECK (100 >= band_excellent AND band_excellent > band_pass
        AND band_pass > band_basic AND band_basic >= 0),
    CONSTRAINT evaluation_years_published_check CHECK (status <> 'published' OR (published_at IS NOT NULL AND published_by <> ''))
);

CREATE TABLE evaluation_scores (
    year            integer NOT NULL REFERENCES evaluation_years (year),
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    enrolled        integer NOT NULL CHECK (enrolled >= 0),
    passed          integer NOT NULL CHECK (passed >= 0),
    followed        integer NOT NULL CHECK (followed >= 0),
    employed        integer NOT NULL CHECK (employed >= 0),
    surveys         integer NOT NULL CHECK (surveys >= 0),
    overall_sum     integer NOT NULL CHECK (overall_sum >= 0),
    upheld          integer NOT NULL CHECK (upheld >= 0),
    findings        integer NOT NULL CHECK (findings >= 0),
    overdue         integer NOT NULL CHECK (overdue >= 0),
    shortfalls      integer NOT NULL CHECK (shortfalls >= 0),
    recovered_fen   bigint NOT NULL CHECK (recovered_fen >= 0),
    -- Computed from the inputs by training.Score (hundredths of a point);
    -- NULL until scored, and when no rate is known (数据不足).
    base            integer,
    deductions      integer,
    score           integer CHECK (score BETWEEN 0 AND 10000),
    grade           text CHECK (grade IN ('excellent', 'pass', 'basic', 'fail', 'nodata')),
    rank            integer CHECK (rank >= 0),
    suggestion      text CHECK (suggestion IN ('continue', 'warn', 'suspend', 'not_renewed')),
    outcome         text CHECK (outcome IN ('continue', 'warn', 'suspend', 'not_renewed')),
    outcome_note    text NOT NULL DEFAULT '' CHECK (length(outcome_note) <= 500),
    outcome_by      text NOT NULL DEFAULT '',
    outcome_at      timestamptz,
    PRIMARY KEY (year, institution_id),
    CONSTRAINT evaluation_scores_decided_check CHECK (outcome IS NULL OR (outcome_by <> '' AND outcome_at IS NOT NULL))
);
CREATE INDEX evaluation_scores_rank_idx ON evaluation_scores (year, rank, institution_id);
CREATE INDEX evaluation_scores_institution_idx ON evaluation_scores (institution_id, year);

-- The inputs read by source; the evaluation's query finds them by these.
CREATE INDEX classes_institution_end_idx ON classes (institution_id, end_date)
    WHERE status IN ('finished', 'assessment_applied', 'assessed', 'archived');

-- +goose Down
DROP INDEX classes_institution_end_idx;
DROP TABLE evaluation_scores;
DROP TABLE evaluation_years;
