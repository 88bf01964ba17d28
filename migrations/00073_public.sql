-- +goose Up
-- Complaints (SUP-2, 第十五条 学员投诉机制), satisfaction surveys and the
-- employment follow-up (SUP-3). The annual evaluation (SUP-6) reads these
-- tables: complaints.outcome, survey_answers and employment_records.

-- A complaint from anyone, without sign-in. The complainant's phone and
-- name are only ever shown to the bureau; the institution reads the
-- complaint once forwarded, never the contact.
CREATE TABLE complaints (
    id              bigserial PRIMARY KEY,
    tracking_no     text NOT NULL CHECK (tracking_no ~ '^TS[0-9]{8}[0-9A-Z]{6}$'),
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    class_id        bigint REFERENCES classes (id),
    body            text NOT NULL CHECK (length(body) BETWEEN 5 AND 2000),
    phone           text NOT NULL CHECK (phone ~ '^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$'),
    name            text NOT NULL DEFAULT '' CHECK (length(name) <= 50),   -- '' = anonymous
    status          text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'handling', 'answered', 'closed')),
    received_at     timestamptz NOT NULL,
    due_date        date NOT NULL,       -- 15 working days from receipt (SUP-2)
    assignee_id     bigint REFERENCES users (id),
    assigned_at     timestamptz,
    forwarded_at    timestamptz,         -- the institution sees it from then on
    answer          text NOT NULL DEFAULT '' CHECK (length(answer) <= 2000),
    answered_by     text NOT NULL DEFAULT '',
    answered_at     timestamptz,
    outcome         text CHECK (outcome IN ('upheld', 'partly_upheld', 'not_upheld')),
    closed_by       text NOT NULL DEFAULT '',
    closed_at       timestamptz,
    version         integer NOT NULL DEFAULT 1,
    CONSTRAINT complaints_tracking_no_key UNIQUE (tracking_no),
    CONSTRAINT complaints_answered_check CHECK (status IN ('received', 'handling') OR (answer <> '' AND answered_at IS NOT NULL)),
    CONSTRAINT complaints_closed_check CHECK ((status = 'closed') = (outcome IS NOT NULL AND closed_at IS NOT NULL)),
    CONSTRAINT complaints_handling_check CHECK (status = 'received' OR assignee_id IS NOT NULL)
);
CREATE INDEX complaints_queue_idx ON complaints (status, due_date, id);
CREATE INDEX complaints_open_due_idx ON complaints (due_date, id) WHERE status IN ('received', 'handling');
CREATE INDEX complaints_assignee_idx ON complaints (assignee_id, status, due_date) WHERE assignee_id IS NOT NULL;
CREATE INDEX complaints_institution_idx ON complaints (institution_id, id) WHERE forwarded_at IS NOT NULL;
CREATE INDEX complaints_institution_all_idx ON complaints (institution_id, received_at);
CREATE INDEX complaints_class_idx ON complaints (class_id) WHERE class_id IS NOT NULL;

-- The complaint's history: the bureau's handling notes and the
-- institution's replies.
CREATE TABLE complaint_notes (
    id             bigserial PRIMARY KEY,
    complaint_id   bigint NOT NULL REFERENCES complaints (id),
    kind           text NOT NULL CHECK (kind IN ('handling', 'reply')),
    body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    by_name        text NOT NULL,
    by_id          bigint REFERENCES users (id),
    at             timestamptz NOT NULL
);
CREATE INDEX complaint_notes_complaint_idx ON complaint_notes (complaint_id, id);

-- Attachments of a complaint: images or PDF, type-checked by content.
CREATE TABLE complaint_files (
    id            bigserial PRIMARY KEY,
    complaint_id  bigint NOT NULL REFERENCES complaints (id),
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size          integer NOT NULL CHECK (size BETWEEN 1 AND 5242880),
    data          bytea NOT NULL,
    CONSTRAINT complaint_files_data_size_check CHECK (length(data) = size)
);
CREATE INDEX complaint_files_complaint_idx ON complaint_files (complaint_id, id);

-- Satisfaction survey (SUP-3): one code per enrolment, made when the class
-- finishes; one answer per code (the primary key).
CREATE TABLE survey_codes (
    enrolment_id    bigint PRIMARY KEY REFERENCES enrolments (id),
    code            text NOT NULL CHECK (code ~ '^[2-9A-HJ-NP-Z]{10}$'),
    class_id        bigint NOT NULL REFERENCES classes (id),
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    created_at      timestamptz NOT NULL,
    CONSTRAINT survey_codes_code_key UNIQUE (code)
);
CREATE INDEX survey_codes_class_idx ON survey_codes (class_id);

CREATE TABLE survey_answers (
    enrolment_id    bigint PRIMARY KEY REFERENCES survey_codes (enrolment_id),
    class_id        bigint NOT NULL REFERENCES classes (id),
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    overall         smallint NOT NULL CHECK (overall BETWEEN 1 AND 5),
    teaching        smallint NOT NULL CHECK (teaching BETWEEN 1 AND 5),
    venue           smallint NOT NULL CHECK (venue BETWEEN 1 AND 5),
    organisation    smallint NOT NULL CHECK (organisation BETWEEN 1 AND 5),
    comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 500),
    answered_at     timestamptz NOT NULL
);
CREATE INDEX survey_answers_class_idx ON survey_answers (class_id);
CREATE INDEX survey_answers_institution_idx ON survey_answers (institution_id, answered_at);

-- Employment follow-up (SUP-3): per enrolment, 3 and 6 months after the
-- class; the bureau's spot-check (a phone check) recorded on the row.
CREATE TABLE employment_records (
    id              bigserial PRIMARY KEY,
    enrolment_id    bigint NOT NULL REFERENCES enrolments (id),
    class_id        bigint NOT NULL REFERENCES classes (id),
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    months          smallint NOT NULL CHECK (months IN (3, 6)),
    employed        boolean NOT NULL,
    self_employed   boolean NOT NULL DEFAULT false,
    employer        text NOT NULL DEFAULT '' CHECK (length(employer) <= 100),
    start_date      date,
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL,
    check_result    text CHECK (check_result IN ('confirmed', 'differs', 'unreachable')),
    check_note      text NOT NULL DEFAULT '' CHECK (length(check_note) <= 500),
    checked_by      text NOT NULL DEFAULT '',
    checked_at      timestamptz,
    version         integer NOT NULL DEFAULT 1,
    CONSTRAINT employment_records_key UNIQUE (enrolment_id, months),
    CONSTRAINT employment_records_unemployed_check CHECK (employed OR (NOT self_employed AND employer = '' AND start_date IS NULL)),
    CONSTRAINT employment_records_employer_needed_check CHECK (NOT employed OR self_employed OR employer <> ''),
    CONSTRAINT employment_records_start_check CHECK (NOT employed OR start_date IS NOT NULL),
    CONSTRAINT employment_records_checked_check CHECK ((check_result IS NULL) = (checked_at IS NULL))
);
CREATE INDEX employment_records_class_idx ON employment_records (class_id, months);
CREATE INDEX employment_records_institution_idx ON employment_records (institution_id, months);
CREATE INDEX employment_records_unchecked_idx ON employment_records (id) WHERE check_result IS NULL;

-- +goose Down
DROP TABLE employment_records;
DROP TABLE survey_answers;
DROP TABLE survey_codes;
DROP TABLE complaint_files;
DROP TABLE complaint_notes;
DROP TABLE complaints;
