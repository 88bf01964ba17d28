-- +goose Up
-- Issue 13, what was missing. INST-3: the bureau may stop an approved class
-- of a suspended or revoked institution; a decision per class with reason,
-- decider and date (the class itself ends as cancelled, with the reason).
CREATE TABLE class_stops (
    class_id       bigint PRIMARY KEY REFERENCES classes (id),
    institution_id bigint NOT NULL REFERENCES institutions (id),
    reason         text NOT NULL CONSTRAINT class_stops_reason_len CHECK (char_length(btrim(reason)) BETWEEN 1 AND 500),
    decided_by     text NOT NULL CONSTRAINT class_stops_decided_by_check CHECK (char_length(btrim(decided_by)) BETWEEN 1 AND 50),
    decided_on     date NOT NULL,
    status_before  text NOT NULL CONSTRAINT class_stops_status_before_check CHECK (status_before = 'approved'),
    recorded_by    text NOT NULL,
    recorded_by_id bigint,           -- no FK: a removed account keeps its records
    recorded_at    timestamptz NOT NULL
);
CREATE INDEX class_stops_institution_idx ON class_stops (institution_id, decided_on);

-- SUP-4/SUP-5: a revocation for fraud, subsidy deception or over-charging
-- links the amount to recover to the subsidy claim lines marked 追缴; a
-- line is recovered under one revocation only, and the sanction's amount is
-- at least the lines' total (checked in the transaction that records it).
CREATE TABLE sanction_recoveries (
    sanction_id  bigint NOT NULL REFERENCES sanctions (id),
    line_id      bigint NOT NULL REFERENCES subsidy_claim_lines (id),
    recovery_fen bigint NOT NULL CONSTRAINT sanction_recoveries_fen_check CHECK (recovery_fen > 0),
    PRIMARY KEY (sanction_id, line_id),
    CONSTRAINT sanction_recoveries_line_key UNIQUE (line_id)
);

-- The ranking's default order (ranked first, by rank; the unranked
-- after), read by index for a page of 50 of a year.
CREATE INDEX evaluation_scores_ranking_idx ON evaluation_scores (year, (rank IS NULL OR rank = 0), rank, institution_id);

-- +goose Down
DROP INDEX evaluation_scores_ranking_idx;
DROP TABLE sanction_recoveries;
DROP TABLE class_stops;
