-- +goose Up
-- The claim build page (/claims/new, 第十二条) lists an institution's newest
-- 200 classes with published passes and, for each, its passes with a valid
-- certificate and how many of them an active claim line holds already. It
-- counted them per class on every view, through enrolments, entries,
-- sessions, certificates and claim lines (19 ms p50, 151 ms p99 for a school
-- of 2,000 filings at province scale). The two counts are kept with the
-- class's other ledger facts (00115), by the same refresh, and the triggers
-- that feed it gain the three tables they come from: certificates (issued,
-- revoked, restored), exam entries (an outcome amended) and exam sessions
-- (published). class_ledger_facts_of stays the one definition.
ALTER TABLE class_ledger_facts ADD COLUMN passes integer NOT NULL DEFAULT 0,
    ADD COLUMN claimed integer NOT NULL DEFAULT 0;

DROP FUNCTION class_ledger_facts_of(bigint[]);

-- +goose StatementBegin
CREATE FUNCTION class_ledger_facts_of(ids bigint[])
RETURNS TABLE (class_id bigint, enrolled integer, agreed integer, applied boolean, results integer, tracked boolean, filed boolean,
    passes integer, claimed integer)
LANGUAGE sql STABLE AS $$
    SELECT c.id, en.enrolled::int, en.agreed::int,
        EXISTS (SELECT 1 FROM exam_applications ap WHERE ap.class_id = c.id AND ap.status <> 'returned'),
        (SELECT count(*) FROM pass_candidates p JOIN enrolments e ON e.id = p.enrolment_id
            WHERE p.class_id = c.id AND e.status = 'enrolled')::int,
        EXISTS (SELECT 1 FROM fee_payments p WHERE p.class_id = c.id)
            OR EXISTS (SELECT 1 FROM subsidy_claim_lines sl WHERE sl.class_id = c.id AND sl.status = 'active'),
        EXISTS (SELECT 1 FROM fund_use_entries u WHERE u.class_id = c.id AND u.status = 'recorded'),
        pa.passes::int, pa.claimed::int
    FROM (SELECT DISTINCT i.id FROM unnest(ids) AS i (id)) i
    JOIN classes c ON c.id = i.id
    CROSS JOIN LATERAL (SELECT count(*) AS enrolled, count(e.agreement_date) AS agreed
        FROM enrolments e WHERE e.class_id = c.id AND e.status = 'enrolled') en
    CROSS JOIN LATERAL (SELECT count(*) AS passes, count(l.id) AS claimed FROM enrolments e
        JOIN exam_entries xe ON xe.enrolment_id = e.id AND xe.outcome = 'pass'
        JOIN exam_sessions es ON es.id = xe.session_id AND es.status = 'published'
        JOIN certificates cert ON cert.entry_id = xe.id AND cert.revoked_at IS NULL
        LEFT JOIN subsidy_claim_lines l ON l.certificate_id = cert.id AND l.status = 'active'
        WHERE e.class_id = c.id) pa
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_class_ledger_facts(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- A bulk load (tianmu demo -scale, one transaction) defers the facts
    -- and fills them once at its end (fill_class_ledger_facts).
    IF ids IS NULL OR cardinality(ids) = 0 OR current_setting('tianmu.defer_ledger_facts', true) = 'on' THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('class_ledger_facts'), x.b)
    FROM (SELECT DISTINCT (i.id % 1024)::int AS b FROM unnest(ids) AS i (id) WHERE i.id IS NOT NULL ORDER BY 1) x;
    INSERT INTO class_ledger_facts AS t (class_id, enrolled, agreed, applied, results, tracked, filed, passes, claimed)
    SELECT f.class_id, f.enrolled, f.agreed, f.applied, f.results, f.tracked, f.filed, f.passes, f.claimed
    FROM class_ledger_facts_of(ids) f
    ORDER BY f.class_id
    ON CONFLICT (class_id) DO UPDATE SET enrolled = EXCLUDED.enrolled, agreed = EXCLUDED.agreed, applied = EXCLUDED.applied,
        results = EXCLUDED.results, tracked = EXCLUDED.tracked, filed = EXCLUDED.filed, passes = EXCLUDED.passes,
        claimed = EXCLUDED.claimed
    WHERE (t.enrolled, t.agreed, t.applied, t.results, t.tracked, t.filed, t.passes, t.claimed)
        IS DISTINCT FROM (EXCLUDED.enrolled, EXCLUDED.agreed, EXCLUDED.applied, EXCLUDED.results, EXCLUDED.tracked,
            EXCLUDED.filed, EXCLUDED.passes, EXCLUDED.claimed);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A claim line moved to another certificate changes the claimed counts.
