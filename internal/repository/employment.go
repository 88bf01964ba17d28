package repository

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Employment follow-up (SUP-3): the institution records, the bureau
// spot-checks and reads the rates.

// ClassEmployment reads a class's follow-up page: the bureau any class, an
// institution its own (another's is ErrNotFound). ID numbers masked.
func (s *Store) ClassEmployment(ctx context.Context, a training.Actor, classID int64, months int) (training.EmploymentPage, error) {
	p := training.EmploymentPage{Months: months, Today: s.Today()}
	var w where
	if !classScope(a, &w) {
		return p, training.ErrNotFound
	}
	w.add("c.id = ?", classID)
	found := false
	b := &pgx.Batch{}
	b.Queue(classRefSQL+w.sql(), w.args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			found = true
			if err := scanClassRef(rows, &p.Class); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	b.Queue(`SELECT e.id, t.name, t.id_number, e.status = 'withdrawn', r.id, r.employed, r.self_employed, r.employer, r.start_date,
			r.recorded_by, r.recorded_at, coalesce(r.check_result, ''), coalesce(r.check_note, ''), coalesce(r.checked_by, '')
		FROM enrolments e JOIN trainees t ON t.id = e.trainee_id
		LEFT JOIN employment_records r ON r.enrolment_id = e.id AND r.months = $2
		WHERE e.class_id = $1 ORDER BY e.id`, classID, months).Query(func(rows pgx.Rows) error {
		var err error
		p.Rows, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.EmploymentRow, error) {
			var er training.EmploymentRow
			var rid *int64
			var employed, self *bool
			var employer, by, result, note, checkedBy *string
			var start *time.Time
			var at *time.Time
			err := row.Scan(&er.EnrolmentID, &er.Name, &er.IDNumber, &er.Withdrawn, &rid, &employed, &self, &employer, &start,
				&by, &at, &result, &note, &checkedBy)
			er.IDNumber = training.MaskID(er.IDNumber)
			if rid != nil {
				er.Record = &training.EmploymentRecord{ID: *rid, EnrolmentID: er.EnrolmentID, Name: er.Name, Months: months,
					Employed: *employed, SelfEmployed: *self, Employer: *employer, StartDate: start, RecordedBy: *by, RecordedAt: *at,
					CheckResult: training.CheckResult(*result), CheckNote: *note, CheckedBy: *checkedBy}
			}
			return er, err
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return p, translate(err, "employment of class %d", classID)
	}
	if !found {
		return p, training.ErrNotFound
	}
	if p.Class.End != nil {
		d := training.FollowUpDate(*p.Class.End, months)
		p.Due = &d
	}
	rs := training.DecideEmployment(employmentFacts(p.Class, p.Today, months))
	p.Open, p.Problems = rs.OK(), rs.Messages()
	return p, nil
}

func employmentFacts(c training.ClassRef, today time.Time, months int) training.EmploymentFacts {
	f := training.EmploymentFacts{ClassStatus: c.Status, Today: today, Months: months}
	if c.End != nil {
		f.ClassEnd = *c.End
	}
	return f
}

// RecordEmployment records the follow-up at months of the institution's
// class: one record typed on the page, or the rows of an import file, with
// the same checks. Nothing is saved unless every row is right; the report
// lists every row's problems (the whole file at once).
func (s *Store) RecordEmployment(ctx context.Context, a training.Actor, classID int64, months int, in []training.EmploymentInput) (int, []training.EmploymentImportRow, error) {
	if !a.IsInstitution() {
		return 0, nil, training.ErrForbidden
	}
	var report []training.EmploymentImportRow
	n := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		report, n = nil, 0
		var c training.ClassRef
		if err := scanClassRef(tx.QueryRow(ctx, classRefSQL+` WHERE c.id = $1 AND c.institution_id = $2 FOR UPDATE OF c`,
			classID, a.InstitutionID), &c); err != nil {
			return err
		}
		today := s.Today()
		if rs := training.DecideEmployment(employmentFacts(c, today, months)); !rs.OK() {
			return rs.Err()
		}
		type enr struct {
			id        int64
			name      string
			withdrawn bool
			recorded  bool
		}
		rows, err := tx.Query(ctx, `SELECT e.id, t.name, t.id_number, e.status = 'withdrawn',
				EXISTS (SELECT 1 FROM employment_records r WHERE r.enrolment_id = e.id AND r.months = $2)
			FROM enrolments e JOIN trainees t ON t.id = e.trainee_id WHERE e.class_id = $1`, classID, months)
		if err != nil {
			return err
		}
		byID, byNumber := map[int64]*enr{}, map[string]*enr{}
		for rows.Next() {
			var e enr
			var idn string
			if err := rows.Scan(&e.id, &e.name, &idn, &e.withdrawn, &e.recorded); err != nil {
				return err
			}
			byID[e.id], byNumber[idn] = &e, &e
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var ids []int64
		var employed, self []bool
		var employers []string
		var starts []*time.Time
		seen := map[int64]bool{}
		for _, x := range in {
			e := byID[x.EnrolmentID]
			if x.Line > 0 {
				e = byNumber[x.IDNumber]
			}
			facts := training.EmploymentRowFacts{Imported: x.Line > 0, IDNumber: x.IDNumber, Found: e != nil, Months: months}
			if e != nil {
				facts.Name, facts.Seen, facts.Withdrawn, facts.Recorded = e.name, seen[e.id], e.withdrawn, e.recorded
				seen[e.id] = true
			}
			rowRs := training.DecideEmploymentRow(facts)
			if x.Line == 0 && !rowRs.OK() {
				return rowRs.Err()
			}
			probs := rowRs.Messages()
			r, rs := training.ParseEmploymentRecord(x, today)
			if x.Line == 0 {
				if len(probs) > 0 {
					return training.InvalidGeneral(probs[0])
				}
				if len(rs) > 0 {
					return training.Refusals(rs).Err()
				}
			}
			probs = append(probs, training.Refusals(rs).Messages()...)
			if x.Line > 0 {
				row := training.EmploymentImportRow{Line: x.Line, IDNumber: training.MaskID(x.IDNumber), Problems: probs}
				if e != nil {
					row.Name = e.name
				}
				report = append(report, row)
			}
			if len(probs) == 0 {
				ids, employed, self = append(ids, e.id), append(employed, r.Employed), append(self, r.SelfEmployed)
				employers, starts = append(employers, r.Employer), append(starts, r.StartDate)
			}
		}
		for _, row := range report {
			if len(row.Problems) > 0 {
				return errImportRejected
			}
		}
		if len(ids) == 0 {
			return training.Invalid("file", "文件中没有就业记录")
		}
		tag, err := tx.Exec(ctx, `INSERT INTO employment_records (enrolment_id, class_id, institution_id, months, employed, self_employed,
				employer, start_date, recorded_by, recorded_at)
			SELECT v.id, $6, $7, $8, v.employed, v.self, v.employer, v.start, $9, $10
			FROM unnest($1::bigint[], $2::bool[], $3::bool[], $4::text[], $5::date[]) AS v(id, employed, self, employer, start)`,
			ids, employed, self, employers, starts, classID, a.InstitutionID, months, actorLabel(a), s.now())
		if err != nil {
			return err
		}
		n = int(tag.RowsAffected())
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "employment.record", Entity: "class", EntityID: classID,
			InstitutionID: a.InstitutionID, After: map[string]any{"months": months, "records": n, "employed": countTrue(employed)}})
	})
	if err == errImportRejected {
		return 0, report, nil
	}
	return n, report, translate(err, "record employment of class %d", classID)
}

