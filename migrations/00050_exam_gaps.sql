-- +goose Up
-- Gaps in assessment found by the people who use it (issue 14): the
-- examiner pool, sessions rescheduled or cancelled before the exam day,
-- and evaluation organisations whose approval the bureau withdraws.

-- The examiner pool (考评员库, EXAM-2, 第九条): each evaluation
-- organisation keeps its examiners once and picks them per session; 考培分离
-- is checked against this record.
CREATE TABLE examiners (
    id             bigserial PRIMARY KEY,
    eval_org_id    bigint NOT NULL,
    name           text NOT NULL,
    id_number      text NOT NULL,
    employer       text NOT NULL,
    certificate_no text NOT NULL,
    active         boolean NOT NULL DEFAULT true,
    version        integer NOT NULL DEFAULT 1,
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_by     text NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT examiners_eval_org_fkey FOREIGN KEY (eval_org_id) REFERENCES eval_orgs (id),
    CONSTRAINT examiners_name_check CHECK (length(name) BETWEEN 1 AND 50),
    CONSTRAINT examiners_id_number_check CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
    CONSTRAINT examiners_employer_check CHECK (length(employer) BETWEEN 1 AND 100),
    CONSTRAINT examiners_certificate_no_check CHECK (length(certificate_no) BETWEEN 1 AND 50),
    CONSTRAINT examiners_org_person_key UNIQUE (eval_org_id, id_number)
);
CREATE INDEX examiners_list_idx ON examiners (eval_org_id, active DESC, name, id);

-- The occupations an examiner may examine, each up to a highest level
-- (0: an occupation without levels).
CREATE TABLE examiner_scopes (
    examiner_id   bigint NOT NULL,
    occupation_id bigint NOT NULL,
    max_level     smallint NOT NULL,
    CONSTRAINT examiner_scopes_pkey PRIMARY KEY (examiner_id, occupation_id),
    CONSTRAINT examiner_scopes_examiner_fkey FOREIGN KEY (examiner_id) REFERENCES examiners (id) ON DELETE CASCADE,
    CONSTRAINT examiner_scopes_occupation_fkey FOREIGN KEY (occupation_id) REFERENCES occupations (id),
    CONSTRAINT examiner_scopes_level_check CHECK (max_level BETWEEN 0 AND 5)
);

-- A session's examiner picked from the pool names its record; a typed
-- one-off examiner has none.
ALTER TABLE exam_examiners ADD COLUMN examiner_id bigint,
    ADD CONSTRAINT exam_examiners_examiner_fkey FOREIGN KEY (examiner_id) REFERENCES examiners (id);
CREATE INDEX exam_examiners_examiner_idx ON exam_examiners (examiner_id) WHERE examiner_id IS NOT NULL;

-- Sessions rescheduled or cancelled before the exam day, with a reason.
-- A cancelled session keeps its number and its history; its candidates
-- (who had neither an ID check nor a score: both wait for the exam day)
-- are taken out so they can be scheduled again.
ALTER TABLE exam_sessions DROP CONSTRAINT exam_sessions_status_check;
ALTER TABLE exam_sessions ADD CONSTRAINT exam_sessions_status_check
    CHECK (status IN ('scheduled', 'scored', 'approved', 'published', 'cancelled'));
ALTER TABLE exam_sessions DROP CONSTRAINT exam_sessions_four_eyes_check;
ALTER TABLE exam_sessions ADD CONSTRAINT exam_sessions_four_eyes_check CHECK (status IN ('scheduled', 'scored', 'cancelled') OR (
    approved_by_id IS NOT NULL AND entered_by_id IS NOT NULL AND approved_by_id <> entered_by_id));
ALTER TABLE exam_sessions ADD COLUMN cancel_reason text NOT NULL DEFAULT '',
    ADD COLUMN cancelled_by text NOT NULL DEFAULT '',
    ADD COLUMN cancelled_at timestamptz,
    ADD CONSTRAINT exam_sessions_cancelled_check CHECK (status <> 'cancelled' OR (cancel_reason <> '' AND cancelled_at IS NOT NULL));

