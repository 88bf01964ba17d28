-- +goose Up
-- The results list (/exam-results, issue 17): every candidate's result of
-- the sessions whose results are approved or published, a page at a time,
-- newest exam day first, with the total — at province scale 1.4 million
-- entries. The page walks the sessions by exam day and joins each one's
-- entries by its index; the total is the sum of per-session counts kept
-- by a statement trigger in the transaction of every write to the
-- entries (the pattern of class_figures, 00101), so exact at every commit
-- whatever code path writes. The institution is copied onto the session
-- like its organisation (00108): an application never changes either.
ALTER TABLE exam_sessions ADD COLUMN institution_id bigint,
    ADD COLUMN passed integer NOT NULL DEFAULT 0 CHECK (passed >= 0),
    ADD COLUMN failed integer NOT NULL DEFAULT 0 CHECK (failed >= 0);
UPDATE exam_sessions x SET institution_id = ap.institution_id FROM exam_applications ap WHERE ap.id = x.application_id;
UPDATE exam_sessions x SET passed = c.passed, failed = c.failed
FROM (SELECT session_id, count(*) FILTER (WHERE outcome = 'pass') AS passed, count(*) FILTER (WHERE outcome = 'fail') AS failed
    FROM exam_entries GROUP BY session_id) c
WHERE c.session_id = x.id AND (c.passed > 0 OR c.failed > 0);
ALTER TABLE exam_sessions ALTER COLUMN institution_id SET NOT NULL;
ALTER TABLE exam_sessions ADD CONSTRAINT exam_sessions_institution_fkey FOREIGN KEY (institution_id) REFERENCES institutions (id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION exam_sessions_eval_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT ap.eval_org_id, ap.institution_id INTO NEW.eval_org_id, NEW.institution_id
    FROM exam_applications ap WHERE ap.id = NEW.application_id;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- exam_sessions_add adds outcome deltas (session, passed, failed) to their
-- sessions' counts, in session order.
CREATE FUNCTION exam_sessions_add(d bigint[], p integer[], f integer[]) RETURNS void LANGUAGE sql AS $$
    UPDATE exam_sessions x SET passed = x.passed + g.p, failed = x.failed + g.f
    FROM (SELECT s AS session_id, sum(pp)::int AS p, sum(ff)::int AS f FROM unnest(d, p, f) AS u (s, pp, ff)
        GROUP BY s HAVING sum(pp) <> 0 OR sum(ff) <> 0 ORDER BY s) g
    WHERE x.id = g.session_id;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- exam_sessions_outcomes keeps the counts: what a statement changed in the
-- entries' outcomes (or sessions) is added to the sessions' counts.
CREATE FUNCTION exam_sessions_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s bigint[];
    p integer[];
    f integer[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE exam_sessions SET passed = 0, failed = 0 WHERE passed <> 0 OR failed <> 0;
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.session_id), array_agg((n.outcome = 'pass')::int), array_agg((n.outcome = 'fail')::int)
        INTO s, p, f FROM new_rows n WHERE n.outcome <> '';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.session_id), array_agg(-(o.outcome = 'pass')::int), array_agg(-(o.outcome = 'fail')::int)
        INTO s, p, f FROM old_rows o WHERE o.outcome <> '';
    ELSE
        SELECT array_agg(x.session_id), array_agg(x.p), array_agg(x.f) INTO s, p, f
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (n.session_id, (n.outcome = 'pass')::int, (n.outcome = 'fail')::int),
            (o.session_id, -(o.outcome = 'pass')::int, -(o.outcome = 'fail')::int)) AS x (session_id, p, f)
        WHERE (n.session_id, n.outcome) IS DISTINCT FROM (o.session_id, o.outcome);
    END IF;
    IF s IS NOT NULL THEN
        PERFORM exam_sessions_add(s, p, f);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER exam_outcomes_insert AFTER INSERT ON exam_entries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_sessions_outcomes();
CREATE TRIGGER exam_outcomes_update AFTER UPDATE ON exam_entries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_sessions_outcomes();
CREATE TRIGGER exam_outcomes_delete AFTER DELETE ON exam_entries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_sessions_outcomes();
CREATE TRIGGER exam_outcomes_truncate AFTER TRUNCATE ON exam_entries
    FOR EACH STATEMENT EXECUTE FUNCTION exam_sessions_outcomes();

-- The list walks these backwards by exam day: every final session, those
-- of an organisation (the centre), those of an institution (its own, and
-- the bureau's filter); each covers the columns the total sums.
CREATE INDEX exam_sessions_results_idx ON exam_sessions (exam_date, id)
    INCLUDE (retake, passed, failed) WHERE status IN ('approved', 'published');
CREATE INDEX exam_sessions_org_results_idx ON exam_sessions (eval_org_id, exam_date, id)
    INCLUDE (retake, status, passed, failed) WHERE status IN ('approved', 'published');
CREATE INDEX exam_sessions_inst_results_idx ON exam_sessions (institution_id, exam_date, id)
    INCLUDE (retake, status, passed, failed) WHERE status IN ('approved', 'published');

-- +goose Down
DROP INDEX exam_sessions_inst_results_idx;
DROP INDEX exam_sessions_org_results_idx;
DROP INDEX exam_sessions_results_idx;
DROP TRIGGER exam_outcomes_truncate ON exam_entries;
DROP TRIGGER exam_outcomes_delete ON exam_entries;
DROP TRIGGER exam_outcomes_update ON exam_entries;
DROP TRIGGER exam_outcomes_insert ON exam_entries;
DROP FUNCTION exam_sessions_outcomes();
DROP FUNCTION exam_sessions_add(bigint[], integer[], integer[]);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION exam_sessions_eval_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT ap.eval_org_id INTO NEW.eval_org_id FROM exam_applications ap WHERE ap.id = NEW.application_id;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
ALTER TABLE exam_sessions DROP COLUMN failed, DROP COLUMN passed, DROP COLUMN institution_id;
