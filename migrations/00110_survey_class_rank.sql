-- +goose Up
-- The satisfaction report by class (/surveys?by=class) ranks every class
-- with survey codes, worst first: at province scale 50,000 classes were
-- grouped and sorted on every view (141 ms p50). A class is its own group,
-- so its average overall score (tenths, as the report shows it) is kept
-- on its row, computed by PostgreSQL from the counters the triggers of
-- 00107 keep; the report pages down one index in rank order.
ALTER TABLE class_followup ADD COLUMN overall_rank integer
    GENERATED ALWAYS AS (coalesce(round(overall::numeric / nullif(answers, 0) * 10), 0)::int) STORED;
CREATE INDEX class_followup_rank_idx ON class_followup ((answers = 0), overall_rank, class_id) WHERE codes > 0;

-- +goose Down
DROP INDEX class_followup_rank_idx;
ALTER TABLE class_followup DROP COLUMN overall_rank;
