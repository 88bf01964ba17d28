-- +goose Up
-- Sessions (scs pgxstore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Occupation catalogue (工种), 国家职业分类大典 2022.
CREATE TABLE occupations (
    id       bigserial PRIMARY KEY,
    code     text NOT NULL,
    name     text NOT NULL,
    category text NOT NULL DEFAULT '',
    levels   smallint[] NOT NULL DEFAULT '{}',
    CONSTRAINT occupations_code_key UNIQUE (code),
    CONSTRAINT occupations_levels_check CHECK (levels <@ ARRAY[1,2,3,4,5]::smallint[])
);

-- Training institutions (第三条, INST-1).
CREATE TABLE institutions (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    credit_code     text NOT NULL CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
    address         text NOT NULL,
    legal_rep       text NOT NULL,
    contact_name    text NOT NULL,
    contact_phone   text NOT NULL,
    venue           text NOT NULL,
    facilities      text NOT NULL,
    equipment       text NOT NULL,
    staff           text NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'designated', 'suspended', 'revoked')),
    decision_no     text NOT NULL DEFAULT '',
    decision_date   date,
    decided_by      text NOT NULL DEFAULT '',
    status_reason   text NOT NULL DEFAULT '',
    status_changed  timestamptz,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT institutions_credit_code_key UNIQUE (credit_code),
    -- INST-1: a designated, suspended or revoked institution has a decision.
    CONSTRAINT institutions_designation_check CHECK (
        status = 'pending' OR (decision_date IS NOT NULL AND decided_by <> '')
    )
);
CREATE INDEX institutions_status_name_idx ON institutions (status, name, id);
CREATE INDEX institutions_name_idx ON institutions (name, id);
CREATE INDEX institutions_created_idx ON institutions (created_at, id);
CREATE INDEX institutions_name_trgm_idx ON institutions (lower(name) text_pattern_ops);

-- Licensed scope (INST-2): occupation and highest level (1 = 一级 … 5 = 五级,
-- 0 = the occupation has no levels).
CREATE TABLE institution_scopes (
    institution_id bigint NOT NULL REFERENCES institutions (id),
    occupation_id  bigint NOT NULL REFERENCES occupations (id),
    max_level      smallint NOT NULL CHECK (max_level BETWEEN 0 AND 5),
    PRIMARY KEY (institution_id, occupation_id)
);
CREATE INDEX institution_scopes_occupation_idx ON institution_scopes (occupation_id, institution_id);

-- Users. An institution user belongs to exactly one institution.
CREATE TABLE users (
    id                   bigserial PRIMARY KEY,
    username             text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,32}$'),
    name                 text NOT NULL,
    role                 text NOT NULL CHECK (role IN ('bureau', 'institution', 'centre')),
    institution_id       bigint REFERENCES institutions (id),
    password_hash        text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT false,
    disabled_at          timestamptz,
    session_version      integer NOT NULL DEFAULT 1,
    last_login_at        timestamptz,
    created_at           timestamptz NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_institution_check CHECK ((role = 'institution') = (institution_id IS NOT NULL))
);
CREATE INDEX users_institution_idx ON users (institution_id) WHERE institution_id IS NOT NULL;
CREATE INDEX users_role_name_idx ON users (role, username);

-- Failed sign-in counters, per account and per address, in fixed windows.
-- Counted with one atomic upsert so parallel guesses cannot undercount.
CREATE TABLE login_throttle (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    failures     integer NOT NULL
);

-- Audit log (SUP-5): append-only and hash-chained. Appends are serialised by
-- the lock on the single audit_head row taken in the BEFORE INSERT trigger.
CREATE TABLE audit_head (
    id   integer PRIMARY KEY CHECK (id = 1),
    seq  bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\x00'::bytea);

CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    seq            bigint NOT NULL,
    at             timestamptz NOT NULL,
    actor_id       bigint,
    actor_name     text NOT NULL,
    actor_role     text NOT NULL,
    action         text NOT NULL,
    entity         text NOT NULL,
    entity_id      bigint NOT NULL,
    institution_id bigint,
    before         jsonb,
    after          jsonb,
    prev_hash      bytea NOT NULL,
    hash           bytea NOT NULL,
    CONSTRAINT audit_log_seq_key UNIQUE (seq)
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_institution_idx ON audit_log (institution_id, id) WHERE institution_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION audit_row_hash(prev bytea, r audit_log) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(prev || convert_to(concat_ws('|',
        r.seq,
        floor(extract(epoch FROM r.at) * 1000000)::bigint,
        coalesce(r.actor_id, 0), r.actor_name, r.actor_role,
        r.action, r.entity, r.entity_id, coalesce(r.institution_id, 0),
        coalesce(r.before::text, ''), coalesce(r.after::text, '')), 'UTF8'))
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    h audit_head;
BEGIN
    SELECT * INTO h FROM audit_head WHERE id = 1 FOR UPDATE;
    NEW.seq := h.seq + 1;
    NEW.prev_hash := h.hash;
    NEW.hash := audit_row_hash(h.hash, NEW);
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_immutable();
DROP FUNCTION audit_log_chain();
DROP FUNCTION audit_row_hash(bytea, audit_log);
DROP TABLE audit_head;
DROP TABLE login_throttle;
DROP TABLE users;
DROP TABLE institution_scopes;
DROP TABLE institutions;
DROP TABLE occupations;
DROP TABLE sessions;
