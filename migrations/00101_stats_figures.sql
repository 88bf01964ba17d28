-- +goose Up
-- The statistics pages (issue 17) kept on write (issue 16). /stats and
-- /stats.xlsx aggregated the year's classes, every published exam entry
-- and the flagged delivery rows on every view: more than 2 s at province
-- scale (66,000 filings, 1.5 million exam entries). The figures are now
-- counters, changed by statement triggers in the transaction that changes
-- what they count (like class_counts, 00009, and the application
-- counters, 00036), so they are exact at every commit and whatever code
-- path writes; the page reads a few hundred rows by primary key.
--
-- Each figure is kept for every institution together (institution_id 0)
-- and for each institution, so both the unfiltered page and the page
-- filtered by institution read only their own rows; the pass rates also
-- per evaluation organisation (eval_org_id 0: all of them, the bureau's
-- view; otherwise a centre user's own organisation).

-- Classes with a plan in force (approved and later, not cancelled) and
-- their enrolments, by the year of their start: per month (key 1..12),
-- occupation (key its id, 0 for none), class type (key the type code) and
-- institution (key its id).
CREATE TABLE class_figures (
    year           integer NOT NULL,
    institution_id bigint NOT NULL,   -- 0: every institution
    dim            text NOT NULL,     -- month, occupation, type, institution
    key            text NOT NULL,
    classes        integer NOT NULL,
    trainees       integer NOT NULL,
    PRIMARY KEY (year, institution_id, dim, key)
);
-- The largest first (the top twenty institutions or occupations).
CREATE INDEX class_figures_top_idx ON class_figures (year, institution_id, dim, classes DESC) INCLUDE (key, trainees);

-- The figure rows one class (or a group of classes alike) counts towards.
-- +goose StatementBegin
CREATE FUNCTION class_figure_keys(y integer, m integer, inst bigint, occ bigint, typ text)
RETURNS TABLE (year integer, institution_id bigint, dim text, key text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT y, l.i, d.dim, d.key
    FROM (VALUES (0::bigint), (inst)) AS l (i)
    CROSS JOIN (VALUES ('month', m::text), ('occupation', occ::text), ('type', typ), ('institution', inst::text)) AS d (dim, key)
$$;
-- +goose StatementEnd

-- A change of classes as rows to add (n 1) or take away (n -1), grouped
-- before they are spread over their figure rows.
CREATE TYPE class_figure_delta AS (y integer, m integer, institution_id bigint, occupation_id bigint, type text,
    n integer, enrolled integer);

-- class_figures_apply adds what a statement on classes added and takes
-- away what it removed, in one write in key order (two transactions
-- never wait for each other's rows in opposite orders).
-- +goose StatementBegin
CREATE FUNCTION class_figures_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d class_figure_delta[] := '{}';
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM class_figures;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(extract(year FROM start_date), extract(month FROM start_date), institution_id,
                coalesce(occupation_id, 0), type, count(*), sum(enrolled))::class_figure_delta
            FROM new_rows
            WHERE status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived') AND start_date IS NOT NULL
            GROUP BY start_date, institution_id, occupation_id, type);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(extract(year FROM start_date), extract(month FROM start_date), institution_id,
                coalesce(occupation_id, 0), type, -count(*), -sum(enrolled))::class_figure_delta
            FROM old_rows
            WHERE status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived') AND start_date IS NOT NULL
            GROUP BY start_date, institution_id, occupation_id, type);
    END IF;
    IF cardinality(d) > 0 THEN
        INSERT INTO class_figures AS f (year, institution_id, dim, key, classes, trainees)
        SELECT k.year, k.institution_id, k.dim, k.key, sum(g.n), sum(g.enrolled)
        FROM unnest(d) g CROSS JOIN LATERAL class_figure_keys(g.y, g.m, g.institution_id, g.occupation_id, g.type) k
        GROUP BY 1, 2, 3, 4
        HAVING sum(g.n) <> 0 OR sum(g.enrolled) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (year, institution_id, dim, key) DO UPDATE
            SET classes = f.classes + EXCLUDED.classes, trainees = f.trainees + EXCLUDED.trainees;
    END IF;
    -- A class's occupation, level, start or institution is also part of
    -- its candidates' pass figures.
    IF TG_OP = 'UPDATE' THEN
        PERFORM refresh_pass_candidates(ARRAY(
            SELECT p.enrolment_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            JOIN pass_candidates p ON p.class_id = n.id
            WHERE (n.occupation_id, n.level, n.start_date, n.institution_id)
                IS DISTINCT FROM (o.occupation_id, o.level, o.start_date, o.institution_id)));
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Each candidate of a published session: an enrolment with a first
-- attempt in a published session, whether it passed at the first attempt
-- and whether it passed in the end (a retake). One application per class,
-- so one organisation per enrolment.
CREATE TABLE pass_candidates (
    enrolment_id   bigint PRIMARY KEY,  -- an enrolment with exam entries is never deleted
    class_id       bigint NOT NULL,
    eval_org_id    bigint NOT NULL,
    institution_id bigint NOT NULL,
    occupation_id  bigint NOT NULL,   -- 0 for none
    level          smallint NOT NULL,
    year           integer NOT NULL,  -- of the class's start
    first_pass     boolean NOT NULL,
    final_pass     boolean NOT NULL
);
CREATE INDEX pass_candidates_class_idx ON pass_candidates (class_id);

-- Candidates, first-attempt passes and final passes by the year of the
-- class's start, per institution (key its id), occupation (key its id, 0
-- for none) and level (key the level number).
CREATE TABLE pass_figures (
    year           integer NOT NULL,
    eval_org_id    bigint NOT NULL,   -- 0: every organisation
    institution_id bigint NOT NULL,   -- 0: every institution
    dim            text NOT NULL,     -- institution, occupation, level
    key            text NOT NULL,
    candidates     integer NOT NULL,
    first_pass     integer NOT NULL,
    final_pass     integer NOT NULL,
    PRIMARY KEY (year, eval_org_id, institution_id, dim, key)
);
CREATE INDEX pass_figures_top_idx ON pass_figures (year, eval_org_id, institution_id, dim, candidates DESC)
    INCLUDE (key, first_pass, final_pass);

