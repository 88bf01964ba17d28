package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"tianmu/internal/training"
)

const classColumns = `c.id, c.class_no, c.institution_id, i.name, coalesce(o.code, ''), coalesce(o.name, ''),
	c.status, coalesce(c.occupation_id, 0), c.level, c.type, c.planned_size, c.start_date, c.end_date, c.venue,
	c.content, c.theory_hours, c.practical_hours, c.return_reason, c.cancel_reason, c.exception_asked,
	c.exception_reason, c.exception_approved, c.exception_by, c.submitted_at, c.approved_on, c.approved_by,
	c.plan_no, c.enrolled, c.version, c.created_by, c.created_at, c.updated_at`

const classFrom = ` FROM classes c JOIN institutions i ON i.id = c.institution_id LEFT JOIN occupations o ON o.id = c.occupation_id`

func scanClassInto(row pgx.Row, c *training.Class, extra ...any) error {
	var status, typ string
	var level int16
	var start, end *time.Time
	dest := []any{&c.ID, &c.ClassNo, &c.InstitutionID, &c.InstitutionName, &c.OccupationCode, &c.OccupationName,
		&status, &c.Plan.OccupationID, &level, &typ, &c.Plan.PlannedSize, &start, &end, &c.Plan.Venue,
		&c.Plan.Content, &c.Plan.TheoryHours, &c.Plan.PracticalHours, &c.ReturnReason, &c.CancelReason, &c.ExceptionAsked,
		&c.ExceptionReason, &c.ExceptionApproved, &c.ExceptionBy, &c.SubmittedAt, &c.ApprovedOn, &c.ApprovedBy,
		&c.PlanNo, &c.Enrolled, &c.Version, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt}
	err := row.Scan(append(dest, extra...)...)
	c.Status, c.Plan.Type, c.Plan.Level = training.ClassStatus(status), training.ClassType(typ), training.Level(level)
	if start != nil {
		c.Plan.StartDate = *start
	}
	if end != nil {
		c.Plan.EndDate = *end
	}
	return err
}

// classScope: the bureau sees every filing, an institution its own.
func classScope(a training.Actor, w *where) bool {
	switch {
	case a.IsBureau():
		return true
	case a.IsInstitution():
		w.add("c.institution_id = ?", a.InstitutionID)
		return true
	}
	return false
}

// ClassByID returns a filing with its whole current plan and any pending
// change request. Another institution's filing is ErrNotFound.
func (s *Store) ClassByID(ctx context.Context, a training.Actor, id int64) (training.Class, error) {
	c, err := s.classForRead(ctx, s.pool, a, id, false)
	return c, translate(err, "class %d", id)
}

// classForRead loads a filing the actor may see (locked with lock) with its
// plan and pending change request, in one round trip. The plan's queries
// run after the filing's row (and its lock) in the same batch; when the
// row is not the actor's, the batch stops there and nothing is returned.
func (s *Store) classForRead(ctx context.Context, q batcher, a training.Actor, id int64, lock bool) (training.Class, error) {
	var c training.Class
	b := &pgx.Batch{}
	if !queueClassRead(b, a, id, lock, &c) {
		return c, training.ErrNotFound
	}
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return training.Class{}, err
	}
	return c, nil
}

// queueClassRead queues on b the reads of classForRead into c; false when
// the actor sees no filings at all.
func queueClassRead(b *pgx.Batch, a training.Actor, id int64, lock bool, c *training.Class) bool {
	var w where
	if !classScope(a, &w) {
		return false
	}
	w.add("c.id = ?", id)
	sql := `SELECT ` + classColumns + classFrom + w.sql()
	if lock {
		sql += ` FOR UPDATE OF c`
	}
	b.Queue(sql, w.args...).QueryRow(func(row pgx.Row) error { return scanClassInto(row, c) })
	queuePlanParts(b, id, &c.Plan)
	b.Queue(`SELECT id, status, reason, plan, requested_by, requested_at FROM class_changes
		WHERE class_id = $1 AND status = 'pending'`, id).Query(func(rows pgx.Rows) error {
		var ch training.ClassChange
		var plan []byte
		found := false
		_, err := pgx.ForEachRow(rows, []any{&ch.ID, &ch.Status, &ch.Reason, &plan, &ch.RequestedBy, &ch.RequestedAt}, func() error {
			found = true
			return nil
		})
		if err != nil || !found {
			return err
		}
		ch.ClassID = id
		if err := json.Unmarshal(plan, &ch.Plan); err != nil {
			return err
		}
		c.PendingChange = &ch
		return nil
	})
	return true
}

