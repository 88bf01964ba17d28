-- +goose Up
-- Ledgers (培训台账, SUP-1, 第十四条). When a class is archived its ledger
-- is frozen in the archive's transaction: the JSON of the ledger as bytes
-- (bytea, not jsonb: jsonb rewrites the text and the checksum must hold
-- over the exact bytes), its SHA-256, and the date before which nothing
-- may delete it (ten years: interpretation, after peer bureaus' rules).
-- The archive's audit row records the checksum too, so rewriting the
-- snapshot and its checksum together is still found (the log is chained).
CREATE TABLE class_ledgers (
    class_id       bigint PRIMARY KEY REFERENCES classes (id),
    institution_id bigint NOT NULL REFERENCES institutions (id),
    year           integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),   -- the class's end year
    snapshot       bytea NOT NULL CHECK (length(snapshot) BETWEEN 2 AND 67108864),
    checksum       text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    archived_at    timestamptz NOT NULL,
    archived_by    text NOT NULL CHECK (length(archived_by) BETWEEN 1 AND 200),
    retain_until   date NOT NULL,
    CONSTRAINT class_ledgers_retention_check CHECK (
        retain_until >= ((archived_at AT TIME ZONE 'Asia/Shanghai')::date + interval '10 years')::date)
);
CREATE INDEX class_ledgers_institution_idx ON class_ledgers (institution_id, year, class_id);

-- +goose StatementBegin
CREATE FUNCTION class_ledgers_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'class_ledgers: a frozen ledger is never changed' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'class_ledgers_frozen';
    END IF;
    IF TG_OP = 'TRUNCATE' OR OLD.retain_until > current_date THEN
        RAISE EXCEPTION 'class_ledgers: kept until its retention date' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'class_ledgers_retained';
    END IF;
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER class_ledgers_no_update BEFORE UPDATE ON class_ledgers
    FOR EACH ROW EXECUTE FUNCTION class_ledgers_frozen();
CREATE TRIGGER class_ledgers_retained BEFORE DELETE ON class_ledgers
    FOR EACH ROW EXECUTE FUNCTION class_ledgers_frozen();
CREATE TRIGGER class_ledgers_no_truncate BEFORE TRUNCATE ON class_ledgers
    FOR EACH STATEMENT EXECUTE FUNCTION class_ledgers_frozen();

-- The ledger reads a class's subsidy lines by class.
CREATE INDEX subsidy_claim_lines_class_idx ON subsidy_claim_lines (class_id, enrolment_id);

-- The bureau's download of an institution's ledgers of a year: a river
-- job writes one workbook per class as a part, in steps, and a page shows
-- the progress; the download streams the parts into a zip one at a time.
CREATE TABLE ledger_exports (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total           integer NOT NULL DEFAULT 0 CHECK (total >= 0),
    done            integer NOT NULL DEFAULT 0 CHECK (done >= 0),
    bytes           bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    error           text NOT NULL DEFAULT '' CHECK (length(error) <= 500),
    requested_by_id bigint REFERENCES users (id),
    requested_by    text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 200),
    requested_at    timestamptz NOT NULL,
    finished_at     timestamptz,
    CONSTRAINT ledger_exports_progress_check CHECK (done <= total),
    CONSTRAINT ledger_exports_finished_check CHECK (status <> 'done' OR (finished_at IS NOT NULL AND done = total))
);
CREATE INDEX ledger_exports_list_idx ON ledger_exports (requested_at DESC, id DESC);

CREATE TABLE ledger_export_parts (
    export_id bigint NOT NULL REFERENCES ledger_exports (id) ON DELETE CASCADE,
    seq       integer NOT NULL CHECK (seq > 0),
    class_id  bigint NOT NULL REFERENCES classes (id),
    name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    workbook  bytea NOT NULL,
    PRIMARY KEY (export_id, seq),
    CONSTRAINT ledger_export_parts_class_key UNIQUE (export_id, class_id)
);

-- +goose Down
DROP INDEX subsidy_claim_lines_class_idx;
DROP TABLE ledger_export_parts;
DROP TABLE ledger_exports;
DROP TABLE class_ledgers;
DROP FUNCTION class_ledgers_frozen();
