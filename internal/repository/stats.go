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

// The figures are kept on write by the triggers of migration 00101
// (class_figures, pass_figures, shortfall_figures): the page reads the
// rows of its year and of one institution or of all of them
// (institution_id 0) by primary key, whatever the number of classes and
// exam entries behind them. $1 is the year, $2 the institution or 0.

// classFigures reads one dimension of class_figures, with a join.
func classFigures(dim, join string) string {
	return ` FROM class_figures f ` + join + ` WHERE f.year = $1 AND f.institution_id = $2 AND f.dim = '` + dim + `' AND f.classes > 0`
}

// passOrg is the evaluation organisation whose pass figures a page shows:
// 0 (every one) for the bureau ($3 = 0), the centre user's own otherwise.
const passOrg = `(SELECT CASE WHEN $3::bigint = 0 THEN 0 ELSE coalesce((SELECT eval_org_id FROM users WHERE id = $3),
	(SELECT id FROM eval_orgs WHERE kind = 'centre')) END)`

// passFigures reads one dimension of pass_figures, with a join.
func passFigures(dim, join string) string {
	return ` FROM pass_figures f ` + join + ` WHERE f.year = $1 AND f.eval_org_id = ` + passOrg + `
	AND f.institution_id = $2 AND f.dim = '` + dim + `' AND f.candidates > 0`
}

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
	b.Queue(`SELECT m || '月', coalesce(f.classes, 0), coalesce(f.trainees, 0)
		FROM generate_series(1, 12) m LEFT JOIN class_figures f
			ON f.year = $1 AND f.institution_id = $2 AND f.dim = 'month' AND f.key = m::text
		ORDER BY m`, f.Year, f.InstitutionID).Query(stat(&st.ByMonth))
	b.Queue(`SELECT coalesce(o.name, '未选工种'), f.classes, f.trainees`+classFigures("occupation", "LEFT JOIN occupations o ON o.id = f.key::bigint")+`
		ORDER BY f.classes DESC, o.name LIMIT 20`, f.Year, f.InstitutionID).Query(stat(&st.ByOccupation))
	b.Queue(`SELECT f.key, f.classes, f.trainees`+classFigures("type", "")+` ORDER BY f.key`,
		f.Year, f.InstitutionID).Query(func(rows pgx.Rows) error {
		var r StatRow
		_, err := pgx.ForEachRow(rows, []any{&r.Label, &r.Classes, &r.Trainees}, func() error {
			r.Label = training.ClassType(r.Label).Label()
			st.ByType = append(st.ByType, r)
			return nil
		})
		return err
	})
	b.Queue(`SELECT i.name, f.classes, f.trainees`+classFigures("institution", "JOIN institutions i ON i.id = f.key::bigint")+`
		ORDER BY f.classes DESC, i.name LIMIT 20`, f.Year, f.InstitutionID).Query(stat(&st.ByInstitution))
	b.Queue(`SELECT i.name, f.candidates, f.first_pass, f.final_pass`+passFigures("institution", "JOIN institutions i ON i.id = f.key::bigint")+`
		ORDER BY f.candidates DESC, i.name LIMIT 20`, f.Year, f.InstitutionID, org).Query(pass(&st.PassByInst))
	b.Queue(`SELECT coalesce(o.name, '—'), f.candidates, f.first_pass, f.final_pass`+passFigures("occupation", "LEFT JOIN occupations o ON o.id = f.key::bigint")+`
		ORDER BY f.candidates DESC, o.name LIMIT 20`, f.Year, f.InstitutionID, org).Query(pass(&st.PassByOcc))
	b.Queue(`SELECT f.key::int, f.candidates, f.first_pass, f.final_pass`+passFigures("level", "")+` ORDER BY f.key::int`,
		f.Year, f.InstitutionID, org).Query(func(rows pgx.Rows) error {
		var r PassRow
		var level int
		_, err := pgx.ForEachRow(rows, []any{&level, &r.Candidates, &r.First, &r.Final}, func() error {
			r.Label = training.Level(level).Label()
			st.PassByLevel = append(st.PassByLevel, r)
			return nil
		})
		return err
	})
	// Every institution's shortfalls, the largest first, or one's.
	short := `SELECT i.name, f.classes, f.short, f.off_plan, f.hours_short
		FROM shortfall_figures f JOIN institutions i ON i.id = f.institution_id
		WHERE f.year = $1 AND f.classes > 0 ORDER BY f.classes DESC, i.name LIMIT 20`
	args := []any{f.Year}
	if f.InstitutionID != 0 {
		short = `SELECT i.name, f.classes, f.short, f.off_plan, f.hours_short
		FROM shortfall_figures f JOIN institutions i ON i.id = f.institution_id
		WHERE f.year = $1 AND f.institution_id = $2 AND f.classes > 0`
		args = append(args, f.InstitutionID)
	}
	b.Queue(short, args...).Query(func(rows pgx.Rows) error {
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