-- +goose StatementBegin
CREATE FUNCTION pass_figure_keys(y integer, org bigint, inst bigint, occ bigint, lvl smallint)
RETURNS TABLE (year integer, eval_org_id bigint, institution_id bigint, dim text, key text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT y, o.o, i.i, d.dim, d.key
    FROM (VALUES (0::bigint), (org)) AS o (o)
    CROSS JOIN (VALUES (0::bigint), (inst)) AS i (i)
    CROSS JOIN (VALUES ('institution', inst::text), ('occupation', occ::text), ('level', lvl::text)) AS d (dim, key)
$$;
-- +goose StatementEnd

CREATE TYPE pass_figure_delta AS (year integer, eval_org_id bigint, institution_id bigint, occupation_id bigint,
    level smallint, n integer, first_pass integer, final_pass integer);

-- +goose StatementBegin
CREATE FUNCTION pass_figures_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d pass_figure_delta[] := '{}';
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM pass_figures;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(year, eval_org_id, institution_id, occupation_id, level, count(*),
                count(*) FILTER (WHERE first_pass), count(*) FILTER (WHERE final_pass))::pass_figure_delta
            FROM new_rows GROUP BY year, eval_org_id, institution_id, occupation_id, level);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(year, eval_org_id, institution_id, occupation_id, level, -count(*),
                -count(*) FILTER (WHERE first_pass), -count(*) FILTER (WHERE final_pass))::pass_figure_delta
            FROM old_rows GROUP BY year, eval_org_id, institution_id, occupation_id, level);
    END IF;
    IF cardinality(d) > 0 THEN
        INSERT INTO pass_figures AS f (year, eval_org_id, institution_id, dim, key, candidates, first_pass, final_pass)
        SELECT k.year, k.eval_org_id, k.institution_id, k.dim, k.key, sum(g.n), sum(g.first_pass), sum(g.final_pass)
        FROM unnest(d) g CROSS JOIN LATERAL pass_figure_keys(g.year, g.eval_org_id, g.institution_id, g.occupation_id, g.level) k
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(g.n) <> 0 OR sum(g.first_pass) <> 0 OR sum(g.final_pass) <> 0
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (year, eval_org_id, institution_id, dim, key) DO UPDATE
            SET candidates = f.candidates + EXCLUDED.candidates, first_pass = f.first_pass + EXCLUDED.first_pass,
                final_pass = f.final_pass + EXCLUDED.final_pass;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- refresh_pass_candidates recomputes the candidate rows of some
