package repository

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

const textbookColumns = `b.id, b.title, coalesce(b.isbn, ''), coalesce(b.internal_code, ''), b.publisher, b.edition,
	b.status, b.status_reason, coalesce(b.proposed_by, 0), coalesce(i.name, ''), b.version, b.created_at, b.updated_at`

const textbookFrom = ` FROM textbooks b LEFT JOIN institutions i ON i.id = b.proposed_by`

func scanTextbook(row pgx.CollectableRow) (training.Textbook, error) {
	var t training.Textbook
	var status string
	err := row.Scan(&t.ID, &t.Title, &t.ISBN, &t.InternalCode, &t.Publisher, &t.Edition, &status, &t.StatusReason,
		&t.ProposedBy, &t.ProposedByName, &t.Version, &t.CreatedAt, &t.UpdatedAt)
	t.Status = training.TextbookStatus(status)
	return t, err
}

// textbookScope: the bureau sees the whole catalogue; others see the
// catalogue proper (designated, approved, withdrawn), and an institution
// also its own proposals in any status.
func textbookScope(a training.Actor) string {
	switch {
	case a.IsBureau():
		return "true"
	case a.IsInstitution():
		return "(b.status IN ('designated', 'approved', 'withdrawn') OR b.proposed_by = " + strconv.FormatInt(a.InstitutionID, 10) + ")"
	}
	return "b.status IN ('designated', 'approved', 'withdrawn')"
}

// loadUses fills in the occupations and levels of the given textbooks.
func (s *Store) loadUses(ctx context.Context, q batcher, list []training.Textbook) error {
	if len(list) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(list))
	ids := make([]int64, len(list))
	for i, t := range list {
		idx[t.ID], ids[i] = i, t.ID
	}
	b := &pgx.Batch{}
	b.Queue(`
		SELECT u.textbook_id, o.id, o.code, o.name, u.level
		FROM textbook_uses u JOIN occupations o ON o.id = u.occupation_id
		WHERE u.textbook_id = ANY($1) ORDER BY u.textbook_id, o.code, u.level`, ids).Query(func(rows pgx.Rows) error {
		var tid int64
		var u training.TextbookUse
		var lvl int16
		_, err := pgx.ForEachRow(rows, []any{&tid, &u.OccupationID, &u.OccupationCode, &u.OccupationName, &lvl}, func() error {
			u.Level = training.Level(lvl)
			list[idx[tid]].Uses = append(list[idx[tid]].Uses, u)
			return nil
		})
		return err
	})
	return q.SendBatch(ctx, b).Close()
}

// TextbookFilter narrows the catalogue.
type TextbookFilter struct {
	Status       training.TextbookStatus
	Text         string // part of the title, or an ISBN / internal code
	OccupationID int64
	Level        training.Level // with OccupationID: serves this level
}

var textbookSorts = map[string]string{
	"title":   "b.title, b.id",
	"status":  "b.status, b.title, b.id",
	"updated": "b.updated_at, b.id",
}

// Textbooks lists the catalogue as the actor may see it.
func (s *Store) Textbooks(ctx context.Context, a training.Actor, f TextbookFilter, p Page) ([]training.Textbook, int, error) {
	w := textbookListWhere(a, f)
	q := `SELECT ` + textbookColumns + `, count(*) OVER ()` + textbookFrom + w.sql() + orderBy(p, textbookSorts, "title") +
		` LIMIT ` + w.arg(p.limit()) + ` OFFSET ` + w.arg(p.offset())
	rows, err := s.pool.Query(ctx, q, w.args...)
	if err != nil {
		return nil, 0, translate(err, "textbooks")
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Textbook, error) {
		var t training.Textbook
		var status string
		err := row.Scan(&t.ID, &t.Title, &t.ISBN, &t.InternalCode, &t.Publisher, &t.Edition, &status, &t.StatusReason,
			&t.ProposedBy, &t.ProposedByName, &t.Version, &t.CreatedAt, &t.UpdatedAt, &total)
		t.Status = training.TextbookStatus(status)
		return t, err
	})
	if err != nil {
		return nil, 0, translate(err, "textbooks")
	}
	return list, total, translate(s.loadUses(ctx, s.pool, list), "textbook uses")
}

