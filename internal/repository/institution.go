package repository

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

const institutionColumns = `i.id, i.name, i.credit_code, i.address, i.legal_rep, i.contact_name, i.contact_phone,
	i.venue, i.facilities, i.equipment, i.staff, i.status, i.decision_no, i.decision_date, i.decided_by,
	i.status_reason, i.status_changed, i.version, i.created_at, i.updated_at`

func scanInstitution(row pgx.CollectableRow) (training.Institution, error) {
	var in training.Institution
	var status string
	err := row.Scan(&in.ID, &in.Name, &in.CreditCode, &in.Address, &in.LegalRep, &in.ContactName, &in.ContactPhone,
		&in.Venue, &in.Facilities, &in.Equipment, &in.Staff, &status, &in.DecisionNo, &in.DecisionDate, &in.DecidedBy,
		&in.StatusReason, &in.StatusChanged, &in.Version, &in.CreatedAt, &in.UpdatedAt)
	in.Status = training.InstitutionStatus(status)
	return in, err
}

// canSeeInstitution: the bureau sees every institution, an institution user
// only their own. Anyone else gets ErrNotFound, like a missing id.
func canSeeInstitution(a training.Actor, id int64) bool {
	return a.IsBureau() || a.IsInstitution() && a.InstitutionID == id
}

// InstitutionByID returns an institution with its licensed scope.
func (s *Store) InstitutionByID(ctx context.Context, a training.Actor, id int64) (training.Institution, error) {
	if !canSeeInstitution(a, id) {
		return training.Institution{}, training.ErrNotFound
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+institutionColumns+` FROM institutions i WHERE i.id = $1`, id)
	in, err := pgx.CollectExactlyOneRow(rows, scanInstitution)
	if err != nil {
		return in, translate(err, "institution %d", id)
	}
	if in.Scope, err = s.scope(ctx, s.pool, id); err != nil {
		return in, translate(err, "institution %d scope", id)
	}
	in.LastClassStart, err = s.lastClassStart(ctx, id)
	return in, translate(err, "institution %d last class", id)
}

// lastClassStartSQL is institution $1's latest start of a class that ran
// (INST-4's inactivity flag).
const lastClassStartSQL = `SELECT max(start_date) FROM classes WHERE institution_id = $1
	AND status NOT IN ('draft', 'submitted', 'returned', 'cancelled')`