// queuePlanParts queues the queries that load a plan's sessions, teachers
// and textbooks on b, for callers that send more in the same round trip.
func queuePlanParts(b *pgx.Batch, id int64, p *training.Plan) {
	p.Sessions, p.Teachers, p.TextbookIDs = nil, nil, nil
	b.Queue(`SELECT cs.id, cs.day, coalesce(to_char(cs.start_time, 'HH24:MI'), ''), coalesce(to_char(cs.end_time, 'HH24:MI'), ''),
			coalesce(cs.kind, ''), cs.hours, coalesce(cs.teacher_id, 0), coalesce(t.name, '')
		FROM class_sessions cs LEFT JOIN teachers t ON t.id = cs.teacher_id
		WHERE cs.class_id = $1 ORDER BY cs.seq`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var ss training.Session
			var day *time.Time
			var kind string
			if err := rows.Scan(&ss.ID, &day, &ss.Start, &ss.End, &kind, &ss.Hours, &ss.TeacherID, &ss.TeacherName); err != nil {
				return err
			}
			if day != nil {
				ss.Date = *day
			}
			ss.Kind = training.TeachingRole(kind)
			p.Sessions = append(p.Sessions, ss)
		}
		return rows.Err()
	})
	b.Queue(`SELECT ct.teacher_id, ct.role, t.name FROM class_teachers ct JOIN teachers t ON t.id = ct.teacher_id
		WHERE ct.class_id = $1 ORDER BY ct.role DESC, t.name, t.id`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var t training.ClassTeacher
			var role string
			if err := rows.Scan(&t.TeacherID, &role, &t.Name); err != nil {
				return err
			}
			t.Role = training.TeachingRole(role)
			p.Teachers = append(p.Teachers, t)
		}
		return rows.Err()
	})
	b.Queue(`SELECT textbook_id FROM class_textbooks WHERE class_id = $1 ORDER BY textbook_id`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var tb int64
			if err := rows.Scan(&tb); err != nil {
				return err
			}
			p.TextbookIDs = append(p.TextbookIDs, tb)
		}
		return rows.Err()
	})
}

