-- +goose Up
-- The satisfaction report by institution (/surveys, the bureau's default)
-- grouped the 57,000 classes of class_followup into 2,000 institutions on
-- every view (17 ms p50 at province scale). The same sums per institution
-- and year of the class's end are kept here, by a statement trigger on
-- class_followup (itself kept by trigger from the codes and answers, 00107)
-- in the same transaction: the report reads at most two rows an
-- institution. Year 0 holds the classes without an end date.
CREATE TABLE institution_survey_figures (
    institution_id bigint NOT NULL,
    year integer NOT NULL,
    codes bigint NOT NULL DEFAULT 0,
    answers bigint NOT NULL DEFAULT 0,
    overall bigint NOT NULL DEFAULT 0,
    teaching bigint NOT NULL DEFAULT 0,
    venue bigint NOT NULL DEFAULT 0,
    organisation bigint NOT NULL DEFAULT 0,
    satisfied bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (institution_id, year)
);

INSERT INTO institution_survey_figures
SELECT institution_id, coalesce(extract(year FROM end_date)::int, 0), sum(codes), sum(answers), sum(overall), sum(teaching),
    sum(venue), sum(organisation), sum(satisfied)
FROM class_followup GROUP BY 1, 2;

-- +goose StatementBegin
-- institution_survey_figures_insert: what a statement changed in
-- class_followup (new rows added), in key order.
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
-- institution_survey_figures_delete: what a statement changed in
-- class_followup (old rows subtracted), in key order.
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
-- institution_survey_figures_update: what a statement changed in
-- class_followup (old rows subtracted, new rows added), in key order.
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

-- +goose Down
DROP TRIGGER institution_survey_figures_delete ON class_followup;
DROP TRIGGER institution_survey_figures_update ON class_followup;
DROP TRIGGER institution_survey_figures_insert ON class_followup;
DROP FUNCTION institution_survey_figures_delete();
DROP FUNCTION institution_survey_figures_update();
DROP FUNCTION institution_survey_figures_insert();
DROP TABLE institution_survey_figures;