// textbookExportChunk is how many textbooks TextbooksEach holds at a time
// (their uses are read per chunk).
const textbookExportChunk = 500

// TextbooksEach hands each every textbook of the list, with its uses, in
// the page's order (the list's .xlsx export), a chunk at a time.
func (s *Store) TextbooksEach(ctx context.Context, a training.Actor, f TextbookFilter, p Page, each func(training.Textbook) error) error {
	w := textbookListWhere(a, f)
	rows, err := s.pool.Query(ctx, `SELECT `+textbookColumns+textbookFrom+w.sql()+orderBy(p, textbookSorts, "title"), w.args...)
	if err != nil {
		return translate(err, "textbooks")
	}
	chunk := make([]training.Textbook, 0, textbookExportChunk)
	flush := func() error {
		if err := s.loadUses(ctx, s.pool, chunk); err != nil {
			return translate(err, "textbook uses")
		}
		for _, t := range chunk {
			if err := each(t); err != nil {
				return err
			}
		}
		chunk = chunk[:0]
		return nil
	}
	err = forEach(rows, scanTextbook, func(t training.Textbook) error {
		chunk = append(chunk, t)
		if len(chunk) < textbookExportChunk {
			return nil
		}
		return flush()
	})
	if err != nil {
		return translate(err, "textbooks")
	}
	return flush()
}

func textbookListWhere(a training.Actor, f TextbookFilter) *where {
	var w where
	w.add(textbookScope(a))
	if f.Status != "" {
		w.add("b.status = ?", string(f.Status))
	}
	if f.Text != "" {
		w.add("(b.title LIKE ? OR b.isbn = ? OR b.internal_code = ?)", "%"+likeEscape(f.Text)+"%",
			training.NormalizeISBN(f.Text), strings.ToUpper(strings.TrimSpace(f.Text)))
	}
	if f.OccupationID != 0 {
		if f.Level != training.LevelNone {
			w.add("EXISTS (SELECT 1 FROM textbook_uses u WHERE u.textbook_id = b.id AND u.occupation_id = ? AND u.level IN (0, ?))",
				f.OccupationID, int16(f.Level))
		} else {
			w.add("EXISTS (SELECT 1 FROM textbook_uses u WHERE u.textbook_id = b.id AND u.occupation_id = ?)", f.OccupationID)
		}
	}
	return &w
}

// TextbookByID returns one textbook as the actor may see it.
func (s *Store) TextbookByID(ctx context.Context, a training.Actor, id int64) (training.Textbook, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+textbookColumns+textbookFrom+` WHERE b.id = $1 AND `+textbookScope(a), id)
	t, err := pgx.CollectExactlyOneRow(rows, scanTextbook)
	if err != nil {
		return t, translate(err, "textbook %d", id)
	}
	list := []training.Textbook{t}
	err = s.loadUses(ctx, s.pool, list)
	return list[0], translate(err, "textbook %d uses", id)
}

// TextbooksForCheck loads textbooks by id with their uses, for FILE-4
// (training.CheckTextbook) inside a filing transaction (q = tx) or on the
// pool. Missing ids are absent from the map.
func (s *Store) TextbooksForCheck(ctx context.Context, q batcher, ids []int64) (map[int64]training.Textbook, error) {
	out := map[int64]training.Textbook{}
	if len(ids) == 0 {
		return out, nil
	}
	b := &pgx.Batch{}
	queueTextbooksForCheck(b, ids, out)
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, translate(err, "textbooks for check")
	}
	return out, nil
}

// queueTextbooksForCheck adds to b the queries that fill out with the
// given textbooks and their uses.
func queueTextbooksForCheck(b *pgx.Batch, ids []int64, out map[int64]training.Textbook) {
	if len(ids) == 0 {
		return
	}
	queueTextbooksForCheckIn(b, "ANY($1)", ids, out)
}

