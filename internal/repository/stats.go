package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// StatsFilter narrows the statistics to a year (by class start) and,
// optionally, one institution.
type StatsFilter struct {
	Year          int
	InstitutionID int64
}

// StatRow is one line of a statistics table: a label and its figures.
type StatRow struct {
	Label    string
	Classes  int
	Trainees int
}

// PassRow is a pass-rate line: candidates sat a first attempt, passed at
// the first attempt, and passed in the end (after a retake).
type PassRow struct {
	Label                    string
	Candidates, First, Final int
}

// ShortRow is an institution's delivery shortfalls (第十六条): classes with
// hours short of the plan, taught off the filing or never recorded.
type ShortRow struct {
	Label                   string
	Classes, Short, OffPlan int
	HoursShort              int
}

// Stats is a statistics page: only counts, no person.
type Stats struct {
	ByMonth       []StatRow // 12 rows, 1月..12月
	ByOccupation  []StatRow
	ByType        []StatRow
	ByInstitution []StatRow
	PassByInst    []PassRow
	PassByOcc     []PassRow
	PassByLevel   []PassRow
	Shortfalls    []ShortRow
	Institutions  []StatOption // the filter's choices
}

// StatOption is an institution of the filter.
type StatOption struct {
	ID   int64
	Name string
}

// classFilter: classes with a plan in force (approved and later) starting
// in the year, of one institution or all ($1 year, $2 institution or 0).
const statWhere = ` WHERE c.status NOT IN ('draft', 'submitted', 'returned', 'cancelled')
	AND c.start_date >= make_date($1::int, 1, 1) AND c.start_date < make_date($1::int + 1, 1, 1)
	AND ($2::bigint = 0 OR c.institution_id = $2)`

// passBase: each candidate of the year's published sessions with the
// first attempt's and any attempt's outcome, scoped to the centre user's
// organisation when $3 is not 0.
const passBase = `WITH cand AS (
	SELECT x.enrolment_id, ap.institution_id, c.occupation_id, c.level,
		bool_or(x.attempt = 1 AND x.outcome = 'pass') AS first_pass, bool_or(x.outcome = 'pass') AS final_pass
	FROM exam_entries x JOIN exam_sessions s ON s.id = x.session_id JOIN exam_applications ap ON ap.id = s.application_id
	JOIN classes c ON c.id = ap.class_id
	WHERE s.status = 'published' AND c.start_date >= make_date($1::int, 1, 1) AND c.start_date < make_date($1::int + 1, 1, 1)
		AND ($2::bigint = 0 OR ap.institution_id = $2)
		AND ($3::bigint = 0 OR ap.eval_org_id = coalesce((SELECT eval_org_id FROM users WHERE id = $3), (SELECT id FROM eval_orgs WHERE kind = 'centre')))
	GROUP BY x.enrolment_id, ap.institution_id, c.occupation_id, c.level
	HAVING bool_or(x.attempt = 1))
`