// writePlan replaces the class's plan with p inside tx.
func writePlan(ctx context.Context, tx pgx.Tx, id int64, p training.Plan) error {
	var occ *int64
	if p.OccupationID != 0 {
		occ = &p.OccupationID
	}
	typ := p.Type
	if !typ.Valid() {
		typ = training.TypeSkillLevel
	}
	// One round trip: the plan's row, then its parts replaced.
	b := &pgx.Batch{}
	b.Queue(`UPDATE classes SET occupation_id = $2, level = $3, type = $4, planned_size = $5,
			start_date = $6, end_date = $7, venue = $8, content = $9, theory_hours = $10, practical_hours = $11
		WHERE id = $1`, id, occ, int16(p.Level), string(typ), p.PlannedSize, dateOrNil(p.StartDate), dateOrNil(p.EndDate),
		p.Venue, p.Content, p.TheoryHours, p.PracticalHours)
	keep, drop, err := matchSessions(ctx, tx, id, p.Sessions)
	if err != nil {
		return err
	}
	// A held session cannot be dropped: the foreign key from
	// session_deliveries refuses it (第六条; the callers check first and
	// say which session).
	b.Queue(`DELETE FROM class_sessions WHERE class_id = $1 AND id = ANY($2)`, id, drop)
	for _, q := range []string{`DELETE FROM class_teachers WHERE class_id = $1`, `DELETE FROM class_textbooks WHERE class_id = $1`} {
		b.Queue(q, id)
	}
	for i, ss := range p.Sessions {
		if keep[i] != 0 {
			// The seq key is checked at commit, so renumbering in place is fine.
			b.Queue(`UPDATE class_sessions SET seq = $2 WHERE id = $1 AND seq <> $2`, keep[i], i+1)
			continue
		}
		var kind *string
		if ss.Kind.Valid() {
			k := string(ss.Kind)
			kind = &k
		}
		var teacher *int64
		if ss.TeacherID != 0 {
			teacher = &ss.TeacherID
		}
		b.Queue(`INSERT INTO class_sessions (class_id, seq, day, start_time, end_time, kind, hours, teacher_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, i+1, dateOrNil(ss.Date), clockOrNil(ss.Start), clockOrNil(ss.End),
			kind, ss.Hours, teacher)
	}
	for _, t := range p.Teachers {
		b.Queue(`INSERT INTO class_teachers (class_id, teacher_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			id, t.TeacherID, string(t.Role))
	}
	for _, tb := range p.TextbookIDs {
		b.Queue(`INSERT INTO class_textbooks (class_id, textbook_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, tb)
	}
	return tx.SendBatch(ctx, b).Close()
}

// matchSessions pairs the sessions of a new plan with the stored sessions
// of the same content (training.Session.Key): keep[i] is the stored id the
// i-th new session keeps (0: insert it), drop the stored ids no longer in
// the plan. Unchanged sessions keep their id and their attendance.
func matchSessions(ctx context.Context, tx pgx.Tx, classID int64, next []training.Session) (keep, drop []int64, err error) {
	rows, err := tx.Query(ctx, `SELECT id, day, coalesce(to_char(start_time, 'HH24:MI'), ''), coalesce(to_char(end_time, 'HH24:MI'), ''),
			coalesce(kind, ''), hours, coalesce(teacher_id, 0)
		FROM class_sessions WHERE class_id = $1 ORDER BY seq`, classID)
	if err != nil {
		return nil, nil, err
	}
	stored, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Session, error) {
		var ss training.Session
		var day *time.Time
		var kind string
		err := row.Scan(&ss.ID, &day, &ss.Start, &ss.End, &kind, &ss.Hours, &ss.TeacherID)
		if day != nil {
			ss.Date = *day
		}
		ss.Kind = training.TeachingRole(kind)
		return ss, err
	})
	if err != nil {
		return nil, nil, err
	}
	byKey := map[string][]int64{}
	for _, ss := range stored {
		byKey[ss.Key()] = append(byKey[ss.Key()], ss.ID)
	}
	keep = make([]int64, len(next))
	kept := map[int64]bool{}
	for i, ss := range next {
		if ids := byKey[ss.Key()]; len(ids) > 0 {
			keep[i], byKey[ss.Key()] = ids[0], ids[1:]
			kept[ids[0]] = true
		}
	}
	drop = []int64{}
	for _, ss := range stored {
		if !kept[ss.ID] {
			drop = append(drop, ss.ID)
		}
	}
	return keep, drop, nil
}

func dateOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func clockOrNil(s string) *string {
	if _, err := time.Parse("15:04", s); err != nil {
		return nil
	}
	return &s
}

// filingContext loads everything the submit check needs in one round
// trip, whatever the number of teachers and textbooks: the institution's
// status and scope, the occupation, the teachers with their certificates,
// equivalences and institutions, the related occupations, the textbooks
// with their uses. The calendar comes from the store's cache.
func (s *Store) filingContext(ctx context.Context, q batcher, institutionID int64, p training.Plan) (training.FilingContext, error) {
	ids := make([]int64, len(p.Teachers))
	for i, t := range p.Teachers {
		ids[i] = t.TeacherID
	}
	b := &pgx.Batch{}
	f := queueFilingFacts(b, filingSets{
		institution: "$1", institutionArg: institutionID,
		occupation: "$1", occupationArg: p.OccupationID, noOccupation: p.OccupationID == 0,
		teachers: "ANY($1)", teachersArg: ids, noTeachers: len(ids) == 0,
		textbooks: "ANY($1)", textbooksArg: p.TextbookIDs, noTextbooks: len(p.TextbookIDs) == 0,
	})
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return training.FilingContext{}, err
	}
	return s.finishFilingContext(ctx, f, institutionID, p)
}

// filingSets says which rows the filing facts are read for: each an SQL
// expression of one argument (a value, a slice for ANY, or a subquery on a
// class id), so that a page can read the facts of a stored filing in the
// same round trip as the filing itself.
type filingSets struct {
	institution, occupation, teachers, textbooks             string
	institutionArg, occupationArg, teachersArg, textbooksArg any
	noOccupation, noTeachers, noTextbooks                    bool
}

// filingFacts is what queueFilingFacts fills when the batch is sent.
type filingFacts struct {
	fc       training.FilingContext
	teachers map[int64]*training.Teacher
	pairs    map[[2]int64]bool
	books    map[int64]training.Textbook
}

// queueFilingFacts queues on b the reads the submit check needs.
func queueFilingFacts(b *pgx.Batch, sets filingSets) *filingFacts {
	f := &filingFacts{teachers: map[int64]*training.Teacher{}, pairs: map[[2]int64]bool{}, books: map[int64]training.Textbook{}}
	b.Queue(`SELECT status FROM institutions WHERE id = `+sets.institution, sets.institutionArg).QueryRow(func(row pgx.Row) error {
		var status string
		err := row.Scan(&status)
		f.fc.InstitutionStatus = training.InstitutionStatus(status)
		return err
	})
	b.Queue(strings.Replace(scopeSQL, "$1", sets.institution, 1), sets.institutionArg).Query(func(rows pgx.Rows) error {
		var err error
		f.fc.Scope, err = pgx.CollectRows(rows, scanScopeItem)
		return err
	})
	if !sets.noOccupation {
		b.Queue(`SELECT id, code, name, category, levels FROM occupations WHERE id = `+sets.occupation, sets.occupationArg).Query(func(rows pgx.Rows) error {
			o, err := pgx.CollectExactlyOneRow(rows, scanOccupation)
			switch {
			case err == nil:
				f.fc.Occupation = &o
			case err != pgx.ErrNoRows:
				return err
			}
			return nil
		})
	}
	if !sets.noTeachers {
		queueTeachersIn(b, sets.teachers, sets.teachersArg, false, f.teachers)
	}
	queueRelated(b, f.pairs)
	if !sets.noTextbooks {
		queueTextbooksForCheckIn(b, sets.textbooks, sets.textbooksArg, f.books)
	}
	return f
}

// finishFilingContext is the filing context of plan p of institutionID
// from the facts read.
func (s *Store) finishFilingContext(ctx context.Context, f *filingFacts, institutionID int64, p training.Plan) (training.FilingContext, error) {
	fc := f.fc
	fc.Now, fc.Today = s.now(), s.Today()
	cal, err := s.Calendar(ctx)
	if err != nil {
		return fc, err
	}
	fc.Calendar = cal
	as := make([]TeacherAssignment, len(p.Teachers))
	for i, t := range p.Teachers {
		as[i] = TeacherAssignment{TeacherID: t.TeacherID, Role: t.Role}
	}
	related := relatedOf(f.pairs)
	fc.TeacherProblems = checkAssignments(f.teachers, related, institutionID, p.OccupationID, p.Level, as)
	fc.Equivalences = equivalenceUses(f.teachers, related, p.OccupationID, p.Level, as)
	fc.TextbookProblems = training.CheckTextbooks(p.TextbookIDs, f.books, p.OccupationID, p.Level)
	return fc, nil
}

// CheckClass runs the submit check on a filing's current plan without
// changing anything, for the filing and review pages.
func (s *Store) CheckClass(ctx context.Context, a training.Actor, id int64) (training.Check, error) {
	// Read only, so no transaction: two round trips, the filing and the
	// check's context.
	c, err := s.classForRead(ctx, s.pool, a, id, false)
	if err != nil {
		return training.Check{}, translate(err, "check class %d", id)
	}
	fc, err := s.filingContext(ctx, s.pool, c.InstitutionID, c.Plan)
	if err != nil {
		return training.Check{}, translate(err, "check class %d", id)
	}
	fc.ApprovedCap, fc.ExceptionAsked = c.ExceptionApproved, c.ExceptionAsked
	return training.CheckFiling(c.Plan, fc), nil
}

func snapshot(p training.Plan) ([]byte, error) { return json.Marshal(p) }

func (s *Store) addVersion(ctx context.Context, tx pgx.Tx, a training.Actor, id int64, kind string, p training.Plan, note string) (int, error) {
	plan, err := snapshot(p)
	if err != nil {
		return 0, err
	}
	var no int
	err = tx.QueryRow(ctx, `INSERT INTO class_versions (class_id, no, kind, plan, note, actor_name, created_at)
		SELECT $1, coalesce(max(no), 0) + 1, $2, $3, $4, $5, $6 FROM class_versions WHERE class_id = $1
		RETURNING no`, id, kind, plan, note, actorLabel(a), s.now()).Scan(&no)
	return no, err
}

// CreateClass starts a draft filing for the actor's institution. Drafts
// keep whatever was typed; the checks run at submission.
func (s *Store) CreateClass(ctx context.Context, a training.Actor, p training.Plan) (int64, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	if err := training.CheckPlanText(p); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM institutions WHERE id = $1`, a.InstitutionID).Scan(&status); err != nil {
			return err
		}
		if err := training.DecideCreateClass(training.InstitutionStatus(status)).Err(); err != nil {
			return err
		}
		now := s.now()
		typ := p.Type
		if !typ.Valid() {
			typ = training.TypeSkillLevel
		}
		err := tx.QueryRow(ctx, `INSERT INTO classes (class_no, institution_id, type, created_by, created_at, updated_at)
			VALUES ('BB' || to_char($2::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYY') || lpad(nextval('class_no_seq')::text, 6, '0'),
				$1, $3, $4, $2, $2) RETURNING id`, a.InstitutionID, now, string(typ), actorLabel(a)).Scan(&id)
		if err != nil {
			return err
		}
		if err := writePlan(ctx, tx, id, p); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "class.create", Entity: "class", EntityID: id,
			InstitutionID: a.InstitutionID, After: planAudit(p)})
	})
	return id, translate(err, "create class")
}

