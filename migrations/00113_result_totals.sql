-- +goose Up
-- The results list's total (/exam-results, issue 16). The total was the
-- sum of the kept per-session counts (00109) over every final session: a
-- scan of 43,000 sessions for the bureau's unfiltered list at province
-- scale (9.6 ms of its 12.6 ms). These are the same counts summed once
-- more, per organisation, exam year, state and attempt, kept by a
-- statement trigger on the sessions in the transaction of every change
-- to them (which includes the sessions' counts kept from the entries), so
-- exact at every commit. The bureau's and a centre's list read at most a
-- few dozen rows; a list narrowed to an institution still sums that
-- institution's sessions by index.
CREATE TABLE exam_result_totals (
    eval_org_id bigint NOT NULL REFERENCES eval_orgs (id),
    year_start date NOT NULL CHECK (extract(month FROM year_start) = 1 AND extract(day FROM year_start) = 1),
    status text NOT NULL CHECK (status IN ('approved', 'published')),
    retake boolean NOT NULL,
    -- No CHECK (>= 0): a delta arrives as a proposed row of the upsert,
    -- and PostgreSQL checks that row before it finds the conflict. The
    -- tests compare the totals with a recount after every kind of write.
    passed bigint NOT NULL DEFAULT 0,
    failed bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (eval_org_id, year_start, status, retake)
);

INSERT INTO exam_result_totals (eval_org_id, year_start, status, retake, passed, failed)
SELECT eval_org_id, date_trunc('year', exam_date)::date, status, retake, sum(passed), sum(failed)
FROM exam_sessions WHERE status IN ('approved', 'published')
GROUP BY 1, 2, 3, 4;

-- +goose StatementBegin
-- exam_result_totals_apply adds what an UPDATE changed in the final
-- sessions (a session's counts, its state, its day) to the totals, in key
-- order (two writers lock the rows in the same order); a TRUNCATE empties
-- them.
CREATE FUNCTION exam_result_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM exam_result_totals;
        RETURN NULL;
    END IF;
    WITH d AS (
        SELECT n.eval_org_id, date_trunc('year', n.exam_date)::date AS y, n.status, n.retake, n.passed::bigint AS p, n.failed::bigint AS f
        FROM new_rows n WHERE n.status IN ('approved', 'published')
        UNION ALL
        SELECT o.eval_org_id, date_trunc('year', o.exam_date)::date, o.status, o.retake, -o.passed, -o.failed
        FROM old_rows o WHERE o.status IN ('approved', 'published')
    ), g AS (
        SELECT eval_org_id, y, status, retake, sum(p) AS p, sum(f) AS f FROM d
        GROUP BY 1, 2, 3, 4 HAVING sum(p) <> 0 OR sum(f) <> 0
    )
    INSERT INTO exam_result_totals AS t (eval_org_id, year_start, status, retake, passed, failed)
    SELECT eval_org_id, y, status, retake, p, f FROM g ORDER BY 1, 2, 3, 4
    ON CONFLICT (eval_org_id, year_start, status, retake)
    DO UPDATE SET passed = t.passed + excluded.passed, failed = t.failed + excluded.failed;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- A statement's transition tables exist for the kinds of statement that
-- declare them; INSERT and DELETE get a function that reads only theirs.
-- +goose StatementBegin
CREATE FUNCTION exam_result_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO exam_result_totals AS t (eval_org_id, year_start, status, retake, passed, failed)
    SELECT n.eval_org_id, date_trunc('year', n.exam_date)::date, n.status, n.retake, sum(n.passed), sum(n.failed)
    FROM new_rows n WHERE n.status IN ('approved', 'published') AND (n.passed <> 0 OR n.failed <> 0)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (eval_org_id, year_start, status, retake)
    DO UPDATE SET passed = t.passed + excluded.passed, failed = t.failed + excluded.failed;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION exam_result_totals_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO exam_result_totals AS t (eval_org_id, year_start, status, retake, passed, failed)
    SELECT o.eval_org_id, date_trunc('year', o.exam_date)::date, o.status, o.retake, -sum(o.passed), -sum(o.failed)
    FROM old_rows o WHERE o.status IN ('approved', 'published') AND (o.passed <> 0 OR o.failed <> 0)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (eval_org_id, year_start, status, retake)
    DO UPDATE SET passed = t.passed + excluded.passed, failed = t.failed + excluded.failed;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER exam_result_totals_update AFTER UPDATE ON exam_sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_result_totals_apply();
CREATE TRIGGER exam_result_totals_insert AFTER INSERT ON exam_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_result_totals_insert();
CREATE TRIGGER exam_result_totals_delete AFTER DELETE ON exam_sessions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_result_totals_delete();
CREATE TRIGGER exam_result_totals_truncate AFTER TRUNCATE ON exam_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION exam_result_totals_apply();

-- +goose Down
DROP TRIGGER exam_result_totals_truncate ON exam_sessions;
DROP TRIGGER exam_result_totals_delete ON exam_sessions;
DROP TRIGGER exam_result_totals_insert ON exam_sessions;
DROP TRIGGER exam_result_totals_update ON exam_sessions;
DROP FUNCTION exam_result_totals_delete();
DROP FUNCTION exam_result_totals_insert();
DROP FUNCTION exam_result_totals_apply();
DROP TABLE exam_result_totals;
