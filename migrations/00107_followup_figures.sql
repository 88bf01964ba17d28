-- +goose Up
-- Per class, the follow-up figures the bureau's /surveys and /employment
-- read instead of every answer and every record (500,000 answers and two
-- million records at province scale: more than 2 s a view). Kept by
-- statement triggers in the transaction of each write (the pattern of
-- class_figures, 00101, and subsidy_paid_totals, 00104), so exact at every
-- commit whatever code path writes. One row per class that is over
-- (finished, assessed, archived: the classes due a follow-up) or that has
-- survey codes or employment records.
--
-- Survey: codes issued, answers, the sums of each question's scores and
-- the answers with overall >= 4. Employment at 3 and 6 months: records of
-- enrolled trainees, of them employed, spot-checked, checked and found to
-- differ. enrolled, end_date, institution and occupation follow the class.
CREATE TABLE class_followup (
    class_id       bigint PRIMARY KEY,
    institution_id bigint NOT NULL,
    occupation_id  bigint NOT NULL,     -- 0 for none
    end_date       date,
    enrolled       integer NOT NULL,
    done           boolean NOT NULL,    -- finished, assessment_applied, assessed or archived
    codes          integer NOT NULL DEFAULT 0,
    answers        integer NOT NULL DEFAULT 0,
    overall        integer NOT NULL DEFAULT 0,
    teaching       integer NOT NULL DEFAULT 0,
    venue          integer NOT NULL DEFAULT 0,
    organisation   integer NOT NULL DEFAULT 0,
    satisfied      integer NOT NULL DEFAULT 0,
    rec3           integer NOT NULL DEFAULT 0,
    emp3           integer NOT NULL DEFAULT 0,
    chk3           integer NOT NULL DEFAULT 0,
    dif3           integer NOT NULL DEFAULT 0,
    rec6           integer NOT NULL DEFAULT 0,
    emp6           integer NOT NULL DEFAULT 0,
    chk6           integer NOT NULL DEFAULT 0,
    dif6           integer NOT NULL DEFAULT 0
);
-- The reports' rows of a year (by the class's end), covering what they sum.
CREATE INDEX class_followup_survey_idx ON class_followup (end_date, class_id)
    INCLUDE (institution_id, occupation_id, codes, answers, overall, teaching, venue, organisation, satisfied) WHERE codes > 0;
CREATE INDEX class_followup_employment_idx ON class_followup (end_date, class_id)
    INCLUDE (institution_id, occupation_id, enrolled, rec3, emp3, chk3, dif3, rec6, emp6, chk6, dif6) WHERE done AND enrolled > 0;

CREATE TYPE followup_delta AS (class_id bigint, codes integer, answers integer, overall integer, teaching integer,
    venue integer, organisation integer, satisfied integer, rec3 integer, emp3 integer, chk3 integer, dif3 integer,
    rec6 integer, emp6 integer, chk6 integer, dif6 integer);