-- enrolments from their entries in published sessions (the one definition
-- of a candidate; pass_figures follows by trigger). Two transactions
-- refreshing the same enrolment (a retake published while the first
-- attempt is corrected) take turns: each locks its classes' buckets, in
-- order, before it reads, and reads what the other committed.
-- +goose StatementBegin
CREATE FUNCTION refresh_pass_candidates(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('pass_candidates'), x.b)
    FROM (SELECT DISTINCT (e.class_id % 64)::int AS b FROM enrolments e JOIN unnest(ids) AS i (id) ON e.id = i.id ORDER BY 1) x;
    DELETE FROM pass_candidates p USING (SELECT DISTINCT id FROM unnest(ids) AS i (id)) i
    WHERE p.enrolment_id = i.id AND NOT EXISTS (
        SELECT 1 FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id
        WHERE x.enrolment_id = i.id AND x.attempt = 1 AND s.status = 'published');
    INSERT INTO pass_candidates AS p
    SELECT x.enrolment_id, c.id, ap.eval_org_id, ap.institution_id, coalesce(c.occupation_id, 0), c.level,
        extract(year FROM c.start_date)::int, bool_or(x.attempt = 1 AND x.outcome = 'pass'), bool_or(x.outcome = 'pass')
    FROM (SELECT DISTINCT id FROM unnest(ids) AS i (id)) i
    JOIN exam_entries x ON x.enrolment_id = i.id
    JOIN exam_sessions s ON s.id = x.session_id
    JOIN exam_applications ap ON ap.id = s.application_id
    JOIN classes c ON c.id = ap.class_id
    WHERE s.status = 'published'
    GROUP BY x.enrolment_id, c.id, ap.eval_org_id, ap.institution_id, c.occupation_id, c.level, c.start_date
    HAVING bool_or(x.attempt = 1)
    ORDER BY x.enrolment_id
    ON CONFLICT (enrolment_id) DO UPDATE SET class_id = EXCLUDED.class_id, eval_org_id = EXCLUDED.eval_org_id,
        institution_id = EXCLUDED.institution_id, occupation_id = EXCLUDED.occupation_id, level = EXCLUDED.level,
        year = EXCLUDED.year, first_pass = EXCLUDED.first_pass, final_pass = EXCLUDED.final_pass
    WHERE (p.class_id, p.eval_org_id, p.institution_id, p.occupation_id, p.level, p.year, p.first_pass, p.final_pass)
        IS DISTINCT FROM (EXCLUDED.class_id, EXCLUDED.eval_org_id, EXCLUDED.institution_id, EXCLUDED.occupation_id,
            EXCLUDED.level, EXCLUDED.year, EXCLUDED.first_pass, EXCLUDED.final_pass);
END
$$;
-- +goose StatementEnd

