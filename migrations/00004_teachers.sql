-- +goose Up
-- Teacher pool (培训师资库, 第五条): one row per person, keyed by resident ID
-- number; institutions that employ the person are linked to it.
CREATE TABLE teachers (
    id           bigserial PRIMARY KEY,
    id_number    text NOT NULL CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    phone        text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
    education    smallint NOT NULL CHECK (education BETWEEN 1 AND 7),
    title        smallint NOT NULL CHECK (title BETWEEN 0 AND 4),
    status       text NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    review_note  text NOT NULL DEFAULT '',
    submitted_at timestamptz,
    reviewed_at  timestamptz,
    reviewed_by  text NOT NULL DEFAULT '',
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT teachers_id_number_key UNIQUE (id_number),
    CONSTRAINT teachers_returned_check CHECK (status <> 'returned' OR review_note <> '')
);
CREATE INDEX teachers_status_name_idx ON teachers (status, name, id);
CREATE INDEX teachers_name_idx ON teachers (name, id);

CREATE TABLE teacher_institutions (
    teacher_id     bigint NOT NULL REFERENCES teachers (id),
    institution_id bigint NOT NULL REFERENCES institutions (id),
    linked_at      timestamptz NOT NULL,
    PRIMARY KEY (teacher_id, institution_id)
);
CREATE INDEX teacher_institutions_institution_idx ON teacher_institutions (institution_id, teacher_id);

-- Vocational qualification / skill level certificates. A certificate number
-- is registered once in the whole pool.
CREATE TABLE teacher_certificates (
    id            bigserial PRIMARY KEY,
    teacher_id    bigint NOT NULL REFERENCES teachers (id),
    occupation_id bigint NOT NULL REFERENCES occupations (id),
    level         smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    cert_no       text NOT NULL CHECK (length(cert_no) BETWEEN 1 AND 40),
    issue_date    date NOT NULL,
    issuer        text NOT NULL,
    created_at    timestamptz NOT NULL,
    CONSTRAINT teacher_certificates_cert_no_key UNIQUE (cert_no)
);
CREATE INDEX teacher_certificates_teacher_idx ON teacher_certificates (teacher_id);
CREATE INDEX teacher_certificates_occupation_idx ON teacher_certificates (occupation_id, level);

-- Equivalent qualifications (等同资质): a bureau decision that replaces one
-- requirement of 第五条 for one role in one level band.
CREATE TABLE teacher_equivalences (
    id            bigserial PRIMARY KEY,
    teacher_id    bigint NOT NULL REFERENCES teachers (id),
    requirement   text NOT NULL CHECK (requirement IN ('education', 'title', 'certificate')),
    band          text NOT NULL CHECK (band IN ('basic', 'advanced')),
    role          text NOT NULL CHECK (role IN ('theory', 'practical')),
    occupation_id bigint REFERENCES occupations (id),
    basis         text NOT NULL CHECK (basis <> ''),
    decided_by    text NOT NULL CHECK (decided_by <> ''),
    decided_on    date NOT NULL,
    recorded_by   bigint REFERENCES users (id),
    recorded_name text NOT NULL,
    recorded_at   timestamptz NOT NULL,
    CONSTRAINT teacher_equivalences_occupation_check CHECK ((requirement = 'certificate') = (occupation_id IS NOT NULL)),
    CONSTRAINT teacher_equivalences_requirement_role_check CHECK (
        (requirement <> 'title' OR role = 'theory') AND (requirement <> 'certificate' OR role = 'practical'))
);
CREATE UNIQUE INDEX teacher_equivalences_key ON teacher_equivalences (teacher_id, requirement, band, role, coalesce(occupation_id, 0));

-- Certificate scans: images or PDF, at most 5 MB, with a SHA-256 checksum.
CREATE TABLE teacher_files (
    id             bigserial PRIMARY KEY,
    teacher_id     bigint NOT NULL REFERENCES teachers (id),
    certificate_id bigint REFERENCES teacher_certificates (id) ON DELETE CASCADE,
    filename       text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type   text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size           integer NOT NULL CHECK (size BETWEEN 1 AND 5242880),
    sha256         bytea NOT NULL CHECK (length(sha256) = 32),
    data           bytea NOT NULL,
    institution_id bigint REFERENCES institutions (id),
    uploaded_by    bigint REFERENCES users (id),
    uploaded_at    timestamptz NOT NULL,
    CONSTRAINT teacher_files_data_size_check CHECK (length(data) = size)
);
CREATE INDEX teacher_files_teacher_idx ON teacher_files (teacher_id, id);

-- Occupations the bureau marked as related (QUAL-2); symmetric, stored once
-- with the smaller id first.
CREATE TABLE occupation_relations (
    occupation_a bigint NOT NULL REFERENCES occupations (id),
    occupation_b bigint NOT NULL REFERENCES occupations (id),
    marked_by    text NOT NULL,
    marked_at    timestamptz NOT NULL,
    PRIMARY KEY (occupation_a, occupation_b),
    CONSTRAINT occupation_relations_order_check CHECK (occupation_a < occupation_b)
);

-- +goose Down
DROP TABLE occupation_relations;
DROP TABLE teacher_files;
DROP TABLE teacher_equivalences;
DROP TABLE teacher_certificates;
DROP TABLE teacher_institutions;
DROP TABLE teachers;