// errImportRejected rolls back an import with row problems; the report
// says why.
var errImportRejected = training.InvalidGeneral("文件中有错误，未导入任何记录")

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// SpotCheck records the bureau's phone check of one record, guarded by
// version (two checkers at once: one wins).
func (s *Store) SpotCheck(ctx context.Context, a training.Actor, recordID int64, version int, in training.SpotCheckInput) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var classID, instID int64
		var v int
		var before *string
		if err := tx.QueryRow(ctx, `SELECT class_id, institution_id, version, check_result FROM employment_records WHERE id = $1 FOR UPDATE`,
			recordID).Scan(&classID, &instID, &v, &before); err != nil {
			return err
		}
		if v != version {
			return training.ErrConflict
		}
		if rs := training.DecideSpotCheck(a, in); !rs.OK() {
			return rs.Err()
		}
		if _, err := tx.Exec(ctx, `UPDATE employment_records SET check_result = $2, check_note = $3, checked_by = $4, checked_at = $5,
				version = version + 1 WHERE id = $1`, recordID, in.Result, in.Note, actorLabel(a), s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "employment.check", Entity: "class", EntityID: classID, InstitutionID: instID,
			Before: map[string]any{"record": recordID, "result": before}, After: map[string]any{"result": in.Result, "note": in.Note}})
	})
	return translate(err, "spot-check %d", recordID)
}

