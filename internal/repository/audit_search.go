package repository

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// AuditFilter is the bureau's search of the whole audit log.
type AuditFilter struct {
	Actor         string // part of the actor's name or username
	InstitutionID int64
	Action        string
	From, To      time.Time // dates (Asia/Shanghai), inclusive; zero: open
	Entity        string    // class, teacher, institution, ...
	EntityID      int64
	PII           bool // only views of full personal data
}

// MaxAuditExport is the most rows an export holds.
const MaxAuditExport = 50000

func (f AuditFilter) where() *where {
	w := &where{}
	if f.Actor != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Actor)
		w.add("actor_name ILIKE ?", "%"+esc+"%")
	}
	if f.InstitutionID != 0 {
		w.add("institution_id = ?", f.InstitutionID)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		w.add("at >= ?::date", f.From)
	}
	if !f.To.IsZero() {
		w.add("at < ?::date + 1", f.To)
	}
	if f.Entity != "" {
		w.add("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		w.add("entity_id = ?", f.EntityID)
	}
	if f.PII {
		w.add("action = ANY(?)", training.PIIViewActions)
	}
	return w
}

// AuditSearch is one page of the whole audit log, newest first, and the
// number of matching entries. Bureau only.
func (s *Store) AuditSearch(ctx context.Context, a training.Actor, f AuditFilter, p Page) ([]training.AuditEntry, int, error) {
	if !a.IsBureau() {
		return nil, 0, training.ErrForbidden
	}
	w := f.where()
	// The count and the page in one round trip, apart: a count over every
	// matching row's columns (count(*) OVER ()) read the whole log's
	// before/after texts to count them (10 ms at 20,000 rows, growing
	// with the log); apart, the count reads the indexes and the page
	// reads its rows down the primary key.
	b := &pgx.Batch{}
	var total int
	b.Queue(`SELECT count(*) FROM audit_log`+w.sql(), w.args...).QueryRow(func(row pgx.Row) error { return row.Scan(&total) })
	var list []training.AuditEntry
	b.Queue(`SELECT `+auditColumns+` FROM audit_log`+w.sql()+` ORDER BY id DESC LIMIT `+w.arg(p.limit())+` OFFSET `+w.arg(p.offset()),
		w.args...).Query(func(rows pgx.Rows) error {
		var err error
		list, err = pgx.CollectRows(rows, scanAudit)
		return err
	})
	err := s.pool.SendBatch(ctx, b).Close()
	return list, total, translate(err, "audit search")
}

// AuditExport calls each for the matching entries, newest first (at most
// MaxAuditExport). Bureau only. A GET writes nothing, so the (masked)
// export is not itself recorded.
func (s *Store) AuditExport(ctx context.Context, a training.Actor, f AuditFilter, each func(training.AuditEntry) error) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	w := f.where()
	rows, err := s.pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_log`+w.sql()+` ORDER BY id DESC LIMIT `+w.arg(MaxAuditExport), w.args...)
	if err != nil {
		return translate(err, "audit export")
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return translate(err, "audit export")
		}
		if err := each(e); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "audit export")
}

// VerifyAuditBy recomputes the hash chain for a bureau user and records
// that it was checked and what was found (the record is appended after
// the check, so it is itself covered by the next one).
func (s *Store) VerifyAuditBy(ctx context.Context, a training.Actor) (*AuditBreak, int64, error) {
	if !a.IsBureau() {
		return nil, 0, training.ErrForbidden
	}
	brk, n, err := s.VerifyAudit(ctx)
	if err != nil {
		return nil, n, err
	}
	result := map[string]any{"rows": n, "intact": brk == nil}
	if brk != nil {
		result["broken_at"], result["reason"] = brk.Seq, brk.Reason
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "audit.verify", Entity: "audit_log", After: result})
	})
	return brk, n, translate(err, "audit verify")
}
