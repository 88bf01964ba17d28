-- +goose Up
-- The year-end ledger list (第十四条) pages an institution's classes of a
-- year by end date: with the id in the index the page's classes come
-- index-only and in order (at province scale one institution ends nearly
-- 2,000 classes a year; the list read them all with their counts: 0.9 to
-- 1.5 s). Replaces 00100's index, whose prefix the annual evaluation reads
-- the same way.
CREATE INDEX classes_institution_end_id_idx ON classes (institution_id, end_date, id)
    WHERE status IN ('finished', 'assessment_applied', 'assessed', 'archived');
DROP INDEX classes_institution_end_idx;

-- +goose Down
CREATE INDEX classes_institution_end_idx ON classes (institution_id, end_date)
    WHERE status IN ('finished', 'assessment_applied', 'assessed', 'archived');
DROP INDEX classes_institution_end_id_idx;
