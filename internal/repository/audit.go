package repository

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// auditRecord is what a state change appends in its own transaction.
type auditRecord struct {
	Action        string
	Entity        string
	EntityID      int64
	InstitutionID int64
	Before        any // marshalled to JSON; nil for none
	After         any
}

// appendAudit writes one audit row inside tx. The chain (seq, prev_hash,
// hash) is filled in by the audit_log_chain trigger under a row lock.
func (s *Store) appendAudit(ctx context.Context, tx pgx.Tx, a training.Actor, r auditRecord) error {
	before, err := jsonOrNil(r.Before)
	if err != nil {
		return err
	}
	after, err := jsonOrNil(r.After)
	if err != nil {
		return err
	}
	var actorID, instID *int64
	if a.UserID != 0 {
		actorID = &a.UserID
	}
	if r.InstitutionID != 0 {
		instID = &r.InstitutionID
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO audit_log (at, actor_id, actor_name, actor_role, action, entity, entity_id, institution_id, before, after, seq, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, '', '')`,
		s.now(), actorID, actorLabel(a), string(a.Role), r.Action, r.Entity, r.EntityID, instID, before, after)
	if err != nil {
		return fmt.Errorf("append audit %s: %w", r.Action, err)
	}
	return nil
}

func actorLabel(a training.Actor) string {
	if a.Name != "" && a.Username != "" {
		return a.Name + "（" + a.Username + "）"
	}
	if a.Name != "" {
		return a.Name
	}
	return a.Username
}

func jsonOrNil(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal audit: %w", err)
	}
	return b, nil
}

const auditColumns = `id, at, coalesce(actor_id, 0), actor_name, actor_role, action, entity, entity_id,
	coalesce(institution_id, 0), coalesce(before::text, ''), coalesce(after::text, '')`

// scanAuditCounted scans an audit row followed by count(*) OVER ().
func scanAuditCounted(row pgx.CollectableRow, total *int) (training.AuditEntry, error) {
	var e training.AuditEntry
	var role string
	err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &role, &e.Action, &e.Entity, &e.EntityID,
		&e.InstitutionID, &e.Before, &e.After, total)
	e.ActorRole = training.Role(role)
	return e, err
}

func scanAudit(row pgx.CollectableRow) (training.AuditEntry, error) {
	var e training.AuditEntry
	var role string
	err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &role, &e.Action, &e.Entity, &e.EntityID,
		&e.InstitutionID, &e.Before, &e.After)
	e.ActorRole = training.Role(role)
	return e, err
}

// InstitutionHistory is the audit trail of one institution: its own changes,
// its scope and its users, newest first. Bureau only.
func (s *Store) InstitutionHistory(ctx context.Context, a training.Actor, institutionID int64, p Page) ([]training.AuditEntry, int, error) {
	if !a.IsBureau() {
		return nil, 0, training.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, institutionHistorySQL, institutionID, p.limit(), p.offset())
	if err != nil {
		return nil, 0, translate(err, "institution %d history", institutionID)
	}
	list, total, err := collectHistory(rows)
	return list, total, translate(err, "institution %d history", institutionID)
}

// institutionHistorySQL is a page of institution $1's audit trail, newest
// first, with the total.
const institutionHistorySQL = `SELECT ` + auditColumns + `, count(*) OVER ()
	FROM audit_log WHERE institution_id = $1
	ORDER BY id DESC LIMIT $2 OFFSET $3`

func collectHistory(rows pgx.Rows) ([]training.AuditEntry, int, error) {
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.AuditEntry, error) {
		var e training.AuditEntry
		var role string
		err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &role, &e.Action, &e.Entity, &e.EntityID,
			&e.InstitutionID, &e.Before, &e.After, &total)
		e.ActorRole = training.Role(role)
		return e, err
	})
	return list, total, err
}

// InstitutionHistoryPage reads the bureau's history page of an
// institution in one round trip: the institution (its name heads the page)
// and a page of its audit trail with the total.
func (s *Store) InstitutionHistoryPage(ctx context.Context, a training.Actor, institutionID int64, p Page) (training.Institution, []training.AuditEntry, int, error) {
	if !a.IsBureau() {
		return training.Institution{}, nil, 0, training.ErrNotFound
	}
	var in training.Institution
	var list []training.AuditEntry
	var total int
	b := &pgx.Batch{}
	b.Queue(`SELECT `+institutionColumns+` FROM institutions i WHERE i.id = $1`, institutionID).Query(func(rows pgx.Rows) error {
		var err error
		in, err = pgx.CollectExactlyOneRow(rows, scanInstitution)
		return err
	})
	b.Queue(institutionHistorySQL, institutionID, p.limit(), p.offset()).Query(func(rows pgx.Rows) error {
		var err error
		list, total, err = collectHistory(rows)
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return training.Institution{}, nil, 0, translate(err, "institution %d history page", institutionID)
	}
	return in, list, total, nil
}

// AuditBreak describes the first row at which the hash chain does not hold.
type AuditBreak struct {
	Seq    int64
	Reason string
}

// VerifyAudit recomputes the hash chain over the whole log and reports the
// first broken link: an edited row (hash mismatch), a deleted row (gap in
// seq or prev_hash mismatch) or a head that does not match the last row.
func (s *Store) VerifyAudit(ctx context.Context) (*AuditBreak, int64, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT seq, prev_hash, hash, audit_row_hash(prev_hash, a) = hash
		FROM audit_log a ORDER BY seq`)
	if err != nil {
		return nil, 0, translate(err, "verify audit")
	}
	defer rows.Close()
	var n, wantSeq int64 = 0, 1
	prev := []byte{0}
	for rows.Next() {
		var seq int64
		var prevHash, hash []byte
		var ok bool
		if err := rows.Scan(&seq, &prevHash, &hash, &ok); err != nil {
			return nil, n, translate(err, "verify audit")
		}
		switch {
		case seq != wantSeq:
			return &AuditBreak{Seq: wantSeq, Reason: "missing row"}, n, nil
		case string(prevHash) != string(prev):
			return &AuditBreak{Seq: seq, Reason: "previous hash does not match"}, n, nil
		case !ok:
			return &AuditBreak{Seq: seq, Reason: "row content does not match its hash"}, n, nil
		}
		prev, wantSeq = hash, seq+1
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, n, translate(err, "verify audit")
	}
	var headSeq int64
	var headHash []byte
	if err := s.pool.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, n, translate(err, "verify audit head")
	}
	if headSeq != wantSeq-1 || string(headHash) != string(prev) {
		return &AuditBreak{Seq: headSeq, Reason: "rows after the last one were deleted"}, n, nil
	}
	return nil, n, nil
}
