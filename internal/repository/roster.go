package repository

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// capSQL is the class's size limit in SQL (SIZE-1..3), the same expression
// as the classes_enrolled_cap_check constraint.
const capSQL = `CASE WHEN exception_approved > 0 THEN exception_approved WHEN type = 'startup' THEN 30 ELSE 50 END`

// rosterClass loads the facts the roster rules need, scoped to the actor:
// the institution's own classes only.
func (s *Store) rosterClass(ctx context.Context, q queryBatcher, a training.Actor, classID int64, lock bool) (training.Class, error) {
	if !a.IsInstitution() {
		if a.IsBureau() {
			if _, err := s.classForRead(ctx, q, a, classID, false); err != nil {
				return training.Class{}, err
			}
			return training.Class{}, training.ErrForbidden
		}
		return training.Class{}, training.ErrNotFound
	}
	return s.classForRead(ctx, q, a, classID, lock)
}

// upsertTrainee finds the person by ID number or creates them. An existing
// person keeps their record; a different name for the same ID number is
// refused (the number was mistyped, or it is not this person).
func (s *Store) upsertTrainee(ctx context.Context, tx pgx.Tx, t training.Trainee) (int64, error) {
	sex := "F"
	if t.Male {
		sex = "M"
	}
	var id int64
	var name string
	err := tx.QueryRow(ctx, `
		INSERT INTO trainees (id_number, name, birth_date, sex, phone, target_group, employment, hukou, employer, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
		ON CONFLICT (id_number) DO UPDATE SET phone = EXCLUDED.phone, target_group = EXCLUDED.target_group,
			employment = EXCLUDED.employment, hukou = EXCLUDED.hukou, employer = EXCLUDED.employer, updated_at = EXCLUDED.updated_at
			WHERE trainees.name = EXCLUDED.name
		RETURNING id, name`,
		t.IDNumber, t.Name, t.BirthDate, sex, t.Phone, string(t.TargetGroup), string(t.Employment), string(t.Hukou), t.Employer, s.now()).Scan(&id, &name)
	if err == pgx.ErrNoRows {
		return 0, training.Invalid("id_number", "该身份证号码已登记为另一姓名，请核对身份证号码和姓名")
	}
	return id, err
}

// overlapMessage is the rule against one person on two classes of the same
// occupation and level whose dates overlap.
const overlapMessage = "该学员已报名同工种同等级且培训日期重叠的其他培训班"

// AddTrainee puts one trainee on a class's roster. The class's cap (SIZE-1..4)
// holds however many requests arrive at once: the count is raised by a
// guarded UPDATE that only succeeds below the cap, in the same transaction
// as the enrolment.
func (s *Store) AddTrainee(ctx context.Context, a training.Actor, classID int64, in training.TraineeInput) (int64, error) {
	in.Normalize()
	t, err := in.Validate(s.Today())
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.rosterClass(ctx, tx, a, classID, false)
		if err != nil {
			return err
		}
		if msg := training.RosterClosedReason(c.Status, c.Plan.StartDate, s.Today()); msg != "" {
			return training.InvalidGeneral(msg)
		}
		tid, err := s.upsertTrainee(ctx, tx, t)
		if err != nil {
			return err
		}
		var overlap bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM enrolments e JOIN classes o ON o.id = e.class_id
			JOIN classes c ON c.id = $2
			WHERE e.trainee_id = $1 AND e.status = 'enrolled' AND o.id <> c.id AND o.status <> 'cancelled'
			  AND o.occupation_id = c.occupation_id AND o.level = c.level
			  AND daterange(o.start_date, o.end_date, '[]') && daterange(c.start_date, c.end_date, '[]'))`, tid, classID).Scan(&overlap); err != nil {
			return err
		}
		if overlap {
			return training.Invalid("id_number", overlapMessage)
		}
		tag, err := tx.Exec(ctx, `UPDATE classes SET enrolled = enrolled + 1 WHERE id = $1 AND enrolled < `+capSQL, classID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.InvalidGeneral(c.Plan.Type.CapMessage() + "（本班上限" + strconv.Itoa(c.Cap()) + "人，已满）")
		}
		err = tx.QueryRow(ctx, `INSERT INTO enrolments (class_id, trainee_id, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			classID, tid, actorLabel(a), s.now()).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "roster.add", Entity: "class", EntityID: classID,
			InstitutionID: c.InstitutionID, After: map[string]any{"trainee": t.Name, "id_number": training.MaskID(t.IDNumber)}})
	})
	return id, translate(err, "add trainee to class %d", classID)
}

