-- +goose Up
-- Subsidy standards (SUB-1, 第十二条) and the other bureau figures a claim is
-- computed from: payable percentages by target group, the shortage
-- occupation list, and DELIV-3's attendance threshold. Every row is dated
-- (valid_from, and valid_to inclusive or open) with its source document;
-- rows of one key never overlap (exclusion constraints). A claim line
-- copies the figures in force on its certificate date, so changing a
-- standard never changes a claim already built.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE subsidy_standards (
    id            bigserial PRIMARY KEY,
    class_type    text NOT NULL CHECK (class_type IN ('qualification', 'skill_level', 'special', 'startup')),
    level         smallint NOT NULL CHECK (level BETWEEN 0 AND 5),
    occupation_id bigint REFERENCES occupations (id),   -- NULL: every occupation
    amount        bigint NOT NULL CHECK (amount BETWEEN 0 AND 10000000),
    valid_from    date NOT NULL,
    valid_to      date,
    source_doc    text NOT NULL CHECK (length(source_doc) BETWEEN 1 AND 100),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL,
    CONSTRAINT subsidy_standards_dates_check CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT subsidy_standards_no_overlap EXCLUDE USING gist (
        class_type WITH =, level WITH =, (coalesce(occupation_id, 0)) WITH =,
        daterange(valid_from, valid_to, '[]') WITH &&)
);

CREATE TABLE subsidy_rates (
    id           bigserial PRIMARY KEY,
    target_group text NOT NULL CHECK (target_group IN ('employee', 'rural_migrant', 'unemployed', 'veteran', 'hard_to_employ', 'other')),
    -- 0: any class; n: classes at level n or higher (1 = 一级 is highest).
    min_level    smallint NOT NULL DEFAULT 0 CHECK (min_level BETWEEN 0 AND 5),
    shortage     boolean NOT NULL DEFAULT false,  -- only in a shortage occupation
    percent      smallint NOT NULL CHECK (percent BETWEEN 0 AND 100),
    valid_from   date NOT NULL,
    valid_to     date,
    source_doc   text NOT NULL CHECK (length(source_doc) BETWEEN 1 AND 100),
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    CONSTRAINT subsidy_rates_dates_check CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT subsidy_rates_no_overlap EXCLUDE USING gist (
        target_group WITH =, min_level WITH =, shortage WITH =,
        daterange(valid_from, valid_to, '[]') WITH &&)
);

CREATE TABLE shortage_occupations (
    id            bigserial PRIMARY KEY,
    occupation_id bigint NOT NULL REFERENCES occupations (id),
    valid_from    date NOT NULL,
    valid_to      date,
    source_doc    text NOT NULL CHECK (length(source_doc) BETWEEN 1 AND 100),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL,
    CONSTRAINT shortage_occupations_dates_check CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT shortage_occupations_no_overlap EXCLUDE USING gist (
        occupation_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&)
);

CREATE TABLE attendance_thresholds (
    id         bigserial PRIMARY KEY,
    percent    smallint NOT NULL CHECK (percent BETWEEN 1 AND 100),
    valid_from date NOT NULL,
    valid_to   date,
    source_doc text NOT NULL CHECK (length(source_doc) BETWEEN 1 AND 100),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT attendance_thresholds_dates_check CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT attendance_thresholds_no_overlap EXCLUDE USING gist (daterange(valid_from, valid_to, '[]') WITH &&)
);

-- The Hangzhou figures (DOMAIN.md SUB-1): 杭人社发〔2020〕43号 for certificate
-- training by level; start-up and no-level classes get a demo figure the
-- bureau replaces.
INSERT INTO subsidy_standards (class_type, level, amount, valid_from, source_doc, note, created_by, created_at)
SELECT t, l, a, DATE '2020-01-01', '杭人社发〔2020〕43号', '', '系统', now()
FROM unnest(ARRAY['qualification', 'skill_level']) AS t,
     (VALUES (5, 100000), (4, 150000), (3, 200000), (2, 250000), (1, 300000)) AS v (l, a);
INSERT INTO subsidy_standards (class_type, level, amount, valid_from, source_doc, note, created_by, created_at) VALUES
    ('special', 0, 100000, DATE '2020-01-01', '演示数据', '演示金额，待区人力社保局录入正式标准', '系统', now()),
    ('startup', 0, 100000, DATE '2020-01-01', '演示数据', '演示金额，待区人力社保局录入正式标准', '系统', now());