// queueTextbooksForCheckIn is queueTextbooksForCheck for the textbooks
// whose id is in set, an SQL expression of one argument arg.
func queueTextbooksForCheckIn(b *pgx.Batch, set string, arg any, out map[int64]training.Textbook) {
	ids := arg // the argument of set
	var list []training.Textbook
	b.Queue(`SELECT `+textbookColumns+textbookFrom+` WHERE b.id = `+set, ids).Query(func(rows pgx.Rows) error {
		var err error
		list, err = pgx.CollectRows(rows, scanTextbook)
		return err
	})
	b.Queue(`
		SELECT u.textbook_id, o.id, o.code, o.name, u.level
		FROM textbook_uses u JOIN occupations o ON o.id = u.occupation_id
		WHERE u.textbook_id = `+set+` ORDER BY u.textbook_id, o.code, u.level`, ids).Query(func(rows pgx.Rows) error {
		idx := make(map[int64]int, len(list))
		for i, t := range list {
			idx[t.ID] = i
		}
		var tid int64
		var u training.TextbookUse
		var lvl int16
		_, err := pgx.ForEachRow(rows, []any{&tid, &u.OccupationID, &u.OccupationCode, &u.OccupationName, &lvl}, func() error {
			u.Level = training.Level(lvl)
			if i, ok := idx[tid]; ok {
				list[i].Uses = append(list[i].Uses, u)
			}
			return nil
		})
		for _, t := range list {
			out[t.ID] = t
		}
		return err
	})
}

// UsableTextbooks lists the designated and approved textbooks that serve
// occupationID at level, for the filing form's choices (FILE-4).
func (s *Store) UsableTextbooks(ctx context.Context, occupationID int64, level training.Level) ([]training.Textbook, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+textbookColumns+textbookFrom+`
		WHERE b.status IN ('designated', 'approved') AND EXISTS (SELECT 1 FROM textbook_uses u
			WHERE u.textbook_id = b.id AND u.occupation_id = $1 AND u.level IN (0, $2))
		ORDER BY b.status DESC, b.title, b.id`, occupationID, int16(level))
	if err != nil {
		return nil, translate(err, "usable textbooks")
	}
	list, err := pgx.CollectRows(rows, scanTextbook)
	if err != nil {
		return nil, translate(err, "usable textbooks")
	}
	return list, translate(s.loadUses(ctx, s.pool, list), "usable textbooks")
}

