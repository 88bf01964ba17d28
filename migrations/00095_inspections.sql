-- +goose Up
-- Inspections, rectification orders and sanctions (issue 13, SUP-4,
-- 第十六条). The checklist is data the bureau keeps; an inspection records
-- a result per item, and each item found 不符合 is a finding; a finding may
-- order rectification (限期整改) with a deadline in working days; every
-- sanction is a recorded decision resting on findings.

CREATE TABLE inspection_items (
    id         bigserial PRIMARY KEY,
    seq        integer NOT NULL,
    text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 200),
    active     boolean NOT NULL DEFAULT true,
    added_by   text NOT NULL CHECK (length(added_by) BETWEEN 1 AND 100),
    added_at   timestamptz NOT NULL,
    CONSTRAINT inspection_items_text_key UNIQUE (text)
);

CREATE TABLE inspections (
    id             bigserial PRIMARY KEY,
    institution_id bigint NOT NULL REFERENCES institutions (id),
    class_id       bigint REFERENCES classes (id),
    mode           text NOT NULL CHECK (mode IN ('onsite', 'remote')),
    inspected_on   date NOT NULL,
    inspectors     text NOT NULL CHECK (length(inspectors) BETWEEN 1 AND 200),
    summary        text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
    findings       integer NOT NULL DEFAULT 0 CHECK (findings >= 0),
    recorded_by    text NOT NULL CHECK (length(recorded_by) BETWEEN 1 AND 100),
    recorded_by_id bigint,           -- the account (audit); no FK: a removed account keeps its records
    recorded_at    timestamptz NOT NULL
);
CREATE INDEX inspections_institution_idx ON inspections (institution_id, inspected_on DESC, id DESC);
CREATE INDEX inspections_date_idx ON inspections (inspected_on DESC, id DESC);
CREATE INDEX inspections_class_idx ON inspections (class_id) WHERE class_id IS NOT NULL;

CREATE TABLE inspection_results (
    inspection_id bigint NOT NULL REFERENCES inspections (id),
    item_id       bigint NOT NULL REFERENCES inspection_items (id),
    result        text NOT NULL CHECK (result IN ('ok', 'fail', 'na')),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    PRIMARY KEY (inspection_id, item_id),
    -- A finding says what was seen.
    CONSTRAINT inspection_results_finding_note_check CHECK (result <> 'fail' OR note <> '')
);

-- The findings: one per item found 不符合, with the institution and date
-- copied so sanctions and the evaluation read them by index.
CREATE TABLE inspection_findings (
    id             bigserial PRIMARY KEY,
    inspection_id  bigint NOT NULL,
    item_id        bigint NOT NULL,
    institution_id bigint NOT NULL REFERENCES institutions (id),
    found_on       date NOT NULL,
    CONSTRAINT inspection_findings_result_fkey FOREIGN KEY (inspection_id, item_id)
        REFERENCES inspection_results (inspection_id, item_id),
    CONSTRAINT inspection_findings_key UNIQUE (inspection_id, item_id)
);
CREATE INDEX inspection_findings_institution_idx ON inspection_findings (institution_id, found_on);

CREATE TABLE inspection_files (
    id            bigserial PRIMARY KEY,
    inspection_id bigint NOT NULL REFERENCES inspections (id),
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size          integer NOT NULL CHECK (size BETWEEN 1 AND 5242880),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    data          bytea NOT NULL,
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL,
    CONSTRAINT inspection_files_data_size_check CHECK (length(data) = size)
);
CREATE INDEX inspection_files_inspection_idx ON inspection_files (inspection_id, id);

