-- +goose Up
-- The employment report by class (/employment?by=class) lists every class
-- due a record, most missing records first: at province scale 50,000
-- classes were grouped and sorted on every view (31 ms p50). A class is
-- its own group, so its missing records at 3 and 6 months are kept on its
-- row, computed by PostgreSQL from the counters the triggers of 00107
-- keep, and the report pages down one index in its order (the end date
-- included: the classes not yet due are passed over in the index).
ALTER TABLE class_followup
    ADD COLUMN miss3 integer GENERATED ALWAYS AS (enrolled - rec3) STORED,
    ADD COLUMN miss6 integer GENERATED ALWAYS AS (enrolled - rec6) STORED;
CREATE INDEX class_followup_miss3_idx ON class_followup (miss3 DESC, class_id) INCLUDE (end_date) WHERE done AND enrolled > 0;
CREATE INDEX class_followup_miss6_idx ON class_followup (miss6 DESC, class_id) INCLUDE (end_date) WHERE done AND enrolled > 0;

-- +goose Down
DROP INDEX class_followup_miss6_idx;
DROP INDEX class_followup_miss3_idx;
ALTER TABLE class_followup DROP COLUMN miss6, DROP COLUMN miss3;
