package repository

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The public notice (公示) of approved claims and its objections (SUB-3):
// read without signing in, so names and ID numbers are masked here, in
// the repository, and never leave it whole.

const noticeColumns = `sc.id, sc.claim_no, i.name, to_char(sc.notice_from, 'YYYY-MM-DD'), to_char(sc.notice_until, 'YYYY-MM-DD'), sc.lines, sc.total`

func scanNotice(row pgx.CollectableRow) (training.Notice, error) {
	var n training.Notice
	err := row.Scan(&n.ID, &n.ClaimNo, &n.InstitutionName, &n.NoticeFrom, &n.NoticeUntil, &n.Lines, &n.Total)
	return n, err
}

// PublicNotices lists the claims on public notice, the soonest to close
// first.
func (s *Store) PublicNotices(ctx context.Context, p Page) ([]training.Notice, int, error) {
	var w where
	rows, err := s.pool.Query(ctx, `SELECT `+noticeColumns+`, count(*) OVER ()`+claimFrom+` WHERE sc.status = 'notice'
		ORDER BY sc.notice_until, sc.id LIMIT `+w.arg(p.limit())+` OFFSET `+w.arg(p.offset()), w.args...)
	if err != nil {
		return nil, 0, translate(err, "notices")
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Notice, error) {
		var n training.Notice
		err := row.Scan(&n.ID, &n.ClaimNo, &n.InstitutionName, &n.NoticeFrom, &n.NoticeUntil, &n.Lines, &n.Total, &total)
		return n, err
	})
	return list, total, translate(err, "notices")
}

// PublicNotice reads one claim on notice with its live lines, masked, in
// one round trip. A claim not on notice is ErrNotFound.
func (s *Store) PublicNotice(ctx context.Context, id int64) (training.NoticeDetail, error) {
	var p training.NoticeDetail
	b := &pgx.Batch{}
	b.Queue(`SELECT `+noticeColumns+claimFrom+` WHERE sc.id = $1 AND sc.status = 'notice'`, id)
	b.Queue(`SELECT l.id, l.name, l.id_number, coalesce(o.name, ''), l.level, l.class_type, l.amount_fen
		FROM subsidy_claim_lines l JOIN subsidy_claims sc ON sc.id = l.claim_id LEFT JOIN occupations o ON o.id = l.occupation_id
		WHERE l.claim_id = $1 AND sc.status = 'notice' AND l.status = 'active' ORDER BY l.id`, id)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	rows, _ := br.Query()
	list, err := pgx.CollectRows(rows, scanNotice)
	if err != nil {
		return p, translate(err, "notice %d", id)
	}
	if len(list) == 0 {
		return p, training.ErrNotFound
	}
	p.Notice = list[0]
	rows, _ = br.Query()
	p.Items, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.NoticeLine, error) {
		var l training.NoticeLine
		var name, idn, typ string
		err := row.Scan(&l.ID, &name, &idn, &l.OccupationName, &l.Level, &typ, &l.Amount)
		l.Name, l.IDNumber, l.ClassType = training.MaskName(name), training.MaskID(idn), training.ClassType(typ)
		return l, err
	})
	if err != nil {
		return p, translate(err, "notice %d", id)
	}
	return p, translate(br.Close(), "notice %d", id)
}

// Public is the actor the audit log names for a member of the public.
var Public = training.Actor{Name: "公众（未登录）"}

// FileObjection records an objection to a claim on notice, from anyone
// without signing in. The claim row is locked so an objection cannot slip
// in after the notice closed.
func (s *Store) FileObjection(ctx context.Context, claimID int64, in training.ObjectionInput) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		var inst int64
		if err := tx.QueryRow(ctx, `SELECT status, institution_id FROM subsidy_claims WHERE id = $1 FOR SHARE`, claimID).Scan(&status, &inst); err != nil {
			return err
		}
		if !training.ClaimStatus(status).OnNotice() {
			return training.ErrNotFound
		}
		rows, _ := tx.Query(ctx, `SELECT id FROM subsidy_claim_lines WHERE claim_id = $1 AND status = 'active'`, claimID)
		lineIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		o, err := training.ParseObjection(in, lineIDs)
		if err != nil {
			return err
		}
		var line *int64
		if o.LineID != 0 {
			line = &o.LineID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO subsidy_claim_objections (claim_id, line_id, objector, contact, body, filed_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, claimID, line, o.Objector, o.Contact, o.Body, s.now()).Scan(&id); err != nil {
			return err
		}
		// The bureau decides it; the institution learns of it (never who
		// filed it or how to reach them).
		var no string
		if err := tx.QueryRow(ctx, `SELECT claim_no FROM subsidy_claims WHERE id = $1`, claimID).Scan(&no); err != nil {
			return err
		}
		n := InboxNotice{Kind: "claim.objection", Title: "补贴公示收到异议：" + no, Href: "/claims/" + strconv.FormatInt(claimID, 10)}
		if err := s.NotifyBureau(ctx, tx, n); err != nil {
			return err
		}
		if err := s.NotifyInstitution(ctx, tx, inst, n); err != nil {
			return err
		}
		// The objector's name and contact are personal data: not in the log.
		return s.appendAudit(ctx, tx, Public, auditRecord{Action: "claim.objection", Entity: "claim", EntityID: claimID, InstitutionID: inst,
			After: map[string]any{"objection_id": id, "line_id": o.LineID}})
	})
	return id, translate(err, "objection to claim %d", claimID)
}

