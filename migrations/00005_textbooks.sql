-- +goose Up
-- Textbook catalogue (第六条, FILE-4): only designated (指定) or approved
-- (核准) textbooks may be used on a filing.
CREATE TABLE textbooks (
    id             bigserial PRIMARY KEY,
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    isbn           text CHECK (isbn ~ '^97[89][0-9]{10}$'),
    internal_code  text CHECK (internal_code ~ '^[A-Z0-9-]{3,30}$'),
    publisher      text NOT NULL,
    edition        text NOT NULL DEFAULT '',
    status         text NOT NULL
                   CHECK (status IN ('proposed', 'designated', 'approved', 'withdrawn', 'rejected')),
    status_reason  text NOT NULL DEFAULT '',
    proposed_by    bigint REFERENCES institutions (id),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT textbooks_code_check CHECK ((isbn IS NULL) <> (internal_code IS NULL)),
    -- Bureau-compiled material (internal code) is entered by the bureau only.
    CONSTRAINT textbooks_internal_check CHECK (internal_code IS NULL OR proposed_by IS NULL),
    CONSTRAINT textbooks_isbn_key UNIQUE (isbn),
    CONSTRAINT textbooks_internal_code_key UNIQUE (internal_code)
);
CREATE INDEX textbooks_status_title_idx ON textbooks (status, title, id);
CREATE INDEX textbooks_title_idx ON textbooks (title, id);

-- The occupations and levels a textbook serves; level 0 = every level.
CREATE TABLE textbook_uses (
    textbook_id   bigint NOT NULL REFERENCES textbooks (id) ON DELETE CASCADE,
    occupation_id bigint NOT NULL REFERENCES occupations (id),
    level         smallint NOT NULL CHECK (level BETWEEN 0 AND 5),
    PRIMARY KEY (textbook_id, occupation_id, level)
);
CREATE INDEX textbook_uses_occupation_idx ON textbook_uses (occupation_id, level, textbook_id);

-- +goose Down
DROP TABLE textbook_uses;
DROP TABLE textbooks;
