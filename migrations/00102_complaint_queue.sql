-- +goose Up
-- The bureau's complaint queue at province scale (issue 16): it joined
-- every complaint (20,000) with its institution, class and assignee,
-- counted them with count(*) OVER () and sorted them for a page of 50
-- (a hash of all 66,000 classes on the way). The page is now picked from
-- these indexes in the queue's orders and only its rows are read in full;
-- the totals of the whole queue and of each status come from counters
-- kept by statement triggers, as for classes (00009).
CREATE INDEX complaints_due_idx ON complaints (due_date, id);
CREATE INDEX complaints_received_idx ON complaints (received_at, id);
CREATE INDEX complaints_status_received_idx ON complaints (status, received_at, id);

-- Complaints per status.
CREATE TABLE complaint_counts (
    status text PRIMARY KEY,
    n      bigint NOT NULL
);
INSERT INTO complaint_counts (status, n)
SELECT s, count(c.id)
FROM unnest(ARRAY['received', 'handling', 'answered', 'closed']) AS s
LEFT JOIN complaints c ON c.status = s
GROUP BY s;

-- +goose StatementBegin
CREATE FUNCTION complaint_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE complaint_counts c SET n = c.n + d.n
        FROM (SELECT status, count(*) AS n FROM new_rows GROUP BY status) d
        WHERE c.status = d.status;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE complaint_counts c SET n = c.n - d.n
        FROM (SELECT status, count(*) AS n FROM old_rows GROUP BY status) d
        WHERE c.status = d.status;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE complaint_counts c SET n = c.n + d.n
        FROM (SELECT status, sum(n) AS n FROM (
                  SELECT status, 1 AS n FROM new_rows
                  UNION ALL
                  SELECT status, -1 FROM old_rows) x
              GROUP BY status) d
        WHERE c.status = d.status AND d.n <> 0;
    ELSE -- TRUNCATE
        UPDATE complaint_counts SET n = 0;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER complaint_counts_insert AFTER INSERT ON complaints
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION complaint_counts_apply();
CREATE TRIGGER complaint_counts_update AFTER UPDATE ON complaints
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION complaint_counts_apply();
CREATE TRIGGER complaint_counts_delete AFTER DELETE ON complaints
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION complaint_counts_apply();
CREATE TRIGGER complaint_counts_truncate AFTER TRUNCATE ON complaints
    FOR EACH STATEMENT EXECUTE FUNCTION complaint_counts_apply();

-- +goose Down
DROP TRIGGER complaint_counts_truncate ON complaints;
DROP TRIGGER complaint_counts_delete ON complaints;
DROP TRIGGER complaint_counts_update ON complaints;
DROP TRIGGER complaint_counts_insert ON complaints;
DROP FUNCTION complaint_counts_apply();
DROP TABLE complaint_counts;
DROP INDEX complaints_status_received_idx;
DROP INDEX complaints_received_idx;
DROP INDEX complaints_due_idx;