// DecideClaimObjection decides an objection (bureau): upheld removes the
// line from the claim with the reason, and the claim's figures follow;
// when the notice is over and this was the last pending objection the
// claim becomes payable.
func (s *Store) DecideClaimObjection(ctx context.Context, a training.Actor, objectionID int64, upheld bool, reason string) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	var claimID int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT claim_id FROM subsidy_claim_objections WHERE id = $1`, objectionID).Scan(&claimID); err != nil {
			return err
		}
		c, err := s.claimForUpdate(ctx, tx, a, claimID)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT `+objectionColumns+` FROM subsidy_claim_objections ob LEFT JOIN subsidy_claim_lines l ON l.id = ob.line_id
			WHERE ob.id = $1 FOR UPDATE OF ob`, objectionID)
		o, err := pgx.CollectExactlyOneRow(rows, scanObjection)
		if err != nil {
			return err
		}
		if rs := training.DecideObjection(c, o, upheld, reason); !rs.OK() {
			return rs.Err()
		}
		now := s.now()
		status := "dismissed"
		if upheld {
			status = "upheld"
		}
		if _, err := tx.Exec(ctx, `UPDATE subsidy_claim_objections SET status = $2, decided_by = $3, decided_at = $4, decision = $5
			WHERE id = $1 AND status = 'pending'`, objectionID, status, actorLabel(a), now, reason); err != nil {
			return err
		}
		after := map[string]any{"objection_id": objectionID, "outcome": status, "decision": reason}
		if upheld {
			var amount int64
			err := tx.QueryRow(ctx, `UPDATE subsidy_claim_lines SET status = 'removed', removed_reason = $2
				WHERE id = $1 AND status = 'active' RETURNING amount_fen`, o.LineID, reason).Scan(&amount)
			switch {
			case err == pgx.ErrNoRows:
				// Already removed by an earlier objection: nothing more to take off.
			case err != nil:
				return err
			default:
				if _, err := tx.Exec(ctx, `UPDATE subsidy_claims SET lines = lines - 1, total = total - $2, updated_at = $3, version = version + 1
					WHERE id = $1`, claimID, amount, now); err != nil {
					return err
				}
				after["removed_line"] = o.LineID
				after["amount"] = amount
				if err := s.NotifyInstitution(ctx, tx, c.InstitutionID, InboxNotice{Kind: "claim.objection_decide",
					Title: "公示异议成立，" + o.LineName + " 移出补贴申领：" + c.ClaimNo, Body: reason,
					Href: "/claims/" + strconv.FormatInt(claimID, 10)}); err != nil {
					return err
				}
			}
		}
		c.Pending--
		if c.Status == training.ClaimObjections && c.Pending == 0 {
			if _, err := tx.Exec(ctx, `UPDATE subsidy_claims SET status = 'payable', updated_at = $2, version = version + 1
				WHERE id = $1 AND status = 'objections'`, claimID, now); err != nil {
				return err
			}
			after["status"] = string(training.ClaimPayable)
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "claim.objection_decide", Entity: "claim", EntityID: claimID,
			InstitutionID: c.InstitutionID, Before: map[string]any{"status": string(c.Status)}, After: after})
	})
	return claimID, translate(err, "decide objection %d", objectionID)
}

// ReserveObjection counts one objection against the address, atomically,
// and reports whether it may be filed.
func (s *Store) ReserveObjection(ctx context.Context, addr string, l PublicLimits) (bool, error) {
	return s.reserveForAddress(ctx, "objection", addr, l)
}
