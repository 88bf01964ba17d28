-- +goose Up
-- The year-end ledger list's facts per class (第十四条, SUP-1; issue 16).
-- The list and its summary read, for every class of the year, its roster
-- and agreements, its assessment application, its published results, its
-- money and its fund-use report, each by index per class: 100 ms for the
-- busiest school's 1,888 classes of a year at province scale. These facts
-- are kept here instead, recomputed for the classes a statement touched,
-- in its transaction, by triggers on the six tables they come from (the
-- delivery figures were kept already, class_delivery). A class with
-- nothing yet has no row (read as zeros). class_ledger_facts_of is the one
-- definition of the facts: the triggers, the backfill and the tests'
-- recount all call it.
CREATE TABLE class_ledger_facts (
    class_id bigint PRIMARY KEY REFERENCES classes (id),
    enrolled integer NOT NULL,  -- enrolled trainees (not withdrawn)
    agreed integer NOT NULL,    -- of them, with a signed agreement
    applied boolean NOT NULL,   -- an assessment application not returned
    results integer NOT NULL,   -- enrolled trainees with a published result
    tracked boolean NOT NULL,   -- fees paid or a live subsidy line
    filed boolean NOT NULL      -- fund use recorded for the class
);

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
-- refresh_class_ledger_facts recomputes the facts of some classes. Two
-- transactions refreshing the same class take turns: each locks its
-- classes' buckets, in order, before it reads, so the second reads what
-- the first committed (the pattern of refresh_pass_candidates).
CREATE FUNCTION refresh_class_ledger_facts(ids bigint[]) RETURNS void
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
-- A statement's new or old rows name the classes to refresh: every row
-- inserted or deleted; of the rows updated, those where what the facts
-- read changed (both the old and the new class). Statement triggers: a
-- claim's 500 lines released at once refresh their classes once.
CREATE FUNCTION class_ledger_facts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT n.class_id FROM new_rows n));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION class_ledger_facts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT o.class_id FROM old_rows o));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION enrolments_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT x.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.class_id), (n.class_id)) AS x (class_id)
        WHERE (o.status = 'enrolled', o.agreement_date IS NULL, o.class_id) IS DISTINCT FROM (n.status = 'enrolled', n.agreement_date IS NULL, n.class_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION exam_applications_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT x.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.class_id), (n.class_id)) AS x (class_id)
        WHERE (o.status = 'returned', o.class_id) IS DISTINCT FROM (n.status = 'returned', n.class_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION pass_candidates_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT x.class_id FROM new_rows n JOIN old_rows o ON o.enrolment_id = n.enrolment_id
        CROSS JOIN LATERAL (VALUES (o.class_id), (n.class_id)) AS x (class_id)
        WHERE o.class_id IS DISTINCT FROM n.class_id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION fee_payments_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT x.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.class_id), (n.class_id)) AS x (class_id)
        WHERE o.class_id IS DISTINCT FROM n.class_id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION subsidy_claim_lines_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT x.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.class_id), (n.class_id)) AS x (class_id)
        WHERE (o.status = 'active', o.class_id) IS DISTINCT FROM (n.status = 'active', n.class_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION fund_use_entries_ledger_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_class_ledger_facts(ARRAY(SELECT DISTINCT x.class_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.class_id), (n.class_id)) AS x (class_id)
        WHERE (o.status = 'recorded', o.class_id) IS DISTINCT FROM (n.status = 'recorded', n.class_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd


CREATE TRIGGER enrolments_ledger_facts_insert AFTER INSERT ON enrolments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_inserted();
CREATE TRIGGER enrolments_ledger_facts_delete AFTER DELETE ON enrolments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_deleted();
CREATE TRIGGER enrolments_ledger_facts_update AFTER UPDATE ON enrolments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION enrolments_ledger_facts_updated();

CREATE TRIGGER exam_applications_ledger_facts_insert AFTER INSERT ON exam_applications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_inserted();
CREATE TRIGGER exam_applications_ledger_facts_delete AFTER DELETE ON exam_applications
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_deleted();
CREATE TRIGGER exam_applications_ledger_facts_update AFTER UPDATE ON exam_applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exam_applications_ledger_facts_updated();

CREATE TRIGGER pass_candidates_ledger_facts_insert AFTER INSERT ON pass_candidates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_inserted();
CREATE TRIGGER pass_candidates_ledger_facts_delete AFTER DELETE ON pass_candidates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_deleted();
CREATE TRIGGER pass_candidates_ledger_facts_update AFTER UPDATE ON pass_candidates
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_candidates_ledger_facts_updated();

CREATE TRIGGER fee_payments_ledger_facts_insert AFTER INSERT ON fee_payments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_inserted();
CREATE TRIGGER fee_payments_ledger_facts_delete AFTER DELETE ON fee_payments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_deleted();
CREATE TRIGGER fee_payments_ledger_facts_update AFTER UPDATE ON fee_payments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fee_payments_ledger_facts_updated();

CREATE TRIGGER subsidy_claim_lines_ledger_facts_insert AFTER INSERT ON subsidy_claim_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_inserted();
CREATE TRIGGER subsidy_claim_lines_ledger_facts_delete AFTER DELETE ON subsidy_claim_lines
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_deleted();
CREATE TRIGGER subsidy_claim_lines_ledger_facts_update AFTER UPDATE ON subsidy_claim_lines
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION subsidy_claim_lines_ledger_facts_updated();

CREATE TRIGGER fund_use_entries_ledger_facts_insert AFTER INSERT ON fund_use_entries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_inserted();
CREATE TRIGGER fund_use_entries_ledger_facts_delete AFTER DELETE ON fund_use_entries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_ledger_facts_deleted();
CREATE TRIGGER fund_use_entries_ledger_facts_update AFTER UPDATE ON fund_use_entries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fund_use_entries_ledger_facts_updated();


-- +goose StatementBegin
-- fill_class_ledger_facts recomputes every class's facts at once, table by
-- table (hash aggregates over the whole tables, five seconds at province
-- scale where class_ledger_facts_of, class by class, took a minute): the
-- backfill here and the end of a bulk load. The tests compare what it
-- writes with class_ledger_facts_of, the facts' other definition.
CREATE FUNCTION fill_class_ledger_facts() RETURNS void LANGUAGE sql AS $$
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

-- The classes that have anything to count (a class with nothing has no row).
SELECT fill_class_ledger_facts();

-- +goose Down
DROP TRIGGER fund_use_entries_ledger_facts_update ON fund_use_entries;
DROP TRIGGER fund_use_entries_ledger_facts_delete ON fund_use_entries;
DROP TRIGGER fund_use_entries_ledger_facts_insert ON fund_use_entries;
DROP TRIGGER subsidy_claim_lines_ledger_facts_update ON subsidy_claim_lines;
DROP TRIGGER subsidy_claim_lines_ledger_facts_delete ON subsidy_claim_lines;
DROP TRIGGER subsidy_claim_lines_ledger_facts_insert ON subsidy_claim_lines;
DROP TRIGGER fee_payments_ledger_facts_update ON fee_payments;
DROP TRIGGER fee_payments_ledger_facts_delete ON fee_payments;
DROP TRIGGER fee_payments_ledger_facts_insert ON fee_payments;
DROP TRIGGER pass_candidates_ledger_facts_update ON pass_candidates;
DROP TRIGGER pass_candidates_ledger_facts_delete ON pass_candidates;
DROP TRIGGER pass_candidates_ledger_facts_insert ON pass_candidates;
DROP TRIGGER exam_applications_ledger_facts_update ON exam_applications;
DROP TRIGGER exam_applications_ledger_facts_delete ON exam_applications;
DROP TRIGGER exam_applications_ledger_facts_insert ON exam_applications;
DROP TRIGGER enrolments_ledger_facts_update ON enrolments;
DROP TRIGGER enrolments_ledger_facts_delete ON enrolments;
DROP TRIGGER enrolments_ledger_facts_insert ON enrolments;
DROP FUNCTION enrolments_ledger_facts_updated();
DROP FUNCTION exam_applications_ledger_facts_updated();
DROP FUNCTION pass_candidates_ledger_facts_updated();
DROP FUNCTION fee_payments_ledger_facts_updated();
DROP FUNCTION subsidy_claim_lines_ledger_facts_updated();
DROP FUNCTION fund_use_entries_ledger_facts_updated();
DROP FUNCTION class_ledger_facts_deleted();
DROP FUNCTION class_ledger_facts_inserted();
DROP FUNCTION fill_class_ledger_facts();
DROP FUNCTION refresh_class_ledger_facts(bigint[]);
DROP FUNCTION class_ledger_facts_of(bigint[]);
DROP TABLE class_ledger_facts;