// RecentChecks are the bureau's latest phone checks (no phones).
func (s *Store) RecentChecks(ctx context.Context, a training.Actor, n int) ([]training.SpotCheckRow, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, `SELECT r.id, r.version, r.enrolment_id, t.name, r.months, r.employed, r.self_employed, r.employer,
			r.start_date, r.recorded_by, r.recorded_at, c.class_no, i.name, r.check_result, r.check_note, r.checked_by
		FROM employment_records r JOIN enrolments e ON e.id = r.enrolment_id JOIN trainees t ON t.id = e.trainee_id
		JOIN classes c ON c.id = r.class_id JOIN institutions i ON i.id = r.institution_id
		WHERE r.checked_at IS NOT NULL ORDER BY r.checked_at DESC, r.id LIMIT $1`, n)
	if err != nil {
		return nil, translate(err, "recent checks")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.SpotCheckRow, error) {
		var x training.SpotCheckRow
		var result string
		err := row.Scan(&x.ID, &x.Version, &x.EnrolmentID, &x.Name, &x.Months, &x.Employed, &x.SelfEmployed, &x.Employer, &x.StartDate,
			&x.RecordedBy, &x.RecordedAt, &x.ClassNo, &x.InstitutionName, &result, &x.CheckNote, &x.CheckedBy)
		x.CheckResult = training.CheckResult(result)
		return x, err
	})
	return list, translate(err, "recent checks")
}

// DrawSpotCheckSample draws n unchecked records from a random point of the
// table (by index, cheap at any size), for the bureau's phone checks. The
// trainees' phones are shown, so the draw is audited with the records.
func (s *Store) DrawSpotCheckSample(ctx context.Context, a training.Actor, n int) ([]training.SpotCheckRow, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	// From the random point to the end, then wrapping round from the
	// start: a point drawn near the end still yields n records when there
	// are n unchecked ones.
	q := `WITH p AS (SELECT floor(random() * (coalesce(max(id), 0) + 1))::bigint AS start FROM employment_records),
		picked AS (
			(SELECT r.id, 0 AS part FROM employment_records r, p WHERE r.check_result IS NULL AND r.id >= p.start ORDER BY r.id LIMIT $1)
			UNION ALL
			(SELECT r.id, 1 AS part FROM employment_records r, p WHERE r.check_result IS NULL AND r.id < p.start ORDER BY r.id LIMIT $1))
		SELECT r.id, r.version, r.enrolment_id, t.name, r.months, r.employed, r.self_employed, r.employer, r.start_date, r.recorded_by,
			r.recorded_at, c.class_no, i.name, t.phone
		FROM picked k JOIN employment_records r ON r.id = k.id
		JOIN enrolments e ON e.id = r.enrolment_id JOIN trainees t ON t.id = e.trainee_id
		JOIN classes c ON c.id = r.class_id JOIN institutions i ON i.id = r.institution_id
		ORDER BY k.part, r.id LIMIT $1`
	var list []training.SpotCheckRow
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q, n)
		var err error
		list, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.SpotCheckRow, error) {
			var x training.SpotCheckRow
			err := row.Scan(&x.ID, &x.Version, &x.EnrolmentID, &x.Name, &x.Months, &x.Employed, &x.SelfEmployed, &x.Employer, &x.StartDate,
				&x.RecordedBy, &x.RecordedAt, &x.ClassNo, &x.InstitutionName, &x.Phone)
			return x, err
		})
		if err != nil {
			return err
		}
		ids := make([]int64, len(list))
		for i, x := range list {
			ids[i] = x.ID
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "employment.sample", Entity: "employment", EntityID: 0,
			After: map[string]any{"records": ids}})
	})
	return list, translate(err, "spot-check sample")
}

// EmploymentGroup is how the bureau's employment report groups records.
type EmploymentGroup string

// Employment report groupings.
const (
	EmploymentByClass       EmploymentGroup = "class"
	EmploymentByInstitution EmploymentGroup = "institution"
	EmploymentByOccupation  EmploymentGroup = "occupation"
	EmploymentByYear        EmploymentGroup = "year"
)

