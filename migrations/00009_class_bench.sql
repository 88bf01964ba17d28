-- +goose Up
-- Found by `make bench` (bench/REPORT.md) at 50,000 class filings: the
-- review queue and the class lists pick a page on narrow index columns
-- and read only its rows in full; the totals of the unfiltered and
-- per-status lists come from counters, as for institutions (00003).

-- The default order (urgency: start date, then submission time) straight
-- from an index, for every filing and per status. They replace the indexes
-- of 00008 that lacked submitted_at.
CREATE INDEX classes_urgency_idx ON classes (start_date, submitted_at, id);
CREATE INDEX classes_status_urgency_idx ON classes (status, start_date, submitted_at, id);
DROP INDEX classes_queue_idx;
DROP INDEX classes_start_idx;
-- An institution's filings in the default order (its own list, and the
-- bureau's list filtered by institution).
CREATE INDEX classes_institution_urgency_idx ON classes (institution_id, start_date, submitted_at, id);
-- Filings per occupation and status (the queue filtered by occupation).
CREATE INDEX classes_occupation_status_idx ON classes (occupation_id, status, start_date, id);
DROP INDEX classes_occupation_idx;
-- The other sorts of the list.
CREATE INDEX classes_created_idx ON classes (created_at, id);
CREATE INDEX classes_status_created_idx ON classes (status, created_at, id);

-- The institution select of the review queue's filter (InstitutionChoices,
-- every non-revoked institution by name) on every page view: read in
-- order from the index instead of sorting 1,700 rows (2.6 ms -> 0.5 ms).
CREATE INDEX institutions_choices_idx ON institutions (name, id) INCLUDE (status) WHERE status <> 'revoked';

-- Filings per stored status, kept by statement triggers.
CREATE TABLE class_counts (
    status text PRIMARY KEY,
    n      bigint NOT NULL
);
INSERT INTO class_counts (status, n)
SELECT s, count(c.id)
FROM unnest(ARRAY['draft', 'submitted', 'returned', 'approved', 'finished', 'assessment_applied', 'assessed',
    'archived', 'cancelled']) AS s
LEFT JOIN classes c ON c.status = s
GROUP BY s;

-- +goose StatementBegin
CREATE FUNCTION class_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE class_counts c SET n = c.n + d.n
        FROM (SELECT status, count(*) AS n FROM new_rows GROUP BY status) d
        WHERE c.status = d.status;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE class_counts c SET n = c.n - d.n
        FROM (SELECT status, count(*) AS n FROM old_rows GROUP BY status) d
        WHERE c.status = d.status;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE class_counts c SET n = c.n + d.n
        FROM (SELECT status, sum(n) AS n FROM (
                  SELECT status, 1 AS n FROM new_rows
                  UNION ALL
                  SELECT status, -1 FROM old_rows) x
              GROUP BY status) d
        WHERE c.status = d.status AND d.n <> 0;
    ELSE -- TRUNCATE
        UPDATE class_counts SET n = 0;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER class_counts_insert AFTER INSERT ON classes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_counts_apply();
CREATE TRIGGER class_counts_update AFTER UPDATE ON classes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_counts_apply();
CREATE TRIGGER class_counts_delete AFTER DELETE ON classes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_counts_apply();
CREATE TRIGGER class_counts_truncate AFTER TRUNCATE ON classes
    FOR EACH STATEMENT EXECUTE FUNCTION class_counts_apply();

-- +goose Down
DROP TRIGGER class_counts_truncate ON classes;
DROP TRIGGER class_counts_delete ON classes;
DROP TRIGGER class_counts_update ON classes;
DROP TRIGGER class_counts_insert ON classes;
DROP FUNCTION class_counts_apply();
DROP TABLE class_counts;
DROP INDEX institutions_choices_idx;
DROP INDEX classes_status_created_idx;
DROP INDEX classes_institution_urgency_idx;
DROP INDEX classes_created_idx;
CREATE INDEX classes_occupation_idx ON classes (occupation_id, id);
DROP INDEX classes_occupation_status_idx;
CREATE INDEX classes_start_idx ON classes (start_date, id);
CREATE INDEX classes_queue_idx ON classes (status, start_date, id);
DROP INDEX classes_status_urgency_idx;
DROP INDEX classes_urgency_idx;