// InstitutionPage reads an institution's page in one round trip: the
// institution with its scope and its latest class start, and for the
// bureau its accounts (username order, at most 200) — InstitutionByID and
// Users sent as one batch (four round trips before).
func (s *Store) InstitutionPage(ctx context.Context, a training.Actor, id int64) (training.Institution, []training.User, error) {
	if !canSeeInstitution(a, id) {
		return training.Institution{}, nil, training.ErrNotFound
	}
	var in training.Institution
	var users []training.User
	b := &pgx.Batch{}
	b.Queue(`SELECT `+institutionColumns+` FROM institutions i WHERE i.id = $1`, id).Query(func(rows pgx.Rows) error {
		var err error
		in, err = pgx.CollectExactlyOneRow(rows, scanInstitution)
		return err
	})
	b.Queue(scopeSQL, id).Query(func(rows pgx.Rows) error {
		var err error
		in.Scope, err = pgx.CollectRows(rows, scanScopeItem)
		return err
	})
	b.Queue(lastClassStartSQL, id).QueryRow(func(row pgx.Row) error { return row.Scan(&in.LastClassStart) })
	if a.IsBureau() {
		b.Queue(`SELECT `+userColumns+userFrom+` WHERE u.institution_id = $1 ORDER BY u.username, u.id LIMIT 200`, id).
			Query(func(rows pgx.Rows) error {
				var err error
				users, err = pgx.CollectRows(rows, scanUser)
				return err
			})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return training.Institution{}, nil, translate(err, "institution page %d", id)
	}
	return in, users, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

const scopeSQL = `
		SELECT o.id, o.code, o.name, sc.max_level
		FROM institution_scopes sc JOIN occupations o ON o.id = sc.occupation_id
		WHERE sc.institution_id = $1 ORDER BY o.code`

func (s *Store) scope(ctx context.Context, q querier, id int64) ([]training.ScopeItem, error) {
	rows, err := q.Query(ctx, scopeSQL, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanScopeItem)
}

// queueScope adds to b the query that reads institution id's scope into out.
func queueScope(b *pgx.Batch, id int64, out *[]training.ScopeItem) {
	b.Queue(scopeSQL, id).Query(func(rows pgx.Rows) error {
		var err error
		*out, err = pgx.CollectRows(rows, scanScopeItem)
		return err
	})
}

func scanScopeItem(row pgx.CollectableRow) (training.ScopeItem, error) {
	var it training.ScopeItem
	var lvl int16
	err := row.Scan(&it.OccupationID, &it.OccupationCode, &it.OccupationName, &lvl)
	it.MaxLevel = training.Level(lvl)
	return it, err
}

// InstitutionFilter narrows the bureau's institution list.
type InstitutionFilter struct {
	Status       training.InstitutionStatus
	Name         string // part of the name or the credit code
	OccupationID int64  // occupation inside the licensed scope
}

var institutionSorts = map[string]string{
	"name":    "i.name, i.id",
	"status":  "i.status, i.name, i.id",
	"created": "i.created_at, i.id",
	"id":      "i.id",
}

// InstitutionRow is a line of the institution list.
type InstitutionRow struct {
	training.Institution
	ScopeCount int
	UserCount  int
}

// Institutions lists institutions for the bureau.
func (s *Store) Institutions(ctx context.Context, a training.Actor, f InstitutionFilter, p Page) ([]InstitutionRow, int, error) {
	var list []InstitutionRow
	var total int
	err := s.institutionRows(ctx, a, f, p, &total, func(r InstitutionRow) error {
		list = append(list, r)
		return nil
	})
	return list, total, err
}

// InstitutionsEach hands each every institution of the list in the
// page's order, one at a time (the list's .xlsx export).
func (s *Store) InstitutionsEach(ctx context.Context, a training.Actor, f InstitutionFilter, p Page, each func(InstitutionRow) error) error {
	p.all = true
	var total int
	return s.institutionRows(ctx, a, f, p, &total, each)
}

func (s *Store) institutionRows(ctx context.Context, a training.Actor, f InstitutionFilter, p Page, total *int, each func(InstitutionRow) error) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	var w where
	if f.Status != "" {
		w.add("i.status = ?", string(f.Status))
	}
	if f.Name != "" {
		pat := "%" + likeEscape(f.Name) + "%"
		w.add("(i.name LIKE ? OR i.credit_code = ?)", pat, training.NormalizeCreditCode(f.Name))
	}
	if f.OccupationID != 0 {
		w.add("EXISTS (SELECT 1 FROM institution_scopes sc WHERE sc.institution_id = i.id AND sc.occupation_id = ?)", f.OccupationID)
	}
	// The page is picked on the narrow columns the indexes hold (an
	// index-only scan, however deep the page); only its rows are then read
	// in full and get their scope and user counts. Without a search the
	// total is kept in institution_counts (migration 00003); a search counts
	// its matches.
	totalSQL := `count(*) OVER ()`
	if f.Name == "" && f.OccupationID == 0 {
		totalSQL = `(SELECT coalesce(sum(n), 0) FROM institution_counts)`
		if f.Status != "" {
			totalSQL = `(SELECT coalesce(sum(n), 0) FROM institution_counts WHERE status = $1)`
		}
	}
	if p.all {
		totalSQL = `0`
	}
	order := orderBy(p, institutionSorts, "name")
	q := `SELECT ` + institutionColumns + `,
			(SELECT count(*) FROM institution_scopes sc WHERE sc.institution_id = i.id),
			(SELECT count(*) FROM users u WHERE u.institution_id = i.id AND u.disabled_at IS NULL),
			pg.total
		FROM (SELECT i.id, ` + totalSQL + ` AS total FROM institutions i` + w.sql() + order +
		` LIMIT ` + w.arg(p.limitArg()) + ` OFFSET ` + w.arg(p.offsetArg()) + `) pg
		JOIN institutions i ON i.id = pg.id` + order
	rows, err := s.pool.Query(ctx, q, w.args...)
	if err != nil {
		return translate(err, "institutions")
	}
	err = forEach(rows, func(row pgx.CollectableRow) (InstitutionRow, error) {
		var r InstitutionRow
		var status string
		err := row.Scan(&r.ID, &r.Name, &r.CreditCode, &r.Address, &r.LegalRep, &r.ContactName, &r.ContactPhone,
			&r.Venue, &r.Facilities, &r.Equipment, &r.Staff, &status, &r.DecisionNo, &r.DecisionDate, &r.DecidedBy,
			&r.StatusReason, &r.StatusChanged, &r.Version, &r.CreatedAt, &r.UpdatedAt, &r.ScopeCount, &r.UserCount, total)
		r.Status = training.InstitutionStatus(status)
		return r, err
	}, each)
	return translate(err, "institutions")
}

