package repository

import (
	"context"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// claimScope narrows claims to what the actor may see: the bureau every
// claim, an institution its own.
func claimScope(a training.Actor, w *where) bool {
	switch {
	case a.IsBureau():
		return true
	case a.IsInstitution():
		w.add("sc.institution_id = ?", a.InstitutionID)
		return true
	}
	return false
}

// ClaimByID reads one claim the actor may see (another institution's is
// ErrNotFound).
func (s *Store) ClaimByID(ctx context.Context, a training.Actor, id int64) (training.Claim, error) {
	var w where
	if !claimScope(a, &w) {
		return training.Claim{}, training.ErrNotFound
	}
	w.add("sc.id = ?", id)
	var c training.Claim
	err := scanClaimInto(s.pool.QueryRow(ctx, `SELECT `+claimColumns+claimFrom+w.sql(), w.args...), &c)
	return c, translate(err, "claim %d", id)
}

// ClaimFilter narrows the claim list.
type ClaimFilter struct {
	Status training.ClaimStatus
	// Queue: the bureau's to-do (submitted, reviewed, objections to decide,
	// payable, failed payments).
	Queue bool
}

var claimSorts = map[string]string{
	"id":    "sc.id",
	"total": "sc.total, sc.id",
}

// Claims lists claims: the bureau's (every institution), or an
// institution's own; newest first by default.
func (s *Store) Claims(ctx context.Context, a training.Actor, f ClaimFilter, p Page) ([]training.Claim, int, error) {
	var w where
	if !claimScope(a, &w) {
		return nil, 0, training.ErrForbidden
	}
	if f.Status.Valid() {
		w.add("sc.status = ?", string(f.Status))
	}
	if f.Queue {
		w.add("sc.status IN ('submitted', 'reviewed', 'objections', 'payable', 'payment_recorded', 'payment_failed')")
	}
	if p.Sort == "" {
		p.Sort, p.Desc = "id", true
	}
	// The page's ids and the count first (an index scan of the claims
	// alone), then the page's rows with their joins and pending
	// objections: not for every claim of the province.
	order := orderBy(p, claimSorts, "id")
	sql := `WITH page AS (SELECT sc.id, count(*) OVER () AS total FROM subsidy_claims sc` + w.sql() + order +
		` LIMIT ` + w.arg(p.limit()) + ` OFFSET ` + w.arg(p.offset()) + `)
		SELECT ` + claimColumns + `, page.total FROM page JOIN subsidy_claims sc ON sc.id = page.id
		JOIN institutions i ON i.id = sc.institution_id` + order
	rows, err := s.pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, 0, translate(err, "claims")
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Claim, error) {
		var c training.Claim
		return c, scanClaimInto(row, &c, &total)
	})
	return list, total, translate(err, "claims")
}

// ClaimableClasses lists the institution's classes with published results,
// newest first (at most 200).
func (s *Store) ClaimableClasses(ctx context.Context, a training.Actor) ([]training.ClaimableClass, error) {
	if !a.IsInstitution() {
		return nil, training.ErrForbidden
	}
	// The newest 200 classes with passes holding a valid certificate: a
	// large school has filed thousands of classes. A class with published
	// results has finished (第九条: assessment after the class), so its end
	// date is set and it is in classes_institution_end_id_idx, walked
	// backwards; its passes and the lines that claim them already are kept
	// per class (class_ledger_facts, migration 00117), so no class's
	// roster is read (a count per class took 19 ms for a school of 2,000
	// filings).
	rows, err := s.pool.Query(ctx, `SELECT x.*, lf.passes, lf.claimed FROM (`+classRefSQL+`
			WHERE c.institution_id = $1 AND c.status IN `+pastTrainingSQL+`
			AND EXISTS (SELECT 1 FROM class_ledger_facts f WHERE f.class_id = c.id AND f.passes > 0)
			ORDER BY c.end_date DESC, c.id DESC LIMIT 200)
			x (id, class_no, institution_id, institution_name, occupation_id, occupation_name, level, type, status, start_date, end_date)
		JOIN class_ledger_facts lf ON lf.class_id = x.id
		ORDER BY x.end_date DESC, x.id DESC`, a.InstitutionID)
	if err != nil {
		return nil, translate(err, "claimable classes")
	}
	defer rows.Close()
	var out []training.ClaimableClass
	for rows.Next() {
		var cc training.ClaimableClass
		var status, typ string
		if err := rows.Scan(&cc.ID, &cc.ClassNo, &cc.InstitutionID, &cc.InstitutionName, &cc.OccupationID, &cc.OccupationName,
			&cc.Level, &typ, &status, &cc.Start, &cc.End, &cc.Passes, &cc.Claimed); err != nil {
			return nil, translate(err, "claimable classes")
		}
		cc.Status, cc.Type = training.ClassStatus(status), training.ClassType(typ)
		out = append(out, cc)
	}
	return out, translate(rows.Err(), "claimable classes")
}

const claimLineColumns = `l.id, l.class_id, c.class_no, l.enrolment_id, l.trainee_id, l.certificate_id, l.cert_no, l.cert_date, l.name,
	l.id_number, l.target_group, l.class_type, l.level, l.occupation_id, coalesce(o.name, ''), l.standard_id, l.standard_fen,
	coalesce(st.source_doc, ''), l.rate_id, l.percent, l.shortage, l.amount_fen, l.status, l.removed_reason, l.recovery_fen, l.recovery_reason`

const claimLineFrom = ` FROM subsidy_claim_lines l JOIN classes c ON c.id = l.class_id LEFT JOIN occupations o ON o.id = l.occupation_id
	LEFT JOIN subsidy_standards st ON st.id = l.standard_id`

