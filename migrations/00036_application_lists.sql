-- +goose Up
-- The assessment application lists at province scale (issue 16): the
-- centre's queue read every application addressed to it (45,000 over two
-- years), counted them with count(*) OVER () and sorted them, about 700 ms
-- a page. A page is now picked in the queue's order from these indexes
-- (waiting applications first, then the rest, each by submission time),
-- and the totals come from counters kept by statement triggers, as for
-- classes (00009).
DROP INDEX exam_applications_queue_idx;
CREATE INDEX exam_applications_queue_idx ON exam_applications (eval_org_id, status, submitted_at, id);
CREATE INDEX exam_applications_org_order_idx ON exam_applications (eval_org_id, submitted_at, id);
CREATE INDEX exam_applications_status_order_idx ON exam_applications (status, submitted_at, id);
CREATE INDEX exam_applications_order_idx ON exam_applications (submitted_at, id);
CREATE INDEX exam_applications_institution_order_idx ON exam_applications (institution_id, submitted_at, id);

-- Applications per organisation and status.
CREATE TABLE exam_application_counts (
    eval_org_id bigint NOT NULL,
    status      text NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (eval_org_id, status)
);
INSERT INTO exam_application_counts (eval_org_id, status, n)
SELECT eval_org_id, status, count(*) FROM exam_applications GROUP BY 1, 2;

-- +goose StatementBegin
CREATE FUNCTION exam_application_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO exam_application_counts AS c (eval_org_id, status, n)
        SELECT eval_org_id, status, count(*) FROM new_rows GROUP BY 1, 2
        ON CONFLICT (eval_org_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE exam_application_counts c SET n = c.n - d.n
        FROM (SELECT eval_org_id, status, count(*) AS n FROM old_rows GROUP BY 1, 2) d
        WHERE c.eval_org_id = d.eval_org_id AND c.status = d.status;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO exam_application_counts AS c (eval_org_id, status, n)
        SELECT eval_org_id, status, sum(n) FROM (
            SELECT eval_org_id, status, 1 AS n FROM new_rows
            UNION ALL
            SELECT eval_org_id, status, -1 FROM old_rows) d
        GROUP BY 1, 2 HAVING sum(n) <> 0
        ON CONFLICT (eval_org_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE -- TRUNCATE
        DELETE FROM exam_application_counts;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER exam_application_counts_insert AFTER INSERT ON exam_applications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_application_counts_apply();
CREATE TRIGGER exam_application_counts_update AFTER UPDATE ON exam_applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_application_counts_apply();
CREATE TRIGGER exam_application_counts_delete AFTER DELETE ON exam_applications
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_application_counts_apply();
CREATE TRIGGER exam_application_counts_truncate AFTER TRUNCATE ON exam_applications
    FOR EACH STATEMENT EXECUTE FUNCTION exam_application_counts_apply();

-- +goose Down
DROP TRIGGER exam_application_counts_truncate ON exam_applications;
DROP TRIGGER exam_application_counts_delete ON exam_applications;
DROP TRIGGER exam_application_counts_update ON exam_applications;
DROP TRIGGER exam_application_counts_insert ON exam_applications;
DROP FUNCTION exam_application_counts_apply();
DROP TABLE exam_application_counts;
DROP INDEX exam_applications_institution_order_idx;
DROP INDEX exam_applications_order_idx;
DROP INDEX exam_applications_status_order_idx;
DROP INDEX exam_applications_org_order_idx;
DROP INDEX exam_applications_queue_idx;
CREATE INDEX exam_applications_queue_idx ON exam_applications (eval_org_id, status, submitted_at);
