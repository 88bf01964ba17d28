package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Complaints (SUP-2, 第十五条). The public files and follows; the bureau
// handles; the institution reads what the bureau forwarded, without the
// complainant's contact (its queries never select phone or name).

// publicActor is who the audit log names for a complaint or a survey
// answer from the public.
var publicActor = training.Actor{Name: "公众", Role: "public"}

// ComplaintUpload is one attachment as received, its type sniffed.
type ComplaintUpload struct {
	Filename    string
	ContentType string
	Data        []byte
}

// FileComplaint records a complaint from the public and returns its
// tracking number. The class number, when given, must be one of the
// institution's classes. The due date is 15 working days after the day of
// receipt (Asia/Shanghai).
func (s *Store) FileComplaint(ctx context.Context, in training.ComplaintInput, files []ComplaintUpload) (string, error) {
	plan, err := training.ParseComplaint(in)
	if err != nil {
		return "", err
	}
	if rs := training.DecideComplaintTarget(training.ComplaintTarget{Files: len(files), InstitutionOpen: true}); !rs.OK() {
		return "", rs.Err()
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return "", err
	}
	today := s.Today()
	due, _ := cal.ComplaintDueDate(today)
	var no string
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM institutions WHERE id = $1 AND status <> 'pending')`,
			plan.InstitutionID).Scan(&ok); err != nil {
			return err
		}
		target := training.ComplaintTarget{Files: len(files), InstitutionOpen: ok, ClassAsked: plan.ClassNo != ""}
		var classID *int64
		if ok && target.ClassAsked {
			var id int64
			err := tx.QueryRow(ctx, `SELECT id FROM classes WHERE class_no = $1 AND institution_id = $2`, plan.ClassNo, plan.InstitutionID).Scan(&id)
			if err != nil && err != pgx.ErrNoRows {
				return err
			}
			if target.ClassFound = err == nil; target.ClassFound {
				classID = &id
			}
		}
		if rs := training.DecideComplaintTarget(target); !rs.OK() {
			return rs.Err()
		}
		no = training.NewTrackingNo(today)
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO complaints (tracking_no, institution_id, class_id, body, phone, name, received_at, due_date)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			no, plan.InstitutionID, classID, plan.Body, plan.Phone, plan.Name, s.now(), due).Scan(&id); err != nil {
			return err
		}
		for _, f := range files {
			if _, err := tx.Exec(ctx, `INSERT INTO complaint_files (complaint_id, filename, content_type, size, data) VALUES ($1, $2, $3, $4, $5)`,
				id, f.Filename, f.ContentType, len(f.Data), f.Data); err != nil {
				return err
			}
		}
		// No contact in the audit row: the institution's history pages
		// read audit rows that carry its id.
		return s.appendAudit(ctx, tx, publicActor, auditRecord{Action: "complaint.file", Entity: "complaint", EntityID: id,
			After: map[string]any{"tracking_no": no, "institution_id": plan.InstitutionID, "class_no": plan.ClassNo,
				"anonymous": plan.Name == "", "files": len(files), "due_date": dateText(due)}})
	})
	return no, translate(err, "file complaint")
}

// PublicComplaintStatus is the complainant's status page: the tracking
// number and the phone given must both match; anything else is
// ErrNotFound, the same for a wrong number and a wrong phone.
func (s *Store) PublicComplaintStatus(ctx context.Context, trackingNo, phone string) (training.PublicComplaint, error) {
	var p training.PublicComplaint
	no, ok1 := training.NormalizeTrackingNo(trackingNo)
	ph, ok2 := training.NormalizePhone(phone)
	if !ok1 || !ok2 {
		return p, training.ErrNotFound
	}
	var status string
	err := s.pool.QueryRow(ctx, `SELECT c.tracking_no, i.name, c.status, c.received_at, c.due_date, c.answer, c.answered_at
		FROM complaints c JOIN institutions i ON i.id = c.institution_id WHERE c.tracking_no = $1 AND c.phone = $2`, no, ph).
		Scan(&p.TrackingNo, &p.InstitutionName, &status, &p.ReceivedAt, &p.DueDate, &p.Answer, &p.AnsweredAt)
	p.Status = training.ComplaintStatus(status)
	if !p.Status.Valid() || p.Status.Open() {
		p.Answer = ""
	}
	return p, translate(err, "complaint status")
}

// complaintColumns selects a complaint for the bureau (with the contact);
// complaintColumnsNoContact for the institution (phone and name blank).
const complaintColumnsBase = `c.id, c.tracking_no, c.institution_id, i.name, coalesce(c.class_id, 0), coalesce(k.class_no, ''), c.body, `
const complaintColumnsTail = `, c.status, c.received_at, c.due_date, coalesce(c.assignee_id, 0), coalesce(u.name, ''),
	c.forwarded_at IS NOT NULL, c.answer, c.answered_at, coalesce(c.outcome, ''), c.closed_at, c.version`
const complaintColumns = complaintColumnsBase + `c.phone, c.name` + complaintColumnsTail
const complaintColumnsNoContact = complaintColumnsBase + `'', ''` + complaintColumnsTail
const complaintFrom = ` FROM complaints c JOIN institutions i ON i.id = c.institution_id LEFT JOIN classes k ON k.id = c.class_id
	LEFT JOIN users u ON u.id = c.assignee_id`

func scanComplaint(row pgx.CollectableRow) (training.Complaint, error) {
	var c training.Complaint
	var status, outcome string
	err := row.Scan(&c.ID, &c.TrackingNo, &c.InstitutionID, &c.InstitutionName, &c.ClassID, &c.ClassNo, &c.Body, &c.Phone, &c.Name,
		&status, &c.ReceivedAt, &c.DueDate, &c.AssigneeID, &c.AssigneeName, &c.Forwarded, &c.Answer, &c.AnsweredAt, &outcome,
		&c.ClosedAt, &c.Version)
	c.Status, c.Outcome = training.ComplaintStatus(status), training.ComplaintOutcome(outcome)
	return c, err
}

// complaintScope selects the complaints an actor may read and the columns:
// the bureau all with the contact, an institution its own forwarded ones
// without. Others read none.
func complaintScope(a training.Actor, w *where) (string, bool) {
	switch {
	case a.IsBureau():
		return complaintColumns, true
	case a.IsInstitution():
		w.add("c.institution_id = ?", a.InstitutionID)
		w.add("c.forwarded_at IS NOT NULL")
		return complaintColumnsNoContact, true
	}
	return "", false
}

// ComplaintByID reads one complaint's page in one round trip. Another
// institution's complaint, or one not forwarded, is ErrNotFound. The
// bureau sees the contact masked; an institution not at all.
func (s *Store) ComplaintByID(ctx context.Context, a training.Actor, id int64) (training.ComplaintPage, error) {
	p := training.ComplaintPage{Today: s.Today()}
	var w where
	cols, ok := complaintScope(a, &w)
	if !ok {
		return p, training.ErrNotFound
	}
	w.add("c.id = ?", id)
	found := false
	b := &pgx.Batch{}
	b.Queue(`SELECT `+cols+complaintFrom+w.sql(), w.args...).Query(func(rows pgx.Rows) error {
		list, err := pgx.CollectRows(rows, scanComplaint)
		if len(list) == 1 {
			found, p.Complaint = true, list[0]
		}
		return err
	})
	b.Queue(`SELECT kind, body, by_name, at FROM complaint_notes WHERE complaint_id = $1 ORDER BY id`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Complaint.Notes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ComplaintNote, error) {
			var n training.ComplaintNote
			err := row.Scan(&n.Kind, &n.Body, &n.ByName, &n.At)
			return n, err
		})
		return err
	})
	if a.IsBureau() {
		b.Queue(`SELECT id, filename, content_type, size FROM complaint_files WHERE complaint_id = $1 ORDER BY id`, id).Query(func(rows pgx.Rows) error {
			var err error
			p.Complaint.Files, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ComplaintFile, error) {
				var f training.ComplaintFile
				err := row.Scan(&f.ID, &f.Filename, &f.ContentType, &f.Size)
				return f, err
			})
			return err
		})
		b.Queue(`SELECT id, username, name FROM users WHERE role = 'bureau' AND disabled_at IS NULL ORDER BY name, id`).Query(func(rows pgx.Rows) error {
			var err error
			p.Bureau, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.User, error) {
				var u training.User
				err := row.Scan(&u.ID, &u.Username, &u.Name)
				return u, err
			})
			return err
		})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return p, translate(err, "complaint %d", id)
	}
	if !found {
		return p, training.ErrNotFound
	}
	// The contact is masked on the page; RevealComplaintContact shows it.
	p.Complaint.Phone, p.Complaint.Name = training.MaskPhone(p.Complaint.Phone), maskName(p.Complaint.Name)
	return p, nil
}

// RevealComplaintContact is the complainant's phone and name in full, for
// the bureau only; each reveal is audited (personal data).
func (s *Store) RevealComplaintContact(ctx context.Context, a training.Actor, id int64) (phone, name string, err error) {
	if !a.IsBureau() {
		return "", "", training.ErrNotFound
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT phone, name FROM complaints WHERE id = $1`, id).Scan(&phone, &name); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "complaint.reveal", Entity: "complaint", EntityID: id})
	})
	return phone, name, translate(err, "reveal complaint %d", id)
}