CREATE TABLE rectification_orders (
    id             bigserial PRIMARY KEY,
    finding_id     bigint NOT NULL REFERENCES inspection_findings (id),
    institution_id bigint NOT NULL REFERENCES institutions (id),
    requirement    text NOT NULL CHECK (length(requirement) BETWEEN 1 AND 1000),
    ordered_on     date NOT NULL,
    working_days   integer NOT NULL CHECK (working_days BETWEEN 1 AND 60),
    due_on         date NOT NULL,
    ordered_by     text NOT NULL,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'accepted', 'escalated')),
    answer         text NOT NULL DEFAULT '' CHECK (length(answer) <= 2000),
    answered_at    timestamptz,
    answered_by    text NOT NULL DEFAULT '',
    file_name      text CHECK (length(file_name) BETWEEN 1 AND 200),
    file_type      text CHECK (file_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    file_size      integer CHECK (file_size BETWEEN 1 AND 5242880),
    file_sha256    bytea CHECK (length(file_sha256) = 32),
    file_data      bytea,
    decided_by     text NOT NULL DEFAULT '',
    decided_at     timestamptz,
    decision_note  text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 1000),
    overdue_since  date,
    version        integer NOT NULL DEFAULT 1,
    CONSTRAINT rectification_orders_finding_key UNIQUE (finding_id),
    CONSTRAINT rectification_orders_due_check CHECK (due_on > ordered_on),
    -- An answer carries its text and its evidence (SUP-4).
    CONSTRAINT rectification_orders_answered_check CHECK (status = 'open' OR status = 'escalated' OR
        (answer <> '' AND answered_at IS NOT NULL AND file_data IS NOT NULL AND length(file_data) = file_size)),
    CONSTRAINT rectification_orders_decided_check CHECK (status IN ('open', 'answered') OR
        (decided_by <> '' AND decided_at IS NOT NULL))
);
CREATE INDEX rectification_orders_institution_idx ON rectification_orders (institution_id, status, due_on);
CREATE INDEX rectification_orders_open_idx ON rectification_orders (due_on) WHERE status = 'open';

CREATE TABLE sanctions (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    kind            text NOT NULL CHECK (kind IN ('warning', 'suspension', 'revocation', 'lift')),
    ground          text NOT NULL CHECK (ground IN ('content', 'rectify', 'fraud', 'subsidy', 'overcharge',
                        'inactivity', 'evaluation', 'rectified', 'other')),
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    decision_no     text NOT NULL DEFAULT '' CHECK (length(decision_no) <= 50),
    decided_by      text NOT NULL CHECK (length(decided_by) BETWEEN 1 AND 50),
    decided_on      date NOT NULL,
    recover_fen     bigint NOT NULL DEFAULT 0 CHECK (recover_fen >= 0),
    referral        boolean NOT NULL DEFAULT false,
    referral_note   text NOT NULL DEFAULT '' CHECK (length(referral_note) <= 500),
    order_id        bigint REFERENCES rectification_orders (id),
    status_before   text NOT NULL,
    status_after    text NOT NULL,
    recorded_by     text NOT NULL,
    recorded_by_id  bigint,
    recorded_at     timestamptz NOT NULL,
    -- Recovery and referral belong to a revocation (第十六条).
    CONSTRAINT sanctions_recover_check CHECK (kind = 'revocation' OR (recover_fen = 0 AND NOT referral)),
    CONSTRAINT sanctions_referral_check CHECK (NOT referral OR referral_note <> ''),
    -- Lifting a suspension rests on an accepted rectification.
    CONSTRAINT sanctions_lift_check CHECK (kind <> 'lift' OR order_id IS NOT NULL),
    -- A revoked institution stays revoked.
    CONSTRAINT sanctions_revoked_check CHECK (status_before <> 'revoked')
);
CREATE INDEX sanctions_institution_idx ON sanctions (institution_id, decided_on DESC, id DESC);
CREATE INDEX sanctions_date_idx ON sanctions (decided_on DESC, id DESC);

CREATE TABLE sanction_findings (
    sanction_id bigint NOT NULL REFERENCES sanctions (id),
    finding_id  bigint NOT NULL REFERENCES inspection_findings (id),
    PRIMARY KEY (sanction_id, finding_id)
);
CREATE INDEX sanction_findings_finding_idx ON sanction_findings (finding_id);

-- The bureau's checklist to start with (issue 13); the bureau edits it.
INSERT INTO inspection_items (seq, text, added_by, added_at) VALUES
    (1, '授课教师为备案教师', '系统', now()),
    (2, '培训内容和课时与备案一致', '系统', now()),
    (3, '考勤记录完整', '系统', now()),
    (4, '培训场地与安全条件符合要求', '系统', now()),
    (5, '学员已签订培训协议', '系统', now()),
    (6, '收费不超过核准标准', '系统', now());

-- +goose Down
DROP TABLE sanction_findings;
DROP TABLE sanctions;
DROP TABLE rectification_orders;
DROP TABLE inspection_files;
DROP TABLE inspection_findings;
DROP TABLE inspection_results;
DROP TABLE inspections;
DROP TABLE inspection_items;