func scanClaimLine(row pgx.CollectableRow) (training.ClaimLine, error) {
	var l training.ClaimLine
	var group, typ string
	err := row.Scan(&l.ID, &l.ClassID, &l.ClassNo, &l.EnrolmentID, &l.TraineeID, &l.CertificateID, &l.CertNo, &l.CertDate, &l.Name,
		&l.IDNumber, &group, &typ, &l.Level, &l.OccupationID, &l.OccupationName, &l.StandardID, &l.Standard, &l.StandardDoc,
		&l.RateID, &l.Percent, &l.Shortage, &l.Amount, &l.Status, &l.Removed, &l.Recovery, &l.RecoveryWhy)
	l.Group, l.ClassType = training.TargetGroup(group), training.ClassType(typ)
	return l, err
}

const objectionColumns = `ob.id, ob.claim_id, coalesce(ob.line_id, 0), coalesce(l.name, ''), ob.objector, ob.contact, ob.body, ob.status,
	ob.filed_at, ob.decided_by, ob.decided_at, ob.decision`

func scanObjection(row pgx.CollectableRow) (training.Objection, error) {
	var o training.Objection
	err := row.Scan(&o.ID, &o.ClaimID, &o.LineID, &o.LineName, &o.Objector, &o.Contact, &o.Body, &o.Status, &o.FiledAt,
		&o.DecidedBy, &o.DecidedAt, &o.Decision)
	return o, err
}

// ClaimPage reads a claim's page in one round trip: the claim, its
// classes, lines, exclusions, objections, payments and history. An
// institution sees only its own claims (another's is ErrNotFound).
func (s *Store) ClaimPage(ctx context.Context, a training.Actor, id int64) (training.ClaimDetail, error) {
	var p training.ClaimDetail
	var w where
	if !claimScope(a, &w) {
		return p, training.ErrNotFound
	}
	w.add("sc.id = ?", id)
	// Every query of the batch carries the scope, so nothing of another
	// institution's claim is read.
	scope := `(SELECT sc.id` + claimFrom + w.sql() + `)`
	b := &pgx.Batch{}
	b.Queue(`SELECT `+claimColumns+claimFrom+w.sql(), w.args...)
	b.Queue(classRefSQL+` WHERE c.id = ANY ((SELECT sc.class_ids FROM subsidy_claims sc WHERE sc.id IN `+scope+`)::bigint[]) ORDER BY c.id`, w.args...)
	b.Queue(`SELECT `+claimLineColumns+claimLineFrom+` WHERE l.claim_id IN `+scope+` ORDER BY l.status, l.class_id, l.id`, w.args...)
	b.Queue(`SELECT x.certificate_id, x.class_id, c.class_no, x.enrolment_id, x.name, x.id_number, x.reasons, x.detail
		FROM subsidy_claim_exclusions x JOIN classes c ON c.id = x.class_id WHERE x.claim_id IN `+scope+` ORDER BY x.class_id, x.enrolment_id`, w.args...)
	b.Queue(`SELECT `+objectionColumns+` FROM subsidy_claim_objections ob LEFT JOIN subsidy_claim_lines l ON l.id = ob.line_id
		WHERE ob.claim_id IN `+scope+` ORDER BY ob.id`, w.args...)
	b.Queue(`SELECT id, batch_no, paid_on, voucher_no, amount, status, failure_reason, recorded_by, recorded_at, settled_by
		FROM subsidy_claim_payments WHERE claim_id IN `+scope+` ORDER BY id`, w.args...)
	b.Queue(`SELECT id, at, coalesce(actor_id, 0), actor_name, actor_role, action, entity, entity_id, coalesce(institution_id, 0),
		coalesce(before::text, ''), coalesce(after::text, '') FROM audit_log WHERE entity = 'claim' AND entity_id IN `+scope+` ORDER BY id`, w.args...)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	err := func() error {
		rows, _ := br.Query()
		list, err := pgx.CollectRows(rows, scanClaim)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return training.ErrNotFound
		}
		p.Claim = list[0]
		rows, _ = br.Query()
		if p.Classes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ClassRef, error) {
			var c training.ClassRef
			return c, scanClassRef(row, &c)
		}); err != nil {
			return err
		}
		rows, _ = br.Query()
		if p.Lines, err = pgx.CollectRows(rows, scanClaimLine); err != nil {
			return err
		}
		rows, _ = br.Query()
		if p.Exclusions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ClaimExclusion, error) {
			var x training.ClaimExclusion
			err := row.Scan(&x.CertificateID, &x.ClassID, &x.ClassNo, &x.EnrolmentID, &x.Name, &x.IDNumber, &x.Reasons, &x.Detail)
			return x, err
		}); err != nil {
			return err
		}
		rows, _ = br.Query()
		if p.Objections, err = pgx.CollectRows(rows, scanObjection); err != nil {
			return err
		}
		rows, _ = br.Query()
		if p.Payments, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ClaimPayment, error) {
			var py training.ClaimPayment
			err := row.Scan(&py.ID, &py.BatchNo, &py.PaidOn, &py.VoucherNo, &py.Amount, &py.Status, &py.FailureReason,
				&py.RecordedBy, &py.RecordedAt, &py.SettledBy)
			return py, err
		}); err != nil {
			return err
		}
		rows, _ = br.Query()
		p.History, err = pgx.CollectRows(rows, scanAudit)
		return err
	}()
	if err != nil {
		return p, translate(err, "claim page %d", id)
	}
	return p, translate(br.Close(), "claim page %d", id)
}
