-- +goose Up
-- Applying for assessment (issue 14): each candidate with a missing
-- training agreement (DELIV-1) or attendance below the bureau's threshold
-- (DELIV-3) is flagged, and chosen only with a reason the centre sees.
ALTER TABLE exam_candidates ADD COLUMN flags text NOT NULL DEFAULT '',
    ADD COLUMN override_reason text NOT NULL DEFAULT '',
    ADD CONSTRAINT exam_candidates_override_check CHECK (flags = '' OR override_reason <> ''),
    ADD CONSTRAINT exam_candidates_reason_check CHECK (length(override_reason) <= 200);

-- +goose Down
ALTER TABLE exam_candidates DROP CONSTRAINT exam_candidates_reason_check, DROP CONSTRAINT exam_candidates_override_check,
    DROP COLUMN override_reason, DROP COLUMN flags;
