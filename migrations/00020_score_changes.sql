-- +goose Up
-- Four eyes on results (第十一条, EXAM-7). Whoever entered or changed any
-- score of a session never approves that session's results, nor confirms a
-- correction of them. exam_score_changes records every person who entered
-- or changed a score: one row per candidate per save (a save that changes
-- nothing writes no row), and one row per confirmed correction after
-- publication. The rows are never updated or deleted.

ALTER TABLE exam_entries ADD CONSTRAINT exam_entries_id_session_key UNIQUE (id, session_id);

-- Corrections after publication become two-step: one centre user registers
-- the correction (pending), another who entered or changed none of the
-- session's scores confirms it, and only then does the result change.
-- Rows from before this migration were applied at once: confirmed.
ALTER TABLE exam_amendments
    ADD COLUMN status           text NOT NULL DEFAULT 'confirmed',
    ADD COLUMN proposed_by_id   bigint,
    ADD COLUMN theory_score     smallint,
    ADD COLUMN theory_absent    boolean NOT NULL DEFAULT false,
    ADD COLUMN practical_score  smallint,
    ADD COLUMN practical_absent boolean NOT NULL DEFAULT false,
    ADD COLUMN decided_by_id    bigint,
    ADD COLUMN decided_by       text NOT NULL DEFAULT '',
    ADD COLUMN decided_at       timestamptz,
    ADD CONSTRAINT exam_amendments_status_check CHECK (status IN ('pending', 'confirmed', 'rejected')),
    ADD CONSTRAINT exam_amendments_proposed_by_fkey FOREIGN KEY (proposed_by_id) REFERENCES users (id),
    ADD CONSTRAINT exam_amendments_decided_by_fkey FOREIGN KEY (decided_by_id) REFERENCES users (id),
    ADD CONSTRAINT exam_amendments_scores_check CHECK (theory_score BETWEEN 0 AND 100 AND practical_score BETWEEN 0 AND 100),
    -- A correction registered through the portal names its proposer and,
    -- once decided, who decided it and when; a confirmation is someone else.
    ADD CONSTRAINT exam_amendments_decided_check CHECK (proposed_by_id IS NULL OR status = 'pending'
        OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL AND decided_by <> '')),
    ADD CONSTRAINT exam_amendments_confirmer_check CHECK (proposed_by_id IS NULL OR status <> 'confirmed'
        OR decided_by_id <> proposed_by_id);
ALTER TABLE exam_amendments ALTER COLUMN status SET DEFAULT 'pending';
-- One correction waits per candidate at a time.
CREATE UNIQUE INDEX exam_amendments_pending_key ON exam_amendments (entry_id) WHERE status = 'pending';

CREATE TABLE exam_score_changes (
    id           bigserial PRIMARY KEY,
    session_id   bigint NOT NULL,
    entry_id     bigint NOT NULL,
    user_id      bigint NOT NULL,
    changed_by   text NOT NULL,
    changed_at   timestamptz NOT NULL,
    amendment_id bigint,
    CONSTRAINT exam_score_changes_entry_fkey FOREIGN KEY (entry_id, session_id) REFERENCES exam_entries (id, session_id),
    CONSTRAINT exam_score_changes_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT exam_score_changes_amendment_fkey FOREIGN KEY (amendment_id) REFERENCES exam_amendments (id),
    CONSTRAINT exam_score_changes_by_check CHECK (changed_by <> '')
);
CREATE INDEX exam_score_changes_session_idx ON exam_score_changes (session_id, user_id);

-- Sessions scored before this migration: their last enterer entered every
-- score they hold.
INSERT INTO exam_score_changes (session_id, entry_id, user_id, changed_by, changed_at)
SELECT x.session_id, x.id, s.entered_by_id, s.entered_by, s.entered_at
FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id
WHERE s.entered_by_id IS NOT NULL AND s.entered_at IS NOT NULL AND s.entered_by <> ''
  AND (x.theory_score IS NOT NULL OR x.theory_absent OR x.practical_score IS NOT NULL OR x.practical_absent);

