package repository

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// TeachersForCheck loads the given teachers with their certificates,
// equivalences and institutions for QUAL-1..5 (training.CheckTeacher), in
// one round trip whatever the number of teachers. Class filing calls it;
// it is not scoped by actor because the caller checks the filing's
// institution against Teacher.LinkedTo.
func (s *Store) TeachersForCheck(ctx context.Context, ids []int64) (map[int64]training.Teacher, error) {
	return s.teachersForCheck(ctx, s.pool, ids)
}

// teachersForCheck is TeachersForCheck inside a transaction.
func (s *Store) teachersForCheck(ctx context.Context, q batcher, ids []int64) (map[int64]training.Teacher, error) {
	m, err := s.loadTeachers(ctx, q, ids, false)
	if err != nil {
		return nil, translate(err, "teachers for check")
	}
	out := make(map[int64]training.Teacher, len(m))
	for id, t := range m {
		out[id] = *t
	}
	return out, nil
}

// TeacherAssignment is a teacher named on a class with a role.
type TeacherAssignment struct {
	TeacherID int64
	Role      training.TeachingRole
}

// CheckAssignments runs QUAL-1..5 for teachers named on a class of
// institutionID, occupationID and level, and returns every problem with the
// teacher's name in front. Empty means all may teach. Use it inside the
// filing transaction (q = tx) so the check and the write see the same rows.
func (s *Store) CheckAssignments(ctx context.Context, q batcher, institutionID, occupationID int64, level training.Level, as []TeacherAssignment) ([]string, error) {
	ids := make([]int64, 0, len(as))
	for _, x := range as {
		ids = append(ids, x.TeacherID)
	}
	m := map[int64]*training.Teacher{}
	pairs := map[[2]int64]bool{}
	b := &pgx.Batch{}
	queueTeachers(b, ids, false, m)
	queueRelated(b, pairs)
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, translate(err, "check assignments")
	}
	return checkAssignments(m, relatedOf(pairs), institutionID, occupationID, level, as), nil
}

// checkAssignments is CheckAssignments on loaded teachers.
func checkAssignments(teachers map[int64]*training.Teacher, related func(a, b int64) bool, institutionID, occupationID int64,
	level training.Level, as []TeacherAssignment) []string {
	var out []string
	for _, x := range as {
		out = append(out, training.CheckAssignment(teachers[x.TeacherID], institutionID, occupationID, level, x.Role, related)...)
	}
	return out
}

// OccupationRelation is a pair of occupations the bureau marked related
// (QUAL-2).
type OccupationRelation struct {
	A, B     training.Occupation
	MarkedBy string
	MarkedAt string
}

// relatedFunc loads the relation table (small) and returns the symmetric
// "marked related" predicate for training.Qualify.
func (s *Store) relatedFunc(ctx context.Context, q batcher) (func(a, b int64) bool, error) {
	pairs := map[[2]int64]bool{}
	b := &pgx.Batch{}
	queueRelated(b, pairs)
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, translate(err, "occupation relations")
	}
	return relatedOf(pairs), nil
}

// queueRelated adds to b the query that fills pairs with the relation table.
func queueRelated(b *pgx.Batch, pairs map[[2]int64]bool) {
	b.Queue(`SELECT occupation_a, occupation_b FROM occupation_relations`).Query(func(rows pgx.Rows) error {
		var x, y int64
		_, err := pgx.ForEachRow(rows, []any{&x, &y}, func() error {
			pairs[[2]int64{x, y}] = true
			return nil
		})
		return err
	})
}

// relatedOf is the symmetric predicate over the stored pairs.
func relatedOf(pairs map[[2]int64]bool) func(a, b int64) bool {
	return func(a, b int64) bool {
		if a > b {
			a, b = b, a
		}
		return a == b || pairs[[2]int64{a, b}]
	}
}

// Related returns the related-occupation predicate (QUAL-2).
func (s *Store) Related(ctx context.Context) (func(a, b int64) bool, error) {
	return s.relatedFunc(ctx, s.pool)
}

