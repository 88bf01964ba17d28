package repository

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

const teacherColumns = `t.id, t.name, t.id_number, t.phone, t.education, t.title, t.status, t.review_note,
	t.submitted_at, t.reviewed_at, t.reviewed_by, t.version, t.created_at, t.updated_at`

func scanTeacher(row pgx.CollectableRow) (training.Teacher, error) {
	var t training.Teacher
	var edu, title int16
	var status string
	err := row.Scan(&t.ID, &t.Name, &t.IDNumber, &t.Phone, &edu, &title, &status, &t.ReviewNote,
		&t.SubmittedAt, &t.ReviewedAt, &t.ReviewedBy, &t.Version, &t.CreatedAt, &t.UpdatedAt)
	t.Education, t.Title, t.Status = training.Education(edu), training.Title(title), training.TeacherStatus(status)
	return t, err
}

// batcher runs a batch of queries in one round trip (a pool or a tx).
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// teacherScope limits a teacher query to what the actor may see: the bureau
// sees the whole pool, an institution its linked teachers, nobody else
// anything. It returns the condition on alias t and its argument.
func teacherScope(a training.Actor) (string, bool) {
	switch {
	case a.IsBureau():
		return "true", true
	case a.IsInstitution():
		// The linked ids as an array: primary-key lookups of the school's
		// hundred or so teachers, where a semi-join hashes all of them
		// (TestListQueriesUseIndexes).
		return "t.id = ANY (ARRAY(SELECT ti.teacher_id FROM teacher_institutions ti WHERE ti.institution_id = " +
			strconv.FormatInt(a.InstitutionID, 10) + "))", true
	}
	return "", false
}