CREATE OR REPLACE FUNCTION subsidy_claim_lines_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT x.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.class_id), (n.class_id)) AS x (class_id)
        WHERE (o.status = 'active', o.class_id, o.certificate_id) IS DISTINCT FROM (n.status = 'active', n.class_id, n.certificate_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Certificates carry no class: their entry's enrolment names it.
CREATE FUNCTION certificates_ledger_facts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT e.class_id FROM new_rows n
        JOIN exam_entries x ON x.id = n.entry_id JOIN enrolments e ON e.id = x.enrolment_id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION certificates_ledger_facts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT e.class_id FROM old_rows o
        JOIN exam_entries x ON x.id = o.entry_id JOIN enrolments e ON e.id = x.enrolment_id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION certificates_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT e.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.entry_id), (n.entry_id)) AS k (entry_id)
        JOIN exam_entries x ON x.id = k.entry_id JOIN enrolments e ON e.id = x.enrolment_id
        WHERE (o.revoked_at IS NULL, o.entry_id) IS DISTINCT FROM (n.revoked_at IS NULL, n.entry_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- An entry counts once it has a certificate, so an entry written or
-- removed changes nothing (a certificate references its entry); an outcome
-- amended, or an entry moved, does.
CREATE FUNCTION exam_entries_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT e.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.enrolment_id), (n.enrolment_id)) AS k (enrolment_id)
        JOIN enrolments e ON e.id = k.enrolment_id
        WHERE (o.outcome = 'pass', o.session_id, o.enrolment_id) IS DISTINCT FROM (n.outcome = 'pass', n.session_id, n.enrolment_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A session published (or no longer) changes its application's class.
CREATE FUNCTION exam_sessions_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT a.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.application_id), (n.application_id)) AS k (application_id)
        JOIN exam_applications a ON a.id = k.application_id
        WHERE (o.status = 'published', o.application_id) IS DISTINCT FROM (n.status = 'published', n.application_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER certificates_ledger_facts_insert AFTER INSERT ON certificates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION certificates_ledger_facts_inserted();
CREATE TRIGGER certificates_ledger_facts_delete AFTER DELETE ON certificates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION certificates_ledger_facts_deleted();
CREATE TRIGGER certificates_ledger_facts_update AFTER UPDATE ON certificates
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION certificates_ledger_facts_updated();
-- Triggers of one event fire in the order of their names. These two are
-- named to fire after every other trigger on their tables, so the facts'
-- bucket locks are taken last, after the rows those others write (a
-- session's outcome counts, result totals, pass candidates): the order
-- every other writer of the facts keeps. Fired first, an outcome amended
-- held a class's bucket while waiting for its session's row, which a
-- session being published held while waiting for the bucket: deadlock
-- (TestStatisticsFiguresUnderConcurrency).
CREATE TRIGGER z_ledger_facts_update AFTER UPDATE ON exam_entries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_entries_ledger_facts_updated();
CREATE TRIGGER z_ledger_facts_update AFTER UPDATE ON exam_sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_sessions_ledger_facts_updated();

-- +goose StatementBegin
-- fill_class_ledger_facts recomputes every class's facts at once, table by
-- table (the backfill and the end of a bulk load); the tests compare what
-- it writes with class_ledger_facts_of.
CREATE OR REPLACE FUNCTION fill_class_ledger_facts() RETURNS void LANGUAGE sql AS $$
    DELETE FROM class_ledger_facts;
    INSERT INTO class_ledger_facts (class_id, enrolled, agreed, applied, results, tracked, filed, passes, claimed)
    SELECT k.class_id, coalesce(en.enrolled, 0), coalesce(en.agreed, 0), ap.class_id IS NOT NULL, coalesce(r.results, 0),
        fp.class_id IS NOT NULL OR sl.class_id IS NOT NULL, fu.class_id IS NOT NULL, coalesce(pa.passes, 0), coalesce(pa.claimed, 0)
    FROM (SELECT class_id FROM enrolments UNION SELECT class_id FROM exam_applications UNION SELECT class_id FROM pass_candidates
        UNION SELECT class_id FROM fee_payments UNION SELECT class_id FROM subsidy_claim_lines
        UNION SELECT class_id FROM fund_use_entries WHERE class_id IS NOT NULL) k
    LEFT JOIN (SELECT class_id, count(*) AS enrolled, count(agreement_date) AS agreed FROM enrolments
        WHERE status = 'enrolled' GROUP BY class_id) en ON en.class_id = k.class_id
    LEFT JOIN (SELECT DISTINCT class_id FROM exam_applications WHERE status <> 'returned') ap ON ap.class_id = k.class_id
    LEFT JOIN (SELECT p.class_id, count(*) AS results FROM pass_candidates p JOIN enrolments e ON e.id = p.enrolment_id
        WHERE e.status = 'enrolled' GROUP BY p.class_id) r ON r.class_id = k.class_id
    LEFT JOIN (SELECT DISTINCT class_id FROM fee_payments) fp ON fp.class_id = k.class_id
    LEFT JOIN (SELECT DISTINCT class_id FROM subsidy_claim_lines WHERE status = 'active') sl ON sl.class_id = k.class_id
    LEFT JOIN (SELECT DISTINCT class_id FROM fund_use_entries WHERE status = 'recorded' AND class_id IS NOT NULL) fu
        ON fu.class_id = k.class_id
    LEFT JOIN (SELECT e.class_id, count(*) AS passes, count(l.id) AS claimed FROM certificates cert
        JOIN exam_entries xe ON xe.id = cert.entry_id AND xe.outcome = 'pass'
        JOIN exam_sessions es ON es.id = xe.session_id AND es.status = 'published'
        JOIN enrolments e ON e.id = xe.enrolment_id
        LEFT JOIN subsidy_claim_lines l ON l.certificate_id = cert.id AND l.status = 'active'
        WHERE cert.revoked_at IS NULL GROUP BY e.class_id) pa ON pa.class_id = k.class_id
    ORDER BY k.class_id;
$$;
-- +goose StatementEnd

SELECT fill_class_ledger_facts();

-- +goose Down
DROP TRIGGER z_ledger_facts_update ON exam_sessions;
DROP TRIGGER z_ledger_facts_update ON exam_entries;
DROP TRIGGER certificates_ledger_facts_update ON certificates;
DROP TRIGGER certificates_ledger_facts_delete ON certificates;
DROP TRIGGER certificates_ledger_facts_insert ON certificates;
DROP FUNCTION exam_sessions_ledger_facts_updated();
DROP FUNCTION exam_entries_ledger_facts_updated();
DROP FUNCTION certificates_ledger_facts_updated();
DROP FUNCTION certificates_ledger_facts_deleted();
DROP FUNCTION certificates_ledger_facts_inserted();
DROP FUNCTION class_ledger_facts_of(bigint[]);
-- +goose StatementBegin
CREATE FUNCTION class_ledger_facts_of(ids bigint[])
RETURNS TABLE (class_id bigint, enrolled integer, agreed integer, applied boolean, results integer, tracked boolean, filed boolean)
LANGUAGE sql STABLE AS $$
    SELECT c.id, en.enrolled::int, en.agreed::int,
        EXISTS (SELECT 1 FROM exam_applications ap WHERE ap.class_id = c.id AND ap.status <> 'returned'),
        (SELECT count(*) FROM pass_candidates p JOIN enrolments e ON e.id = p.enrolment_id
            WHERE p.class_id = c.id AND e.status = 'enrolled')::int,
        EXISTS (SELECT 1 FROM fee_payments p WHERE p.class_id = c.id)
            OR EXISTS (SELECT 1 FROM subsidy_claim_lines sl WHERE sl.class_id = c.id AND sl.status = 'active'),
        EXISTS (SELECT 1 FROM fund_use_entries u WHERE u.class_id = c.id AND u.status = 'recorded')
    FROM (SELECT DISTINCT i.id FROM unnest(ids) AS i (id)) i
    JOIN classes c ON c.id = i.id
    CROSS JOIN LATERAL (SELECT count(*) AS enrolled, count(e.agreement_date) AS agreed
        FROM enrolments e WHERE e.class_id = c.id AND e.status = 'enrolled') en
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_class_ledger_facts(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- A bulk load (tianmu demo -scale, one transaction) defers the facts
    -- and fills them once at its end (fill_class_ledger_facts): refreshed
    -- statement by statement, its COPYs recounted 50,000 classes each.
    IF ids IS NULL OR cardinality(ids) = 0 OR current_setting('tianmu.defer_ledger_facts', true) = 'on' THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('class_ledger_facts'), x.b)
    FROM (SELECT DISTINCT (i.id % 1024)::int AS b FROM unnest(ids) AS i (id) WHERE i.id IS NOT NULL ORDER BY 1) x;
    INSERT INTO class_ledger_facts AS t (class_id, enrolled, agreed, applied, results, tracked, filed)
    SELECT f.class_id, f.enrolled, f.agreed, f.applied, f.results, f.tracked, f.filed
    FROM class_ledger_facts_of(ids) f
    ORDER BY f.class_id
    ON CONFLICT (class_id) DO UPDATE SET enrolled = EXCLUDED.enrolled, agreed = EXCLUDED.agreed, applied = EXCLUDED.applied,
        results = EXCLUDED.results, tracked = EXCLUDED.tracked, filed = EXCLUDED.filed
    WHERE (t.enrolled, t.agreed, t.applied, t.results, t.tracked, t.filed)
        IS DISTINCT FROM (EXCLUDED.enrolled, EXCLUDED.agreed, EXCLUDED.applied, EXCLUDED.results, EXCLUDED.tracked, EXCLUDED.filed);
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION subsidy_claim_lines_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT x.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.class_id), (n.class_id)) AS x (class_id)
        WHERE (o.status = 'active', o.class_id) IS DISTINCT FROM (n.status = 'active', n.class_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION fill_class_ledger_facts() RETURNS void LANGUAGE sql AS $$
    DELETE FROM class_ledger_facts;
    INSERT INTO class_ledger_facts (class_id, enrolled, agreed, applied, results, tracked, filed)
    SELECT k.class_id, coalesce(en.enrolled, 0), coalesce(en.agreed, 0), ap.class_id IS NOT NULL, coalesce(r.results, 0),
        fp.class_id IS NOT NULL OR sl.class_id IS NOT NULL, fu.class_id IS NOT NULL
    FROM (SELECT class_id FROM enrolments UNION SELECT class_id FROM exam_applications UNION SELECT class_id FROM pass_candidates
        UNION SELECT class_id FROM fee_payments UNION SELECT class_id FROM subsidy_claim_lines
        UNION SELECT class_id FROM fund_use_entries WHERE class_id IS NOT NULL) k
    LEFT JOIN (SELECT class_id, count(*) AS enrolled, count(agreement_date) AS agreed FROM enrolments
        WHERE status = 'enrolled' GROUP BY class_id) en ON en.class_id = k.class_id
    LEFT JOIN (SELECT DISTINCT class_id FROM exam_applications WHERE status <> 'returned') ap ON ap.class_id = k.class_id
    LEFT JOIN (SELECT p.class_id, count(*) AS results FROM pass_candidates p JOIN enrolments e ON e.id = p.enrolment_id
        WHERE e.status = 'enrolled' GROUP BY p.class_id) r ON r.class_id = k.class_id
    LEFT JOIN (SELECT DISTINCT class_id FROM fee_payments) fp ON fp.class_id = k.class_id
    LEFT JOIN (SELECT DISTINCT class_id FROM subsidy_claim_lines WHERE status = 'active') sl ON sl.class_id = k.class_id
    LEFT JOIN (SELECT DISTINCT class_id FROM fund_use_entries WHERE status = 'recorded' AND class_id IS NOT NULL) fu
        ON fu.class_id = k.class_id
    ORDER BY k.class_id;
$$;
-- +goose StatementEnd
ALTER TABLE class_ledger_facts DROP COLUMN claimed, DROP COLUMN passes;
