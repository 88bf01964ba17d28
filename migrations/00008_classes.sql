-- +goose Up
-- Class filings (办班备案, 第六条, 第七条). The current plan is kept in
-- normalised tables (for the review queue and the checks); every submitted,
-- approved or changed version is kept whole in class_versions (FILE-5).
CREATE SEQUENCE class_no_seq;

CREATE TABLE classes (
    id                 bigserial PRIMARY KEY,
    class_no           text NOT NULL,
    institution_id     bigint NOT NULL REFERENCES institutions (id),
    occupation_id      bigint REFERENCES occupations (id),
    level              smallint NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 5),
    type               text NOT NULL CHECK (type IN ('qualification', 'skill_level', 'special', 'startup')),
    planned_size       integer NOT NULL DEFAULT 0 CHECK (planned_size BETWEEN 0 AND 500),
    start_date         date,
    end_date           date,
    venue              text NOT NULL DEFAULT '',
    content            text NOT NULL DEFAULT '',
    theory_hours       integer NOT NULL DEFAULT 0 CHECK (theory_hours >= 0),
    practical_hours    integer NOT NULL DEFAULT 0 CHECK (practical_hours >= 0),
    status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'returned', 'approved',
                           'finished', 'assessment_applied', 'assessed', 'archived', 'cancelled')),
    return_reason      text NOT NULL DEFAULT '',
    cancel_reason      text NOT NULL DEFAULT '',
    -- SIZE-3: the size asked for, and the size the bureau approved.
    exception_asked    integer NOT NULL DEFAULT 0 CHECK (exception_asked >= 0),
    exception_reason   text NOT NULL DEFAULT '',
    exception_approved integer NOT NULL DEFAULT 0 CHECK (exception_approved >= 0),
    exception_by       text NOT NULL DEFAULT '',
    submitted_at       timestamptz,
    approved_on        date,
    approved_by        text NOT NULL DEFAULT '',
    approved_by_id     bigint REFERENCES users (id),
    plan_no            integer NOT NULL DEFAULT 0,   -- number of the version in force
    check_warnings     text NOT NULL DEFAULT '',     -- warnings of the check at submission
    enrolled           integer NOT NULL DEFAULT 0 CHECK (enrolled >= 0),
    version            integer NOT NULL DEFAULT 1,
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CONSTRAINT classes_class_no_key UNIQUE (class_no),
    CONSTRAINT classes_dates_check CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
    -- A filing past draft carries a whole plan.
    CONSTRAINT classes_complete_check CHECK (status IN ('draft', 'returned', 'cancelled') OR (
        occupation_id IS NOT NULL AND start_date IS NOT NULL AND end_date IS NOT NULL AND planned_size > 0)),
    -- Qualification and skill-level classes have a level; the others none.
    CONSTRAINT classes_level_type_check CHECK (status IN ('draft', 'returned', 'cancelled') OR
        (type IN ('qualification', 'skill_level')) = (level > 0)),
    -- FILE-3: approved by the bureau before the start date.
    CONSTRAINT classes_approved_check CHECK (status IN ('draft', 'submitted', 'returned', 'cancelled') OR (
        approved_on IS NOT NULL AND approved_by <> '' AND approved_on < start_date)),
    -- SIZE-1..3: an approved class fits its cap or its approved exception.
    CONSTRAINT classes_size_check CHECK (status IN ('draft', 'submitted', 'returned', 'cancelled') OR
        planned_size <= CASE WHEN exception_approved > 0 THEN exception_approved
                             WHEN type = 'startup' THEN 30 ELSE 50 END),
    -- SIZE-4 backstop for the roster: never more enrolled than the cap.
    CONSTRAINT classes_enrolled_cap_check CHECK (enrolled <= CASE WHEN exception_approved > 0 THEN exception_approved
                             WHEN type = 'startup' THEN 30 ELSE 50 END),
    CONSTRAINT classes_returned_check CHECK (status <> 'returned' OR return_reason <> '')
);
CREATE INDEX classes_queue_idx ON classes (status, start_date, id);
CREATE INDEX classes_institution_idx ON classes (institution_id, status, start_date, id);
CREATE INDEX classes_occupation_idx ON classes (occupation_id, id);
CREATE INDEX classes_start_idx ON classes (start_date, id);

CREATE TABLE class_teachers (
    class_id   bigint NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    teacher_id bigint NOT NULL REFERENCES teachers (id),
    role       text NOT NULL CHECK (role IN ('theory', 'practical')),
    PRIMARY KEY (class_id, teacher_id, role)
);
CREATE INDEX class_teachers_teacher_idx ON class_teachers (teacher_id);

CREATE TABLE class_textbooks (
    class_id    bigint NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    textbook_id bigint NOT NULL REFERENCES textbooks (id),
    PRIMARY KEY (class_id, textbook_id)
);

CREATE TABLE class_sessions (
    class_id   bigint NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    -- A draft may hold incomplete rows; submission checks them whole.
    day        date,
    start_time time,
    end_time   time,
    kind       text CHECK (kind IN ('theory', 'practical')),
    hours      integer NOT NULL DEFAULT 0 CHECK (hours BETWEEN 0 AND 12),
    teacher_id bigint REFERENCES teachers (id),
    PRIMARY KEY (class_id, seq),
    CONSTRAINT class_sessions_time_check CHECK (end_time > start_time)
);

-- Every version of the plan (FILE-5): what was submitted, approved, asked
-- for in a change request, and the decision on it.
CREATE TABLE class_versions (
    class_id   bigint NOT NULL REFERENCES classes (id),
    no         integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('submitted', 'approved', 'change_requested', 'change_approved', 'change_rejected')),
    plan       jsonb NOT NULL,
    note       text NOT NULL DEFAULT '',
    actor_name text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (class_id, no)
);

-- Change requests after approval (FILE-5): at most one pending per class.
CREATE TABLE class_changes (
    id           bigserial PRIMARY KEY,
    class_id     bigint NOT NULL REFERENCES classes (id),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    reason       text NOT NULL CHECK (reason <> ''),
    plan         jsonb NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL,
    decided_by   text NOT NULL DEFAULT '',
    decided_at   timestamptz,
    decision     text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX class_changes_pending_key ON class_changes (class_id) WHERE status = 'pending';
CREATE INDEX class_changes_status_idx ON class_changes (status, requested_at);

-- +goose Down
DROP TABLE class_changes;
DROP TABLE class_versions;
DROP TABLE class_sessions;
DROP TABLE class_textbooks;
DROP TABLE class_teachers;
DROP TABLE classes;
DROP SEQUENCE class_no_seq;