func textbookAudit(in training.TextbookInput) map[string]any {
	uses := make([]string, 0, len(in.Uses))
	for _, u := range in.Uses {
		uses = append(uses, strconv.FormatInt(u.OccupationID, 10)+":"+u.Level.Short())
	}
	return map[string]any{"title": in.Title, "isbn": in.ISBN, "internal_code": in.InternalCode, "publisher": in.Publisher,
		"edition": in.Edition, "uses": uses}
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// CreateTextbook adds a textbook. The bureau enters it as designated or
// approved; an institution proposes it (待核准) for the bureau's decision.
func (s *Store) CreateTextbook(ctx context.Context, a training.Actor, in training.TextbookInput) (int64, error) {
	if !a.IsBureau() && !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	in.Normalize()
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		occs, err := s.occupationMap(ctx, tx)
		if err != nil {
			return err
		}
		if err := in.Validate(a.IsBureau(), occs); err != nil {
			return err
		}
		status, action := in.Status, "textbook.create"
		var proposedBy *int64
		if a.IsInstitution() {
			status, action, proposedBy = training.TextbookProposed, "textbook.propose", &a.InstitutionID
		}
		now := s.now()
		err = tx.QueryRow(ctx, `
			INSERT INTO textbooks (title, isbn, internal_code, publisher, edition, status, proposed_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			in.Title, nullIfEmpty(in.ISBN), nullIfEmpty(in.InternalCode), in.Publisher, in.Edition, string(status), proposedBy, now).Scan(&id)
		if err != nil {
			return err
		}
		if err := insertUses(ctx, tx, id, in.Uses); err != nil {
			return err
		}
		after := textbookAudit(in)
		after["status"] = status
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "textbook", EntityID: id,
			InstitutionID: a.InstitutionID, After: after})
	})
	return id, translate(err, "create textbook")
}

func insertUses(ctx context.Context, tx pgx.Tx, id int64, uses []training.TextbookUse) error {
	for _, u := range uses {
		if _, err := tx.Exec(ctx, `INSERT INTO textbook_uses (textbook_id, occupation_id, level) VALUES ($1, $2, $3)`,
			id, u.OccupationID, int16(u.Level)); err != nil {
			return err
		}
	}
	return nil
}

// UpdateTextbook edits a textbook's details and uses. Bureau only; the
// status changes through ChangeTextbookStatus.
func (s *Store) UpdateTextbook(ctx context.Context, a training.Actor, id int64, version int, in training.TextbookInput) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	in.Normalize()
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+textbookColumns+textbookFrom+` WHERE b.id = $1 FOR UPDATE OF b`, id)
		cur, err := pgx.CollectExactlyOneRow(rows, scanTextbook)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return training.ErrConflict
		}
		list := []training.Textbook{cur}
		if err := s.loadUses(ctx, tx, list); err != nil {
			return err
		}
		occs, err := s.occupationMap(ctx, tx)
		if err != nil {
			return err
		}
		// The status is not edited here; validate against a usable one.
		in.Status = training.TextbookApproved
		if err := in.Validate(cur.ProposedBy == 0, occs); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE textbooks SET title = $2, isbn = $3, internal_code = $4, publisher = $5, edition = $6,
				version = version + 1, updated_at = $7 WHERE id = $1`,
			id, in.Title, nullIfEmpty(in.ISBN), nullIfEmpty(in.InternalCode), in.Publisher, in.Edition, s.now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM textbook_uses WHERE textbook_id = $1`, id); err != nil {
			return err
		}
		if err := insertUses(ctx, tx, id, in.Uses); err != nil {
			return err
		}
		before := training.TextbookInput{Title: cur.Title, ISBN: cur.ISBN, InternalCode: cur.InternalCode,
			Publisher: cur.Publisher, Edition: cur.Edition, Uses: list[0].Uses}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "textbook.update", Entity: "textbook", EntityID: id,
			Before: textbookAudit(before), After: textbookAudit(in)})
	}), "update textbook %d", id)
}

// ChangeTextbookStatus approves, designates, rejects, withdraws or restores
// a textbook. Bureau only; reject and withdraw need a reason.
func (s *Store) ChangeTextbookStatus(ctx context.Context, a training.Actor, id int64, version int, action training.TextbookAction, reason string) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if action.NeedsReason() && reason == "" {
		return training.Invalid("reason", "请填写原因")
	}
	if len([]rune(reason)) > 1000 {
		return training.Invalid("reason", "原因过长（最多1000字）")
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		var cur int
		if err := tx.QueryRow(ctx, `SELECT status, version FROM textbooks WHERE id = $1 FOR UPDATE`, id).Scan(&status, &cur); err != nil {
			return err
		}
		if cur != version {
			return training.ErrConflict
		}
		from := training.TextbookStatus(status)
		to, msg := training.NextTextbookStatus(from, action)
		if msg != "" {
			return training.InvalidGeneral(msg)
		}
		if _, err := tx.Exec(ctx, `UPDATE textbooks SET status = $2, status_reason = $3, version = version + 1, updated_at = $4
			WHERE id = $1 AND status = $5`, id, string(to), reason, s.now(), status); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "textbook." + string(action), Entity: "textbook", EntityID: id,
			Before: map[string]any{"status": from}, After: map[string]any{"status": to, "reason": reason}})
	}), "textbook %d %s", id, action)
}