-- +goose StatementBegin
CREATE FUNCTION exam_score_changes_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'exam_score_changes is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER exam_score_changes_no_update BEFORE UPDATE OR DELETE ON exam_score_changes
    FOR EACH ROW EXECUTE FUNCTION exam_score_changes_immutable();
CREATE TRIGGER exam_score_changes_no_truncate BEFORE TRUNCATE ON exam_score_changes
    FOR EACH STATEMENT EXECUTE FUNCTION exam_score_changes_immutable();

-- The backstop of the repository's rule: a session is approved only by a
-- user who entered or changed none of its scores.
-- +goose StatementBegin
CREATE FUNCTION exam_sessions_four_eyes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.approved_by_id IS NULL OR EXISTS (
        SELECT 1 FROM exam_score_changes c WHERE c.session_id = NEW.id AND c.user_id = NEW.approved_by_id) THEN
        RAISE EXCEPTION 'exam session %: user % entered or changed a score of it and cannot approve it', NEW.id, NEW.approved_by_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'exam_sessions_approver_scored_check', TABLE = 'exam_sessions';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER exam_sessions_four_eyes BEFORE UPDATE ON exam_sessions
    FOR EACH ROW WHEN (NEW.status = 'approved' AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.approved_by_id IS DISTINCT FROM NEW.approved_by_id))
    EXECUTE FUNCTION exam_sessions_four_eyes();

-- The same for a correction: confirmed only by a user who neither
-- registered it nor entered or changed any score of its session.
-- +goose StatementBegin
CREATE FUNCTION exam_amendments_four_eyes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.decided_by_id IS NULL OR NEW.decided_by_id = NEW.proposed_by_id OR EXISTS (
        SELECT 1 FROM exam_score_changes c JOIN exam_entries x ON x.session_id = c.session_id
        WHERE x.id = NEW.entry_id AND c.user_id = NEW.decided_by_id) THEN
        RAISE EXCEPTION 'exam amendment %: user % registered it or entered or changed a score of its session and cannot confirm it', NEW.id, NEW.decided_by_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'exam_amendments_confirmer_scored_check', TABLE = 'exam_amendments';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER exam_amendments_four_eyes_update BEFORE UPDATE ON exam_amendments
    FOR EACH ROW WHEN (NEW.status = 'confirmed' AND OLD.status <> 'confirmed')
    EXECUTE FUNCTION exam_amendments_four_eyes();
CREATE TRIGGER exam_amendments_four_eyes_insert BEFORE INSERT ON exam_amendments
    FOR EACH ROW WHEN (NEW.status = 'confirmed')
    EXECUTE FUNCTION exam_amendments_four_eyes();

-- +goose Down
DROP TRIGGER exam_amendments_four_eyes_insert ON exam_amendments;
DROP TRIGGER exam_amendments_four_eyes_update ON exam_amendments;
DROP FUNCTION exam_amendments_four_eyes();
DROP TRIGGER exam_sessions_four_eyes ON exam_sessions;
DROP FUNCTION exam_sessions_four_eyes();
DROP TABLE exam_score_changes;
DROP FUNCTION exam_score_changes_immutable();
DROP INDEX exam_amendments_pending_key;
DELETE FROM exam_amendments WHERE status <> 'confirmed';
ALTER TABLE exam_amendments
    DROP CONSTRAINT exam_amendments_confirmer_check,
    DROP CONSTRAINT exam_amendments_decided_check,
    DROP CONSTRAINT exam_amendments_scores_check,
    DROP CONSTRAINT exam_amendments_decided_by_fkey,
    DROP CONSTRAINT exam_amendments_proposed_by_fkey,
    DROP CONSTRAINT exam_amendments_status_check,
    DROP COLUMN decided_at,
    DROP COLUMN decided_by,
    DROP COLUMN decided_by_id,
    DROP COLUMN practical_absent,
    DROP COLUMN practical_score,
    DROP COLUMN theory_absent,
    DROP COLUMN theory_score,
    DROP COLUMN proposed_by_id,
    DROP COLUMN status;
ALTER TABLE exam_entries DROP CONSTRAINT exam_entries_id_session_key;