func planAudit(p training.Plan) map[string]any {
	return map[string]any{"occupation_id": p.OccupationID, "level": p.Level.Short(), "type": p.Type.Label(),
		"planned_size": p.PlannedSize, "start_date": dateText(p.StartDate), "end_date": dateText(p.EndDate),
		"sessions": len(p.Sessions), "teachers": len(p.Teachers), "textbooks": len(p.TextbookIDs)}
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// lockClass loads and locks a filing for a write; the version the user saw
// must still be the current one (optimistic concurrency).
func (s *Store) lockClass(ctx context.Context, tx pgx.Tx, a training.Actor, id int64, version int) (training.Class, error) {
	c, err := s.classForRead(ctx, tx, a, id, true)
	if err != nil {
		return c, err
	}
	if c.Version != version {
		return c, training.ErrConflict
	}
	return c, nil
}

// setStatus moves a filing from its loaded status to another, guarded by
// the status, and keeps its delivery figures (class_delivery: a row from
// approval on, none once cancelled) in the same round trip.
func (s *Store) setStatus(ctx context.Context, tx pgx.Tx, c training.Class, to training.ClassStatus, set string, args ...any) error {
	all := append([]any{c.ID, string(c.Status), string(to), s.now()}, args...)
	var n int64
	b := &pgx.Batch{}
	b.Queue(`UPDATE classes SET status = $3, version = version + 1, updated_at = $4`+set+`
		WHERE id = $1 AND status = $2`, all...).Exec(func(tag pgconn.CommandTag) error {
		n = tag.RowsAffected()
		return nil
	})
	b.Queue(refreshClassDeliverySQL, c.ID)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if n != 1 {
		return training.ErrConflict
	}
	return nil
}

// SaveClass saves the institution's edits to a draft or returned filing and,
// when submit is set, runs every check at once (FILE-1..6, INST-2/3,
// QUAL-1..5, SIZE-1..3) and submits. A filing that fails a check is not
// submitted and nothing is saved: the error lists every failure.
func (s *Store) SaveClass(ctx context.Context, a training.Actor, id int64, version int, p training.Plan, submit bool) error {
	if !a.IsInstitution() {
		if a.IsBureau() {
			return training.ErrForbidden
		}
		return training.ErrNotFound
	}
	if err := training.CheckPlanText(p); err != nil {
		return err
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.lockClass(ctx, tx, a, id, version)
		if err != nil {
			return err
		}
		if err := training.DecideEditPlan(c.Status).Err(); err != nil {
			return err
		}
		if err := writePlan(ctx, tx, id, p); err != nil {
			return err
		}
		if submit {
			return s.submitTx(ctx, tx, a, c, p)
		}
		if _, err := tx.Exec(ctx, `UPDATE classes SET version = version + 1, updated_at = $2 WHERE id = $1`, id, s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "class.save", Entity: "class", EntityID: id,
			InstitutionID: c.InstitutionID, Before: map[string]any{"status": c.Status}, After: planAudit(p)})
	}), "save class %d", id)
}

