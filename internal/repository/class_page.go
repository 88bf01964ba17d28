package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// ClassPage is everything the filing page shows: the filing with its plan
// and pending change, the submit check (while it can still be submitted or
// approved), the delivery (once approved), every kept version, the audit
// trail, and the names of every teacher and textbook any of its plans
// name.
type ClassPage struct {
	Class    training.Class
	Check    *training.Check
	Delivery *ClassDelivery
	Versions []training.ClassVersion
	History  []training.AuditEntry // page hp of the audit trail
	// HistoryTotal is the number of audit entries.
	HistoryTotal int
	Names        FilingChoices
}

// The sets of a stored filing's ids, each an SQL expression of the class
// id ($1): the plan's teachers (the check), every teacher and textbook
// named by the plan, the pending change or a kept version (the names).
const (
	classTeacherSet  = `ANY(ARRAY(SELECT teacher_id FROM class_teachers WHERE class_id = $1))`
	classTextbookSet = `ANY(ARRAY(SELECT textbook_id FROM class_textbooks WHERE class_id = $1))`
	classPlansSQL    = `(SELECT plan FROM class_versions WHERE class_id = $1
		UNION ALL SELECT plan FROM class_changes WHERE class_id = $1 AND status = 'pending')`
	classNamedTeachers = `SELECT t.id, t.name, t.status FROM teachers t
		JOIN teacher_institutions ti ON ti.teacher_id = t.id AND ti.institution_id = (SELECT institution_id FROM classes WHERE id = $1)
		WHERE t.id IN (
			SELECT teacher_id FROM class_teachers WHERE class_id = $1
			UNION SELECT teacher_id FROM class_sessions WHERE class_id = $1 AND teacher_id IS NOT NULL
			UNION SELECT (x->>'TeacherID')::bigint FROM ` + classPlansSQL + ` p,
				jsonb_array_elements(CASE WHEN jsonb_typeof(p.plan->'Teachers') = 'array' THEN p.plan->'Teachers' ELSE '[]' END) x
			UNION SELECT (x->>'TeacherID')::bigint FROM ` + classPlansSQL + ` p,
				jsonb_array_elements(CASE WHEN jsonb_typeof(p.plan->'Sessions') = 'array' THEN p.plan->'Sessions' ELSE '[]' END) x)
		ORDER BY t.name, t.id`
	classNamedTextbooks = ` WHERE b.status IN ('designated', 'approved') AND b.id IN (
			SELECT textbook_id FROM class_textbooks WHERE class_id = $1
			UNION SELECT x::bigint FROM ` + classPlansSQL + ` p,
				jsonb_array_elements_text(CASE WHEN jsonb_typeof(p.plan->'TextbookIDs') = 'array' THEN p.plan->'TextbookIDs' ELSE '[]' END) x)
		ORDER BY b.title, b.id`
)

// ClassPage reads the filing page (hp: the page of its audit trail) in one round trip: the queries after the
// filing's row are keyed by its id, so none waits for an answer; when the
// filing is not the actor's the batch stops at its row (ErrNotFound).
func (s *Store) ClassPage(ctx context.Context, a training.Actor, id int64, hp Page) (ClassPage, error) {
	var p ClassPage
	b := &pgx.Batch{}
	if !queueClassRead(b, a, id, false, &p.Class) {
		return p, training.ErrNotFound
	}
	facts := queueFilingFacts(b, filingSets{
		institution: "(SELECT institution_id FROM classes WHERE id = $1)", institutionArg: id,
		occupation: "(SELECT occupation_id FROM classes WHERE id = $1)", occupationArg: id,
		teachers: classTeacherSet, teachersArg: id,
		textbooks: classTextbookSet, textbooksArg: id,
	})
	delivery := ClassDelivery{Deliveries: map[int64]training.Delivery{}}
	queueClassDelivery(b, id, &delivery)
	queueClassVersions(b, id, &p.Versions)
	queueClassHistory(b, id, hp, &p.History, &p.HistoryTotal)
	b.Queue(classNamedTeachers, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Names.Teachers, err = pgx.CollectRows(rows, scanFilingTeacher)
		return err
	})
	b.Queue(`SELECT `+textbookColumns+textbookFrom+classNamedTextbooks, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Names.Textbooks, err = pgx.CollectRows(rows, scanTextbook)
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return ClassPage{}, translate(err, "class page %d", id)
	}
	c := p.Class
	if training.CanEditPlan(c.Status) || c.Status == training.ClassSubmitted {
		fc, err := s.finishFilingContext(ctx, facts, c.InstitutionID, c.Plan)
		if err != nil {
			return ClassPage{}, translate(err, "class page %d", id)
		}
		fc.ApprovedCap, fc.ExceptionAsked = c.ExceptionApproved, c.ExceptionAsked
		chk := training.CheckFiling(c.Plan, fc)
		p.Check = &chk
	}
	if training.HasDelivery(c.Status) {
		delivery.Summary = training.SummarizeDelivery(c.Plan, delivery.Deliveries)
		p.Delivery = &delivery
	}
	return p, nil
}
