package repository

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The examiner pool (考评员库, EXAM-2): each evaluation organisation keeps
// its examiners; a centre user reads and keeps their own organisation's.

func init() {
	for k, v := range map[string][2]string{
		"examiners_eval_org_fkey":              {"", "考核机构不存在"},
		"examiners_name_check":                 {"name", "请填写考评员姓名（最多50字）"},
		"examiners_id_number_check":            {"id_number", "身份证号码格式不正确"},
		"examiners_employer_check":             {"employer", "请填写工作单位（最多100字）"},
		"examiners_certificate_no_check":       {"certificate_no", "请填写考评员证书编号（最多50字）"},
		"examiners_org_person_key":             {"id_number", "该身份证号码的考评员已在考评员库中"},
		"examiner_scopes_pkey":                 {"scope_0", "同一职业（工种）只填一行"},
		"examiner_scopes_examiner_fkey":        {"", "考评员不存在"},
		"examiner_scopes_occupation_fkey":      {"scope_0", "工种不存在"},
		"examiner_scopes_level_check":          {"scope_0", "请选择等级"},
		"exam_examiners_examiner_fkey":         {"", "所选考评员不在考评员库中"},
		"exam_sessions_cancelled_check":        {"change_reason", "取消考试须填写原因"},
		"exam_session_changes_kind_check":      {"", "改期记录的类别无效"},
		"exam_session_changes_reason_check":    {"change_reason", "请填写原因（最多500字）"},
		"exam_session_changes_session_fkey":    {"", "考试场次不存在"},
		"eval_orgs_withdrawn_check":            {"reason", "只能撤销社会培训评价机构的核准，并须填写原因"},
		"eval_orgs_withdrawn_reason_check":     {"reason", "原因过长（最多500字）"},
		"exam_sessions_org_approved_check":     {"", training.RuleOrgWithdrawn.Msg()},
		"exam_applications_org_approved_check": {"eval_org_id", training.RuleOrgWithdrawn.Msg()},
	} {
		constraintErrors[k] = v
	}
}

// Examiners lists the actor's organisation's pool, active ones first.
func (s *Store) Examiners(ctx context.Context, a training.Actor) ([]training.PoolExaminer, error) {
	if !a.IsCentre() {
		return nil, training.ErrForbidden
	}
	m, order, err := s.loadPool(ctx, s.pool, a, nil)
	if err != nil {
		return nil, translate(err, "examiners")
	}
	out := make([]training.PoolExaminer, 0, len(order))
	for _, id := range order {
		out = append(out, m[id])
	}
	return out, nil
}

// ExaminerPool is a page of the actor's organisation's pool, in the
// pool's order, and how many it holds; with holding > 0, the page that
// holds that examiner instead (a step refused beside its row). The pool is
// read whole (a centre registers a few hundred examiners: one batch,
// about a millisecond) and the page cut from it: a page of the table is
// what the centre reads, not 300 rows with a form each. It returns the
// page it cut.
func (s *Store) ExaminerPool(ctx context.Context, a training.Actor, p Page, holding int64) ([]training.PoolExaminer, Page, int, error) {
	all, err := s.Examiners(ctx, a)
	if err != nil {
		return nil, p, 0, err
	}
	if holding > 0 {
		for i, x := range all {
			if x.ID == holding {
				p.Number = i/p.limit() + 1
			}
		}
	}
	from := min(p.offset(), len(all))
	return all[from:min(from+p.limit(), len(all))], p, len(all), nil
}

// ExaminerByID is one record of the actor's organisation's pool.
func (s *Store) ExaminerByID(ctx context.Context, a training.Actor, id int64) (training.PoolExaminer, error) {
	if !a.IsCentre() {
		return training.PoolExaminer{}, training.ErrForbidden
	}
	m, _, err := s.loadPool(ctx, s.pool, a, []int64{id})
	if err != nil {
		return training.PoolExaminer{}, translate(err, "examiner %d", id)
	}
	e, ok := m[id]
	if !ok {
		return e, training.ErrNotFound
	}
	return e, nil
}

// loadPool loads the actor's organisation's pool (only ids when given)
// with scopes, in one round trip; order is the list order.
func (s *Store) loadPool(ctx context.Context, q batcher, a training.Actor, ids []int64) (map[int64]training.PoolExaminer, []int64, error) {
	b := &pgx.Batch{}
	pr := queuePool(b, a, ids)
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, err
	}
	return pr.done()
}

// poolRead is the examiner pool queued on a batch (queuePool): done gives
// the examiners by id with their scopes, and their order, once the batch
// has been read.
type poolRead struct {
	m      map[int64]training.PoolExaminer
	order  []int64
	scopes map[int64][]training.ScopeItem
}

func (pr *poolRead) done() (map[int64]training.PoolExaminer, []int64, error) {
	for id, sc := range pr.scopes {
		if e, ok := pr.m[id]; ok {
			e.Scopes = sc
			pr.m[id] = e
		}
	}
	return pr.m, pr.order, nil
}

// list is the pool in its order.
func (pr *poolRead) list() []training.PoolExaminer {
	m, order, _ := pr.done()
	out := make([]training.PoolExaminer, 0, len(order))
	for _, id := range order {
		out = append(out, m[id])
	}
	return out
}

