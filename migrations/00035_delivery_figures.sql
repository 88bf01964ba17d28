-- +goose Up
-- Delivery figures kept on write (issue 16). The bureau's home page and the
-- delivery report (第十六条) used to aggregate every session record and
-- every attendance mark on each view (600–700 ms at 3.7 million marks).
-- Now the figures are written in the transaction that records attendance,
-- approves a class or a change of its plan, and the pages read them by
-- index. The functions below are the one definition of the figures: the
-- repository calls them for the classes and enrolments a write touched,
-- this migration and the scale loader for all of them. They compute what
-- training.SummarizeDelivery and training.AttendanceRate compute (a
-- repository test compares them).

-- One row per class with a plan in force (approved and later, not
-- cancelled): the plan's size, what the recorded sessions delivered, the
-- 第十六条 flags, and the first session of the plan with no attendance yet.
CREATE TABLE class_delivery (
    class_id       bigint PRIMARY KEY,
    institution_id bigint NOT NULL,
    start_date     date NOT NULL,
    running        boolean NOT NULL,   -- approved, not finished yet (the rest are finished and later)
    sessions       integer NOT NULL,   -- sessions in the plan in force
    planned_hours  integer NOT NULL,   -- hours of the whole plan
    held           integer NOT NULL,   -- sessions with attendance recorded
    planned_held   integer NOT NULL,   -- planned hours of those sessions
    delivered      integer NOT NULL,   -- hours actually taught in them
    short          integer NOT NULL,   -- sessions delivered short of their plan (擅自缩减课时)
    off_plan       integer NOT NULL,   -- sessions taught by a teacher not on the filing
    open_from      date,               -- the earliest session without attendance; NULL when all are recorded
    -- What the bureau must look at whatever the day: hours short, a
    -- teacher off the filing, or a class past training with a session
    -- never recorded. A running class with a session past its date and no
    -- attendance (open_from before today) is flagged too, but that depends
    -- on the day: the report asks the running classes (a few per cent).
    flagged        boolean GENERATED ALWAYS AS (short > 0 OR off_plan > 0 OR (NOT running AND open_from IS NOT NULL)) STORED
);
-- The report's pages, newest first: the flagged classes, the running ones
-- (those with a past session unrecorded come with the flagged; their
-- number is the report's total beside the finished ones, from
-- class_counts), and the rest; INST-4 probes an institution's classes by
-- start.
CREATE INDEX class_delivery_flagged_idx ON class_delivery (start_date DESC, class_id DESC) WHERE flagged;
CREATE INDEX class_delivery_running_idx ON class_delivery (start_date DESC, class_id DESC) INCLUDE (open_from, flagged)
    WHERE running;
CREATE INDEX class_delivery_clean_idx ON class_delivery (start_date DESC, class_id DESC) INCLUDE (running, open_from)
    WHERE NOT flagged;
CREATE INDEX class_delivery_institution_idx ON class_delivery (institution_id, start_date);

