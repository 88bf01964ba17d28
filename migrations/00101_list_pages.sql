-- +goose Up
-- Two lists that read every row of a big table for one page.
--
-- The year-end ledger list (第十四条) pages an institution's classes of a
-- year by end date: with the id in the index the page's classes come
-- index-only and in order (at province scale one institution ends nearly
-- 2,000 classes a year). Replaces 00100's index, whose prefix the annual
-- evaluation reads the same way.
CREATE INDEX classes_institution_end_id_idx ON classes (institution_id, end_date, id)
    WHERE status IN ('finished', 'assessment_applied', 'assessed', 'archived');
DROP INDEX classes_institution_end_idx;

-- The bureau's complaint queue without a status filter, by due date or
-- by receipt (20,000 complaints at province scale).
CREATE INDEX complaints_due_idx ON complaints (due_date, id);
CREATE INDEX complaints_received_idx ON complaints (received_at, id);

-- +goose Down
DROP INDEX complaints_received_idx;
DROP INDEX complaints_due_idx;
CREATE INDEX classes_institution_end_idx ON classes (institution_id, end_date)
    WHERE status IN ('finished', 'assessment_applied', 'assessed', 'archived');
DROP INDEX classes_institution_end_id_idx;