-- Percentages (interpretation after the 2021 Hangzhou guide, DOMAIN.md).
INSERT INTO subsidy_rates (target_group, min_level, shortage, percent, valid_from, source_doc, note, created_by, created_at) VALUES
    ('unemployed',     0, false, 100, DATE '2021-01-01', '杭州市职业技能培训补贴指南（2021）', '', '系统', now()),
    ('hard_to_employ', 0, false, 100, DATE '2021-01-01', '杭州市职业技能培训补贴指南（2021）', '', '系统', now()),
    ('veteran',        0, false, 100, DATE '2021-01-01', '杭州市职业技能培训补贴指南（2021）', '', '系统', now()),
    ('rural_migrant',  0, false, 100, DATE '2021-01-01', '杭州市职业技能培训补贴指南（2021）', '', '系统', now()),
    ('employee',       0, false,  50, DATE '2021-01-01', '杭州市职业技能培训补贴指南（2021）', '', '系统', now()),
    ('employee',       3, false,  80, DATE '2021-01-01', '杭州市职业技能培训补贴指南（2021）', '三级/高级工及以上', '系统', now()),
    ('employee',       0, true,  100, DATE '2021-01-01', '杭州市职业技能培训补贴指南（2021）', '紧缺工种', '系统', now());

-- Shortage occupations (a demo list until the bureau enters the current one).
INSERT INTO shortage_occupations (occupation_id, valid_from, source_doc, note, created_by, created_at)
SELECT id, DATE '2021-01-01', '演示数据', '演示名单，待区人力社保局录入正式紧缺工种目录', '系统', now()
FROM occupations WHERE code IN ('4-10-01-05', '4-10-01-03');

-- DELIV-3: 80 % (interpretation, bureau-editable).
INSERT INTO attendance_thresholds (percent, valid_from, source_doc, note, created_by, created_at)
VALUES (80, DATE '2020-01-01', '临人社发〔2020〕105号 第八条（解释口径）', '出勤率低于80%不予补贴', '系统', now());

-- Institution status over time, for "designated on the class's start
-- date" (SUB-1, SUB-3). Kept by a trigger so every path that changes the
-- status (and the bulk loads) records it: a designation takes effect on its
-- decision date, every later change on the day it was made. The status on
-- day D is the last row with effective <= D (none: not yet designated).
CREATE TABLE institution_status_log (
    id             bigserial PRIMARY KEY,
    institution_id bigint NOT NULL REFERENCES institutions (id),
    status         text NOT NULL CHECK (status IN ('pending', 'designated', 'suspended', 'revoked')),
    effective      date NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX institution_status_log_idx ON institution_status_log (institution_id, effective, id);

-- +goose StatementBegin
CREATE FUNCTION institution_status_log_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'pending' AND NEW.decision_date IS NOT NULL THEN
            INSERT INTO institution_status_log (institution_id, status, effective)
            VALUES (NEW.id, 'designated', NEW.decision_date);
            IF NEW.status <> 'designated' THEN
                INSERT INTO institution_status_log (institution_id, status, effective)
                VALUES (NEW.id, NEW.status, (coalesce(NEW.status_changed, NEW.updated_at) AT TIME ZONE 'Asia/Shanghai')::date);
            END IF;
        END IF;
    ELSIF NEW.status IS DISTINCT FROM OLD.status AND NEW.status <> 'pending' THEN
        INSERT INTO institution_status_log (institution_id, status, effective)
        VALUES (NEW.id, NEW.status, CASE
            WHEN NEW.status = 'designated' AND OLD.status = 'pending' THEN NEW.decision_date
            ELSE (coalesce(NEW.status_changed, NEW.updated_at) AT TIME ZONE 'Asia/Shanghai')::date END);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER institution_status_log_write AFTER INSERT OR UPDATE OF status ON institutions
    FOR EACH ROW EXECUTE FUNCTION institution_status_log_write();

INSERT INTO institution_status_log (institution_id, status, effective)
SELECT id, 'designated', decision_date FROM institutions WHERE status <> 'pending' AND decision_date IS NOT NULL;
INSERT INTO institution_status_log (institution_id, status, effective)
SELECT id, status, (coalesce(status_changed, updated_at) AT TIME ZONE 'Asia/Shanghai')::date
FROM institutions WHERE status IN ('suspended', 'revoked') AND decision_date IS NOT NULL;

-- +goose Down
DROP TRIGGER institution_status_log_write ON institutions;
DROP FUNCTION institution_status_log_write();
DROP TABLE institution_status_log;
DROP TABLE attendance_thresholds;
DROP TABLE shortage_occupations;
DROP TABLE subsidy_rates;
DROP TABLE subsidy_standards;