// EmploymentReport is the bureau's employment rate at months per class,
// institution or year, for the classes that ended in year (0: all), over
// the enrolments due a record (the class over, the point reached, not
// withdrawn), with the missing records counted. Most missing first; paged.
// It reads the per-class figures kept on write (class_followup, migration
// 00107), not the enrolments and records.
func (s *Store) EmploymentReport(ctx context.Context, a training.Actor, by EmploymentGroup, months, year int, p Page) ([]training.EmploymentStats, int, error) {
	if !a.IsBureau() {
		return nil, 0, training.ErrForbidden
	}
	g := followupGroup(string(by))
	m := "3"
	if months == 6 {
		m = "6"
	}
	var w where
	w.add("f.done AND f.enrolled > 0")
	w.add("f.end_date <= (?::date - make_interval(months => ?))::date", s.Today(), months)
	followupYear(&w, year)
	lim, off := w.arg(p.limit()), w.arg(p.offset())
	q := `WITH k AS (SELECT ` + g[0] + ` AS key, sum(f.enrolled)::int AS enrolled, sum(f.rec` + m + `)::int AS recorded,
			sum(f.emp` + m + `)::int AS employed, sum(f.chk` + m + `)::int AS checked, sum(f.dif` + m + `)::int AS differs, count(*) OVER () AS total
		FROM class_followup f` + w.sql() + `
		GROUP BY 1 ORDER BY sum(f.enrolled) - sum(f.rec` + m + `) DESC, 1 LIMIT ` + lim + ` OFFSET ` + off + `)`
	if by == EmploymentByInstitution {
		// The sums per institution and year kept from class_followup
		// (migration 00118): the years before the limit's whole, the
		// limit's year less its classes not due yet (those past the limit,
		// by class_followup_employment_idx). At most three rows an
		// institution and a few months' classes, not every class due.
		today := s.Today()
		ly := time.Date(today.Year(), today.Month()-time.Month(months), 1, 0, 0, 0, 0, time.UTC).Year() // the limit's year
		w = where{}
		w.add("f.year BETWEEN 1 AND ?", ly)
		if year > 0 {
			w.add("f.year = ?", year)
		}
		// One statement, two WHERE clauses: late numbers its placeholders
		// after w's by continuing w's arguments, which w then takes back.
		var late where
		late.args = w.args
		late.add("f.done AND f.enrolled > 0")
		late.add("f.end_date > (?::date - make_interval(months => ?))::date", today, months)
		late.add("f.end_date < ?::date", strconv.Itoa(ly+1)+"-01-01")
		followupYear(&late, year)
		w.args = late.args
		lim, off = w.arg(p.limit()), w.arg(p.offset())
		// Integers summed as integers: the kept bigint sums would be summed
		// as numeric.
		sign := func(sgn string) string {
			return sgn + `f.enrolled::int, ` + sgn + `f.rec` + m + `::int, ` + sgn + `f.emp` + m + `::int, ` + sgn + `f.chk` + m + `::int, ` +
				sgn + `f.dif` + m + `::int`
		}
		q = `WITH k AS (SELECT d.key, sum(d.enrolled)::int AS enrolled, sum(d.rec)::int AS recorded, sum(d.emp)::int AS employed,
				sum(d.chk)::int AS checked, sum(d.dif)::int AS differs, count(*) OVER () AS total
			FROM (SELECT f.institution_id, ` + sign("") + ` FROM institution_followup_figures f` + w.sql() + `
				UNION ALL SELECT f.institution_id, ` + sign("-") + ` FROM class_followup f` + late.sql() + `)
				d (key, enrolled, rec, emp, chk, dif)
			GROUP BY 1 HAVING sum(d.enrolled) > 0
			ORDER BY sum(d.enrolled) - sum(d.rec) DESC, 1 LIMIT ` + lim + ` OFFSET ` + off + `)`
	}
	if by == EmploymentByClass {
		// A class is its own group: the page walks class_followup_miss<m>_idx
		// in the report's order (migration 00114) instead of grouping and
		// sorting every class; the total counts the classes by index.
		q = `WITH k AS (SELECT f.class_id AS key, f.enrolled, f.rec` + m + ` AS recorded, f.emp` + m + ` AS employed,
				f.chk` + m + ` AS checked, f.dif` + m + ` AS differs, (SELECT count(*) FROM class_followup f` + w.sql() + `) AS total
			FROM class_followup f` + w.sql() + `
			ORDER BY f.miss` + m + ` DESC, f.class_id LIMIT ` + lim + ` OFFSET ` + off + `)`
	}
	rows, err := s.pool.Query(ctx, q+`
		SELECT k.key, `+g[1]+`, k.enrolled, k.recorded, k.employed, k.checked, k.differs, k.total
		FROM k ORDER BY k.enrolled - k.recorded DESC, k.key`, w.args...)
	if err != nil {
		return nil, 0, translate(err, "employment report")
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.EmploymentStats, error) {
		st := training.EmploymentStats{Months: months}
		err := row.Scan(&st.KeyID, &st.Key, &st.Enrolled, &st.Recorded, &st.Employed, &st.Checked, &st.Differs, &total)
		return st, err
	})
	return list, total, translate(err, "employment report")
}
