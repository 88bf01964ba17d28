-- +goose Up
-- Indexes for the pages of issue 12: a trainee's own certificates by ID
-- number, the bureau's latest phone checks.
CREATE INDEX certificates_id_number_idx ON certificates (id_number);
CREATE INDEX employment_records_checked_idx ON employment_records (checked_at DESC, id) WHERE checked_at IS NOT NULL;

-- +goose Down
DROP INDEX employment_records_checked_idx;
DROP INDEX certificates_id_number_idx;
