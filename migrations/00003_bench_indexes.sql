-- +goose Up
-- Found by `make bench` (bench/REPORT.md) at 2,000 institutions and 20,000
-- accounts: the indexes the list sorts need, and account counts kept up to
-- date by triggers, so the account list's total and the bureau's home page
-- do not count every account on every page view (1.8 ms of CPU each), and
-- the same for institutions per status.

-- The account list's sorts (username and role have theirs already).
CREATE INDEX users_name_idx ON users (name, id);
CREATE INDEX users_created_idx ON users (created_at, id);
CREATE INDEX users_login_idx ON users (last_login_at NULLS FIRST, id);

-- Accounts per role: all of them, and those not disabled.
CREATE TABLE user_counts (
    role   text PRIMARY KEY CHECK (role IN ('bureau', 'institution', 'centre')),
    total  bigint NOT NULL,
    active bigint NOT NULL
);
INSERT INTO user_counts (role, total, active)
SELECT r, count(u.id), count(u.id) FILTER (WHERE u.disabled_at IS NULL)
FROM unnest(ARRAY['bureau', 'institution', 'centre']) AS r
LEFT JOIN users u ON u.role = r
GROUP BY r;

-- Statement triggers with transition tables: one counter update per
-- statement (COPY of 20,000 rows included), and none when a statement
-- changes neither role nor disabled_at (a sign-in stamping last_login_at).
-- Concurrent writers of the same role queue on its counter row.
-- +goose StatementBegin
CREATE FUNCTION user_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE user_counts c SET total = c.total + d.n, active = c.active + d.a
        FROM (SELECT role, count(*) AS n, count(*) FILTER (WHERE disabled_at IS NULL) AS a
              FROM new_rows GROUP BY role) d
        WHERE c.role = d.role;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE user_counts c SET total = c.total - d.n, active = c.active - d.a
        FROM (SELECT role, count(*) AS n, count(*) FILTER (WHERE disabled_at IS NULL) AS a
              FROM old_rows GROUP BY role) d
        WHERE c.role = d.role;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE user_counts c SET total = c.total + d.n, active = c.active + d.a
        FROM (SELECT role, sum(n) AS n, sum(a) AS a FROM (
                  SELECT role, 1 AS n, (disabled_at IS NULL)::int AS a FROM new_rows
                  UNION ALL
                  SELECT role, -1, -(disabled_at IS NULL)::int FROM old_rows) x
              GROUP BY role) d
        WHERE c.role = d.role AND (d.n <> 0 OR d.a <> 0);
    ELSE -- TRUNCATE
        UPDATE user_counts SET total = 0, active = 0;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER user_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();
CREATE TRIGGER user_counts_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();
CREATE TRIGGER user_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();
CREATE TRIGGER user_counts_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();

-- Institutions per status, kept the same way, for the institution list's
-- total and the home pages.
CREATE TABLE institution_counts (
    status text PRIMARY KEY CHECK (status IN ('pending', 'designated', 'suspended', 'revoked')),
    n      bigint NOT NULL
);
INSERT INTO institution_counts (status, n)
SELECT s, count(i.id)
FROM unnest(ARRAY['pending', 'designated', 'suspended', 'revoked']) AS s
LEFT JOIN institutions i ON i.status = s
GROUP BY s;

-- +goose StatementBegin
CREATE FUNCTION institution_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE institution_counts c SET n = c.n + d.n
        FROM (SELECT status, count(*) AS n FROM new_rows GROUP BY status) d
        WHERE c.status = d.status;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE institution_counts c SET n = c.n - d.n
        FROM (SELECT status, count(*) AS n FROM old_rows GROUP BY status) d
        WHERE c.status = d.status;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE institution_counts c SET n = c.n + d.n
        FROM (SELECT status, sum(n) AS n FROM (
                  SELECT status, 1 AS n FROM new_rows
                  UNION ALL
                  SELECT status, -1 FROM old_rows) x
              GROUP BY status) d
        WHERE c.status = d.status AND d.n <> 0;
    ELSE -- TRUNCATE
        UPDATE institution_counts SET n = 0;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER institution_counts_insert AFTER INSERT ON institutions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_counts_apply();
CREATE TRIGGER institution_counts_update AFTER UPDATE ON institutions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_counts_apply();
CREATE TRIGGER institution_counts_delete AFTER DELETE ON institutions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_counts_apply();
CREATE TRIGGER institution_counts_truncate AFTER TRUNCATE ON institutions
    FOR EACH STATEMENT EXECUTE FUNCTION institution_counts_apply();

-- INST-4 on the bureau's home page: designated institutions by decision date.
CREATE INDEX institutions_designated_idx ON institutions (decision_date) WHERE status = 'designated';

-- A session's user, so the session and its user are read in one query on
-- every request. Not a foreign key: it only saves a lookup.
ALTER TABLE sessions ADD COLUMN user_id bigint;

-- +goose Down
ALTER TABLE sessions DROP COLUMN user_id;
DROP INDEX institutions_designated_idx;
DROP TRIGGER institution_counts_truncate ON institutions;
DROP TRIGGER institution_counts_delete ON institutions;
DROP TRIGGER institution_counts_update ON institutions;
DROP TRIGGER institution_counts_insert ON institutions;
DROP FUNCTION institution_counts_apply();
DROP TABLE institution_counts;
DROP TRIGGER user_counts_truncate ON users;
DROP TRIGGER user_counts_delete ON users;
DROP TRIGGER user_counts_update ON users;
DROP TRIGGER user_counts_insert ON users;
DROP FUNCTION user_counts_apply();
DROP TABLE user_counts;
DROP INDEX users_login_idx;
DROP INDEX users_created_idx;
DROP INDEX users_name_idx;
