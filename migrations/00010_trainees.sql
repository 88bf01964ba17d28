-- +goose Up
-- Trainees (学员, 第二条, 第四条): one row per person, keyed by the resident
-- ID number; one person, many enrolments over the years.
CREATE TABLE trainees (
    id           bigserial PRIMARY KEY,
    id_number    text NOT NULL CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    birth_date   date NOT NULL,
    sex          text NOT NULL CHECK (sex IN ('M', 'F')),
    phone        text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
    target_group text NOT NULL CHECK (target_group IN ('employee', 'rural_migrant', 'unemployed', 'veteran', 'hard_to_employ', 'other')),
    employment   text NOT NULL CHECK (employment IN ('employed', 'unemployed', 'self_employed', 'student', 'other')),
    hukou        text NOT NULL CHECK (hukou IN ('local_urban', 'local_rural', 'nonlocal_urban', 'nonlocal_rural')),
    employer     text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT trainees_id_number_key UNIQUE (id_number)
);
CREATE INDEX trainees_name_idx ON trainees (name, id);

-- Enrolments: a trainee on a class's roster, with the signed training
-- agreement (职业培训协议书, 第十六条, DELIV-1).
CREATE TABLE enrolments (
    id                bigserial PRIMARY KEY,
    class_id          bigint NOT NULL REFERENCES classes (id),
    trainee_id        bigint NOT NULL REFERENCES trainees (id),
    status            text NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled', 'withdrawn')),
    withdrawn_reason  text NOT NULL DEFAULT '',
    withdrawn_at      timestamptz,
    agreement_no      text,
    agreement_date    date,
    pays_fee          boolean,
    agreement_by      text NOT NULL DEFAULT '',
    agreement_at      timestamptz,
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL,
    CONSTRAINT enrolments_class_trainee_key UNIQUE (class_id, trainee_id),
    CONSTRAINT enrolments_withdrawn_check CHECK (status <> 'withdrawn' OR (withdrawn_reason <> '' AND withdrawn_at IS NOT NULL)),
    -- An agreement is recorded whole: number, date and the fee answer.
    CONSTRAINT enrolments_agreement_check CHECK (
        (agreement_no IS NULL AND agreement_date IS NULL AND pays_fee IS NULL) OR
        (agreement_no IS NOT NULL AND agreement_date IS NOT NULL AND pays_fee IS NOT NULL))
);
CREATE UNIQUE INDEX enrolments_agreement_no_key ON enrolments (agreement_no) WHERE agreement_no IS NOT NULL;
CREATE INDEX enrolments_trainee_idx ON enrolments (trainee_id, class_id);
CREATE INDEX enrolments_class_idx ON enrolments (class_id, status, id);

-- +goose Down
DROP TABLE enrolments;
DROP TABLE trainees;
