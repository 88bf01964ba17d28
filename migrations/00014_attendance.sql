-- +goose Up
-- Attendance and class hours (第八条, 第十六条, DELIV-2).
--
-- Sessions get a stable identity: attendance is keyed to the session, and a
-- plan write keeps every unchanged session's row (and id) instead of
-- deleting and re-inserting the schedule. The order (seq) is unique per
-- class but checked at commit, so a plan write may renumber in place.
ALTER TABLE class_sessions ADD COLUMN id bigserial;
ALTER TABLE class_sessions DROP CONSTRAINT class_sessions_pkey;
ALTER TABLE class_sessions ADD CONSTRAINT class_sessions_pkey PRIMARY KEY (id);
ALTER TABLE class_sessions ADD CONSTRAINT class_sessions_seq_key UNIQUE (class_id, seq) DEFERRABLE INITIALLY DEFERRED;

-- What a held session delivered: the hours actually taught and by whom.
-- The foreign key has no cascade: a session that was held can never be
-- deleted by a plan change (第六条: 已上课的课程不能变更).
CREATE TABLE session_deliveries (
    session_id  bigint PRIMARY KEY,
    class_id    bigint NOT NULL REFERENCES classes (id),
    hours       integer NOT NULL CHECK (hours BETWEEN 0 AND 12),
    teacher_id  bigint NOT NULL REFERENCES teachers (id),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL,
    CONSTRAINT session_deliveries_session_fkey FOREIGN KEY (session_id) REFERENCES class_sessions (id)
);
CREATE INDEX session_deliveries_class_idx ON session_deliveries (class_id);
CREATE INDEX session_deliveries_teacher_idx ON session_deliveries (teacher_id);

-- One mark per trainee per held session.
CREATE TABLE attendance (
    session_id   bigint NOT NULL REFERENCES session_deliveries (session_id),
    enrolment_id bigint NOT NULL REFERENCES enrolments (id),
    status       text NOT NULL CHECK (status IN ('present', 'late', 'left_early', 'absent', 'leave')),
    PRIMARY KEY (session_id, enrolment_id)
);
CREATE INDEX attendance_enrolment_idx ON attendance (enrolment_id);

-- +goose Down
DROP TABLE attendance;
DROP TABLE session_deliveries;
ALTER TABLE class_sessions DROP CONSTRAINT class_sessions_seq_key;
ALTER TABLE class_sessions DROP CONSTRAINT class_sessions_pkey;
ALTER TABLE class_sessions DROP COLUMN id;
ALTER TABLE class_sessions ADD CONSTRAINT class_sessions_pkey PRIMARY KEY (class_id, seq);
