package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// ClassFilter narrows a class list or the review queue.
type ClassFilter struct {
	Status        training.ClassStatus // "" = any; ClassTraining = approved and started
	InstitutionID int64
	Institution   string // part of an institution's name, or its credit code
	OccupationID  int64
	Type          training.ClassType
	PendingChange bool // only filings with a change request waiting
}

// ClassRow is one line of a class list.
type ClassRow struct {
	training.Class
	HasPendingChange bool
	CheckWarnings    string
}

var classSorts = map[string]string{
	"urgency":     "c.start_date NULLS LAST, c.submitted_at NULLS LAST, c.id",
	"start":       "c.start_date NULLS LAST, c.id",
	"institution": "i.name, c.id",
	"status":      "c.status, c.start_date, c.id",
	"created":     "c.created_at, c.id",
	"no":          "c.class_no",
}

// Classes lists filings: the bureau sees all (the review queue is this list
// filtered by status), an institution its own.
func (s *Store) Classes(ctx context.Context, a training.Actor, f ClassFilter, p Page) ([]ClassRow, int, error) {
	var list []ClassRow
	var total int
	err := s.classRows(ctx, a, f, p, &total, func(r ClassRow) error {
		list = append(list, r)
		return nil
	})
	return list, total, err
}

// ClassesEach hands each every filing of the list in the page's order,
// one at a time (the list's .xlsx export): the same scope and filters as
// Classes, no page.
func (s *Store) ClassesEach(ctx context.Context, a training.Actor, f ClassFilter, p Page, each func(ClassRow) error) error {
	p.all = true
	var total int
	return s.classRows(ctx, a, f, p, &total, each)
}

func (s *Store) classRows(ctx context.Context, a training.Actor, f ClassFilter, p Page, total *int, each func(ClassRow) error) error {
	var w where
	if !classScope(a, &w) {
		return training.ErrForbidden
	}
	today := s.Today()
	switch f.Status {
	case "":
	case training.ClassTraining:
		w.add("c.status = 'approved' AND c.start_date <= ?", today)
	case training.ClassApproved:
		w.add("c.status = 'approved' AND c.start_date > ?", today)
	default:
		w.add("c.status = ?", string(f.Status))
	}
	if f.InstitutionID != 0 {
		w.add("c.institution_id = ?", f.InstitutionID)
	}
	if f.Institution != "" {
		w.add("c.institution_id IN (SELECT id FROM institutions WHERE name LIKE ? OR credit_code = ?)",
			"%"+likeEscape(f.Institution)+"%", training.NormalizeCreditCode(f.Institution))
	}
	if f.OccupationID != 0 {
		w.add("c.occupation_id = ?", f.OccupationID)
	}
	if f.Type != "" {
		w.add("c.type = ?", string(f.Type))
	}
	if f.PendingChange {
		w.add("EXISTS (SELECT 1 FROM class_changes ch WHERE ch.class_id = c.id AND ch.status = 'pending')")
	}
	// The page is picked on the narrow columns the indexes hold (however
	// deep the page, and for the default order straight from an index);
	// only its rows are then read in full. Without a filter, or with a
	// stored status only, the bureau's total is kept in class_counts
	// (migration 00009); other filters count their matches.
	totalSQL := `count(*) OVER ()`
	if a.IsBureau() && f.InstitutionID == 0 && f.Institution == "" && f.OccupationID == 0 && f.Type == "" && !f.PendingChange &&
		f.Status != training.ClassTraining && f.Status != training.ClassApproved {
		totalSQL = `(SELECT coalesce(sum(n), 0) FROM class_counts)`
		if f.Status != "" {
			totalSQL = `(SELECT coalesce(sum(n), 0) FROM class_counts WHERE status = $1)`
		}
	}
	if p.all {
		totalSQL = `0`
	}
	order := orderBy(p, classSorts, "urgency")
	from := ` FROM classes c`
	if p.Sort == "institution" {
		from += ` JOIN institutions i ON i.id = c.institution_id`
	}
	q := `SELECT ` + classColumns + `,
			EXISTS (SELECT 1 FROM class_changes ch WHERE ch.class_id = c.id AND ch.status = 'pending'),
			c.check_warnings, pg.total
		FROM (SELECT c.id, ` + totalSQL + ` AS total` + from + w.sql() + order +
		` LIMIT ` + w.arg(p.limitArg()) + ` OFFSET ` + w.arg(p.offsetArg()) + `) pg
		JOIN classes c ON c.id = pg.id JOIN institutions i ON i.id = c.institution_id
		LEFT JOIN occupations o ON o.id = c.occupation_id` + order
	rows, err := s.pool.Query(ctx, q, w.args...)
	if err != nil {
		return translate(err, "classes")
	}
	err = forEach(rows, func(row pgx.CollectableRow) (ClassRow, error) {
		var r ClassRow
		err := scanClassInto(row, &r.Class, &r.HasPendingChange, &r.CheckWarnings, total)
		return r, err
	}, each)
	return translate(err, "classes")
}

