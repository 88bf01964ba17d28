-- +goose Up
-- The centre's "accepted, waiting to be scheduled" (to-do list and the
-- navigation's count on every page): at province scale 15,022 accepted
-- applications were probed for a live session each time (13 ms of CPU per
-- count, 100 ms under a mixed load, the largest statement of the centre's
-- pages). Each application keeps how many of its sessions are live (not
-- cancelled), by a statement trigger on exam_sessions in the transaction
-- of every write, so a partial index lists exactly the applications
-- waiting for a session.
ALTER TABLE exam_applications ADD COLUMN live_sessions integer NOT NULL DEFAULT 0 CHECK (live_sessions >= 0);
UPDATE exam_applications ap SET live_sessions = s.n
FROM (SELECT application_id, count(*) AS n FROM exam_sessions WHERE status <> 'cancelled' GROUP BY 1) s
WHERE s.application_id = ap.id;
CREATE INDEX exam_applications_unscheduled_idx ON exam_applications (eval_org_id, decided_at, id)
    WHERE status = 'accepted' AND live_sessions = 0;

-- +goose StatementBegin
CREATE FUNCTION exam_applications_live_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a bigint[];
    n integer[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE exam_applications SET live_sessions = 0 WHERE live_sessions <> 0;
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(x.application_id), array_agg(1) INTO a, n FROM new_rows x WHERE x.status <> 'cancelled';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(x.application_id), array_agg(-1) INTO a, n FROM old_rows x WHERE x.status <> 'cancelled';
    ELSE
        SELECT array_agg(d.application_id), array_agg(d.n) INTO a, n
        FROM new_rows nw JOIN old_rows o ON o.id = nw.id
        CROSS JOIN LATERAL (VALUES (nw.application_id, (nw.status <> 'cancelled')::int),
            (o.application_id, -(o.status <> 'cancelled')::int)) AS d (application_id, n)
        WHERE (nw.application_id, nw.status <> 'cancelled') IS DISTINCT FROM (o.application_id, o.status <> 'cancelled');
    END IF;
    IF a IS NOT NULL THEN
        UPDATE exam_applications ap SET live_sessions = ap.live_sessions + g.n
        FROM (SELECT u.id, sum(u.n)::int AS n FROM unnest(a, n) AS u (id, n) GROUP BY u.id HAVING sum(u.n) <> 0 ORDER BY u.id) g
        WHERE ap.id = g.id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER exam_sessions_live_insert AFTER INSERT ON exam_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_applications_live_sessions();
CREATE TRIGGER exam_sessions_live_update AFTER UPDATE ON exam_sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_applications_live_sessions();
CREATE TRIGGER exam_sessions_live_delete AFTER DELETE ON exam_sessions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_applications_live_sessions();
CREATE TRIGGER exam_sessions_live_truncate AFTER TRUNCATE ON exam_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION exam_applications_live_sessions();

-- +goose Down
DROP TRIGGER exam_sessions_live_truncate ON exam_sessions;
DROP TRIGGER exam_sessions_live_delete ON exam_sessions;
DROP TRIGGER exam_sessions_live_update ON exam_sessions;
DROP TRIGGER exam_sessions_live_insert ON exam_sessions;
DROP FUNCTION exam_applications_live_sessions();
DROP INDEX exam_applications_unscheduled_idx;
ALTER TABLE exam_applications DROP COLUMN live_sessions;