-- +goose StatementBegin
-- class_followup_add adds deltas to their classes' rows (made from the
-- class when missing), in class order.
CREATE FUNCTION class_followup_add(d followup_delta[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(d) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO class_followup (class_id, institution_id, occupation_id, end_date, enrolled, done)
    SELECT c.id, c.institution_id, coalesce(c.occupation_id, 0), c.end_date, c.enrolled,
        c.status IN ('finished', 'assessment_applied', 'assessed', 'archived')
    FROM classes c WHERE c.id IN (SELECT x.class_id FROM unnest(d) x)
    ORDER BY c.id
    ON CONFLICT (class_id) DO NOTHING;
    UPDATE class_followup f SET codes = f.codes + g.codes, answers = f.answers + g.answers, overall = f.overall + g.overall,
        teaching = f.teaching + g.teaching, venue = f.venue + g.venue, organisation = f.organisation + g.organisation,
        satisfied = f.satisfied + g.satisfied, rec3 = f.rec3 + g.rec3, emp3 = f.emp3 + g.emp3, chk3 = f.chk3 + g.chk3,
        dif3 = f.dif3 + g.dif3, rec6 = f.rec6 + g.rec6, emp6 = f.emp6 + g.emp6, chk6 = f.chk6 + g.chk6, dif6 = f.dif6 + g.dif6
    FROM (SELECT x.class_id, sum(x.codes) AS codes, sum(x.answers) AS answers, sum(x.overall) AS overall,
            sum(x.teaching) AS teaching, sum(x.venue) AS venue, sum(x.organisation) AS organisation, sum(x.satisfied) AS satisfied,
            sum(x.rec3) AS rec3, sum(x.emp3) AS emp3, sum(x.chk3) AS chk3, sum(x.dif3) AS dif3,
            sum(x.rec6) AS rec6, sum(x.emp6) AS emp6, sum(x.chk6) AS chk6, sum(x.dif6) AS dif6
        FROM unnest(d) x GROUP BY x.class_id ORDER BY x.class_id) g
    WHERE f.class_id = g.class_id;
END
$$;

CREATE FUNCTION class_followup_codes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d followup_delta[] := '{}';
BEGIN
    IF TG_OP = 'INSERT' THEN
        d := ARRAY(SELECT ROW(class_id, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)::followup_delta
            FROM new_rows GROUP BY class_id);
    ELSE
        d := ARRAY(SELECT ROW(class_id, -count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)::followup_delta
            FROM old_rows GROUP BY class_id);
    END IF;
    PERFORM class_followup_add(d);
    RETURN NULL;
END
$$;

CREATE FUNCTION class_followup_answers() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d followup_delta[] := '{}';
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(class_id, 0, count(*), sum(overall), sum(teaching), sum(venue), sum(organisation),
                count(*) FILTER (WHERE overall >= 4), 0, 0, 0, 0, 0, 0, 0, 0)::followup_delta
            FROM new_rows GROUP BY class_id);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(class_id, 0, -count(*), -sum(overall), -sum(teaching), -sum(venue), -sum(organisation),
                -count(*) FILTER (WHERE overall >= 4), 0, 0, 0, 0, 0, 0, 0, 0)::followup_delta
            FROM old_rows GROUP BY class_id);
    END IF;
    PERFORM class_followup_add(d);
    RETURN NULL;
END
$$;

-- Records count while their enrolment is enrolled (a withdrawn trainee is
-- due no follow-up); class_followup_enrolment follows a change of status.
CREATE FUNCTION class_followup_records() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d followup_delta[] := '{}';
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(r.class_id, 0, 0, 0, 0, 0, 0, 0,
                count(*) FILTER (WHERE r.months = 3), count(*) FILTER (WHERE r.months = 3 AND r.employed),
                count(*) FILTER (WHERE r.months = 3 AND r.check_result IS NOT NULL),
                count(*) FILTER (WHERE r.months = 3 AND r.check_result = 'differs'),
                count(*) FILTER (WHERE r.months = 6), count(*) FILTER (WHERE r.months = 6 AND r.employed),
                count(*) FILTER (WHERE r.months = 6 AND r.check_result IS NOT NULL),
                count(*) FILTER (WHERE r.months = 6 AND r.check_result = 'differs'))::followup_delta
            FROM new_rows r JOIN enrolments e ON e.id = r.enrolment_id AND e.status = 'enrolled' GROUP BY r.class_id);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(r.class_id, 0, 0, 0, 0, 0, 0, 0,
                -count(*) FILTER (WHERE r.months = 3), -count(*) FILTER (WHERE r.months = 3 AND r.employed),
                -count(*) FILTER (WHERE r.months = 3 AND r.check_result IS NOT NULL),
                -count(*) FILTER (WHERE r.months = 3 AND r.check_result = 'differs'),
                -count(*) FILTER (WHERE r.months = 6), -count(*) FILTER (WHERE r.months = 6 AND r.employed),
                -count(*) FILTER (WHERE r.months = 6 AND r.check_result IS NOT NULL),
                -count(*) FILTER (WHERE r.months = 6 AND r.check_result = 'differs'))::followup_delta
            FROM old_rows r JOIN enrolments e ON e.id = r.enrolment_id AND e.status = 'enrolled' GROUP BY r.class_id);
    END IF;
    PERFORM class_followup_add(d);
    RETURN NULL;