// OccupationRelations lists the related pairs by code.
func (s *Store) OccupationRelations(ctx context.Context) ([]OccupationRelation, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT a.id, a.code, a.name, b.id, b.code, b.name, r.marked_by, to_char(r.marked_at, 'YYYY-MM-DD HH24:MI')
		FROM occupation_relations r JOIN occupations a ON a.id = r.occupation_a JOIN occupations b ON b.id = r.occupation_b
		ORDER BY a.code, b.code`)
	if err != nil {
		return nil, translate(err, "occupation relations")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OccupationRelation, error) {
		var r OccupationRelation
		err := row.Scan(&r.A.ID, &r.A.Code, &r.A.Name, &r.B.ID, &r.B.Code, &r.B.Name, &r.MarkedBy, &r.MarkedAt)
		return r, err
	})
	return list, translate(err, "occupation relations")
}

// SetOccupationsRelated marks (or unmarks) two occupations as related for
// QUAL-2. Bureau only.
func (s *Store) SetOccupationsRelated(ctx context.Context, a training.Actor, x, y int64, related bool) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	if x == 0 || y == 0 {
		return training.Invalid("other_id", "请选择两个工种")
	}
	if x == y {
		return training.Invalid("other_id", "请选择两个不同的工种（同一工种本来就视为相关）")
	}
	if x > y {
		x, y = y, x
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		action := "occupation.relate"
		if related {
			if _, err := tx.Exec(ctx, `INSERT INTO occupation_relations (occupation_a, occupation_b, marked_by, marked_at)
				VALUES ($1, $2, $3, $4)`, x, y, actorLabel(a), s.now()); err != nil {
				return err
			}
		} else {
			action = "occupation.unrelate"
			tag, err := tx.Exec(ctx, `DELETE FROM occupation_relations WHERE occupation_a = $1 AND occupation_b = $2`, x, y)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return training.ErrNotFound
			}
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "occupation", EntityID: x,
			After: map[string]any{"occupation_a": x, "occupation_b": y, "related": related}})
	}), "relate occupations %d %d", x, y)
}

// EligibleRow is a teacher who may teach what was asked, masked for lists.
type EligibleRow struct {
	ID           int64
	Name         string
	IDMasked     string
	Education    training.Education
	Title        training.Title
	Certificates string
	Institutions string
}

// EligibleTeachers answers "who may teach role for occupationID at level?"
// over the approved pool (QUAL-1..5). Bureau only. The pool is loaded in
// one round trip and filtered by training.CheckTeacher, so the answer is
// exactly what a filing would be told.
func (s *Store) EligibleTeachers(ctx context.Context, a training.Actor, occupationID int64, level training.Level, role training.TeachingRole) ([]EligibleRow, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	var ids []int64
	// The candidates, found by index: the rules (training.CheckTeacher)
	// decide below, so this only has to leave no one out. Practical: a
	// certificate in this occupation or a related one, or a certificate
	// equivalence (QUAL-2, QUAL-4). Theory: the education and the title,
	// each met or made up by an equivalence (QUAL-1, QUAL-3). At 10,000
	// teachers, loading every one with a certificate took 450 ms.
	q := `SELECT t.id FROM teachers t WHERE t.status = 'approved' AND t.id = ANY (ARRAY(
			SELECT c.teacher_id FROM teacher_certificates c WHERE c.occupation_id = ANY (ARRAY(SELECT $1::bigint
				UNION ALL SELECT occupation_b FROM occupation_relations WHERE occupation_a = $1
				UNION ALL SELECT occupation_a FROM occupation_relations WHERE occupation_b = $1))
			UNION ALL
			SELECT e.teacher_id FROM teacher_equivalences e WHERE e.requirement = 'certificate'))`
	args := []any{occupationID}
	if role != training.RolePractical {
		minEdu := training.EduSecondaryVoc
		if training.BandOf(level) == training.BandAdvanced {
			minEdu = training.EduCollege
		}
		q = `SELECT t.id FROM teachers t WHERE t.status = 'approved'
			AND (t.education >= $1 OR EXISTS (SELECT 1 FROM teacher_equivalences e WHERE e.teacher_id = t.id AND e.requirement = 'education'))
			AND (t.title >= $2 OR EXISTS (SELECT 1 FROM teacher_equivalences e WHERE e.teacher_id = t.id AND e.requirement = 'title'))`
		args = []any{int16(minEdu), int16(training.TitleMiddle)}
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY t.name, t.id`, args...)
	if err != nil {
		return nil, translate(err, "eligible teachers")
	}
	ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, translate(err, "eligible teachers")
	}
	m, err := s.loadTeachers(ctx, s.pool, ids, false)
	if err != nil {
		return nil, translate(err, "eligible teachers")
	}
	related, err := s.relatedFunc(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	var out []EligibleRow
	for _, id := range ids {
		t := m[id]
		if t == nil || len(training.CheckTeacher(*t, occupationID, level, role, related)) > 0 {
			continue
		}
		r := EligibleRow{ID: t.ID, Name: t.Name, IDMasked: training.MaskID(t.IDNumber), Education: t.Education, Title: t.Title}
		var certs, insts []string
		for _, c := range t.Certificates {
			certs = append(certs, c.OccupationName+" "+c.Level.Short())
		}
		for _, in := range t.Institutions {
			insts = append(insts, in.Name)
		}
		r.Certificates, r.Institutions = strings.Join(certs, "；"), strings.Join(insts, "；")
		out = append(out, r)
	}
	return out, nil
}