// loadTeachers loads teachers by id with their certificates, equivalences
// and linked institutions in one round trip of four queries, whatever the
// number of teachers. Missing ids are simply absent from the map.
func (s *Store) loadTeachers(ctx context.Context, q batcher, ids []int64, withFiles bool) (map[int64]*training.Teacher, error) {
	out := make(map[int64]*training.Teacher, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	b := &pgx.Batch{}
	queueTeachers(b, ids, withFiles, out)
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// queueTeachers adds to b the queries that fill out with the given
// teachers, their certificates, equivalences, institutions and (withFiles)
// files, so a caller can send them with its own queries in one round trip.
func queueTeachers(b *pgx.Batch, ids []int64, withFiles bool, out map[int64]*training.Teacher) {
	if len(ids) == 0 {
		return
	}
	queueTeachersIn(b, "ANY($1)", ids, withFiles, out)
}

// queueTeachersIn is queueTeachers for the teachers whose id is in set, an
// SQL expression of one argument arg (e.g. "ANY($1)" with a slice of ids,
// or a subquery on a class id), so a page can name its teachers without a
// round trip to learn their ids first.
func queueTeachersIn(b *pgx.Batch, set string, arg any, withFiles bool, out map[int64]*training.Teacher) {
	ids := arg // the argument of set
	b.Queue(`SELECT `+teacherColumns+` FROM teachers t WHERE t.id = `+set, ids).Query(func(rows pgx.Rows) error {
		list, err := pgx.CollectRows(rows, scanTeacher)
		for i := range list {
			out[list[i].ID] = &list[i]
		}
		return err
	})
	b.Queue(`
		SELECT c.teacher_id, c.id, c.occupation_id, o.code, o.name, c.level, c.cert_no, c.issue_date, c.issuer
		FROM teacher_certificates c JOIN occupations o ON o.id = c.occupation_id
		WHERE c.teacher_id = `+set+` ORDER BY c.teacher_id, o.code, c.level, c.id`, ids).Query(func(rows pgx.Rows) error {
		var tid int64
		var c training.Certificate
		var lvl int16
		_, err := pgx.ForEachRow(rows, []any{&tid, &c.ID, &c.OccupationID, &c.OccupationCode, &c.OccupationName, &lvl, &c.Number, &c.IssueDate, &c.Issuer}, func() error {
			c.Level = training.Level(lvl)
			if t := out[tid]; t != nil {
				t.Certificates = append(t.Certificates, c)
			}
			return nil
		})
		return err
	})
	b.Queue(`
		SELECT e.teacher_id, e.id, e.requirement, e.band, e.role, coalesce(e.occupation_id, 0), coalesce(o.name, ''),
			e.basis, e.decided_by, e.decided_on, e.recorded_name, e.recorded_at
		FROM teacher_equivalences e LEFT JOIN occupations o ON o.id = e.occupation_id
		WHERE e.teacher_id = `+set+` ORDER BY e.teacher_id, e.id`, ids).Query(func(rows pgx.Rows) error {
		var tid int64
		var e training.Equivalence
		var req, band, role string
		_, err := pgx.ForEachRow(rows, []any{&tid, &e.ID, &req, &band, &role, &e.OccupationID, &e.OccupationName,
			&e.Basis, &e.DecidedBy, &e.DecidedOn, &e.RecordedBy, &e.RecordedAt}, func() error {
			e.Requirement, e.Band, e.Role = training.Requirement(req), training.Band(band), training.TeachingRole(role)
			if t := out[tid]; t != nil {
				t.Equivalences = append(t.Equivalences, e)
			}
			return nil
		})
		return err
	})
	b.Queue(`
		SELECT ti.teacher_id, i.id, i.name FROM teacher_institutions ti JOIN institutions i ON i.id = ti.institution_id
		WHERE ti.teacher_id = `+set+` ORDER BY ti.teacher_id, i.name, i.id`, ids).Query(func(rows pgx.Rows) error {
		var tid int64
		var in training.TeacherInstitution
		_, err := pgx.ForEachRow(rows, []any{&tid, &in.ID, &in.Name}, func() error {
			if t := out[tid]; t != nil {
				t.Institutions = append(t.Institutions, in)
			}
			return nil
		})
		return err
	})
	if withFiles {
		b.Queue(`
			SELECT f.teacher_id, f.id, coalesce(f.certificate_id, 0), f.filename, f.content_type, f.size, f.sha256,
				f.uploaded_at, coalesce(u.name, ''), coalesce(f.institution_id, 0)
			FROM teacher_files f LEFT JOIN users u ON u.id = f.uploaded_by
			WHERE f.teacher_id = `+set+` ORDER BY f.teacher_id, f.id`, ids).Query(func(rows pgx.Rows) error {
			var tid int64
			var f training.TeacherFile
			var sum []byte
			_, err := pgx.ForEachRow(rows, []any{&tid, &f.ID, &f.CertificateID, &f.Filename, &f.ContentType, &f.Size, &sum,
				&f.UploadedAt, &f.UploadedBy, &f.InstitutionID}, func() error {
				f.SHA256 = hex.EncodeToString(sum)
				if t := out[tid]; t != nil {
					t.Files = append(t.Files, f)
				}
				return nil
			})
			return err
		})
	}
}

// TeacherFilter narrows the teacher list.
type TeacherFilter struct {
	Status       training.TeacherStatus
	Name         string // part of the name, or a whole ID number
	OccupationID int64  // holds a certificate in this occupation
}

// TeacherRow is a line of the teacher list. ID numbers and phones are
// masked here so that a list can never show them in full.
type TeacherRow struct {
	ID           int64
	Name         string
	IDMasked     string
	PhoneMasked  string
	Education    training.Education
	Title        training.Title
	Status       training.TeacherStatus
	Certificates string // "中式烹调师 二级；电工 三级"
	Institutions string
	UpdatedAt    string
}

var teacherSorts = map[string]string{
	"name":    "t.name, t.id",
	"status":  "t.status, t.name, t.id",
	"updated": "t.updated_at, t.id",
}

// Teachers lists the pool: the bureau sees every teacher, an institution
// the teachers linked to it.
func (s *Store) Teachers(ctx context.Context, a training.Actor, f TeacherFilter, p Page) ([]TeacherRow, int, error) {
	w, ok := teacherListWhere(a, f)
	if !ok {
		return nil, 0, training.ErrForbidden
	}
	// The total and the page in one round trip: the page in the list's
	// order from an index, its twenty rows read in full (count(*) OVER ()
	// read and sorted all 10,000 teachers on every view).
	var total int
	var list []TeacherRow
	b := &pgx.Batch{}
	b.Queue(`SELECT count(*) FROM teachers t`+w.sql(), w.args...).QueryRow(func(row pgx.Row) error { return row.Scan(&total) })
	q := teacherListSQL(w, p) // adds the LIMIT and OFFSET arguments
	b.Queue(q, w.args...).Query(func(rows pgx.Rows) error {
		return forEach(rows, scanTeacherRow, func(r TeacherRow) error {
			list = append(list, r)
			return nil
		})
	})
	err := s.pool.SendBatch(ctx, b).Close()
	return list, total, translate(err, "teachers")
}

// TeachersEach hands each every teacher of the list in the page's order,
// one at a time (the list's .xlsx export; ID numbers and phones masked
// as on the page).
func (s *Store) TeachersEach(ctx context.Context, a training.Actor, f TeacherFilter, p Page, each func(TeacherRow) error) error {
	w, ok := teacherListWhere(a, f)
	if !ok {
		return training.ErrForbidden
	}
	p.all = true
	q := teacherListSQL(w, p)
	rows, err := s.pool.Query(ctx, q, w.args...)
	if err != nil {
		return translate(err, "teachers")
	}
	return translate(forEach(rows, scanTeacherRow, each), "teachers")
}

func teacherListWhere(a training.Actor, f TeacherFilter) (*where, bool) {
	scope, ok := teacherScope(a)
	if !ok {
		return nil, false
	}
	var w where
	w.add(scope)
	if f.Status != "" {
		w.add("t.status = ?", string(f.Status))
	}
	if f.Name != "" {
		w.add("(t.name LIKE ? OR t.id_number = ?)", "%"+likeEscape(f.Name)+"%", training.NormalizeIDNumber(f.Name))
	}
	if f.OccupationID != 0 {
		w.add("EXISTS (SELECT 1 FROM teacher_certificates c WHERE c.teacher_id = t.id AND c.occupation_id = ?)", f.OccupationID)
	}
	return &w, true
}

// teacherListSQL is the list's rows for w in p's order (w gets the
// LIMIT and OFFSET arguments).
func teacherListSQL(w *where, p Page) string {
	return `SELECT t.id, t.name, t.id_number, t.phone, t.education, t.title, t.status, to_char(t.updated_at, 'YYYY-MM-DD HH24:MI'),
			coalesce((SELECT string_agg(o.name || ' ' || c.level, '；' ORDER BY o.code, c.level)
				FROM teacher_certificates c JOIN occupations o ON o.id = c.occupation_id WHERE c.teacher_id = t.id), ''),
			coalesce((SELECT string_agg(i.name, '；' ORDER BY i.name)
				FROM teacher_institutions ti JOIN institutions i ON i.id = ti.institution_id WHERE ti.teacher_id = t.id), '')
		FROM teachers t` + w.sql() + orderBy(p, teacherSorts, "name") +
		` LIMIT ` + w.arg(p.limitArg()) + ` OFFSET ` + w.arg(p.offsetArg())
}

// scanTeacherRow reads a line of teacherListSQL, masking the ID number
// and phone.
func scanTeacherRow(row pgx.CollectableRow) (TeacherRow, error) {
	var r TeacherRow
	var idn, phone, status string
	var edu, title int16
	if err := row.Scan(&r.ID, &r.Name, &idn, &phone, &edu, &title, &status, &r.UpdatedAt, &r.Certificates, &r.Institutions); err != nil {
		return r, err
	}
	r.IDMasked, r.PhoneMasked = training.MaskID(idn), training.MaskPhone(phone)
	r.Education, r.Title, r.Status = training.Education(edu), training.Title(title), training.TeacherStatus(status)
	r.Certificates = levelDigitsToShort(r.Certificates)
	return r, nil
}

// levelDigitsToShort turns "中式烹调师 2" into "中式烹调师 二级".
func levelDigitsToShort(s string) string {
	if s == "" {
		return s
	}
	parts := strings.Split(s, "；")
	for i, p := range parts {
		if j := strings.LastIndexByte(p, ' '); j >= 0 {
			n, err := strconv.Atoi(p[j+1:])
			if err == nil {
				parts[i] = p[:j+1] + training.Level(n).Short()
			}
		}
	}
	return strings.Join(parts, "；")
}

// TeacherDetail is one teacher with everything on its page, including the
// full ID number and phone. Only the bureau and the teacher's linked
// institutions may see it, and every view is written to the audit log
// (teacher.view_pii) in the same transaction as the read.
func (s *Store) TeacherDetail(ctx context.Context, a training.Actor, id int64) (training.Teacher, error) {
	t, _, err := s.teacherDetail(ctx, a, id, false)
	return t, err
}

// TeacherPage is the teacher page's one repository call: TeacherDetail
// (the audited view) and the related-occupation pairs its eligibility
// table reads, in the same transaction.
func (s *Store) TeacherPage(ctx context.Context, a training.Actor, id int64) (training.Teacher, func(a, b int64) bool, error) {
	return s.teacherDetail(ctx, a, id, true)
}

func (s *Store) teacherDetail(ctx context.Context, a training.Actor, id int64, withRelated bool) (training.Teacher, func(a, b int64) bool, error) {
	scope, ok := teacherScope(a)
	if !ok {
		return training.Teacher{}, nil, training.ErrNotFound
	}
	var t training.Teacher
	var related func(a, b int64) bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var visible bool
		if err := tx.QueryRow(ctx, `SELECT `+scope+` FROM teachers t WHERE t.id = $1`, id).Scan(&visible); err != nil {
			return err
		}
		if !visible {
			return training.ErrNotFound
		}
		m, err := s.loadTeachers(ctx, tx, []int64{id}, true)
		if err != nil {
			return err
		}
		if m[id] == nil {
			return training.ErrNotFound
		}
		t = *m[id]
		if withRelated {
			if related, err = s.relatedFunc(ctx, tx); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher.view_pii", Entity: "teacher", EntityID: id,
			InstitutionID: a.InstitutionID, After: map[string]any{"id_number": training.MaskID(t.IDNumber)}})
	})
	return t, related, translate(err, "teacher %d", id)
}