// Roster lists a class's enrolments with the trainees, in the order added.
// The bureau sees every class's roster, an institution its own.
func (s *Store) Roster(ctx context.Context, a training.Actor, classID int64) ([]training.Enrolment, error) {
	_, list, err := s.ClassRoster(ctx, a, classID)
	return list, err
}

// ClassRoster is the class and its roster, for the pages that show both:
// one access check, not one per read.
func (s *Store) ClassRoster(ctx context.Context, a training.Actor, classID int64) (training.Class, []training.Enrolment, error) {
	c, err := s.ClassByID(ctx, a, classID)
	if err != nil {
		return c, nil, err
	}
	list, err := s.roster(ctx, classID)
	return c, list, err
}

func (s *Store) roster(ctx context.Context, classID int64) ([]training.Enrolment, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.id, e.class_id, e.status, e.withdrawn_reason, e.withdrawn_at, coalesce(e.agreement_no, ''),
			e.agreement_date, e.pays_fee, e.created_at,
			t.id, t.id_number, t.name, t.birth_date, t.sex = 'M', t.phone, t.target_group, t.employment, t.hukou, t.employer
		FROM enrolments e JOIN trainees t ON t.id = e.trainee_id WHERE e.class_id = $1 ORDER BY e.id`, classID)
	if err != nil {
		return nil, translate(err, "roster %d", classID)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Enrolment, error) {
		var e training.Enrolment
		var g, emp, h string
		err := row.Scan(&e.ID, &e.ClassID, &e.Status, &e.WithdrawnReason, &e.WithdrawnAt, &e.AgreementNo, &e.AgreementDate, &e.PaysFee,
			&e.CreatedAt, &e.Trainee.ID, &e.Trainee.IDNumber, &e.Trainee.Name, &e.Trainee.BirthDate, &e.Trainee.Male, &e.Trainee.Phone,
			&g, &emp, &h, &e.Trainee.Employer)
		e.Trainee.TargetGroup, e.Trainee.Employment, e.Trainee.Hukou = training.TargetGroup(g), training.Employment(emp), training.Hukou(h)
		return e, err
	})
	return list, translate(err, "roster %d", classID)
}

// RemoveTrainee takes a trainee off the roster. Before the class starts the
// enrolment is deleted; after the start it can only be withdrawn, with a
// reason, and stays on the roster as withdrawn.
func (s *Store) RemoveTrainee(ctx context.Context, a training.Actor, classID, enrolmentID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.rosterClass(ctx, tx, a, classID, true)
		if err != nil {
			return err
		}
		var name, idn string
		var status training.EnrolmentStatus
		err = tx.QueryRow(ctx, `SELECT t.name, t.id_number, e.status FROM enrolments e JOIN trainees t ON t.id = e.trainee_id
			WHERE e.id = $1 AND e.class_id = $2 FOR UPDATE OF e`, enrolmentID, classID).Scan(&name, &idn, &status)
		if err != nil {
			return err
		}
		withdraw, rs, err := training.DecideRemoveEnrolment(training.RemoveFacts{Status: status,
			Started: !s.Today().Before(c.Plan.StartDate), Reason: reason})
		if err != nil {
			return err
		}
		if err := rs.Err(); err != nil {
			return err
		}
		action := "roster.remove"
		if withdraw {
			_, err = tx.Exec(ctx, `UPDATE enrolments SET status = 'withdrawn', withdrawn_reason = $2, withdrawn_at = $3 WHERE id = $1`,
				enrolmentID, reason, s.now())
			action = "roster.withdraw"
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM enrolments WHERE id = $1`, enrolmentID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE classes SET enrolled = enrolled - 1 WHERE id = $1`, classID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "class", EntityID: classID, InstitutionID: c.InstitutionID,
			Before: map[string]any{"trainee": name, "id_number": training.MaskID(idn)}, After: map[string]any{"reason": reason}})
	}), "remove enrolment %d", enrolmentID)
}