// ClassCounts counts filings per stored status for home pages, scoped.
func (s *Store) ClassCounts(ctx context.Context, a training.Actor) (map[training.ClassStatus]int, int, error) {
	var w where
	if !classScope(a, &w) {
		return nil, 0, training.ErrForbidden
	}
	q := `SELECT c.status, count(*) FROM classes c` + w.sql() + ` GROUP BY c.status`
	if a.IsBureau() {
		q = `SELECT status, n FROM class_counts WHERE n > 0` // migration 00009
	}
	rows, err := s.pool.Query(ctx, q, w.args...)
	if err != nil {
		return nil, 0, translate(err, "class counts")
	}
	out := map[training.ClassStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, 0, translate(err, "class counts")
		}
		out[training.ClassStatus(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, translate(err, "class counts")
	}
	var changes int
	w2 := where{}
	classScope(a, &w2)
	w2.add("ch.status = 'pending'")
	err = s.pool.QueryRow(ctx, `SELECT count(*) FROM class_changes ch JOIN classes c ON c.id = ch.class_id`+w2.sql(), w2.args...).Scan(&changes)
	return out, changes, translate(err, "class counts")
}

// lastClassStart is INST-4's input: the latest start date of an approved
// (or later) class of the institution.
func (s *Store) lastClassStart(ctx context.Context, id int64) (*time.Time, error) {
	var t *time.Time
	err := s.pool.QueryRow(ctx, lastClassStartSQL, id).Scan(&t)
	return t, err
}

// FilingChoices are the options of the filing form for an institution:
// its licensed scope (INST-2), its teachers (with their pool status, so the
// form can say who is not yet reviewed), and the usable textbooks (FILE-4).
type FilingChoices struct {
	Scope     []training.ScopeItem
	Teachers  []training.Teacher
	Textbooks []training.Textbook
	Earlier   []training.EarlierClass // the institution's classes, to copy a plan from
}

const filingTeachersSQL = `SELECT t.id, t.name, t.status FROM teachers t
		JOIN teacher_institutions ti ON ti.teacher_id = t.id WHERE ti.institution_id = $1 ORDER BY t.name, t.id`

func scanFilingTeacher(row pgx.CollectableRow) (training.Teacher, error) {
	var t training.Teacher
	var st string
	err := row.Scan(&t.ID, &t.Name, &st)
	t.Status = training.TeacherStatus(st)
	return t, err
}

// FilingChoices loads the form options for institutionID.
func (s *Store) FilingChoices(ctx context.Context, a training.Actor, institutionID int64) (FilingChoices, error) {
	var fc FilingChoices
	if !canSeeInstitution(a, institutionID) {
		return fc, training.ErrNotFound
	}
	var err error
	if fc.Scope, err = s.scope(ctx, s.pool, institutionID); err != nil {
		return fc, translate(err, "filing choices")
	}
	rows, err := s.pool.Query(ctx, filingTeachersSQL, institutionID)
	if err != nil {
		return fc, translate(err, "filing choices")
	}
	fc.Teachers, err = pgx.CollectRows(rows, scanFilingTeacher)
	if err != nil {
		return fc, translate(err, "filing choices")
	}
	rows, err = s.pool.Query(ctx, `SELECT `+textbookColumns+textbookFrom+` WHERE b.status IN ('designated', 'approved') ORDER BY b.title, b.id`)
	if err != nil {
		return fc, translate(err, "filing choices")
	}
	if fc.Textbooks, err = pgx.CollectRows(rows, scanTextbook); err != nil {
		return fc, translate(err, "filing choices")
	}
	if err := s.loadUses(ctx, s.pool, fc.Textbooks); err != nil {
		return fc, translate(err, "filing choices")
	}
	fc.Earlier, err = s.earlierClasses(ctx, institutionID)
	return fc, translate(err, "filing choices")
}

// FilingNames loads what the filing page needs to name a plan's ids: of
// teacherIDs, those linked to the institution, and of textbookIDs, those
// still in the usable catalogue (FILE-4; the page marks the others), in one
// round trip. FilingChoices would read every teacher of the institution and
// the whole catalogue with every use.
func (s *Store) FilingNames(ctx context.Context, a training.Actor, institutionID int64, teacherIDs, textbookIDs []int64) (FilingChoices, error) {
	var fc FilingChoices
	if !canSeeInstitution(a, institutionID) {
		return fc, training.ErrNotFound
	}
	b := &pgx.Batch{}
	if len(teacherIDs) > 0 {
		b.Queue(`SELECT t.id, t.name, t.status FROM teachers t
			JOIN teacher_institutions ti ON ti.teacher_id = t.id AND ti.institution_id = $1
			WHERE t.id = ANY($2) ORDER BY t.name, t.id`, institutionID, teacherIDs).Query(func(rows pgx.Rows) error {
			var err error
			fc.Teachers, err = pgx.CollectRows(rows, scanFilingTeacher)
			return err
		})
	}
	if len(textbookIDs) > 0 {
		b.Queue(`SELECT `+textbookColumns+textbookFrom+` WHERE b.status IN ('designated', 'approved') AND b.id = ANY($1)
			ORDER BY b.title, b.id`, textbookIDs).Query(func(rows pgx.Rows) error {
			var err error
			fc.Textbooks, err = pgx.CollectRows(rows, scanTextbook)
			return err
		})
	}
	if b.Len() == 0 {
		return fc, nil
	}
	return fc, translate(s.pool.SendBatch(ctx, b).Close(), "filing names")
}
