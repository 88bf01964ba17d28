-- +goose Up
-- Assessment, results and certificates (鉴定考核, 第九条 to 第十一条).

-- Evaluation organisations (EXAM-6): the district centre (one row) and the
-- social evaluation organisations the bureau records as approved.
CREATE TABLE eval_orgs (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind        text NOT NULL CHECK (kind IN ('centre', 'social')),
    approved    boolean NOT NULL DEFAULT true,
    approval_no text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    CONSTRAINT eval_orgs_name_key UNIQUE (name),
    CONSTRAINT eval_orgs_social_check CHECK (kind = 'centre' OR approval_no <> '')
);
CREATE UNIQUE INDEX eval_orgs_one_centre ON eval_orgs ((true)) WHERE kind = 'centre';
INSERT INTO eval_orgs (name, kind, created_at) VALUES ('临安区职建中心', 'centre', now());

-- A centre user belongs to the district centre (NULL) or to an evaluation
-- organisation; they handle the applications addressed to it.
ALTER TABLE users ADD COLUMN eval_org_id bigint REFERENCES eval_orgs (id);
ALTER TABLE users ADD CONSTRAINT users_eval_org_check CHECK (eval_org_id IS NULL OR role = 'centre');

-- Assessment applications (鉴定申报, EXAM-1): one per class.
CREATE TABLE exam_applications (
    id             bigserial PRIMARY KEY,
    class_id       bigint NOT NULL REFERENCES classes (id),
    institution_id bigint NOT NULL REFERENCES institutions (id),
    eval_org_id    bigint NOT NULL REFERENCES eval_orgs (id),
    cert_kind      text NOT NULL CHECK (cert_kind IN ('completion', 'qualification', 'skill_level')),
    status         text NOT NULL CHECK (status IN ('submitted', 'accepted', 'returned', 'archived')),
    return_reason  text NOT NULL DEFAULT '',
    submitted_by   text NOT NULL,
    submitted_at   timestamptz NOT NULL,
    decided_by     text NOT NULL DEFAULT '',
    decided_at     timestamptz,
    version        integer NOT NULL DEFAULT 1,
    CONSTRAINT exam_applications_class_key UNIQUE (class_id),
    CONSTRAINT exam_applications_returned_check CHECK (status <> 'returned' OR return_reason <> '')
);
CREATE INDEX exam_applications_queue_idx ON exam_applications (eval_org_id, status, submitted_at);
CREATE INDEX exam_applications_institution_idx ON exam_applications (institution_id, id);

-- The candidates chosen, with the attendance rate shown when applying.
CREATE TABLE exam_candidates (
    application_id  bigint NOT NULL REFERENCES exam_applications (id) ON DELETE CASCADE,
    enrolment_id    bigint NOT NULL REFERENCES enrolments (id),
    attendance_rate real,
    PRIMARY KEY (application_id, enrolment_id)
);

-- Exam sessions (考试场次): date, venue, times of both parts, examiners.
CREATE TABLE exam_sessions (
    id             bigserial PRIMARY KEY,
    session_no     text NOT NULL,
    application_id bigint NOT NULL REFERENCES exam_applications (id),
    retake         boolean NOT NULL DEFAULT false,
    exam_date      date NOT NULL,
    venue          text NOT NULL CHECK (venue <> ''),
    theory_time    text NOT NULL,
    practical_time text NOT NULL,
    status         text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'scored', 'approved', 'published')),
    next_seq       integer NOT NULL DEFAULT 0,
    entered_by_id  bigint REFERENCES users (id),
    entered_by     text NOT NULL DEFAULT '',
    entered_at     timestamptz,
    approved_by_id bigint REFERENCES users (id),
    approved_by    text NOT NULL DEFAULT '',
    approved_at    timestamptz,
    published_by   text NOT NULL DEFAULT '',
    published_at   timestamptz,
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL,
    version        integer NOT NULL DEFAULT 1,
    CONSTRAINT exam_sessions_no_key UNIQUE (session_no),
    -- EXAM-7 backstop: approved by someone other than the one who entered.
    CONSTRAINT exam_sessions_four_eyes_check CHECK (status IN ('scheduled', 'scored') OR (
        approved_by_id IS NOT NULL AND entered_by_id IS NOT NULL AND approved_by_id <> entered_by_id)),
    CONSTRAINT exam_sessions_published_check CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX exam_sessions_application_idx ON exam_sessions (application_id, id);
CREATE INDEX exam_sessions_date_idx ON exam_sessions (exam_date, id);

CREATE TABLE exam_examiners (
    session_id   bigint NOT NULL REFERENCES exam_sessions (id) ON DELETE CASCADE,
    seq          integer NOT NULL,
    name         text NOT NULL,
    id_number    text NOT NULL CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
    organisation text NOT NULL,
    PRIMARY KEY (session_id, seq),
    CONSTRAINT exam_examiners_person_key UNIQUE (session_id, id_number)
);