// InstitutionChoices is every non-revoked institution's id and name, for
// the account form's select.
func (s *Store) InstitutionChoices(ctx context.Context, a training.Actor) ([]training.Institution, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, `SELECT id, name, status FROM institutions WHERE status <> 'revoked' ORDER BY name, id`)
	if err != nil {
		return nil, translate(err, "institution choices")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Institution, error) {
		var in training.Institution
		var st string
		err := row.Scan(&in.ID, &in.Name, &st)
		in.Status = training.InstitutionStatus(st)
		return in, err
	})
	return list, translate(err, "institution choices")
}

// InstitutionStatusCounts counts institutions per status (bureau home).
func (s *Store) InstitutionStatusCounts(ctx context.Context, a training.Actor) (map[training.InstitutionStatus]int, error) {
	if !a.IsBureau() {
		return nil, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, `SELECT status, n FROM institution_counts WHERE n > 0`)
	if err != nil {
		return nil, translate(err, "institution counts")
	}
	out := map[training.InstitutionStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, translate(err, "institution counts")
		}
		out[training.InstitutionStatus(st)] = n
	}
	return out, translate(rows.Err(), "institution counts")
}

// institutionAudit is the audited view of an institution's editable fields.
func institutionAudit(in training.InstitutionInput) map[string]string {
	return map[string]string{
		"name": in.Name, "credit_code": in.CreditCode, "address": in.Address, "legal_rep": in.LegalRep,
		"contact_name": in.ContactName, "contact_phone": in.ContactPhone, "venue": in.Venue,
		"facilities": in.Facilities, "equipment": in.Equipment, "staff": in.Staff,
	}
}

func inputOf(in training.Institution) training.InstitutionInput {
	return training.InstitutionInput{Name: in.Name, CreditCode: in.CreditCode, Address: in.Address, LegalRep: in.LegalRep,
		ContactName: in.ContactName, ContactPhone: in.ContactPhone, Venue: in.Venue, Facilities: in.Facilities,
		Equipment: in.Equipment, Staff: in.Staff}
}

// CreateInstitution registers an institution in status 待审 (INST-1).
func (s *Store) CreateInstitution(ctx context.Context, a training.Actor, in training.InstitutionInput) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		now := s.now()
		err := tx.QueryRow(ctx, `
			INSERT INTO institutions (name, credit_code, address, legal_rep, contact_name, contact_phone,
				venue, facilities, equipment, staff, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $11) RETURNING id`,
			in.Name, in.CreditCode, in.Address, in.LegalRep, in.ContactName, in.ContactPhone,
			in.Venue, in.Facilities, in.Equipment, in.Staff, now).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "institution.create", Entity: "institution",
			EntityID: id, InstitutionID: id, After: institutionAudit(in)})
	})
	return id, translate(err, "create institution")
}

