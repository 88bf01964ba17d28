-- +goose Up
-- Fees (SUB-2, 第十二条): an application to charge the trainees of a class,
-- made before the class starts and approved by the bureau; payments
-- recorded per enrolment, never above the approved amount (第十六条).
CREATE TABLE fee_applications (
    id              bigserial PRIMARY KEY,
    class_id        bigint NOT NULL REFERENCES classes (id),
    institution_id  bigint NOT NULL REFERENCES institutions (id),
    amount          bigint NOT NULL CHECK (amount BETWEEN 1 AND 10000000),   -- per person, fen
    covers          text NOT NULL CHECK (length(covers) BETWEEN 1 AND 500),
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    status          text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'returned', 'withdrawn')),
    class_start     date NOT NULL,
    submitted_on    date NOT NULL,
    submitted_by_id bigint REFERENCES users (id),
    submitted_by    text NOT NULL,
    submitted_at    timestamptz NOT NULL,
    decided_by_id   bigint REFERENCES users (id),
    decided_by      text NOT NULL DEFAULT '',
    decided_at      timestamptz,
    decision_note   text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 500),
    version         integer NOT NULL DEFAULT 1,
    -- 第十二条: 事前申请 — applied for before the class starts.
    CONSTRAINT fee_applications_before_start_check CHECK (submitted_on < class_start),
    CONSTRAINT fee_applications_decided_check CHECK (status IN ('submitted', 'withdrawn') OR (decided_at IS NOT NULL AND decided_by <> '')),
    CONSTRAINT fee_applications_returned_check CHECK (status <> 'returned' OR decision_note <> ''),
    -- Target of the payments' foreign key: a payment names the approved
    -- application and its amount, so it can exist only under an approved
    -- application and never above its amount.
    CONSTRAINT fee_applications_cap_key UNIQUE (id, amount, status)
);
CREATE UNIQUE INDEX fee_applications_open_key ON fee_applications (class_id) WHERE status IN ('submitted', 'approved');
CREATE INDEX fee_applications_queue_idx ON fee_applications (status, submitted_at, id);
CREATE INDEX fee_applications_institution_idx ON fee_applications (institution_id, id);

CREATE TABLE fee_payments (
    enrolment_id       bigint PRIMARY KEY REFERENCES enrolments (id),
    class_id           bigint NOT NULL REFERENCES classes (id),
    application_id     bigint NOT NULL,
    approved_amount    bigint NOT NULL,
    application_status text NOT NULL DEFAULT 'approved' CHECK (application_status = 'approved'),
    amount             bigint NOT NULL CHECK (amount > 0),
    paid_on            date NOT NULL,
    receipt_no         text NOT NULL CHECK (length(receipt_no) BETWEEN 1 AND 40),
    recorded_by        text NOT NULL,
    recorded_at        timestamptz NOT NULL,
    CONSTRAINT fee_payments_application_fkey FOREIGN KEY (application_id, approved_amount, application_status)
        REFERENCES fee_applications (id, amount, status),
    -- 第十六条: never above the approved amount (超标收费).
    CONSTRAINT fee_payments_over_approved_check CHECK (amount <= approved_amount)
);
CREATE INDEX fee_payments_class_idx ON fee_payments (class_id);
CREATE INDEX fee_payments_application_idx ON fee_payments (application_id);
CREATE INDEX fee_payments_paid_on_idx ON fee_payments (paid_on);

-- +goose Down
DROP TABLE fee_payments;
DROP TABLE fee_applications;