-- Every reschedule and cancellation, for the session page (the audit log
-- has them too).
CREATE TABLE exam_session_changes (
    id         bigserial PRIMARY KEY,
    session_id bigint NOT NULL,
    kind       text NOT NULL,
    reason     text NOT NULL,
    before     jsonb NOT NULL,
    after      jsonb NOT NULL,
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL,
    CONSTRAINT exam_session_changes_session_fkey FOREIGN KEY (session_id) REFERENCES exam_sessions (id),
    CONSTRAINT exam_session_changes_kind_check CHECK (kind IN ('reschedule', 'cancel')),
    CONSTRAINT exam_session_changes_reason_check CHECK (length(reason) BETWEEN 1 AND 500)
);
CREATE INDEX exam_session_changes_session_idx ON exam_session_changes (session_id, id);

-- The bureau withdraws a social organisation's approval (with a reason);
-- the district centre's cannot be withdrawn.
ALTER TABLE eval_orgs ADD COLUMN withdrawn_reason text NOT NULL DEFAULT '',
    ADD COLUMN withdrawn_by text NOT NULL DEFAULT '',
    ADD COLUMN withdrawn_at timestamptz,
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    ADD CONSTRAINT eval_orgs_withdrawn_check CHECK ((approved AND withdrawn_at IS NULL)
        OR (NOT approved AND kind = 'social' AND withdrawn_reason <> '' AND withdrawn_at IS NOT NULL)),
    ADD CONSTRAINT eval_orgs_withdrawn_reason_check CHECK (length(withdrawn_reason) <= 500);

-- The backstop of the repository's rule: a withdrawn organisation is not
-- chosen for a new application nor a new session (EXAM-6, 第十条).
-- +goose StatementBegin
CREATE FUNCTION exam_org_approved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'exam_sessions' THEN
        IF EXISTS (SELECT 1 FROM exam_applications ap JOIN eval_orgs o ON o.id = ap.eval_org_id
                   WHERE ap.id = NEW.application_id AND NOT o.approved) THEN
            RAISE EXCEPTION 'exam session of application %: its evaluation organisation is withdrawn', NEW.application_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'exam_sessions_org_approved_check', TABLE = 'exam_sessions';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM eval_orgs o WHERE o.id = NEW.eval_org_id AND NOT o.approved) THEN
        RAISE EXCEPTION 'exam application of class %: evaluation organisation % is withdrawn', NEW.class_id, NEW.eval_org_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'exam_applications_org_approved_check', TABLE = 'exam_applications';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER exam_sessions_org_approved BEFORE INSERT ON exam_sessions
    FOR EACH ROW EXECUTE FUNCTION exam_org_approved();
CREATE TRIGGER exam_applications_org_approved BEFORE INSERT OR UPDATE OF eval_org_id, status ON exam_applications
    FOR EACH ROW WHEN (NEW.status = 'submitted') EXECUTE FUNCTION exam_org_approved();

-- +goose Down
DROP TRIGGER exam_applications_org_approved ON exam_applications;
DROP TRIGGER exam_sessions_org_approved ON exam_sessions;
DROP FUNCTION exam_org_approved();
ALTER TABLE eval_orgs DROP CONSTRAINT eval_orgs_withdrawn_reason_check, DROP CONSTRAINT eval_orgs_withdrawn_check,
    DROP COLUMN version, DROP COLUMN withdrawn_at, DROP COLUMN withdrawn_by, DROP COLUMN withdrawn_reason;
DROP TABLE exam_session_changes;
DELETE FROM exam_sessions WHERE status = 'cancelled';
ALTER TABLE exam_sessions DROP CONSTRAINT exam_sessions_cancelled_check,
    DROP COLUMN cancelled_at, DROP COLUMN cancelled_by, DROP COLUMN cancel_reason;
ALTER TABLE exam_sessions DROP CONSTRAINT exam_sessions_four_eyes_check;
ALTER TABLE exam_sessions ADD CONSTRAINT exam_sessions_four_eyes_check CHECK (status IN ('scheduled', 'scored') OR (
    approved_by_id IS NOT NULL AND entered_by_id IS NOT NULL AND approved_by_id <> entered_by_id));
ALTER TABLE exam_sessions DROP CONSTRAINT exam_sessions_status_check;
ALTER TABLE exam_sessions ADD CONSTRAINT exam_sessions_status_check
    CHECK (status IN ('scheduled', 'scored', 'approved', 'published'));
DROP INDEX exam_examiners_examiner_idx;
ALTER TABLE exam_examiners DROP CONSTRAINT exam_examiners_examiner_fkey, DROP COLUMN examiner_id;
DROP TABLE examiner_scopes;
DROP TABLE examiners;
