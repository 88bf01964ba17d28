-- +goose Up
-- The employment report by institution (/employment, the bureau's default,
-- 第十四条 EMP-2) grouped every class due a record: 41,000 of 57,000 at
-- province scale, 12-15 ms on every view. Its "due" limit moves with the
-- day (the class ended 3 or 6 months before today), so it cannot be summed
-- whole ahead; it is summed per institution and year of the class's end
-- instead, beside the survey sums kept since 00116 (the table is renamed
-- for both), and the report takes the years before today's limit whole and
-- the limit's own year less its classes not yet due (at most a year's
-- classes past the limit, usually a few months'). Kept by one statement
-- trigger on class_followup in the same transaction, as before.
ALTER TABLE institution_survey_figures RENAME TO institution_followup_figures;
ALTER INDEX institution_survey_figures_pkey RENAME TO institution_followup_figures_pkey;
-- Of the classes done with a roster (class_followup's done AND enrolled > 0).
ALTER TABLE institution_followup_figures ADD COLUMN enrolled bigint NOT NULL DEFAULT 0,
    ADD COLUMN rec3 bigint NOT NULL DEFAULT 0, ADD COLUMN emp3 bigint NOT NULL DEFAULT 0,
    ADD COLUMN chk3 bigint NOT NULL DEFAULT 0, ADD COLUMN dif3 bigint NOT NULL DEFAULT 0,
    ADD COLUMN rec6 bigint NOT NULL DEFAULT 0, ADD COLUMN emp6 bigint NOT NULL DEFAULT 0,
    ADD COLUMN chk6 bigint NOT NULL DEFAULT 0, ADD COLUMN dif6 bigint NOT NULL DEFAULT 0;

DROP TRIGGER institution_survey_figures_delete ON class_followup;
DROP TRIGGER institution_survey_figures_update ON class_followup;
DROP TRIGGER institution_survey_figures_insert ON class_followup;
DROP FUNCTION institution_survey_figures_delete();
DROP FUNCTION institution_survey_figures_update();
DROP FUNCTION institution_survey_figures_insert();

-- +goose StatementBegin
-- institution_followup_figures_exprs: a class_followup row's part of its
-- institution-year's sums, column by column (the one definition: the
-- trigger and the backfill use it, the tests recount with it).
CREATE FUNCTION institution_followup_figures_exprs() RETURNS TABLE (col text, expr text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT c, CASE WHEN c IN ('codes', 'answers', 'overall', 'teaching', 'venue', 'organisation', 'satisfied') THEN c
        ELSE 'CASE WHEN done AND enrolled > 0 THEN ' || c || ' ELSE 0 END' END
    FROM unnest(ARRAY['codes', 'answers', 'overall', 'teaching', 'venue', 'organisation', 'satisfied',
        'enrolled', 'rec3', 'emp3', 'chk3', 'dif3', 'rec6', 'emp6', 'chk6', 'dif6']) WITH ORDINALITY AS u (c, n)
    ORDER BY n
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- institution_followup_figures_apply adds what a statement changed in
-- class_followup to the sums (new rows added, old rows subtracted), in key
-- order. The transition tables are read by a statement built from the
-- column list (EXECUTE sees them in a trigger function).
CREATE FUNCTION institution_followup_figures_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cols text;
    sums text;
    sets text;
    nonzero text;
    src text;
BEGIN
    SELECT string_agg(quote_ident(e.col), ', '), string_agg('sum(d.' || quote_ident(e.col) || ')', ', '),
        string_agg(format('%1$I = t.%1$I + EXCLUDED.%1$I', e.col), ', '), string_agg('sum(d.' || quote_ident(e.col) || ') <> 0', ' OR ')
    INTO cols, sums, sets, nonzero FROM institution_followup_figures_exprs() e;
    SELECT string_agg(format('SELECT institution_id, coalesce(extract(year FROM end_date)::int, 0) AS year, %s FROM %s',
        (SELECT string_agg(format('%s * (%s)::bigint AS %I', x.sign, e.expr, e.col), ', ') FROM institution_followup_figures_exprs() e),
        x.tbl), ' UNION ALL ')
    INTO src FROM (VALUES (1, 'new_rows'), (-1, 'old_rows')) AS x (sign, tbl)
    WHERE (x.tbl = 'new_rows' AND TG_OP IN ('INSERT', 'UPDATE')) OR (x.tbl = 'old_rows' AND TG_OP IN ('DELETE', 'UPDATE'));
    EXECUTE format('INSERT INTO institution_followup_figures AS t (institution_id, year, %s)
        SELECT d.institution_id, d.year, %s FROM (%s) d GROUP BY 1, 2 HAVING %s ORDER BY 1, 2
        ON CONFLICT (institution_id, year) DO UPDATE SET %s', cols, sums, src, nonzero, sets);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER institution_followup_figures_insert AFTER INSERT ON class_followup
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_followup_figures_apply();
CREATE TRIGGER institution_followup_figures_update AFTER UPDATE ON class_followup
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_followup_figures_apply();
CREATE TRIGGER institution_followup_figures_delete AFTER DELETE ON class_followup
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_followup_figures_apply();

-- The backfill: every class_followup row as if inserted.
-- +goose StatementBegin
DO $$
BEGIN
    DELETE FROM institution_followup_figures;
    EXECUTE format('INSERT INTO institution_followup_figures (institution_id, year, %s)
        SELECT institution_id, coalesce(extract(year FROM end_date)::int, 0), %s FROM class_followup GROUP BY 1, 2 ORDER BY 1, 2',
        (SELECT string_agg(quote_ident(e.col), ', ') FROM institution_followup_figures_exprs() e),
        (SELECT string_agg(format('sum((%s)::bigint)', e.expr), ', ') FROM institution_followup_figures_exprs() e));
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER institution_followup_figures_delete ON class_followup;
DROP TRIGGER institution_followup_figures_update ON class_followup;
DROP TRIGGER institution_followup_figures_insert ON class_followup;
DROP FUNCTION institution_followup_figures_apply();
DROP FUNCTION institution_followup_figures_exprs();
ALTER TABLE institution_followup_figures DROP COLUMN enrolled, DROP COLUMN rec3, DROP COLUMN emp3, DROP COLUMN chk3,
    DROP COLUMN dif3, DROP COLUMN rec6, DROP COLUMN emp6, DROP COLUMN chk6, DROP COLUMN dif6;
ALTER INDEX institution_followup_figures_pkey RENAME TO institution_survey_figures_pkey;
ALTER TABLE institution_followup_figures RENAME TO institution_survey_figures;
-- +goose StatementBegin
CREATE FUNCTION institution_survey_figures_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO institution_survey_figures AS t (institution_id, year, codes, answers, overall, teaching, venue, organisation, satisfied)
    SELECT d.institution_id, d.y, sum(d.codes), sum(d.answers), sum(d.overall), sum(d.teaching), sum(d.venue),
        sum(d.organisation), sum(d.satisfied)
    FROM (SELECT n.institution_id, coalesce(extract(year FROM n.end_date)::int, 0), n.codes::bigint, n.answers::bigint, n.overall::bigint, n.teaching::bigint, n.venue::bigint, n.organisation::bigint, n.satisfied::bigint FROM new_rows n) AS d (institution_id, y, codes, answers, overall, teaching, venue, organisation, satisfied)
    GROUP BY 1, 2
    HAVING sum(d.codes) <> 0 OR sum(d.answers) <> 0 OR sum(d.overall) <> 0 OR sum(d.teaching) <> 0 OR sum(d.venue) <> 0
        OR sum(d.organisation) <> 0 OR sum(d.satisfied) <> 0
    ORDER BY 1, 2
    ON CONFLICT (institution_id, year) DO UPDATE SET codes = t.codes + EXCLUDED.codes, answers = t.answers + EXCLUDED.answers,
        overall = t.overall + EXCLUDED.overall, teaching = t.teaching + EXCLUDED.teaching, venue = t.venue + EXCLUDED.venue,
        organisation = t.organisation + EXCLUDED.organisation, satisfied = t.satisfied + EXCLUDED.satisfied;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION institution_survey_figures_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO institution_survey_figures AS t (institution_id, year, codes, answers, overall, teaching, venue, organisation, satisfied)
    SELECT d.institution_id, d.y, sum(d.codes), sum(d.answers), sum(d.overall), sum(d.teaching), sum(d.venue),
        sum(d.organisation), sum(d.satisfied)
    FROM (SELECT o.institution_id, coalesce(extract(year FROM o.end_date)::int, 0), -o.codes::bigint, -o.answers::bigint, -o.overall::bigint, -o.teaching::bigint, -o.venue::bigint, -o.organisation::bigint, -o.satisfied::bigint FROM old_rows o) AS d (institution_id, y, codes, answers, overall, teaching, venue, organisation, satisfied)
    GROUP BY 1, 2
    HAVING sum(d.codes) <> 0 OR sum(d.answers) <> 0 OR sum(d.overall) <> 0 OR sum(d.teaching) <> 0 OR sum(d.venue) <> 0
        OR sum(d.organisation) <> 0 OR sum(d.satisfied) <> 0
    ORDER BY 1, 2
    ON CONFLICT (institution_id, year) DO UPDATE SET codes = t.codes + EXCLUDED.codes, answers = t.answers + EXCLUDED.answers,
        overall = t.overall + EXCLUDED.overall, teaching = t.teaching + EXCLUDED.teaching, venue = t.venue + EXCLUDED.venue,
        organisation = t.organisation + EXCLUDED.organisation, satisfied = t.satisfied + EXCLUDED.satisfied;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION institution_survey_figures_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO institution_survey_figures AS t (institution_id, year, codes, answers, overall, teaching, venue, organisation, satisfied)
    SELECT d.institution_id, d.y, sum(d.codes), sum(d.answers), sum(d.overall), sum(d.teaching), sum(d.venue),
        sum(d.organisation), sum(d.satisfied)
    FROM (SELECT n.institution_id, coalesce(extract(year FROM n.end_date)::int, 0), n.codes::bigint, n.answers::bigint, n.overall::bigint, n.teaching::bigint, n.venue::bigint, n.organisation::bigint, n.satisfied::bigint FROM new_rows n
        UNION ALL SELECT o.institution_id, coalesce(extract(year FROM o.end_date)::int, 0), -o.codes::bigint, -o.answers::bigint, -o.overall::bigint, -o.teaching::bigint, -o.venue::bigint, -o.organisation::bigint, -o.satisfied::bigint FROM old_rows o) AS d (institution_id, y, codes, answers, overall, teaching, venue, organisation, satisfied)
    GROUP BY 1, 2
    HAVING sum(d.codes) <> 0 OR sum(d.answers) <> 0 OR sum(d.overall) <> 0 OR sum(d.teaching) <> 0 OR sum(d.venue) <> 0
        OR sum(d.organisation) <> 0 OR sum(d.satisfied) <> 0
    ORDER BY 1, 2
    ON CONFLICT (institution_id, year) DO UPDATE SET codes = t.codes + EXCLUDED.codes, answers = t.answers + EXCLUDED.answers,
        overall = t.overall + EXCLUDED.overall, teaching = t.teaching + EXCLUDED.teaching, venue = t.venue + EXCLUDED.venue,
        organisation = t.organisation + EXCLUDED.organisation, satisfied = t.satisfied + EXCLUDED.satisfied;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER institution_survey_figures_insert AFTER INSERT ON class_followup
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_survey_figures_insert();
CREATE TRIGGER institution_survey_figures_update AFTER UPDATE ON class_followup
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_survey_figures_update();
CREATE TRIGGER institution_survey_figures_delete AFTER DELETE ON class_followup
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_survey_figures_delete();