// teacherAudit is the audited view of a teacher's fields (masked).
func teacherAudit(in training.TeacherInput, status training.TeacherStatus) map[string]any {
	return map[string]any{"name": in.Name, "id_number": training.MaskID(in.IDNumber), "phone": training.MaskPhone(in.Phone),
		"education": in.Education.Label(), "title": in.Title.Label(), "status": status}
}

// CreateTeacher proposes a teacher employed by the actor's institution. If
// the person (by ID number) is already in the pool, the institution is
// linked to the existing record instead; the typed name must then match the
// record's, so an ID number alone does not link a stranger. linked reports
// which happened.
func (s *Store) CreateTeacher(ctx context.Context, a training.Actor, in training.TeacherInput) (id int64, linked bool, err error) {
	if !a.IsInstitution() {
		return 0, false, training.ErrForbidden
	}
	in.Normalize()
	if err := in.Validate(s.Today()); err != nil {
		return 0, false, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		now := s.now()
		linked = false
		// Insert-or-find in one statement: two institutions proposing the
		// same person at once end with one record.
		err := tx.QueryRow(ctx, `
			INSERT INTO teachers (id_number, name, phone, education, title, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'draft', $6, $6)
			ON CONFLICT (id_number) DO NOTHING RETURNING id`,
			in.IDNumber, in.Name, in.Phone, int16(in.Education), int16(in.Title), now).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			linked = true
			var name string
			if err := tx.QueryRow(ctx, `SELECT id, name FROM teachers WHERE id_number = $1 FOR UPDATE`, in.IDNumber).Scan(&id, &name); err != nil {
				return err
			}
			if name != in.Name {
				return training.Invalid("name", "该身份证号码已在师资库中登记，但姓名与登记的不一致，请核对")
			}
		} else if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO teacher_institutions (teacher_id, institution_id, linked_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, id, a.InstitutionID, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return training.Invalid("id_number", "该教师已在本机构师资名单中")
		}
		action, after := "teacher.create", any(teacherAudit(in, training.TeacherDraft))
		if linked {
			action, after = "teacher.link", map[string]any{"institution_id": a.InstitutionID, "id_number": training.MaskID(in.IDNumber)}
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "teacher", EntityID: id,
			InstitutionID: a.InstitutionID, After: after})
	})
	return id, linked, translate(err, "create teacher")
}

