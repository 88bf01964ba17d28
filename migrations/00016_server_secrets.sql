-- +goose Up
-- Secrets every portal process shares: keys for the tokens it signs (the
-- CSRF token of the sign-in and public lookup forms). Made here, so that no
-- request ever writes one: an anonymous page view writes nothing.
CREATE TABLE server_secrets (
    name   text PRIMARY KEY,
    secret bytea NOT NULL
);
-- 366 random bits from the server's strong random source (gen_random_uuid).
INSERT INTO server_secrets (name, secret) VALUES ('csrf',
    uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

-- +goose Down
DROP TABLE server_secrets;