// queuePool queues the reads of the actor's organisation's examiner pool
// (only ids, unless nil) on b.
func queuePool(b *pgx.Batch, a training.Actor, ids []int64) *poolRead {
	pr := &poolRead{m: map[int64]training.PoolExaminer{}, scopes: map[int64][]training.ScopeItem{}}
	filter := ``
	args := []any{a.UserID}
	if ids != nil {
		filter = ` AND x.id = ANY($2)`
		args = append(args, ids)
	}
	b.Queue(`SELECT x.id, x.eval_org_id, x.name, x.id_number, x.employer, x.certificate_no, x.active, x.version, x.updated_by, x.updated_at
		FROM examiners x WHERE x.eval_org_id = `+poolOrg(1)+filter+` ORDER BY x.active DESC, x.name, x.id`, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var e training.PoolExaminer
			if err := rows.Scan(&e.ID, &e.EvalOrgID, &e.Name, &e.IDNumber, &e.Employer, &e.CertificateNo, &e.Active, &e.Version,
				&e.UpdatedBy, &e.UpdatedAt); err != nil {
				return err
			}
			pr.m[e.ID] = e
			pr.order = append(pr.order, e.ID)
		}
		return rows.Err()
	})
	b.Queue(`SELECT sc.examiner_id, sc.occupation_id, o.code, o.name, sc.max_level
		FROM examiner_scopes sc JOIN examiners x ON x.id = sc.examiner_id JOIN occupations o ON o.id = sc.occupation_id
		WHERE x.eval_org_id = `+poolOrg(1)+filter+` ORDER BY sc.examiner_id, o.code`, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var id int64
			var sc training.ScopeItem
			var level int16
			if err := rows.Scan(&id, &sc.OccupationID, &sc.OccupationCode, &sc.OccupationName, &level); err != nil {
				return err
			}
			sc.MaxLevel = training.Level(level)
			pr.scopes[id] = append(pr.scopes[id], sc)
		}
		return rows.Err()
	})
	return pr
}

// poolOrg is centreOrgSQL with the user id as argument $n.
func poolOrg(n int) string {
	return `coalesce((SELECT eval_org_id FROM users WHERE id = $` + strconv.Itoa(n) + `), (SELECT id FROM eval_orgs WHERE kind = 'centre'))`
}

// SaveExaminer adds a record to the actor's organisation's pool (id 0) or
// changes one (guarded by its version). It returns the record's id.
func (s *Store) SaveExaminer(ctx context.Context, a training.Actor, id int64, version int, in training.PoolExaminerInput) (int64, error) {
	if !a.IsCentre() {
		return 0, training.ErrForbidden
	}
	e, err := in.Validate(s.Today())
	if err != nil {
		return 0, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		by, now := actorLabel(a), s.now()
		action := "examiner.create"
		var before any
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO examiners (eval_org_id, name, id_number, employer, certificate_no, created_by, created_at,
					updated_by, updated_at) VALUES (`+poolOrg(1)+`, $2, $3, $4, $5, $6, $7, $6, $7) RETURNING id`,
				a.UserID, e.Name, e.IDNumber, e.Employer, e.CertificateNo, by, now).Scan(&id); err != nil {
				return err
			}
		} else {
			action = "examiner.update"
			m, _, err := s.loadPool(ctx, tx, a, []int64{id})
			if err != nil {
				return err
			}
			old, ok := m[id]
			if !ok {
				return training.ErrNotFound
			}
			before = examinerAudit(old)
			tag, err := tx.Exec(ctx, `UPDATE examiners SET name = $3, id_number = $4, employer = $5, certificate_no = $6, updated_by = $7,
					updated_at = $8, version = version + 1 WHERE id = $1 AND version = $2`,
				id, version, e.Name, e.IDNumber, e.Employer, e.CertificateNo, by, now)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return training.ErrConflict
			}
			if _, err := tx.Exec(ctx, `DELETE FROM examiner_scopes WHERE examiner_id = $1`, id); err != nil {
				return err
			}
		}
		b := &pgx.Batch{}
		for _, sc := range e.Scopes {
			b.Queue(`INSERT INTO examiner_scopes (examiner_id, occupation_id, max_level) VALUES ($1, $2, $3)`, id, sc.OccupationID, int16(sc.MaxLevel))
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		m, _, err := s.loadPool(ctx, tx, a, []int64{id})
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "examiner", EntityID: id, Before: before, After: examinerAudit(m[id])})
	})
	return id, translate(err, "save examiner %d", id)
}

// SetExaminerActive takes a record out of use (it stays on the sessions it
// examined) or back into use.
func (s *Store) SetExaminerActive(ctx context.Context, a training.Actor, id int64, version int, active bool) error {
	if !a.IsCentre() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `UPDATE examiners SET active = $3, version = version + 1, updated_by = $4, updated_at = $5
			WHERE id = $1 AND version = $2 AND active <> $3 AND eval_org_id = `+poolOrg(6)+` RETURNING name`,
			id, version, active, actorLabel(a), s.now(), a.UserID).Scan(&name)
		if err == pgx.ErrNoRows {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM examiners WHERE id = $1 AND eval_org_id = `+poolOrg(2)+`)`,
				id, a.UserID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return training.ErrNotFound
			}
			return training.ErrConflict
		}
		if err != nil {
			return err
		}
		action := "examiner.deactivate"
		if active {
			action = "examiner.activate"
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "examiner", EntityID: id, After: map[string]any{"name": name}})
	}), "set examiner %d active", id)
}

func examinerAudit(e training.PoolExaminer) map[string]any {
	return map[string]any{"name": e.Name, "id_number": training.MaskID(e.IDNumber), "employer": e.Employer,
		"certificate_no": e.CertificateNo, "scope": e.ScopeText()}
}
