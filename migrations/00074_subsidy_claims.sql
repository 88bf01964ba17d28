-- +goose Up
-- Subsidy claims (SUB-3, 第十二条; SUB-5 recovery, 第十六条). An institution
-- builds a claim from the approved passes (certificates) of its classes;
-- every proposed line keeps the standard and percentage in force on its
-- certificate date; every person left out is kept with the reasons. Flow:
-- draft → submitted → reviewed → (approved by a second bureau user) notice
-- (公示, 5 working days) → objections decided → payable → payment recorded
-- → paid; returned → the institution edits and submits again; a failed
-- payment is recorded again (re-issued).
CREATE SEQUENCE subsidy_claim_no_seq;

CREATE TABLE subsidy_claims (
    id              bigserial PRIMARY KEY,
    claim_no        text NOT NULL,
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'returned', 'reviewed',
                        'notice', 'objections', 'payable', 'payment_recorded', 'payment_failed', 'paid', 'withdrawn')),
    class_ids       bigint[] NOT NULL CHECK (cardinality(class_ids) BETWEEN 1 AND 100),
    lines           integer NOT NULL DEFAULT 0 CHECK (lines >= 0),          -- active lines
    total           bigint NOT NULL DEFAULT 0 CHECK (total >= 0),           -- fen, sum of active lines
    excluded        integer NOT NULL DEFAULT 0 CHECK (excluded >= 0),
    note            text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    return_reason   text NOT NULL DEFAULT '' CHECK (length(return_reason) <= 500),
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL,
    submitted_by    text NOT NULL DEFAULT '',
    submitted_at    timestamptz,
    reviewed_by_id  bigint REFERENCES users (id),
    reviewed_by     text NOT NULL DEFAULT '',
    reviewed_at     timestamptz,
    review_note     text NOT NULL DEFAULT '' CHECK (length(review_note) <= 500),
    -- Bureau users who took a step on the claim before approval (review,
    -- return): none of them may approve it (four eyes).
    touched_by      bigint[] NOT NULL DEFAULT '{}',
    approved_by_id  bigint REFERENCES users (id),
    approved_by     text NOT NULL DEFAULT '',
    approved_at     timestamptz,
    notice_from     date,
    notice_until    date,            -- the 5th working day after notice_from, inclusive
    notice_closed   timestamptz,
    paid_at         timestamptz,
    updated_at      timestamptz NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    CONSTRAINT subsidy_claims_no_key UNIQUE (claim_no),
    CONSTRAINT subsidy_claims_returned_check CHECK (status <> 'returned' OR return_reason <> ''),
    CONSTRAINT subsidy_claims_reviewed_check CHECK (status IN ('draft', 'submitted', 'returned', 'withdrawn') OR
        (reviewed_by_id IS NOT NULL AND reviewed_at IS NOT NULL)),
    -- Four eyes (SUB-3): approved by a bureau user other than the reviewer
    -- and anyone else who took a step on it before.
    CONSTRAINT subsidy_claims_four_eyes_check CHECK (status IN ('draft', 'submitted', 'returned', 'reviewed', 'withdrawn') OR (
        approved_by_id IS NOT NULL AND approved_by_id <> reviewed_by_id AND NOT (approved_by_id = ANY (touched_by)))),
    CONSTRAINT subsidy_claims_notice_check CHECK (status IN ('draft', 'submitted', 'returned', 'reviewed', 'withdrawn') OR (
        notice_from IS NOT NULL AND notice_until > notice_from)),
    CONSTRAINT subsidy_claims_paid_check CHECK (status <> 'paid' OR paid_at IS NOT NULL)
);
CREATE INDEX subsidy_claims_institution_idx ON subsidy_claims (institution_id, id DESC);
CREATE INDEX subsidy_claims_status_idx ON subsidy_claims (status, id DESC);
CREATE INDEX subsidy_claims_notice_idx ON subsidy_claims (notice_until, id) WHERE status = 'notice';
CREATE INDEX subsidy_claims_classes_idx ON subsidy_claims USING gin (class_ids);

