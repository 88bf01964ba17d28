-- +goose Up
-- The exam sessions list (/exam-sessions) at province scale: a centre user
-- lists their organisation's sessions, newest exam day first, with the
-- total. The organisation is the application's; copied onto the session
-- (on insert, by trigger: an application never changes its organisation)
-- the page reads one index backwards and counts one index, without joining
-- every session to its application.
ALTER TABLE exam_sessions ADD COLUMN eval_org_id bigint;
UPDATE exam_sessions x SET eval_org_id = ap.eval_org_id FROM exam_applications ap WHERE ap.id = x.application_id;
ALTER TABLE exam_sessions ALTER COLUMN eval_org_id SET NOT NULL;
ALTER TABLE exam_sessions ADD CONSTRAINT exam_sessions_eval_org_fkey FOREIGN KEY (eval_org_id) REFERENCES eval_orgs (id);

-- +goose StatementBegin
CREATE FUNCTION exam_sessions_eval_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT ap.eval_org_id INTO NEW.eval_org_id FROM exam_applications ap WHERE ap.id = NEW.application_id;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER exam_sessions_eval_org BEFORE INSERT OR UPDATE OF application_id ON exam_sessions
    FOR EACH ROW EXECUTE FUNCTION exam_sessions_eval_org();
CREATE INDEX exam_sessions_org_date_idx ON exam_sessions (eval_org_id, exam_date, id);
CREATE INDEX exam_sessions_org_status_idx ON exam_sessions (eval_org_id, status);

-- +goose Down
DROP INDEX exam_sessions_org_status_idx;
DROP INDEX exam_sessions_org_date_idx;
DROP TRIGGER exam_sessions_eval_org ON exam_sessions;
DROP FUNCTION exam_sessions_eval_org();
ALTER TABLE exam_sessions DROP COLUMN eval_org_id;