// lockTeacher locks a teacher the actor may change and returns it. An
// institution reaches only its linked teachers; anything else is not found.
func (s *Store) lockTeacher(ctx context.Context, tx pgx.Tx, a training.Actor, id int64) (training.Teacher, error) {
	scope, ok := teacherScope(a)
	if !ok {
		return training.Teacher{}, training.ErrNotFound
	}
	rows, _ := tx.Query(ctx, `SELECT `+teacherColumns+` FROM teachers t WHERE t.id = $1 AND `+scope+` FOR UPDATE OF t`, id)
	return pgx.CollectExactlyOneRow(rows, scanTeacher)
}

// qualificationChanged moves an approved teacher back to review after a
// change to education, title or certificates, bumps the version, and
// returns the new status.
func (s *Store) qualificationChanged(ctx context.Context, tx pgx.Tx, t training.Teacher) (training.TeacherStatus, error) {
	to, _ := training.NextTeacherStatus(t.Status, training.ActTeacherChange)
	now := s.now()
	var err error
	if to != t.Status {
		_, err = tx.Exec(ctx, `UPDATE teachers SET status = $2, submitted_at = $3, version = version + 1, updated_at = $3 WHERE id = $1`, t.ID, string(to), now)
	} else {
		_, err = tx.Exec(ctx, `UPDATE teachers SET version = version + 1, updated_at = $2 WHERE id = $1`, t.ID, now)
	}
	return to, err
}