-- Each enrolment's attendance over the recorded sessions (a row once it
-- has a mark): sessions
-- recorded, sessions attended (present, late or left early) and the hours
-- delivered in the sessions attended (DELIV-3 needs them). A table of its
-- own: an attendance save rewrites the figures of a whole class, and
-- enrolments rows carry five indexes that every update would touch.
CREATE TABLE enrolment_attendance (
    enrolment_id      bigint PRIMARY KEY,
    sessions_recorded integer NOT NULL,
    sessions_attended integer NOT NULL,
    hours_attended    integer NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION refresh_class_delivery(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM class_delivery d WHERE d.class_id = ANY (ids) AND NOT EXISTS (
        SELECT 1 FROM classes c WHERE c.id = d.class_id
            AND c.status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived'));
    INSERT INTO class_delivery AS cd (class_id, institution_id, start_date, running, sessions, planned_hours, held,
        planned_held, delivered, short, off_plan, open_from)
    SELECT c.id, c.institution_id, c.start_date, c.status = 'approved', count(cs.id), coalesce(sum(cs.hours), 0),
        count(d.session_id), coalesce(sum(cs.hours) FILTER (WHERE d.session_id IS NOT NULL), 0), coalesce(sum(d.hours), 0),
        count(*) FILTER (WHERE d.hours < cs.hours),
        count(*) FILTER (WHERE d.session_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM class_teachers ct WHERE ct.class_id = c.id AND ct.teacher_id = d.teacher_id)),
        min(cs.day) FILTER (WHERE cs.id IS NOT NULL AND d.session_id IS NULL)
    FROM classes c
    LEFT JOIN class_sessions cs ON cs.class_id = c.id
    LEFT JOIN session_deliveries d ON d.session_id = cs.id
    WHERE c.id = ANY (ids) AND c.start_date IS NOT NULL
        AND c.status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived')
    GROUP BY c.id
    ON CONFLICT (class_id) DO UPDATE SET start_date = EXCLUDED.start_date, running = EXCLUDED.running,
        sessions = EXCLUDED.sessions, planned_hours = EXCLUDED.planned_hours, held = EXCLUDED.held,
        planned_held = EXCLUDED.planned_held, delivered = EXCLUDED.delivered, short = EXCLUDED.short,
        off_plan = EXCLUDED.off_plan, open_from = EXCLUDED.open_from
    WHERE (cd.start_date, cd.running, cd.sessions, cd.planned_hours, cd.held, cd.planned_held, cd.delivered, cd.short,
            cd.off_plan, cd.open_from)
        IS DISTINCT FROM (EXCLUDED.start_date, EXCLUDED.running, EXCLUDED.sessions, EXCLUDED.planned_hours, EXCLUDED.held,
            EXCLUDED.planned_held, EXCLUDED.delivered, EXCLUDED.short, EXCLUDED.off_plan, EXCLUDED.open_from);
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refresh_enrolment_attendance(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO enrolment_attendance AS ea (enrolment_id, sessions_recorded, sessions_attended, hours_attended)
    SELECT e.id, count(a.session_id), count(a.session_id) FILTER (WHERE a.status IN ('present', 'late', 'left_early')),
        coalesce(sum(d.hours) FILTER (WHERE a.status IN ('present', 'late', 'left_early')), 0)
    FROM unnest(ids) AS e (id)
    LEFT JOIN attendance a ON a.enrolment_id = e.id
    LEFT JOIN session_deliveries d ON d.session_id = a.session_id
    GROUP BY e.id
    HAVING count(a.session_id) > 0
    ON CONFLICT (enrolment_id) DO UPDATE SET sessions_recorded = EXCLUDED.sessions_recorded,
        sessions_attended = EXCLUDED.sessions_attended, hours_attended = EXCLUDED.hours_attended
    WHERE (ea.sessions_recorded, ea.sessions_attended, ea.hours_attended)
        IS DISTINCT FROM (EXCLUDED.sessions_recorded, EXCLUDED.sessions_attended, EXCLUDED.hours_attended);
$$;
-- +goose StatementEnd

-- The figures of the data already recorded (at 3.7 million marks about 10
-- s: no request timeout here, and room to aggregate in memory).
SET LOCAL statement_timeout = 0;
SET LOCAL work_mem = '256MB';
SELECT refresh_class_delivery(array_agg(id)) FROM classes
WHERE status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived');
INSERT INTO enrolment_attendance (enrolment_id, sessions_recorded, sessions_attended, hours_attended)
SELECT a.enrolment_id, count(*), count(*) FILTER (WHERE a.status IN ('present', 'late', 'left_early')),
    coalesce(sum(d.hours) FILTER (WHERE a.status IN ('present', 'late', 'left_early')), 0)
FROM attendance a JOIN session_deliveries d ON d.session_id = a.session_id
GROUP BY a.enrolment_id;
-- The foreign keys once, by one join each, instead of a lookup per row.
ALTER TABLE class_delivery ADD CONSTRAINT class_delivery_class_fkey
    FOREIGN KEY (class_id) REFERENCES classes (id) ON DELETE CASCADE;
ALTER TABLE enrolment_attendance ADD CONSTRAINT enrolment_attendance_enrolment_fkey
    FOREIGN KEY (enrolment_id) REFERENCES enrolments (id) ON DELETE CASCADE;
ANALYZE class_delivery, enrolment_attendance;

-- +goose Down
DROP FUNCTION refresh_enrolment_attendance(bigint[]);
DROP FUNCTION refresh_class_delivery(bigint[]);
DROP TABLE enrolment_attendance;
DROP TABLE class_delivery;