-- What changes a candidate: an entry of a published session written,
-- changed or removed; a session published (or no longer); an
-- application's organisation or institution changed; a class's occupation,
-- level, start or institution changed (in class_figures_apply).
-- +goose StatementBegin
CREATE FUNCTION pass_entries_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM pass_candidates;
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM refresh_pass_candidates(ARRAY(SELECT n.enrolment_id FROM new_rows n
            JOIN exam_sessions s ON s.id = n.session_id WHERE s.status = 'published'));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_pass_candidates(ARRAY(SELECT o.enrolment_id FROM old_rows o
            JOIN exam_sessions s ON s.id = o.session_id WHERE s.status = 'published'));
    ELSE
        PERFORM refresh_pass_candidates(ARRAY(
            SELECT x.enrolment_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            CROSS JOIN LATERAL (VALUES (n.enrolment_id, n.session_id), (o.enrolment_id, o.session_id)) AS x (enrolment_id, session_id)
            JOIN exam_sessions s ON s.id = x.session_id
            WHERE s.status = 'published' AND (n.enrolment_id, n.session_id, n.attempt, n.outcome)
                IS DISTINCT FROM (o.enrolment_id, o.session_id, o.attempt, o.outcome)));
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION pass_sessions_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pass_candidates(ARRAY(
        SELECT x.enrolment_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN exam_entries x ON x.session_id = n.id
        WHERE (n.status = 'published') IS DISTINCT FROM (o.status = 'published') OR n.application_id <> o.application_id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION pass_applications_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pass_candidates(ARRAY(
        SELECT p.enrolment_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN pass_candidates p ON p.class_id IN (n.class_id, o.class_id)
        WHERE (n.eval_org_id, n.institution_id, n.class_id) IS DISTINCT FROM (o.eval_org_id, o.institution_id, o.class_id)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Delivery shortfalls (第十六条) of the flagged classes by the year of
-- their start and institution: flagged classes, classes with hours short,
-- classes taught off the filing, the hours short.
CREATE TABLE shortfall_figures (
    year           integer NOT NULL,
    institution_id bigint NOT NULL,
    classes        integer NOT NULL,
    short          integer NOT NULL,
    off_plan       integer NOT NULL,
    hours_short    integer NOT NULL,
    PRIMARY KEY (year, institution_id)
);
CREATE INDEX shortfall_figures_top_idx ON shortfall_figures (year, classes DESC) INCLUDE (institution_id, short, off_plan, hours_short);

CREATE TYPE shortfall_figure_delta AS (year integer, institution_id bigint, n integer, short integer, off_plan integer,
    hours_short integer);

-- +goose StatementBegin
CREATE FUNCTION shortfall_figures_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d shortfall_figure_delta[] := '{}';
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM shortfall_figures;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(extract(year FROM start_date), institution_id, count(*), count(*) FILTER (WHERE short > 0),
                count(*) FILTER (WHERE off_plan > 0), sum(greatest(planned_held - delivered, 0)))::shortfall_figure_delta
            FROM new_rows WHERE flagged GROUP BY extract(year FROM start_date), institution_id);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        d := d || ARRAY(SELECT ROW(extract(year FROM start_date), institution_id, -count(*), -count(*) FILTER (WHERE short > 0),
                -count(*) FILTER (WHERE off_plan > 0), -sum(greatest(planned_held - delivered, 0)))::shortfall_figure_delta
            FROM old_rows WHERE flagged GROUP BY extract(year FROM start_date), institution_id);
    END IF;
    IF cardinality(d) > 0 THEN
        INSERT INTO shortfall_figures AS f (year, institution_id, classes, short, off_plan, hours_short)
        SELECT year, institution_id, sum(n), sum(short), sum(off_plan), sum(hours_short)
        FROM unnest(d)
        GROUP BY 1, 2
        HAVING sum(n) <> 0 OR sum(short) <> 0 OR sum(off_plan) <> 0 OR sum(hours_short) <> 0
        ORDER BY 1, 2
        ON CONFLICT (year, institution_id) DO UPDATE
            SET classes = f.classes + EXCLUDED.classes, short = f.short + EXCLUDED.short,
                off_plan = f.off_plan + EXCLUDED.off_plan, hours_short = f.hours_short + EXCLUDED.hours_short;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- The figures of what is already there (no request timeout here).
SET LOCAL statement_timeout = 0;
SET LOCAL work_mem = '256MB';
INSERT INTO class_figures (year, institution_id, dim, key, classes, trainees)
SELECT k.year, k.institution_id, k.dim, k.key, sum(g.n), sum(g.enrolled)
FROM (SELECT extract(year FROM start_date)::int AS y, extract(month FROM start_date)::int AS m, institution_id,
             coalesce(occupation_id, 0) AS occ, type, count(*) AS n, sum(enrolled) AS enrolled
      FROM classes
      WHERE status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived') AND start_date IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5) g
CROSS JOIN LATERAL class_figure_keys(g.y, g.m, g.institution_id, g.occ, g.type) k
GROUP BY 1, 2, 3, 4;
INSERT INTO pass_candidates
SELECT x.enrolment_id, c.id, ap.eval_org_id, ap.institution_id, coalesce(c.occupation_id, 0), c.level,
    extract(year FROM c.start_date)::int, bool_or(x.attempt = 1 AND x.outcome = 'pass'), bool_or(x.outcome = 'pass')
FROM exam_entries x
JOIN exam_sessions s ON s.id = x.session_id
JOIN exam_applications ap ON ap.id = s.application_id
JOIN classes c ON c.id = ap.class_id
WHERE s.status = 'published'
GROUP BY x.enrolment_id, c.id, ap.eval_org_id, ap.institution_id, c.occupation_id, c.level, c.start_date
HAVING bool_or(x.attempt = 1);
INSERT INTO pass_figures (year, eval_org_id, institution_id, dim, key, candidates, first_pass, final_pass)
SELECT k.year, k.eval_org_id, k.institution_id, k.dim, k.key, sum(g.n), sum(g.first_pass), sum(g.final_pass)
FROM (SELECT year, eval_org_id, institution_id, occupation_id, level,
             count(*) AS n, count(*) FILTER (WHERE first_pass) AS first_pass, count(*) FILTER (WHERE final_pass) AS final_pass
      FROM pass_candidates GROUP BY 1, 2, 3, 4, 5) g
CROSS JOIN LATERAL pass_figure_keys(g.year, g.eval_org_id, g.institution_id, g.occupation_id, g.level) k
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO shortfall_figures (year, institution_id, classes, short, off_plan, hours_short)
SELECT extract(year FROM start_date)::int, institution_id, count(*), count(*) FILTER (WHERE short > 0),
    count(*) FILTER (WHERE off_plan > 0), sum(greatest(planned_held - delivered, 0))
FROM class_delivery WHERE flagged GROUP BY 1, 2;
ANALYZE class_figures, pass_candidates, pass_figures, shortfall_figures;

CREATE TRIGGER class_figures_insert AFTER INSERT ON classes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_figures_apply();
CREATE TRIGGER class_figures_update AFTER UPDATE ON classes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION class_figures_apply();
CREATE TRIGGER class_figures_delete AFTER DELETE ON classes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION class_figures_apply();
CREATE TRIGGER class_figures_truncate AFTER TRUNCATE ON classes
    FOR EACH STATEMENT EXECUTE FUNCTION class_figures_apply();

CREATE TRIGGER pass_figures_insert AFTER INSERT ON pass_candidates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_figures_apply();
CREATE TRIGGER pass_figures_update AFTER UPDATE ON pass_candidates
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_figures_apply();
CREATE TRIGGER pass_figures_delete AFTER DELETE ON pass_candidates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_figures_apply();
CREATE TRIGGER pass_figures_truncate AFTER TRUNCATE ON pass_candidates
    FOR EACH STATEMENT EXECUTE FUNCTION pass_figures_apply();

CREATE TRIGGER pass_entries_insert AFTER INSERT ON exam_entries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_entries_changed();
CREATE TRIGGER pass_entries_update AFTER UPDATE ON exam_entries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_entries_changed();
CREATE TRIGGER pass_entries_delete AFTER DELETE ON exam_entries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_entries_changed();
CREATE TRIGGER pass_entries_truncate AFTER TRUNCATE ON exam_entries
    FOR EACH STATEMENT EXECUTE FUNCTION pass_entries_changed();
CREATE TRIGGER pass_sessions_update AFTER UPDATE ON exam_sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_sessions_changed();
CREATE TRIGGER pass_applications_update AFTER UPDATE ON exam_applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pass_applications_changed();

CREATE TRIGGER shortfall_figures_insert AFTER INSERT ON class_delivery
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION shortfall_figures_apply();
CREATE TRIGGER shortfall_figures_update AFTER UPDATE ON class_delivery
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION shortfall_figures_apply();
CREATE TRIGGER shortfall_figures_delete AFTER DELETE ON class_delivery
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION shortfall_figures_apply();
CREATE TRIGGER shortfall_figures_truncate AFTER TRUNCATE ON class_delivery
    FOR EACH STATEMENT EXECUTE FUNCTION shortfall_figures_apply();

-- +goose Down
DROP TRIGGER shortfall_figures_truncate ON class_delivery;
DROP TRIGGER shortfall_figures_delete ON class_delivery;
DROP TRIGGER shortfall_figures_update ON class_delivery;
DROP TRIGGER shortfall_figures_insert ON class_delivery;
DROP TRIGGER pass_applications_update ON exam_applications;
DROP TRIGGER pass_sessions_update ON exam_sessions;
DROP TRIGGER pass_entries_truncate ON exam_entries;
DROP TRIGGER pass_entries_delete ON exam_entries;
DROP TRIGGER pass_entries_update ON exam_entries;
DROP TRIGGER pass_entries_insert ON exam_entries;
DROP TRIGGER pass_figures_truncate ON pass_candidates;
DROP TRIGGER pass_figures_delete ON pass_candidates;
DROP TRIGGER pass_figures_update ON pass_candidates;
DROP TRIGGER pass_figures_insert ON pass_candidates;
DROP TRIGGER class_figures_truncate ON classes;
DROP TRIGGER class_figures_delete ON classes;
DROP TRIGGER class_figures_update ON classes;
DROP TRIGGER class_figures_insert ON classes;
DROP FUNCTION shortfall_figures_apply();
DROP TYPE shortfall_figure_delta;
DROP TABLE shortfall_figures;
DROP FUNCTION pass_applications_changed();
DROP FUNCTION pass_sessions_changed();
DROP FUNCTION pass_entries_changed();
DROP FUNCTION refresh_pass_candidates(bigint[]);
DROP FUNCTION pass_figures_apply();
DROP TYPE pass_figure_delta;
DROP FUNCTION pass_figure_keys(integer, bigint, bigint, bigint, smallint);
DROP TABLE pass_figures;
DROP TABLE pass_candidates;
DROP FUNCTION class_figures_apply();
DROP TYPE class_figure_delta;
DROP FUNCTION class_figure_keys(integer, integer, bigint, bigint, text);
DROP TABLE class_figures;
