-- +goose Up
-- In-portal inbox (issue 17): each user is told what happened to their
-- work. A row is written in the transaction of the state change that
-- causes it; read_at is set when the user opens it (a POST).
CREATE TABLE inbox (
    id      bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    at      timestamptz NOT NULL,
    kind    text NOT NULL,
    title   text NOT NULL,
    body    text NOT NULL DEFAULT '',
    href    text NOT NULL DEFAULT '',
    read_at timestamptz,
    CONSTRAINT inbox_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT inbox_kind_check CHECK (length(kind) BETWEEN 1 AND 50),
    CONSTRAINT inbox_title_check CHECK (length(title) BETWEEN 1 AND 200),
    CONSTRAINT inbox_body_check CHECK (length(body) <= 1000),
    CONSTRAINT inbox_href_check CHECK (href = '' OR (href LIKE '/%' AND length(href) <= 300))
);
CREATE INDEX inbox_user_idx ON inbox (user_id, id);
-- The unread count in every page's header (read with the session).
CREATE INDEX inbox_unread_idx ON inbox (user_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE inbox;