END
$$;

CREATE FUNCTION class_followup_enrolment() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    s integer := CASE WHEN NEW.status = 'enrolled' THEN 1 ELSE -1 END;
BEGIN
    PERFORM class_followup_add(ARRAY(SELECT ROW(r.class_id, 0, 0, 0, 0, 0, 0, 0,
            s * count(*) FILTER (WHERE r.months = 3), s * count(*) FILTER (WHERE r.months = 3 AND r.employed),
            s * count(*) FILTER (WHERE r.months = 3 AND r.check_result IS NOT NULL),
            s * count(*) FILTER (WHERE r.months = 3 AND r.check_result = 'differs'),
            s * count(*) FILTER (WHERE r.months = 6), s * count(*) FILTER (WHERE r.months = 6 AND r.employed),
            s * count(*) FILTER (WHERE r.months = 6 AND r.check_result IS NOT NULL),
            s * count(*) FILTER (WHERE r.months = 6 AND r.check_result = 'differs'))::followup_delta
        FROM employment_records r WHERE r.enrolment_id = NEW.id GROUP BY r.class_id));
    RETURN NULL;
END
$$;

-- A class that is over, or that has a row, keeps its row's class fields
-- current.
CREATE FUNCTION class_followup_classes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO class_followup (class_id, institution_id, occupation_id, end_date, enrolled, done)
        SELECT n.id, n.institution_id, coalesce(n.occupation_id, 0), n.end_date, n.enrolled, true
        FROM new_rows n WHERE n.status IN ('finished', 'assessment_applied', 'assessed', 'archived')
        ORDER BY n.id
        ON CONFLICT (class_id) DO UPDATE SET institution_id = EXCLUDED.institution_id, occupation_id = EXCLUDED.occupation_id,
            end_date = EXCLUDED.end_date, enrolled = EXCLUDED.enrolled, done = EXCLUDED.done;
    ELSE
        INSERT INTO class_followup (class_id, institution_id, occupation_id, end_date, enrolled, done)
        SELECT n.id, n.institution_id, coalesce(n.occupation_id, 0), n.end_date, n.enrolled,
            n.status IN ('finished', 'assessment_applied', 'assessed', 'archived')
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.status IN ('finished', 'assessment_applied', 'assessed', 'archived')
                OR o.status IN ('finished', 'assessment_applied', 'assessed', 'archived')
                OR EXISTS (SELECT 1 FROM class_followup f WHERE f.class_id = n.id))
            AND (n.status, n.institution_id, n.occupation_id, n.end_date, n.enrolled)
                IS DISTINCT FROM (o.status, o.institution_id, o.occupation_id, o.end_date, o.enrolled)
        ORDER BY n.id
        ON CONFLICT (class_id) DO UPDATE SET institution_id = EXCLUDED.institution_id, occupation_id = EXCLUDED.occupation_id,
            end_date = EXCLUDED.end_date, enrolled = EXCLUDED.enrolled, done = EXCLUDED.done;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER class_followup_insert AFTER INSERT ON classes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_classes();
CREATE TRIGGER class_followup_update AFTER UPDATE ON classes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_classes();
CREATE TRIGGER class_followup_codes_insert AFTER INSERT ON survey_codes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_codes();
CREATE TRIGGER class_followup_codes_delete AFTER DELETE ON survey_codes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_codes();
CREATE TRIGGER class_followup_answers_insert AFTER INSERT ON survey_answers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_answers();
CREATE TRIGGER class_followup_answers_update AFTER UPDATE ON survey_answers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_answers();
CREATE TRIGGER class_followup_answers_delete AFTER DELETE ON survey_answers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_answers();
CREATE TRIGGER class_followup_records_insert AFTER INSERT ON employment_records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_records();
CREATE TRIGGER class_followup_records_update AFTER UPDATE ON employment_records
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_records();
CREATE TRIGGER class_followup_records_delete AFTER DELETE ON employment_records
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_followup_records();
CREATE TRIGGER class_followup_enrolment AFTER UPDATE OF status ON enrolments
    FOR EACH ROW WHEN ((OLD.status = 'enrolled') IS DISTINCT FROM (NEW.status = 'enrolled'))
    EXECUTE FUNCTION class_followup_enrolment();