// SubmitClass submits a filing's saved plan for review (FILE-1..6,
// INST-2/3, QUAL-1..5, SIZE-1..3 all at once): it checks and changes the
// status, and does not write the plan (SaveClass does). A filing that
// fails a check stays as it was: the error lists every failure.
func (s *Store) SubmitClass(ctx context.Context, a training.Actor, id int64, version int) error {
	if !a.IsInstitution() {
		if a.IsBureau() {
			return training.ErrForbidden
		}
		return training.ErrNotFound
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.lockClass(ctx, tx, a, id, version)
		if err != nil {
			return err
		}
		if err := training.DecideEditPlan(c.Status).Err(); err != nil {
			return err
		}
		return s.submitTx(ctx, tx, a, c, c.Plan)
	}), "submit class %d", id)
}

// submitTx runs the submit check on plan p of filing c (locked) and, when
// it passes, keeps the submitted version, moves the status and audits.
func (s *Store) submitTx(ctx context.Context, tx pgx.Tx, a training.Actor, c training.Class, p training.Plan) error {
	fc, err := s.filingContext(ctx, tx, c.InstitutionID, p)
	if err != nil {
		return err
	}
	fc.ApprovedCap, fc.ExceptionAsked = c.ExceptionApproved, c.ExceptionAsked
	chk := training.CheckFiling(p, fc)
	if !chk.OK() {
		return chk.Err()
	}
	if _, err := s.addVersion(ctx, tx, a, c.ID, "submitted", p, ""); err != nil {
		return err
	}
	if err := s.setStatus(ctx, tx, c, training.ClassSubmitted, `, submitted_at = $4, return_reason = '', check_warnings = $5`,
		strings.Join(chk.Warnings, "；")); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, a, auditRecord{Action: "class.submit", Entity: "class", EntityID: c.ID,
		InstitutionID: c.InstitutionID, Before: map[string]any{"status": c.Status}, After: planAudit(p)})
}