-- One candidate in one session: candidate number, ID check (EXAM-3),
-- scores (EXAM-4) and result; attempt 2 is the retake (EXAM-5).
CREATE TABLE exam_entries (
    id                bigserial PRIMARY KEY,
    session_id        bigint NOT NULL REFERENCES exam_sessions (id),
    enrolment_id      bigint NOT NULL REFERENCES enrolments (id),
    attempt           smallint NOT NULL CHECK (attempt IN (1, 2)),
    seq               integer NOT NULL CHECK (seq > 0),
    candidate_no      text NOT NULL,
    theory_required   boolean NOT NULL,
    practical_required boolean NOT NULL,
    checked_at        timestamptz,
    checked_by        text NOT NULL DEFAULT '',
    theory_score      smallint CHECK (theory_score BETWEEN 0 AND 100),
    theory_absent     boolean NOT NULL DEFAULT false,
    practical_score   smallint CHECK (practical_score BETWEEN 0 AND 100),
    practical_absent  boolean NOT NULL DEFAULT false,
    outcome           text NOT NULL DEFAULT '' CHECK (outcome IN ('', 'pass', 'fail')),
    CONSTRAINT exam_entries_candidate_no_key UNIQUE (candidate_no),
    CONSTRAINT exam_entries_seq_key UNIQUE (session_id, seq),
    CONSTRAINT exam_entries_enrolment_key UNIQUE (session_id, enrolment_id),
    -- EXAM-5: at most one first attempt and one retake per enrolment.
    CONSTRAINT exam_entries_attempt_key UNIQUE (enrolment_id, attempt),
    CONSTRAINT exam_entries_parts_check CHECK (theory_required OR practical_required),
    -- EXAM-3: no score before the ID check (a candidate who never came is
    -- only marked absent).
    CONSTRAINT exam_entries_checked_check CHECK (checked_at IS NOT NULL OR (theory_score IS NULL AND practical_score IS NULL)),
    CONSTRAINT exam_entries_absent_check CHECK (NOT (theory_absent AND theory_score IS NOT NULL)
        AND NOT (practical_absent AND practical_score IS NOT NULL))
);
CREATE INDEX exam_entries_session_idx ON exam_entries (session_id, seq);

-- Corrections after publication: never a silent overwrite (EXAM-7).
CREATE TABLE exam_amendments (
    id         bigserial PRIMARY KEY,
    entry_id   bigint NOT NULL REFERENCES exam_entries (id),
    before     jsonb NOT NULL,
    after      jsonb NOT NULL,
    reason     text NOT NULL CHECK (reason <> ''),
    amended_by text NOT NULL,
    amended_at timestamptz NOT NULL
);
CREATE INDEX exam_amendments_entry_idx ON exam_amendments (entry_id, id);

-- Certificates (EXAM-7): only for approved passes; a unique number and an
-- unguessable public verification code. Personal details are copied so a
-- certificate reads as it was printed.
CREATE SEQUENCE certificate_serial_seq;
CREATE TABLE certificates (
    id              bigserial PRIMARY KEY,
    entry_id        bigint NOT NULL REFERENCES exam_entries (id),
    cert_no         text NOT NULL,
    verify_code     text NOT NULL CHECK (verify_code ~ '^[A-Z2-7]{16}$'),
    kind            text NOT NULL CHECK (kind IN ('completion', 'qualification', 'skill_level')),
    name            text NOT NULL,
    id_number       text NOT NULL,
    occupation_code text NOT NULL,
    occupation_name text NOT NULL,
    level           smallint NOT NULL CHECK (level BETWEEN 0 AND 5),
    issuer          text NOT NULL,
    issue_date      date NOT NULL,
    revoked_at      timestamptz,
    revoked_reason  text NOT NULL DEFAULT '',
    CONSTRAINT certificates_no_key UNIQUE (cert_no),
    CONSTRAINT certificates_code_key UNIQUE (verify_code),
    CONSTRAINT certificates_entry_key UNIQUE (entry_id),
    CONSTRAINT certificates_revoked_check CHECK (revoked_at IS NULL OR revoked_reason <> '')
);
CREATE INDEX certificates_name_idx ON certificates (name, cert_no);

-- +goose Down
DROP TABLE certificates;
DROP SEQUENCE certificate_serial_seq;
DROP TABLE exam_amendments;
DROP TABLE exam_entries;
DROP TABLE exam_examiners;
DROP TABLE exam_sessions;
DROP TABLE exam_candidates;
DROP TABLE exam_applications;
ALTER TABLE users DROP CONSTRAINT users_eval_org_check;
ALTER TABLE users DROP COLUMN eval_org_id;
DROP TABLE eval_orgs;
