-- +goose Up
-- Subsidy lines at province scale (issue 11: 600,000 lines in demo -scale).

-- A certificate's live line (the counts on the claim build page, one per
-- approved pass of the institution's classes) by index, not by reading
-- every line.
CREATE INDEX subsidy_claim_lines_certificate_idx ON subsidy_claim_lines (certificate_id) WHERE status = 'active';
-- The bureau's claim list sorted by amount.
CREATE INDEX subsidy_claims_total_idx ON subsidy_claims (total, id);

-- The subsidy overview's totals, kept as payments are confirmed: per year
-- of the successful payment, one row per cut (1 month of payment,
-- 2 institution, 3 occupation, 4 level, 0 the year's total) and key, with
-- the live lines, their amount and what was marked for recovery. A year
-- at province scale holds 300,000 paid lines; the overview reads about two
-- thousand rows instead of grouping them on every request. Lines of a paid
-- claim change afterwards only by recovery (追缴), which a second trigger
-- adds.
CREATE TABLE subsidy_paid_totals (
    year      smallint NOT NULL,
    cut       smallint NOT NULL CONSTRAINT subsidy_paid_totals_cut_check CHECK (cut BETWEEN 0 AND 4),
    key       bigint NOT NULL,
    lines     integer NOT NULL DEFAULT 0,
    amount    bigint NOT NULL DEFAULT 0,
    recovered bigint NOT NULL DEFAULT 0,
    CONSTRAINT subsidy_paid_totals_pkey PRIMARY KEY (year, cut, key)
);

-- +goose StatementBegin
-- subsidy_paid_totals_add adds the live lines of the claims of the paid
-- payments whose ids are given (all paid payments when NULL).
CREATE FUNCTION subsidy_paid_totals_add(payments bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO subsidy_paid_totals AS t (year, cut, key, lines, amount, recovered)
    SELECT extract(year FROM p.paid_on)::smallint, c.cut, c.key, sum(g.n)::int, sum(g.a)::bigint, sum(g.r)::bigint
    FROM subsidy_claim_payments p
    JOIN LATERAL (SELECT l.institution_id, l.occupation_id, l.level, count(*) AS n, sum(l.amount_fen) AS a, sum(l.recovery_fen) AS r
        FROM subsidy_claim_lines l WHERE l.claim_id = p.claim_id AND l.status = 'active'
        GROUP BY 1, 2, 3) g ON true
    CROSS JOIN LATERAL (VALUES (1::smallint, extract(month FROM p.paid_on)::bigint), (2::smallint, g.institution_id),
        (3::smallint, g.occupation_id), (4::smallint, g.level::bigint), (0::smallint, 0::bigint)) c (cut, key)
    WHERE p.status = 'paid' AND (payments IS NULL OR p.id = ANY (payments))
    GROUP BY 1, 2, 3
    ON CONFLICT (year, cut, key) DO UPDATE SET lines = t.lines + EXCLUDED.lines, amount = t.amount + EXCLUDED.amount,
        recovered = t.recovered + EXCLUDED.recovered;
$$;

CREATE FUNCTION subsidy_paid_totals_payment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM subsidy_paid_totals_add(ARRAY[NEW.id]);
    RETURN NULL;
END
$$;

CREATE FUNCTION subsidy_paid_totals_recovery() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO subsidy_paid_totals AS t (year, cut, key, recovered)
    SELECT extract(year FROM p.paid_on)::smallint, c.cut, c.key, NEW.recovery_fen - OLD.recovery_fen
    FROM subsidy_claim_payments p
    CROSS JOIN LATERAL (VALUES (1::smallint, extract(month FROM p.paid_on)::bigint), (2::smallint, NEW.institution_id),
        (3::smallint, NEW.occupation_id), (4::smallint, NEW.level::bigint), (0::smallint, 0::bigint)) c (cut, key)
    WHERE p.claim_id = NEW.claim_id AND p.status = 'paid'
    ON CONFLICT (year, cut, key) DO UPDATE SET recovered = t.recovered + EXCLUDED.recovered;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER subsidy_paid_totals_payment AFTER UPDATE OF status ON subsidy_claim_payments
    FOR EACH ROW WHEN (NEW.status = 'paid' AND OLD.status <> 'paid') EXECUTE FUNCTION subsidy_paid_totals_payment();
CREATE TRIGGER subsidy_paid_totals_recovery AFTER UPDATE OF recovery_fen ON subsidy_claim_lines
    FOR EACH ROW WHEN (NEW.recovery_fen <> OLD.recovery_fen AND NEW.status = 'active') EXECUTE FUNCTION subsidy_paid_totals_recovery();

SELECT subsidy_paid_totals_add(NULL);

-- +goose Down
DROP TRIGGER subsidy_paid_totals_recovery ON subsidy_claim_lines;
DROP TRIGGER subsidy_paid_totals_payment ON subsidy_claim_payments;
DROP FUNCTION subsidy_paid_totals_recovery();
DROP FUNCTION subsidy_paid_totals_payment();
DROP FUNCTION subsidy_paid_totals_add(bigint[]);
DROP TABLE subsidy_paid_totals;
DROP INDEX subsidy_claims_total_idx;
DROP INDEX subsidy_claim_lines_certificate_idx;