// maskName keeps a name's first character: 张**.
func maskName(n string) string {
	r := []rune(n)
	if len(r) == 0 {
		return ""
	}
	out := string(r[0])
	for range r[1:] {
		out += "*"
	}
	return out
}

// ComplaintFileData is one attachment's bytes (bureau only).
func (s *Store) ComplaintFileData(ctx context.Context, a training.Actor, id, fileID int64) (training.ComplaintFile, []byte, error) {
	var f training.ComplaintFile
	if !a.IsBureau() {
		return f, nil, training.ErrNotFound
	}
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT id, filename, content_type, size, data FROM complaint_files WHERE id = $1 AND complaint_id = $2`,
		fileID, id).Scan(&f.ID, &f.Filename, &f.ContentType, &f.Size, &data)
	return f, data, translate(err, "complaint file %d", fileID)
}

var complaintSorts = map[string]string{
	"due":      "c.due_date, c.id",
	"received": "c.received_at, c.id",
}

// ComplaintQueue is the bureau's complaint queue, oldest due first, with
// the total for paging. The overdue filter is open complaints past due.
func (s *Store) ComplaintQueue(ctx context.Context, a training.Actor, f training.ComplaintFilter, p Page) ([]training.Complaint, int, error) {
	if !a.IsBureau() {
		return nil, 0, training.ErrForbidden
	}
	var w where
	switch {
	case f.Overdue:
		w.add("c.status IN ('received', 'handling')")
		w.add("c.due_date < ?", s.Today())
	case f.Status.Valid():
		w.add("c.status = ?", string(f.Status))
	}
	if f.Mine {
		w.add("c.assignee_id = ?", a.UserID)
	}
	// The page is picked on the narrow columns the indexes hold; only its
	// rows are then read in full. The whole queue's total and each
	// status's are kept in complaint_counts (migration 00102); the
	// overdue and own filters count their matches (open complaints only).
	total := `count(*) OVER ()`
	if !f.Overdue && !f.Mine {
		total = `(SELECT coalesce(sum(n), 0) FROM complaint_counts)`
		if f.Status.Valid() {
			total = `(SELECT coalesce(sum(n), 0) FROM complaint_counts WHERE status = $1)`
		}
	}
	order := orderBy(p, complaintSorts, "due")
	lim, off := w.arg(p.limit()), w.arg(p.offset())
	// The contact is not listed: the queue masks it (the page shows it).
	rows, err := s.pool.Query(ctx, `SELECT `+complaintColumnsNoContact+`, pg.total
		FROM (SELECT c.id, `+total+` AS total FROM complaints c`+w.sql()+order+` LIMIT `+lim+` OFFSET `+off+`) pg
		JOIN complaints c ON c.id = pg.id JOIN institutions i ON i.id = c.institution_id LEFT JOIN classes k ON k.id = c.class_id
		LEFT JOIN users u ON u.id = c.assignee_id`+order, w.args...)
	if err != nil {
		return nil, 0, translate(err, "complaint queue")
	}
	n := 0
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Complaint, error) {
		var c training.Complaint
		var status, outcome string
		err := row.Scan(&c.ID, &c.TrackingNo, &c.InstitutionID, &c.InstitutionName, &c.ClassID, &c.ClassNo, &c.Body, &c.Phone, &c.Name,
			&status, &c.ReceivedAt, &c.DueDate, &c.AssigneeID, &c.AssigneeName, &c.Forwarded, &c.Answer, &c.AnsweredAt, &outcome,
			&c.ClosedAt, &c.Version, &n)
		c.Status, c.Outcome = training.ComplaintStatus(status), training.ComplaintOutcome(outcome)
		return c, err
	})
	return list, n, translate(err, "complaint queue")
}

// InstitutionComplaints lists the complaints forwarded to the actor's
// institution, newest first (no contact).
func (s *Store) InstitutionComplaints(ctx context.Context, a training.Actor, p Page) ([]training.Complaint, int, error) {
	if !a.IsInstitution() {
		return nil, 0, training.ErrForbidden
	}
	var w where
	w.add("c.institution_id = ?", a.InstitutionID)
	w.add("c.forwarded_at IS NOT NULL")
	lim, off := w.arg(p.limit()), w.arg(p.offset())
	rows, err := s.pool.Query(ctx, `SELECT `+complaintColumnsNoContact+`, count(*) OVER ()`+complaintFrom+w.sql()+
		` ORDER BY c.id DESC LIMIT `+lim+` OFFSET `+off, w.args...)
	if err != nil {
		return nil, 0, translate(err, "institution complaints")
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Complaint, error) {
		var c training.Complaint
		var status, outcome string
		err := row.Scan(&c.ID, &c.TrackingNo, &c.InstitutionID, &c.InstitutionName, &c.ClassID, &c.ClassNo, &c.Body, &c.Phone, &c.Name,
			&status, &c.ReceivedAt, &c.DueDate, &c.AssigneeID, &c.AssigneeName, &c.Forwarded, &c.Answer, &c.AnsweredAt, &outcome,
			&c.ClosedAt, &c.Version, &total)
		c.Status, c.Outcome = training.ComplaintStatus(status), training.ComplaintOutcome(outcome)
		return c, err
	})
	return list, total, translate(err, "institution complaints")
}

// ComplaintCounts are the bureau home's figures: open, overdue, due within
// three days.
func (s *Store) ComplaintCounts(ctx context.Context, a training.Actor) (training.ComplaintCounts, error) {
	var c training.ComplaintCounts
	if !a.IsBureau() {
		return c, training.ErrForbidden
	}
	err := s.pool.QueryRow(ctx, complaintCountsSQL, s.Today()).Scan(&c.Open, &c.Overdue, &c.DueSoon)
	return c, translate(err, "complaint counts")
}

// complaintCountsSQL counts the open complaints by the partial index.
const complaintCountsSQL = `SELECT count(*), count(*) FILTER (WHERE due_date < $1),
		count(*) FILTER (WHERE due_date >= $1 AND due_date <= $1::date + 3)
	FROM complaints WHERE status IN ('received', 'handling')`

// StepComplaint takes one step on a complaint, guarded by status and
// version: the bureau assigns, notes, forwards, answers and closes; the
// institution replies to a complaint forwarded to it.
func (s *Store) StepComplaint(ctx context.Context, a training.Actor, id int64, version int, action training.ComplaintAction,
	in training.ComplaintStepInput) error {
	if a.Role != action.Role() || (action.Role() == training.RoleInstitution && !a.IsInstitution()) {
		return training.ErrForbidden
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var w where
		cols, _ := complaintScope(a, &w)
		w.add("c.id = ?", id)
		rows, _ := tx.Query(ctx, `SELECT `+cols+complaintFrom+w.sql()+` FOR UPDATE OF c`, w.args...)
		c, err := pgx.CollectExactlyOneRow(rows, scanComplaint)
		if err != nil {
			return err
		}
		if c.Version != version {
			return training.ErrConflict
		}
		if action == training.ActComplaintAssign && in.AssigneeID != 0 {
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND role = 'bureau' AND disabled_at IS NULL)`,
				in.AssigneeID).Scan(&in.AssigneeIsBureau); err != nil {
				return err
			}
		}
		if rs := training.DecideComplaintStep(a, c, action, in); !rs.OK() {
			return rs.Err()
		}
		to, _ := training.NextComplaintStatus(c.Status, action)
		now := s.now()
		var sql string
		args := []any{id, version, string(c.Status), string(to)}
		after := map[string]any{"status": to}
		switch action {
		case training.ActComplaintAssign:
			sql, args = `assignee_id = $5, assigned_at = $6`, append(args, in.AssigneeID, now)
			after["assignee_id"] = in.AssigneeID
		case training.ActComplaintForward:
			sql, args = `forwarded_at = $5`, append(args, now)
			after["forwarded"] = true
		case training.ActComplaintAnswer:
			sql, args = `answer = $5, answered_by = $6, answered_at = $7`, append(args, in.Text, actorLabel(a), now)
			after["answer"] = in.Text
		case training.ActComplaintClose:
			sql, args = `outcome = $5, closed_by = $6, closed_at = $7`, append(args, string(in.Outcome), actorLabel(a), now)
			after["outcome"] = in.Outcome
		case training.ActComplaintNote, training.ActComplaintReply:
			kind := "handling"
			if action == training.ActComplaintReply {
				kind = "reply"
			}
			if _, err := tx.Exec(ctx, `INSERT INTO complaint_notes (complaint_id, kind, body, by_name, by_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
				id, kind, in.Text, actorLabel(a), a.UserID, now); err != nil {
				return err
			}
			after["note"] = in.Text
		}
		set := `status = $4, version = version + 1`
		if sql != "" {
			set += ", " + sql
		}
		tag, err := tx.Exec(ctx, `UPDATE complaints SET `+set+` WHERE id = $1 AND version = $2 AND status = $3`, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "complaint." + string(action), Entity: "complaint", EntityID: id,
			Before: map[string]any{"status": c.Status}, After: after})
	})
	return translate(err, "complaint %d %s", id, action)
}

// ComplaintChoices are the institutions the public form offers (every
// institution that was ever designated), by name.
func (s *Store) ComplaintChoices(ctx context.Context) ([]training.Institution, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name FROM institutions WHERE status <> 'pending' ORDER BY name, id`)
	if err != nil {
		return nil, translate(err, "complaint choices")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Institution, error) {
		var in training.Institution
		err := row.Scan(&in.ID, &in.Name)
		return in, err
	})
	return list, translate(err, "complaint choices")
}

// ComplaintLimits bounds complaint filing per client address: five an
// hour, enough for a person, not for a flood.
var ComplaintLimits = PublicLimits{Window: time.Hour, PerAddress: 5}

// ReserveComplaint counts one complaint from addr, atomically, and reports
// whether it may be filed (the same counter table as sign-in and lookups).
func (s *Store) ReserveComplaint(ctx context.Context, addr string, l PublicLimits) (bool, error) {
	return s.reserveForAddress(ctx, "complaint", addr, l)
}
