-- +goose Up
-- Fund use (SUB-4, 第十三条): what an institution spent of its subsidies
-- and fees, only in the seven categories of the article, charged to one
-- of its classes or to the year as a whole. Entries are never deleted: a
-- wrong one is voided with a reason.
ALTER TABLE classes ADD CONSTRAINT classes_id_institution_key UNIQUE (id, institution_id);

CREATE TABLE fund_use_entries (
    id             bigserial PRIMARY KEY,
    institution_id bigint NOT NULL REFERENCES institutions (id),
    class_id       bigint,
    year           integer NOT NULL,
    -- 第十三条: 培训师资、教材设备、场地、培训用品、耗材、学员用餐、观摩学习, nothing else.
    category       text NOT NULL CONSTRAINT fund_use_entries_category_check
                   CHECK (category IN ('teachers', 'materials', 'venue', 'supplies', 'consumables', 'meals', 'visits')),
    amount         bigint NOT NULL CONSTRAINT fund_use_entries_amount_check CHECK (amount BETWEEN 1 AND 100000000), -- fen
    spent_on       date NOT NULL,
    description    text NOT NULL CONSTRAINT fund_use_entries_description_check CHECK (length(description) BETWEEN 1 AND 200),
    voucher_no     text NOT NULL CONSTRAINT fund_use_entries_voucher_no_check CHECK (length(voucher_no) BETWEEN 1 AND 40),
    status         text NOT NULL DEFAULT 'recorded' CONSTRAINT fund_use_entries_status_check CHECK (status IN ('recorded', 'void')),
    void_reason    text NOT NULL DEFAULT '' CONSTRAINT fund_use_entries_void_reason_check CHECK (length(void_reason) <= 500),
    recorded_by_id bigint REFERENCES users (id),
    recorded_by    text NOT NULL CONSTRAINT fund_use_entries_recorded_by_check CHECK (length(recorded_by) BETWEEN 1 AND 100),
    recorded_at    timestamptz NOT NULL,
    voided_by      text NOT NULL DEFAULT '' CONSTRAINT fund_use_entries_voided_by_check CHECK (length(voided_by) <= 100),
    voided_at      timestamptz,
    version        integer NOT NULL DEFAULT 1,
    CONSTRAINT fund_use_entries_year_check CHECK (year = extract(year FROM spent_on) AND year >= 2020),
    CONSTRAINT fund_use_entries_void_check CHECK (status = 'recorded' OR (void_reason <> '' AND voided_at IS NOT NULL)),
    -- A class's spending belongs to the class's own institution.
    CONSTRAINT fund_use_entries_class_fkey FOREIGN KEY (class_id, institution_id) REFERENCES classes (id, institution_id)
);
-- The institution's page (a year's entries, newest first) and the bureau's
-- report (a year's recorded entries summed per institution and category).
CREATE INDEX fund_use_entries_institution_idx ON fund_use_entries (institution_id, year, spent_on DESC, id DESC);
CREATE INDEX fund_use_entries_year_idx ON fund_use_entries (year, institution_id, category) INCLUDE (amount) WHERE status = 'recorded';
CREATE INDEX fund_use_entries_class_idx ON fund_use_entries (class_id) WHERE class_id IS NOT NULL;
-- The overview reads a year's paid lines by claim without the heap.
CREATE INDEX subsidy_claim_lines_paid_idx ON subsidy_claim_lines (claim_id)
    INCLUDE (institution_id, occupation_id, level, amount_fen, recovery_fen) WHERE status = 'active';
-- Subsidies paid in a year (the comparison, the overview by month).
CREATE INDEX subsidy_claim_payments_paid_idx ON subsidy_claim_payments (paid_on, claim_id) INCLUDE (amount) WHERE status = 'paid';

-- +goose Down
DROP INDEX subsidy_claim_payments_paid_idx;
DROP INDEX subsidy_claim_lines_paid_idx;
DROP TABLE fund_use_entries;
ALTER TABLE classes DROP CONSTRAINT classes_id_institution_key;