// UpdateInstitution changes an institution's details. The bureau may change
// every field; an institution user only its own contact person and phone
// (other fields they post are ignored). version guards against lost updates.
func (s *Store) UpdateInstitution(ctx context.Context, a training.Actor, id int64, version int, in training.InstitutionInput) error {
	if !canSeeInstitution(a, id) {
		return training.ErrNotFound
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+institutionColumns+` FROM institutions i WHERE i.id = $1 FOR UPDATE`, id)
		cur, err := pgx.CollectExactlyOneRow(rows, scanInstitution)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return training.ErrConflict
		}
		if err := training.DecideEditInstitution(cur.Status).Err(); err != nil {
			return err
		}
		before := inputOf(cur)
		next := before
		if a.IsBureau() {
			next = in
		} else {
			next.ContactName, next.ContactPhone = in.ContactName, in.ContactPhone
		}
		next.Normalize()
		if err := next.Validate(); err != nil {
			return err
		}
		if next == before {
			return nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE institutions SET name = $3, credit_code = $4, address = $5, legal_rep = $6, contact_name = $7,
				contact_phone = $8, venue = $9, facilities = $10, equipment = $11, staff = $12,
				version = version + 1, updated_at = $13
			WHERE id = $1 AND version = $2`,
			id, version, next.Name, next.CreditCode, next.Address, next.LegalRep, next.ContactName,
			next.ContactPhone, next.Venue, next.Facilities, next.Equipment, next.Staff, s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "institution.update", Entity: "institution",
			EntityID: id, InstitutionID: id, Before: institutionAudit(before), After: institutionAudit(next)})
	}), "update institution %d", id)
}

// ChangeInstitutionStatus designates, suspends, resumes or revokes (INST-1).
func (s *Store) ChangeInstitutionStatus(ctx context.Context, a training.Actor, id int64, version int, in training.StatusChangeInput) error {
	if !a.IsBureau() {
		if canSeeInstitution(a, id) {
			return training.ErrForbidden
		}
		return training.ErrNotFound
	}
	decision, err := in.Validate(s.Today())
	if err != nil {
		return err
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		var curVersion int
		err := tx.QueryRow(ctx, `SELECT status, version FROM institutions WHERE id = $1 FOR UPDATE`, id).Scan(&status, &curVersion)
		if err != nil {
			return err
		}
		if curVersion != version {
			return training.ErrConflict
		}
		from := training.InstitutionStatus(status)
		to, msg := training.NextInstitutionStatus(from, in.Action)
		if msg != "" {
			return training.InvalidGeneral(msg)
		}
		// Suspend, resume and revoke are sanctions (SUP-4): recorded, and a
		// resume needs an accepted rectification.
		if err := s.legacySanction(ctx, tx, a, id, in, from, to); err != nil {
			return err
		}
		now := s.now()
		if in.Action == training.ActDesignate {
			n, cerr := s.scopeCount(ctx, tx, id)
			if cerr != nil {
				return cerr
			}
			if rerr := training.DecideDesignate(n).Err(); rerr != nil {
				return rerr
			}
			_, err = tx.Exec(ctx, `
				UPDATE institutions SET status = $2, decision_no = $3, decision_date = $4, decided_by = $5,
					status_reason = '', status_changed = $6, version = version + 1, updated_at = $6
				WHERE id = $1 AND status = $7`, id, string(to), in.DecisionNo, decision, in.DecidedBy, now, status)
		} else {
			_, err = tx.Exec(ctx, `
				UPDATE institutions SET status = $2, status_reason = $3, status_changed = $4,
					version = version + 1, updated_at = $4
				WHERE id = $1 AND status = $5`, id, string(to), in.Reason, now, status)
		}
		if err != nil {
			return err
		}
		after := map[string]any{"status": to, "reason": in.Reason}
		if in.Action == training.ActDesignate {
			after = map[string]any{"status": to, "decision_no": in.DecisionNo,
				"decision_date": decision.Format("2006-01-02"), "decided_by": in.DecidedBy}
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "institution." + string(in.Action), Entity: "institution",
			EntityID: id, InstitutionID: id, Before: map[string]any{"status": from}, After: after})
	}), "institution %d %s", id, in.Action)
}

func (s *Store) scopeCount(ctx context.Context, tx pgx.Tx, id int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM institution_scopes WHERE institution_id = $1`, id).Scan(&n)
	return n, err
}

// ScopeInput is one line of the licensed-scope form.
type ScopeInput struct {
	OccupationID int64
	MaxLevel     training.Level
}