-- One line per approved pass proposed for subsidy. A line is live
-- ('active') from the moment it is on a claim until the claim is withdrawn
-- ('released') or an objection removes it ('removed'); a recovered line
-- (追缴, SUB-5) stays live: the person was subsidised.
CREATE TABLE subsidy_claim_lines (
    id              bigserial PRIMARY KEY,
    claim_id        bigint NOT NULL REFERENCES subsidy_claims (id),
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    class_id        bigint NOT NULL REFERENCES classes (id),
    enrolment_id    bigint NOT NULL REFERENCES enrolments (id),
    trainee_id      bigint NOT NULL REFERENCES trainees (id),
    certificate_id  bigint NOT NULL REFERENCES certificates (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    id_number       text NOT NULL CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
    cert_no         text NOT NULL,
    cert_date       date NOT NULL,
    occupation_id   bigint NOT NULL REFERENCES occupations (id),
    level           smallint NOT NULL CHECK (level BETWEEN 0 AND 5),
    class_type      text NOT NULL CHECK (class_type IN ('qualification', 'skill_level', 'special', 'startup')),
    year            smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    target_group    text NOT NULL CHECK (target_group IN ('employee', 'rural_migrant', 'unemployed', 'veteran', 'hard_to_employ')),
    standard_id     bigint NOT NULL REFERENCES subsidy_standards (id),
    standard_fen    bigint NOT NULL CHECK (standard_fen BETWEEN 0 AND 10000000),
    rate_id         bigint NOT NULL REFERENCES subsidy_rates (id),
    percent         smallint NOT NULL CHECK (percent BETWEEN 1 AND 100),
    shortage        boolean NOT NULL DEFAULT false,
    amount_fen      bigint NOT NULL,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed', 'released')),
    removed_reason  text NOT NULL DEFAULT '' CHECK (length(removed_reason) <= 500),
    recovery_fen    bigint NOT NULL DEFAULT 0,
    recovery_reason text NOT NULL DEFAULT '' CHECK (length(recovery_reason) <= 500),
    recovery_by     text NOT NULL DEFAULT '',
    recovery_at     timestamptz,
    -- Amount = standard × percentage, rounded half up to the fen (SUB-1).
    CONSTRAINT subsidy_claim_lines_amount_check CHECK (amount_fen = (standard_fen * percent + 50) / 100),
    CONSTRAINT subsidy_claim_lines_cert_year_check CHECK (year = extract(year FROM cert_date)),
    CONSTRAINT subsidy_claim_lines_removed_check CHECK (status <> 'removed' OR removed_reason <> ''),
    CONSTRAINT subsidy_claim_lines_recovery_check CHECK (recovery_fen BETWEEN 0 AND amount_fen
        AND (recovery_fen = 0) = (recovery_reason = '') AND (recovery_fen = 0 OR recovery_at IS NOT NULL))
);
-- SUB-3: one subsidy per person, occupation, level and calendar year in the
-- whole district, under concurrency too: two claims can never both hold a
-- live line for the same person, whatever their states and whoever builds
-- or approves them at the same moment.
CREATE UNIQUE INDEX subsidy_claim_lines_once_key ON subsidy_claim_lines (trainee_id, occupation_id, level, year)
    WHERE status = 'active';
CREATE UNIQUE INDEX subsidy_claim_lines_enrolment_key ON subsidy_claim_lines (enrolment_id) WHERE status = 'active';
CREATE UNIQUE INDEX subsidy_claim_lines_claim_cert_key ON subsidy_claim_lines (claim_id, certificate_id);
CREATE INDEX subsidy_claim_lines_claim_idx ON subsidy_claim_lines (claim_id, id);
CREATE INDEX subsidy_claim_lines_recovery_idx ON subsidy_claim_lines (institution_id, recovery_at) WHERE recovery_fen > 0;

-- SUB-2 backstop: a trainee who paid a fee gets no subsidy for that
-- enrolment, and no fee is recorded for an enrolment on a live line. Both
-- writers lock the enrolment row first, so the checks cannot interleave.
-- +goose StatementBegin
CREATE FUNCTION subsidy_claim_lines_fee_paid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM fee_payments p WHERE p.enrolment_id = NEW.enrolment_id) THEN
        RAISE EXCEPTION 'enrolment %: paid a fee, no subsidy', NEW.enrolment_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'subsidy_claim_lines_fee_paid_check', TABLE = 'subsidy_claim_lines';
    END IF;
    RETURN NEW;
END
$$;
CREATE FUNCTION fee_payments_on_claim() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM subsidy_claim_lines l WHERE l.enrolment_id = NEW.enrolment_id AND l.status = 'active') THEN
        RAISE EXCEPTION 'enrolment %: on a live subsidy claim line', NEW.enrolment_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'fee_payments_on_claim_check', TABLE = 'fee_payments';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER subsidy_claim_lines_fee_paid BEFORE INSERT OR UPDATE OF status ON subsidy_claim_lines
    FOR EACH ROW WHEN (NEW.status = 'active') EXECUTE FUNCTION subsidy_claim_lines_fee_paid();
