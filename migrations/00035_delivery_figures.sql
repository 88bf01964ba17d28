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
    class_id      bigint PRIMARY KEY REFERENCES classes (id) ON DELETE CASCADE,
    start_date    date NOT NULL,
    sessions      integer NOT NULL,   -- sessions in the plan in force
    planned_hours integer NOT NULL,   -- hours of the whole plan
    held          integer NOT NULL,   -- sessions with attendance recorded
    planned_held  integer NOT NULL,   -- planned hours of those sessions
    delivered     integer NOT NULL,   -- hours actually taught in them
    short         integer NOT NULL,   -- sessions delivered short of their plan (擅自缩减课时)
    off_plan      integer NOT NULL,   -- sessions taught by a teacher not on the filing
    open_from     date,               -- the earliest session without attendance; NULL when all are recorded
    flagged       boolean GENERATED ALWAYS AS (short > 0 OR off_plan > 0) STORED
);
-- The report's pages: newest first, the flagged ones on their own, and the
-- classes with a session past its date and no attendance (open_from <
-- today; a handful, so the partial index stays small).
CREATE INDEX class_delivery_start_idx ON class_delivery (start_date DESC, class_id DESC);
CREATE INDEX class_delivery_flagged_idx ON class_delivery (start_date DESC, class_id DESC) WHERE flagged;
CREATE INDEX class_delivery_open_idx ON class_delivery (open_from, start_date, class_id) WHERE open_from IS NOT NULL;

-- Each enrolment's attendance over the recorded sessions: sessions
-- recorded, sessions attended (present, late or left early) and the hours
-- delivered in the sessions attended (DELIV-3 needs them).
ALTER TABLE enrolments ADD COLUMN sessions_recorded integer NOT NULL DEFAULT 0,
    ADD COLUMN sessions_attended integer NOT NULL DEFAULT 0,
    ADD COLUMN hours_attended integer NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION refresh_class_delivery(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM class_delivery d WHERE d.class_id = ANY (ids) AND NOT EXISTS (
        SELECT 1 FROM classes c WHERE c.id = d.class_id
            AND c.status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived'));
    INSERT INTO class_delivery AS cd (class_id, start_date, sessions, planned_hours, held, planned_held, delivered,
        short, off_plan, open_from)
    SELECT c.id, c.start_date, count(cs.id), coalesce(sum(cs.hours), 0), count(d.session_id),
        coalesce(sum(cs.hours) FILTER (WHERE d.session_id IS NOT NULL), 0), coalesce(sum(d.hours), 0),
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
    ON CONFLICT (class_id) DO UPDATE SET start_date = EXCLUDED.start_date, sessions = EXCLUDED.sessions,
        planned_hours = EXCLUDED.planned_hours, held = EXCLUDED.held, planned_held = EXCLUDED.planned_held,
        delivered = EXCLUDED.delivered, short = EXCLUDED.short, off_plan = EXCLUDED.off_plan, open_from = EXCLUDED.open_from
    WHERE (cd.start_date, cd.sessions, cd.planned_hours, cd.held, cd.planned_held, cd.delivered, cd.short, cd.off_plan, cd.open_from)
        IS DISTINCT FROM (EXCLUDED.start_date, EXCLUDED.sessions, EXCLUDED.planned_hours, EXCLUDED.held, EXCLUDED.planned_held,
            EXCLUDED.delivered, EXCLUDED.short, EXCLUDED.off_plan, EXCLUDED.open_from);
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refresh_enrolment_attendance(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE enrolments e SET sessions_recorded = x.recorded, sessions_attended = x.attended, hours_attended = x.hours
    FROM (SELECT e.id, count(a.session_id) AS recorded,
              count(a.session_id) FILTER (WHERE a.status IN ('present', 'late', 'left_early')) AS attended,
              coalesce(sum(d.hours) FILTER (WHERE a.status IN ('present', 'late', 'left_early')), 0) AS hours
          FROM unnest(ids) AS e (id)
          LEFT JOIN attendance a ON a.enrolment_id = e.id
          LEFT JOIN session_deliveries d ON d.session_id = a.session_id
          GROUP BY e.id) x
    WHERE e.id = x.id
        AND (e.sessions_recorded, e.sessions_attended, e.hours_attended) IS DISTINCT FROM (x.recorded, x.attended, x.hours);
$$;
-- +goose StatementEnd

-- The figures of the data already recorded.
SELECT refresh_class_delivery(array_agg(id)) FROM classes
WHERE status IN ('approved', 'finished', 'assessment_applied', 'assessed', 'archived');
UPDATE enrolments e SET sessions_recorded = x.recorded, sessions_attended = x.attended, hours_attended = x.hours
FROM (SELECT a.enrolment_id, count(*) AS recorded,
          count(*) FILTER (WHERE a.status IN ('present', 'late', 'left_early')) AS attended,
          coalesce(sum(d.hours) FILTER (WHERE a.status IN ('present', 'late', 'left_early')), 0) AS hours
      FROM attendance a JOIN session_deliveries d ON d.session_id = a.session_id
      GROUP BY a.enrolment_id) x
WHERE e.id = x.enrolment_id;
ANALYZE class_delivery;

-- +goose Down
DROP FUNCTION refresh_enrolment_attendance(bigint[]);
DROP FUNCTION refresh_class_delivery(bigint[]);
ALTER TABLE enrolments DROP COLUMN hours_attended, DROP COLUMN sessions_attended, DROP COLUMN sessions_recorded;
DROP TABLE class_delivery;
