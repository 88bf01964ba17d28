-- +goose Up
-- Each portal process keeps the sessions it has read, with their users, in
-- memory, so a page view costs no session query (issue 16). Whatever could
-- end or change a session is announced to every process on the channel
-- tianmu_sessions, by these triggers, in the transaction that makes the
-- change (PostgreSQL delivers it at commit): a session rewritten or
-- deleted ('s' and its token), a user changed or deleted ('u' and its id:
-- disabled, password reset or changed, signed in), an institution renamed
-- or deleted ('i' and its id), a table truncated ('r'). Processes also
-- send 'h' every quarter second and use their memory only while their own
-- arrive (server/session_cache.go).
-- +goose StatementBegin
CREATE FUNCTION notify_session_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('tianmu_sessions', 'r');
    ELSIF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('tianmu_sessions', 's' || OLD.token);
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('tianmu_sessions', 'u' || OLD.id);
    ELSE
        PERFORM pg_notify('tianmu_sessions', 'i' || OLD.id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER sessions_notify AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER sessions_notify_truncate AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER users_notify AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER users_notify_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER institutions_notify AFTER UPDATE OF name OR DELETE ON institutions
    FOR EACH ROW EXECUTE FUNCTION notify_session_change();

-- +goose Down
DROP TRIGGER institutions_notify ON institutions;
DROP TRIGGER users_notify_truncate ON users;
DROP TRIGGER users_notify ON users;
DROP TRIGGER sessions_notify_truncate ON sessions;
DROP TRIGGER sessions_notify ON sessions;
DROP FUNCTION notify_session_change();