// ClassStep is a workflow step without a new plan: withdraw, approve,
// return, cancel.
type ClassStep struct {
	Action  training.ClassAction
	Version int
	Reason  string // return and cancel
}

// StepClass takes a workflow step on a filing. Two people acting on the
// same version: one wins, the other gets ErrConflict and nothing changes.
func (s *Store) StepClass(ctx context.Context, a training.Actor, id int64, st ClassStep) error {
	if a.Role != training.ClassActionRole(st.Action) {
		// Not this role's step: 403 if the actor may see the filing, else 404.
		if _, err := s.ClassByID(ctx, a, id); err != nil {
			return err
		}
		return training.ErrForbidden
	}
	if (st.Action == training.ActClassReturn || st.Action == training.ActClassCancel) && len([]rune(st.Reason)) == 0 {
		return training.Invalid("reason", "请填写原因")
	}
	if msg := training.TooLong("classes.cancel_reason", st.Reason); msg != "" {
		return training.Invalid("reason", msg) // return_reason has the same limit
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.lockClass(ctx, tx, a, id, st.Version)
		if err != nil {
			return err
		}
		to, msg := training.NextClassStatus(c.Status, st.Action)
		if msg != "" {
			return training.InvalidGeneral(msg)
		}
		today := s.Today()
		switch st.Action {
		case training.ActClassApprove:
			fc, err := s.filingContext(ctx, tx, c.InstitutionID, c.Plan)
			if err != nil {
				return err
			}
			if failures := training.ApprovalProblems(c.Plan, today, c.ExceptionApproved, fc); len(failures) > 0 {
				return &training.ValidationError{General: failures}
			}
			no, err := s.addVersion(ctx, tx, a, id, "approved", c.Plan, "")
			if err != nil {
				return err
			}
			err = s.setStatus(ctx, tx, c, to, `, approved_on = $5, approved_by = $6, approved_by_id = $7, plan_no = $8`,
				today, actorLabel(a), nullID(a.UserID), no)
			if err != nil {
				return err
			}
		case training.ActClassReturn:
			if err := s.setStatus(ctx, tx, c, to, `, return_reason = $5`, st.Reason); err != nil {
				return err
			}
		case training.ActClassCancel:
			if err := training.DecideCancelClass(c.Status, c.Plan.StartDate, today).Err(); err != nil {
				return err
			}
			if err := s.setStatus(ctx, tx, c, to, `, cancel_reason = $5`, st.Reason); err != nil {
				return err
			}
		default:
			if err := s.setStatus(ctx, tx, c, to, ``); err != nil {
				return err
			}
		}
		if n, ok := classStepNotice(c.ClassNo, id, st); ok {
			if err := s.NotifyInstitution(ctx, tx, c.InstitutionID, n); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "class." + string(st.Action), Entity: "class", EntityID: id,
			InstitutionID: c.InstitutionID, Before: map[string]any{"status": c.Status},
			After: map[string]any{"status": to, "reason": st.Reason}})
	}), "class %d %s", id, st.Action)
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// RequestSizeException asks for more trainees than the type's cap (SIZE-3).
func (s *Store) RequestSizeException(ctx context.Context, a training.Actor, id int64, version, size int, reason string) error {
	if !a.IsInstitution() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.lockClass(ctx, tx, a, id, version)
		if err != nil {
			return err
		}
		if msg := training.TooLong("classes.exception_reason", reason); msg != "" {
			return training.Invalid("exception_reason", msg)
		}
		if err := training.DecideRequestSizeException(training.SizeExceptionRequest{Status: c.Status, Type: c.Plan.Type,
			Size: size, Reason: reason}).Err(); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE classes SET exception_asked = $2, exception_reason = $3, exception_approved = 0,
			exception_by = '', version = version + 1, updated_at = $4 WHERE id = $1`, id, size, reason, s.now())
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "class.exception_request", Entity: "class", EntityID: id,
			InstitutionID: c.InstitutionID, After: map[string]any{"size": size, "reason": reason}})
	}), "size exception %d", id)
}

// DecideSizeException approves a size exception with a number (the class's
// cap becomes it) or, with 0, refuses it. Bureau only.
func (s *Store) DecideSizeException(ctx context.Context, a training.Actor, id int64, version, approved int) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.lockClass(ctx, tx, a, id, version)
		if err != nil {
			return err
		}
		if err := training.DecideSizeException(training.SizeExceptionDecision{Status: c.Status, Type: c.Plan.Type,
			Asked: c.ExceptionAsked, Approved: approved}).Err(); err != nil {
			return err
		}
		asked := c.ExceptionAsked
		if approved == 0 {
			asked = 0
		}
		_, err = tx.Exec(ctx, `UPDATE classes SET exception_approved = $2, exception_asked = $3, exception_by = $4,
			version = version + 1, updated_at = $5 WHERE id = $1`, id, approved, asked, actorLabel(a), s.now())
		if err != nil {
			return err
		}
		n := InboxNotice{Kind: "class.exception_decide", Title: "超人数例外申请未获同意：" + c.ClassNo, Href: "/classes/" + strconv.FormatInt(id, 10)}
		if approved > 0 {
			n.Title = fmt.Sprintf("超人数例外申请已同意：%s（%d 人）", c.ClassNo, approved)
		}
		if err := s.NotifyInstitution(ctx, tx, c.InstitutionID, n); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "class.exception_decide", Entity: "class", EntityID: id,
			InstitutionID: c.InstitutionID, Before: map[string]any{"asked": c.ExceptionAsked}, After: map[string]any{"approved": approved}})
	}), "decide size exception %d", id)
}

// queryBatcher is a pool or a transaction: queries, rows and batches.
type queryBatcher interface {
	querier
	batcher
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