// Statistics reads a statistics page in one round trip. The bureau sees
// everything; a centre user the same class figures and the pass rates of
// their organisation's sessions. Only counts leave the database.
func (s *Store) Statistics(ctx context.Context, a training.Actor, f StatsFilter) (Stats, error) {
	var st Stats
	var org int64
	switch {
	case a.IsBureau():
	case a.IsCentre():
		org = a.UserID
	default:
		return st, training.ErrForbidden
	}
	if f.Year == 0 {
		f.Year = s.Today().Year()
	}
	b := &pgx.Batch{}
	stat := func(out *[]StatRow) func(pgx.Rows) error {
		return func(rows pgx.Rows) error {
			var r StatRow
			_, err := pgx.ForEachRow(rows, []any{&r.Label, &r.Classes, &r.Trainees}, func() error {
				*out = append(*out, r)
				return nil
			})
			return err
		}
	}
	pass := func(out *[]PassRow) func(pgx.Rows) error {
		return func(rows pgx.Rows) error {
			var r PassRow
			_, err := pgx.ForEachRow(rows, []any{&r.Label, &r.Candidates, &r.First, &r.Final}, func() error {
				*out = append(*out, r)
				return nil
			})
			return err
		}
	}
	b.Queue(`SELECT m || '月', count(c.id), coalesce(sum(c.enrolled), 0)
		FROM generate_series(1, 12) m LEFT JOIN (SELECT c.id, c.enrolled, c.start_date FROM classes c`+statWhere+`) c
			ON extract(month FROM c.start_date) = m
		GROUP BY m ORDER BY m`, f.Year, f.InstitutionID).Query(stat(&st.ByMonth))
	b.Queue(`SELECT coalesce(o.name, '未选工种'), count(*), sum(c.enrolled) FROM classes c LEFT JOIN occupations o ON o.id = c.occupation_id`+statWhere+`
		GROUP BY o.name ORDER BY count(*) DESC, o.name LIMIT 20`, f.Year, f.InstitutionID).Query(stat(&st.ByOccupation))
	b.Queue(`SELECT c.type, count(*), sum(c.enrolled) FROM classes c`+statWhere+` GROUP BY c.type ORDER BY c.type`, f.Year, f.InstitutionID).Query(func(rows pgx.Rows) error {
		var r StatRow
		_, err := pgx.ForEachRow(rows, []any{&r.Label, &r.Classes, &r.Trainees}, func() error {
			r.Label = training.ClassType(r.Label).Label()
			st.ByType = append(st.ByType, r)
			return nil
		})
		return err
	})
	b.Queue(`SELECT i.name, count(*), sum(c.enrolled) FROM classes c JOIN institutions i ON i.id = c.institution_id`+statWhere+`
		GROUP BY i.name ORDER BY count(*) DESC, i.name LIMIT 20`, f.Year, f.InstitutionID).Query(stat(&st.ByInstitution))
	b.Queue(passBase+`SELECT i.name, count(*), count(*) FILTER (WHERE first_pass), count(*) FILTER (WHERE final_pass)
		FROM cand JOIN institutions i ON i.id = cand.institution_id GROUP BY i.name ORDER BY count(*) DESC, i.name LIMIT 20`,
		f.Year, f.InstitutionID, org).Query(pass(&st.PassByInst))
	b.Queue(passBase+`SELECT coalesce(o.name, '—'), count(*), count(*) FILTER (WHERE first_pass), count(*) FILTER (WHERE final_pass)
		FROM cand LEFT JOIN occupations o ON o.id = cand.occupation_id GROUP BY o.name ORDER BY count(*) DESC, o.name LIMIT 20`,
		f.Year, f.InstitutionID, org).Query(pass(&st.PassByOcc))
	b.Queue(passBase+`SELECT level, count(*), count(*) FILTER (WHERE first_pass), count(*) FILTER (WHERE final_pass)
		FROM cand GROUP BY level ORDER BY level`, f.Year, f.InstitutionID, org).Query(func(rows pgx.Rows) error {
		var r PassRow
		var level int
		_, err := pgx.ForEachRow(rows, []any{&level, &r.Candidates, &r.First, &r.Final}, func() error {
			r.Label = training.Level(level).Label()
			st.PassByLevel = append(st.PassByLevel, r)
			return nil
		})
		return err
	})
	b.Queue(`SELECT i.name, count(*), count(*) FILTER (WHERE d.short > 0), count(*) FILTER (WHERE d.off_plan > 0),
			coalesce(sum(greatest(d.planned_held - d.delivered, 0)), 0)
		FROM class_delivery d JOIN institutions i ON i.id = d.institution_id
		WHERE d.flagged AND d.start_date >= make_date($1::int, 1, 1) AND d.start_date < make_date($1::int + 1, 1, 1)
			AND ($2::bigint = 0 OR d.institution_id = $2)
		GROUP BY i.name ORDER BY count(*) DESC, i.name LIMIT 20`, f.Year, f.InstitutionID).Query(func(rows pgx.Rows) error {
		var r ShortRow
		_, err := pgx.ForEachRow(rows, []any{&r.Label, &r.Classes, &r.Short, &r.OffPlan, &r.HoursShort}, func() error {
			st.Shortfalls = append(st.Shortfalls, r)
			return nil
		})
		return err
	})
	b.Queue(`SELECT id, name FROM institutions WHERE status IN ('designated', 'suspended') ORDER BY name LIMIT 500`).Query(func(rows pgx.Rows) error {
		var o StatOption
		_, err := pgx.ForEachRow(rows, []any{&o.ID, &o.Name}, func() error {
			st.Institutions = append(st.Institutions, o)
			return nil
		})
		return err
	})
	return st, translate(s.pool.SendBatch(ctx, b).Close(), "statistics %d", f.Year)
}