// SetScope replaces an institution's licensed scope (INST-2). Each level
// must be one the occupation has. Bureau only.
func (s *Store) SetScope(ctx context.Context, a training.Actor, id int64, version int, items []ScopeInput) error {
	if !a.IsBureau() {
		if canSeeInstitution(a, id) {
			return training.ErrForbidden
		}
		return training.ErrNotFound
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		var curVersion int
		err := tx.QueryRow(ctx, `SELECT status, version FROM institutions WHERE id = $1 FOR UPDATE`, id).Scan(&status, &curVersion)
		if err != nil {
			return err
		}
		if curVersion != version {
			return training.ErrConflict
		}
		if err := training.DecideEditScope(training.InstitutionStatus(status)).Err(); err != nil {
			return err
		}
		occs, err := s.occupationMap(ctx, tx)
		if err != nil {
			return err
		}
		var p training.Problems
		seen := map[int64]bool{}
		for i, it := range items {
			field := fmt.Sprintf("level_%d", it.OccupationID)
			o, ok := occs[it.OccupationID]
			switch {
			case !ok:
				p.Add(fmt.Sprintf("scope_%d", i), "工种不存在")
			case seen[it.OccupationID]:
				p.Add(field, "同一工种只能填写一次")
			case len(o.Levels) == 0 && it.MaxLevel != training.LevelNone:
				p.Add(field, o.Name+"没有职业技能等级，请选择「无等级」")
			case len(o.Levels) > 0 && !o.HasLevel(it.MaxLevel):
				p.Add(field, o.Name+"没有"+it.MaxLevel.Label()+"，请从该工种的等级中选择")
			}
			seen[it.OccupationID] = true
		}
		if err := p.Err(); err != nil {
			return err
		}
		before, err := s.scope(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM institution_scopes WHERE institution_id = $1`, id); err != nil {
			return err
		}
		sort.Slice(items, func(i, j int) bool { return occs[items[i].OccupationID].Code < occs[items[j].OccupationID].Code })
		after := make([]string, 0, len(items))
		for _, it := range items {
			if _, err := tx.Exec(ctx, `INSERT INTO institution_scopes (institution_id, occupation_id, max_level) VALUES ($1, $2, $3)`,
				id, it.OccupationID, int16(it.MaxLevel)); err != nil {
				return err
			}
			o := occs[it.OccupationID]
			after = append(after, o.Code+" "+o.Name+" "+it.MaxLevel.Short())
		}
		beforeText := make([]string, 0, len(before))
		for _, b := range before {
			beforeText = append(beforeText, b.OccupationCode+" "+b.OccupationName+" "+b.MaxLevel.Short())
		}
		if _, err := tx.Exec(ctx, `UPDATE institutions SET version = version + 1, updated_at = $2 WHERE id = $1`, id, s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "institution.scope", Entity: "institution",
			EntityID: id, InstitutionID: id, Before: map[string]any{"scope": beforeText}, After: map[string]any{"scope": after}})
	}), "set scope %d", id)
}

func (s *Store) occupationMap(ctx context.Context, q querier) (map[int64]training.Occupation, error) {
	rows, err := q.Query(ctx, `SELECT id, code, name, category, levels FROM occupations`)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanOccupation)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]training.Occupation, len(list))
	for _, o := range list {
		m[o.ID] = o
	}
	return m, nil
}

// InactiveCount is INST-4: designated institutions, designated more than six
// months ago, that started no class in the last six months.
func (s *Store) InactiveCount(ctx context.Context, a training.Actor) (int, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	var n int
	cutoff := s.Today().AddDate(0, -6, 0)
	err := s.pool.QueryRow(ctx, inactiveSQL, cutoff).Scan(&n)
	return n, translate(err, "inactive institutions")
}

// inactiveSQL is INST-4 with $1 the day six months ago. class_delivery
// holds exactly the classes approved and later, not cancelled: one
// index-only probe per designated institution.
const inactiveSQL = `SELECT count(*) FROM institutions i WHERE i.status = 'designated' AND i.decision_date < $1
	AND NOT EXISTS (SELECT 1 FROM class_delivery d WHERE d.institution_id = i.id AND d.start_date >= $1)`

// DesignatedCount is the number of designated institutions; any signed-in
// role may see it.
func (s *Store) DesignatedCount(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT n FROM institution_counts WHERE status = 'designated'`).Scan(&n)
	return n, translate(err, "designated count")
}