-- Backfill: what the triggers would have kept.
INSERT INTO class_followup (class_id, institution_id, occupation_id, end_date, enrolled, done,
    codes, answers, overall, teaching, venue, organisation, satisfied,
    rec3, emp3, chk3, dif3, rec6, emp6, chk6, dif6)
SELECT c.id, c.institution_id, coalesce(c.occupation_id, 0), c.end_date, c.enrolled,
    c.status IN ('finished', 'assessment_applied', 'assessed', 'archived'),
    coalesce(sc.n, 0), coalesce(sa.n, 0), coalesce(sa.overall, 0), coalesce(sa.teaching, 0), coalesce(sa.venue, 0),
    coalesce(sa.organisation, 0), coalesce(sa.satisfied, 0),
    coalesce(r.rec3, 0), coalesce(r.emp3, 0), coalesce(r.chk3, 0), coalesce(r.dif3, 0),
    coalesce(r.rec6, 0), coalesce(r.emp6, 0), coalesce(r.chk6, 0), coalesce(r.dif6, 0)
FROM classes c
LEFT JOIN (SELECT class_id, count(*) AS n FROM survey_codes GROUP BY 1) sc ON sc.class_id = c.id
LEFT JOIN (SELECT class_id, count(*) AS n, sum(overall) AS overall, sum(teaching) AS teaching, sum(venue) AS venue,
        sum(organisation) AS organisation, count(*) FILTER (WHERE overall >= 4) AS satisfied
    FROM survey_answers GROUP BY 1) sa ON sa.class_id = c.id
LEFT JOIN (SELECT r.class_id,
        count(*) FILTER (WHERE r.months = 3) AS rec3, count(*) FILTER (WHERE r.months = 3 AND r.employed) AS emp3,
        count(*) FILTER (WHERE r.months = 3 AND r.check_result IS NOT NULL) AS chk3,
        count(*) FILTER (WHERE r.months = 3 AND r.check_result = 'differs') AS dif3,
        count(*) FILTER (WHERE r.months = 6) AS rec6, count(*) FILTER (WHERE r.months = 6 AND r.employed) AS emp6,
        count(*) FILTER (WHERE r.months = 6 AND r.check_result IS NOT NULL) AS chk6,
        count(*) FILTER (WHERE r.months = 6 AND r.check_result = 'differs') AS dif6
    FROM employment_records r JOIN enrolments e ON e.id = r.enrolment_id AND e.status = 'enrolled' GROUP BY 1) r ON r.class_id = c.id
WHERE c.status IN ('finished', 'assessment_applied', 'assessed', 'archived')
    OR sc.class_id IS NOT NULL OR sa.class_id IS NOT NULL OR r.class_id IS NOT NULL;

-- +goose Down
DROP TRIGGER class_followup_enrolment ON enrolments;
DROP TRIGGER class_followup_records_delete ON employment_records;
DROP TRIGGER class_followup_records_update ON employment_records;
DROP TRIGGER class_followup_records_insert ON employment_records;
DROP TRIGGER class_followup_answers_delete ON survey_answers;
DROP TRIGGER class_followup_answers_update ON survey_answers;
DROP TRIGGER class_followup_answers_insert ON survey_answers;
DROP TRIGGER class_followup_codes_delete ON survey_codes;
DROP TRIGGER class_followup_codes_insert ON survey_codes;
DROP TRIGGER class_followup_update ON classes;
DROP TRIGGER class_followup_insert ON classes;
DROP FUNCTION class_followup_classes();
DROP FUNCTION class_followup_enrolment();
DROP FUNCTION class_followup_records();
DROP FUNCTION class_followup_answers();
DROP FUNCTION class_followup_codes();
DROP FUNCTION class_followup_add(followup_delta[]);
DROP TYPE followup_delta;
DROP TABLE class_followup;