func teacherInputOf(t training.Teacher) training.TeacherInput {
	return training.TeacherInput{Name: t.Name, IDNumber: t.IDNumber, Phone: t.Phone, Education: t.Education, Title: t.Title}
}

// UpdateTeacher changes a teacher's name, phone, education and title (the
// ID number is the key and cannot change). A change to education or title
// of an approved teacher sends it back to review (第五条).
func (s *Store) UpdateTeacher(ctx context.Context, a training.Actor, id int64, version int, in training.TeacherInput) error {
	if !a.IsInstitution() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := s.lockTeacher(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return training.ErrConflict
		}
		before := teacherInputOf(cur)
		next := in
		next.IDNumber = cur.IDNumber
		next.Normalize()
		if err := next.Validate(s.Today()); err != nil {
			return err
		}
		if next == before {
			return nil
		}
		status := cur.Status
		if next.Education != before.Education || next.Title != before.Title {
			if status, err = s.qualificationChanged(ctx, tx, cur); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `
			UPDATE teachers SET name = $2, phone = $3, education = $4, title = $5,
				version = version + 1, updated_at = $6
			WHERE id = $1`, id, next.Name, next.Phone, int16(next.Education), int16(next.Title), s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher.update", Entity: "teacher", EntityID: id,
			InstitutionID: a.InstitutionID, Before: teacherAudit(before, cur.Status), After: teacherAudit(next, status)})
	}), "update teacher %d", id)
}