// AddEquivalence records a bureau decision that replaces one requirement
// of 第五条 for a teacher (等同资质).
func (s *Store) AddEquivalence(ctx context.Context, a training.Actor, id int64, in training.EquivalenceInput) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	on, err := in.Validate(s.Today())
	if err != nil {
		return err
	}
	var occ *int64
	if in.Requirement == training.ReqCertificate {
		occ = &in.OccupationID
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := s.lockTeacher(ctx, tx, a, id); err != nil {
			return err
		}
		var eid int64
		var recordedBy *int64
		if a.UserID != 0 {
			recordedBy = &a.UserID
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO teacher_equivalences (teacher_id, requirement, band, role, occupation_id, basis, decided_by, decided_on,
				recorded_by, recorded_name, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			id, string(in.Requirement), string(in.Band), string(in.Role), occ, strings.TrimSpace(in.Basis),
			strings.TrimSpace(in.DecidedBy), on, recordedBy, actorLabel(a), s.now()).Scan(&eid)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE teachers SET version = version + 1, updated_at = $2 WHERE id = $1`, id, s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher.equivalence_add", Entity: "teacher", EntityID: id,
			After: map[string]any{"equivalence_id": eid, "requirement": in.Requirement, "band": in.Band, "role": in.Role,
				"occupation_id": in.OccupationID, "basis": strings.TrimSpace(in.Basis), "decided_by": strings.TrimSpace(in.DecidedBy),
				"decided_on": on.Format("2006-01-02")}})
	}), "add equivalence to teacher %d", id)
}

// RemoveEquivalence withdraws an equivalence. Bureau only.
func (s *Store) RemoveEquivalence(ctx context.Context, a training.Actor, id, eid int64) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := s.lockTeacher(ctx, tx, a, id); err != nil {
			return err
		}
		var req, band, role, basis string
		err := tx.QueryRow(ctx, `DELETE FROM teacher_equivalences WHERE id = $1 AND teacher_id = $2
			RETURNING requirement, band, role, basis`, eid, id).Scan(&req, &band, &role, &basis)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE teachers SET version = version + 1, updated_at = $2 WHERE id = $1`, id, s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher.equivalence_remove", Entity: "teacher", EntityID: id,
			Before: map[string]any{"equivalence_id": eid, "requirement": req, "band": band, "role": role, "basis": basis}})
	}), "remove equivalence %d of teacher %d", eid, id)
}

// equivalenceUses lists, for each teacher and role named on a class, the
// equivalences (等同资质) the qualification rests on, for the reviewer.
func equivalenceUses(teachers map[int64]*training.Teacher, related func(a, b int64) bool, occupationID int64,
	level training.Level, as []TeacherAssignment) []training.EquivalenceUse {
	var out []training.EquivalenceUse
	for _, x := range as {
		t, ok := teachers[x.TeacherID]
		if !ok {
			continue
		}
		for _, e := range training.EquivalencesReliedOn(*t, occupationID, level, x.Role, related) {
			out = append(out, training.EquivalenceUse{TeacherID: t.ID, TeacherName: t.Name, Role: x.Role, Equivalence: e})
		}
	}
	return out
}