CREATE TRIGGER fee_payments_on_claim BEFORE INSERT ON fee_payments
    FOR EACH ROW EXECUTE FUNCTION fee_payments_on_claim();

-- The people of the chosen classes' approved passes left out of a claim,
-- with the reasons (codes of training.ClaimExclusion), for the claim page.
CREATE TABLE subsidy_claim_exclusions (
    claim_id       bigint NOT NULL REFERENCES subsidy_claims (id),
    certificate_id bigint NOT NULL REFERENCES certificates (id),
    class_id       bigint NOT NULL REFERENCES classes (id),
    enrolment_id   bigint NOT NULL REFERENCES enrolments (id),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    id_number      text NOT NULL CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
    reasons        text[] NOT NULL CHECK (cardinality(reasons) BETWEEN 1 AND 20),
    detail         text NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
    PRIMARY KEY (claim_id, certificate_id)
);

-- Objections during the public notice (公示): anyone, without signing in.
CREATE TABLE subsidy_claim_objections (
    id             bigserial PRIMARY KEY,
    claim_id       bigint NOT NULL REFERENCES subsidy_claims (id),
    line_id        bigint REFERENCES subsidy_claim_lines (id),
    objector       text NOT NULL DEFAULT '' CHECK (length(objector) <= 50),
    contact        text NOT NULL DEFAULT '' CHECK (length(contact) <= 50),
    body           text NOT NULL CHECK (length(body) BETWEEN 5 AND 1000),
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'dismissed')),
    filed_at       timestamptz NOT NULL,
    decided_by     text NOT NULL DEFAULT '',
    decided_at     timestamptz,
    decision       text NOT NULL DEFAULT '' CHECK (length(decision) <= 500),
    CONSTRAINT subsidy_claim_objections_decided_check CHECK (status = 'pending' OR (decided_at IS NOT NULL AND decision <> '')),
    CONSTRAINT subsidy_claim_objections_line_check CHECK (status <> 'upheld' OR line_id IS NOT NULL)
);
CREATE INDEX subsidy_claim_objections_claim_idx ON subsidy_claim_objections (claim_id, id);
CREATE INDEX subsidy_claim_objections_pending_idx ON subsidy_claim_objections (filed_at, id) WHERE status = 'pending';

-- Payments (batch, date, voucher number, amount). A failed payment stays
-- on record; the claim is paid again with a new row (re-issued). At most
-- one payment per claim is not failed.
CREATE TABLE subsidy_claim_payments (
    id             bigserial PRIMARY KEY,
    claim_id       bigint NOT NULL REFERENCES subsidy_claims (id),
    batch_no       text NOT NULL CHECK (length(batch_no) BETWEEN 1 AND 40),
    paid_on        date NOT NULL,
    voucher_no     text NOT NULL CHECK (length(voucher_no) BETWEEN 1 AND 40),
    amount         bigint NOT NULL CHECK (amount > 0),
    status         text NOT NULL DEFAULT 'recorded' CHECK (status IN ('recorded', 'paid', 'failed')),
    failure_reason text NOT NULL DEFAULT '' CHECK (length(failure_reason) <= 500),
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL,
    settled_by     text NOT NULL DEFAULT '',
    settled_at     timestamptz,
    CONSTRAINT subsidy_claim_payments_failed_check CHECK (status <> 'failed' OR failure_reason <> ''),
    CONSTRAINT subsidy_claim_payments_settled_check CHECK (status = 'recorded' OR settled_at IS NOT NULL)
);
CREATE UNIQUE INDEX subsidy_claim_payments_live_key ON subsidy_claim_payments (claim_id) WHERE status <> 'failed';
CREATE INDEX subsidy_claim_payments_claim_idx ON subsidy_claim_payments (claim_id, id);
CREATE INDEX subsidy_claim_payments_batch_idx ON subsidy_claim_payments (batch_no, id);

-- +goose Down
DROP TABLE subsidy_claim_payments;
DROP TABLE subsidy_claim_objections;
DROP TABLE subsidy_claim_exclusions;
DROP TRIGGER fee_payments_on_claim ON fee_payments;
DROP FUNCTION fee_payments_on_claim();
DROP TRIGGER subsidy_claim_lines_fee_paid ON subsidy_claim_lines;
DROP FUNCTION subsidy_claim_lines_fee_paid();
DROP TABLE subsidy_claim_lines;
DROP TABLE subsidy_claims;
DROP SEQUENCE subsidy_claim_no_seq;