// AddCertificate records a certificate on a teacher (a qualification
// change: an approved teacher goes back to review).
func (s *Store) AddCertificate(ctx context.Context, a training.Actor, id int64, version int, in training.CertificateInput) error {
	if !a.IsInstitution() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := s.lockTeacher(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return training.ErrConflict
		}
		var occ training.Occupation
		if in.OccupationID != 0 {
			rows, _ := tx.Query(ctx, `SELECT id, code, name, category, levels FROM occupations WHERE id = $1`, in.OccupationID)
			occ, err = pgx.CollectExactlyOneRow(rows, scanOccupation)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		issued, err := in.Validate(occ, s.Today())
		if err != nil {
			return err
		}
		number := strings.TrimSpace(in.Number)
		var certID int64
		err = tx.QueryRow(ctx, `
			INSERT INTO teacher_certificates (teacher_id, occupation_id, level, cert_no, issue_date, issuer, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			id, in.OccupationID, int16(in.Level), number, issued, strings.TrimSpace(in.Issuer), s.now()).Scan(&certID)
		if err != nil {
			return err
		}
		status, err := s.qualificationChanged(ctx, tx, cur)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher.certificate_add", Entity: "teacher", EntityID: id,
			InstitutionID: a.InstitutionID, Before: map[string]any{"status": cur.Status},
			After: map[string]any{"certificate_id": certID, "occupation": occ.Code + " " + occ.Name, "level": in.Level.Short(),
				"cert_no": number, "issue_date": issued.Format("2006-01-02"), "status": status}})
	}), "add certificate to teacher %d", id)
}

// RemoveCertificate deletes a certificate and its scans (a qualification
// change).
func (s *Store) RemoveCertificate(ctx context.Context, a training.Actor, id int64, version int, certID int64) error {
	if !a.IsInstitution() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := s.lockTeacher(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return training.ErrConflict
		}
		var certNo string
		var lvl int16
		var occ string
		err = tx.QueryRow(ctx, `
			DELETE FROM teacher_certificates c USING occupations o
			WHERE c.id = $1 AND c.teacher_id = $2 AND o.id = c.occupation_id
			RETURNING c.cert_no, c.level, o.code || ' ' || o.name`, certID, id).Scan(&certNo, &lvl, &occ)
		if err != nil {
			return err
		}
		status, err := s.qualificationChanged(ctx, tx, cur)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher.certificate_remove", Entity: "teacher", EntityID: id,
			InstitutionID: a.InstitutionID,
			Before:        map[string]any{"certificate_id": certID, "occupation": occ, "level": training.Level(lvl).Short(), "cert_no": certNo, "status": cur.Status},
			After:         map[string]any{"status": status}})
	}), "remove certificate %d of teacher %d", certID, id)
}

// ReviewTeacher is a step of the review: an institution submits, the bureau
// approves into the pool or returns with reasons.
func (s *Store) ReviewTeacher(ctx context.Context, a training.Actor, id int64, version int, action training.TeacherAction, note string) error {
	switch action {
	case training.ActTeacherSubmit:
		if !a.IsInstitution() {
			return training.ErrForbidden
		}
	case training.ActTeacherApprove, training.ActTeacherReturn:
		if !a.IsBureau() {
			return training.ErrForbidden
		}
	default:
		return training.ErrForbidden
	}
	note = strings.TrimSpace(note)
	if action == training.ActTeacherReturn && note == "" {
		return training.Invalid("note", "请填写退回原因")
	}
	if len([]rune(note)) > 1000 {
		return training.Invalid("note", "原因过长（最多1000字）")
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := s.lockTeacher(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return training.ErrConflict
		}
		to, msg := training.NextTeacherStatus(cur.Status, action)
		if msg != "" {
			return training.InvalidGeneral(msg)
		}
		now := s.now()
		switch action {
		case training.ActTeacherSubmit:
			_, err = tx.Exec(ctx, `UPDATE teachers SET status = $2, submitted_at = $3, version = version + 1, updated_at = $3
				WHERE id = $1 AND status = $4`, id, string(to), now, string(cur.Status))
		default:
			_, err = tx.Exec(ctx, `UPDATE teachers SET status = $2, review_note = $3, reviewed_at = $4, reviewed_by = $5,
				version = version + 1, updated_at = $4 WHERE id = $1 AND status = $6`,
				id, string(to), note, now, actorLabel(a), string(cur.Status))
		}
		if err != nil {
			return err
		}
		if action != training.ActTeacherSubmit {
			n := InboxNotice{Kind: "teacher." + string(action), Title: "教师已审核入库：" + cur.Name, Href: "/teachers/" + strconv.FormatInt(id, 10)}
			if action == training.ActTeacherReturn {
				n.Title, n.Body = "教师申报被退回："+cur.Name, note
			}
			if err := s.insertNotice(ctx, tx, `SELECT u.id FROM users u JOIN teacher_institutions ti ON ti.institution_id = u.institution_id
				WHERE ti.teacher_id = $1`, id, n); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "teacher." + string(action), Entity: "teacher", EntityID: id,
			InstitutionID: a.InstitutionID, Before: map[string]any{"status": cur.Status},
			After: map[string]any{"status": to, "note": note}})
	}), "teacher %d %s", id, action)
}
