package repository

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Subsidy claims (SUB-3, 第十二条): built from the approved passes of an
// institution's classes in one set-based pass, then reviewed, approved by
// a second bureau user, put on public notice, paid.

const claimColumns = `sc.id, sc.claim_no, sc.institution_id, i.name, sc.status, sc.class_ids, sc.lines, sc.total, sc.excluded,
	sc.return_reason, sc.created_by, sc.created_at, sc.submitted_by, sc.submitted_at, coalesce(sc.reviewed_by_id, 0), sc.reviewed_by,
	sc.reviewed_at, sc.review_note, sc.touched_by, sc.approved_by, sc.approved_at, sc.notice_from, sc.notice_until, sc.paid_at, sc.version,
	(SELECT count(*) FROM subsidy_claim_objections o WHERE o.claim_id = sc.id AND o.status = 'pending')`

const claimFrom = ` FROM subsidy_claims sc JOIN institutions i ON i.id = sc.institution_id`

func scanClaimInto(row pgx.Row, c *training.Claim, extra ...any) error {
	var status string
	err := row.Scan(append([]any{&c.ID, &c.ClaimNo, &c.InstitutionID, &c.InstitutionName, &status, &c.ClassIDs, &c.Lines, &c.Total,
		&c.Excluded, &c.ReturnReason, &c.CreatedBy, &c.CreatedAt, &c.SubmittedBy, &c.SubmittedAt, &c.ReviewedByID, &c.ReviewedBy,
		&c.ReviewedAt, &c.ReviewNote, &c.TouchedBy, &c.ApprovedBy, &c.ApprovedAt, &c.NoticeFrom, &c.NoticeUntil, &c.PaidAt, &c.Version,
		&c.Pending}, extra...)...)
	c.Status = training.ClaimStatus(status)
	return err
}

func scanClaim(row pgx.CollectableRow) (training.Claim, error) {
	var c training.Claim
	return c, scanClaimInto(row, &c)
}

// claimCandidatesSQL is the set-based pass: one row per approved pass
// (certificate, not revoked, of a published session) of the chosen
// classes ($1) with every fact SUB-3 needs; $2 is the claim being rebuilt
// (0 for a new one), whose own lines do not count against it.
const claimCandidatesSQL = `SELECT cert.id, cert.cert_no, cert.issue_date, e.id, t.id, t.name, t.id_number, t.target_group,
		c.id, c.class_no, c.type, c.level, c.occupation_id, coalesce(o.name, ''),
		coalesce((SELECT s.status = 'designated' FROM institution_status_log s WHERE s.institution_id = c.institution_id
			AND s.effective <= c.start_date ORDER BY s.effective DESC, s.id DESC LIMIT 1), false),
		coalesce(d.short, 0), CASE WHEN c.status = 'approved' THEN 0 ELSE coalesce(d.sessions - d.held, 0) END,
		e.agreement_date IS NOT NULL,
		CASE WHEN c.theory_hours + c.practical_hours > 0
			THEN coalesce(ea.hours_attended, 0)::float8 / (c.theory_hours + c.practical_hours) ELSE 0 END,
		c.start_date, c.end_date,
		EXISTS (SELECT 1 FROM fee_payments p WHERE p.enrolment_id = e.id),
		coalesce(other.claim_no, ''), coalesce(other.status, '')
	FROM classes c
	JOIN enrolments e ON e.class_id = c.id
	JOIN trainees t ON t.id = e.trainee_id
	JOIN exam_entries x ON x.enrolment_id = e.id AND x.outcome = 'pass'
	JOIN exam_sessions es ON es.id = x.session_id AND es.status = 'published'
	JOIN certificates cert ON cert.entry_id = x.id AND cert.revoked_at IS NULL
	LEFT JOIN occupations o ON o.id = c.occupation_id
	LEFT JOIN class_delivery d ON d.class_id = c.id
	LEFT JOIN enrolment_attendance ea ON ea.enrolment_id = e.id
	LEFT JOIN LATERAL (SELECT sc.claim_no, sc.status FROM subsidy_claim_lines l JOIN subsidy_claims sc ON sc.id = l.claim_id
		WHERE l.trainee_id = t.id AND l.occupation_id = c.occupation_id AND l.level = c.level
			AND l.year = extract(year FROM cert.issue_date) AND l.status = 'active' AND l.claim_id <> $2
		ORDER BY sc.status = 'paid' DESC LIMIT 1) other ON true
	WHERE c.id = ANY ($1::bigint[])
	ORDER BY c.id, e.id, cert.id`

func scanCandidate(row pgx.CollectableRow) (training.ClaimCandidate, error) {
	var c training.ClaimCandidate
	var group, typ, otherNo, otherStatus string
	err := row.Scan(&c.CertificateID, &c.CertNo, &c.CertDate, &c.EnrolmentID, &c.TraineeID, &c.Name, &c.IDNumber, &group,
		&c.ClassID, &c.ClassNo, &typ, &c.Level, &c.OccupationID, &c.OccupationName, &c.DesignatedOnStart,
		&c.ShortSessions, &c.UnrecordedAfter, &c.HasAgreement, &c.AttendanceRate, &c.ClassStart, &c.ClassEnd, &c.PaidFee,
		&otherNo, &otherStatus)
	c.Group, c.ClassType = training.TargetGroup(group), training.ClassType(typ)
	if otherNo != "" {
		if training.ClaimStatus(otherStatus).Settled() {
			c.SubsidisedBy = otherNo
		} else {
			c.OnOpenClaim = otherNo
		}
	}
	return c, err
}

// claimClassesSQL checks the chosen classes: the institution's own ($2),
// locked; for each, whether it has published results, and a claim in
// progress (other than $3) that already holds it.
const claimClassesSQL = `SELECT c.class_no,
		EXISTS (SELECT 1 FROM exam_applications a JOIN exam_sessions es ON es.application_id = a.id
			WHERE a.class_id = c.id AND es.status = 'published'),
		coalesce(open.claim_no, ''), coalesce(open.status, '')
	FROM classes c LEFT JOIN LATERAL (SELECT sc.claim_no, sc.status FROM subsidy_claims sc WHERE sc.class_ids @> ARRAY[c.id]
			AND sc.status IN ('draft', 'returned', 'submitted', 'reviewed') AND sc.id <> $3 LIMIT 1) open ON true
	WHERE c.id = ANY ($1::bigint[]) AND c.institution_id = $2 ORDER BY c.id FOR UPDATE OF c`

// claimBuild is what one pass produced.
type claimBuild struct {
	lines      []training.ClaimLine
	exclusions []training.ClaimExclusion
	total      int64
}

// buildClaimPass runs the set-based pass in one round trip (a batch):
// check and lock the classes, lock their enrolments (a fee payment
// recorded meanwhile would otherwise slip past the check), read every
// candidate and the dated figures; then decides each line in memory.
func (s *Store) buildClaimPass(ctx context.Context, tx pgx.Tx, a training.Actor, classIDs []int64, claimID int64) (claimBuild, error) {
	var out claimBuild
	var rs training.Refusals
	found := 0
	b := &pgx.Batch{}
	b.Queue(claimClassesSQL, classIDs, a.InstitutionID, claimID)
	b.Queue(`SELECT count(*) FROM (SELECT 1 FROM enrolments WHERE class_id = ANY ($1::bigint[]) ORDER BY id FOR UPDATE) l`, classIDs)
	b.Queue(claimCandidatesSQL, classIDs, claimID)
	readTables := queueSubsidyTables(b)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	rows, _ := br.Query()
	for rows.Next() {
		var no, openNo, openStatus string
		var published bool
		if err := rows.Scan(&no, &published, &openNo, &openStatus); err != nil {
			return out, err
		}
		found++
		if !published {
			rs.Add("class_ids", training.RuleClaimClassNotOK, no)
		}
		if openNo != "" {
			rs.Add("class_ids", training.RuleClaimClassOpen, no, openNo, training.ClaimStatus(openStatus).Label())
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	if _, err := br.Exec(); err != nil {
		return out, err
	}
	rows, _ = br.Query()
	cands, err := pgx.CollectRows(rows, scanCandidate)
	if err != nil {
		return out, err
	}
	tables, err := readTables(br)
	if err != nil {
		return out, err
	}
	if err := br.Close(); err != nil {
		return out, err
	}
	if found != len(classIDs) {
		return out, training.ErrNotFound
	}
	if !rs.OK() {
		return out, rs.Err()
	}
	// One person, occupation, level and year once per claim too.
	seen := map[string]string{}
	for _, c := range cands {
		l, ex, ok := training.DecideClaimLine(c, tables)
		key := fmt.Sprintf("%d|%d|%d|%d", c.TraineeID, c.OccupationID, c.Level, c.CertDate.Year())
		if ok && seen[key] != "" {
			ex = training.ClaimExclusion{ClaimCandidate: c, Reasons: []string{training.ExclOpenClaim}, Detail: "本申领中已有（" + seen[key] + "）"}
			ok = false
		}
		if ok {
			seen[key] = c.CertNo
			out.lines = append(out.lines, l)
			out.total += l.Amount
		} else {
			out.exclusions = append(out.exclusions, ex)
		}
	}
	return out, nil
}

// claimWriteSQL writes a pass's lines and exclusions for claim $1 in one
// statement (the arrays are the lines', then the exclusions' columns).
const claimWriteSQL = `WITH l AS (
	INSERT INTO subsidy_claim_lines (claim_id, institution_id, class_id, enrolment_id, trainee_id, certificate_id, name, id_number,
		cert_no, cert_date, occupation_id, level, class_type, year, target_group, standard_id, standard_fen, rate_id, percent, shortage, amount_fen)
	SELECT $1, $2, u.class_id, u.enrolment_id, u.trainee_id, u.certificate_id, u.name, u.id_number, u.cert_no, u.cert_date,
		u.occupation_id, u.level, u.class_type, extract(year FROM u.cert_date), u.target_group, u.standard_id, u.standard_fen,
		u.rate_id, u.percent, u.shortage, u.amount
	FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::date[],
		$11::bigint[], $12::smallint[], $13::text[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[], $18::smallint[],
		$19::bool[], $20::bigint[])
		AS u (class_id, enrolment_id, trainee_id, certificate_id, name, id_number, cert_no, cert_date, occupation_id, level,
			class_type, target_group, standard_id, standard_fen, rate_id, percent, shortage, amount)
	RETURNING 1
), x AS (
	INSERT INTO subsidy_claim_exclusions (claim_id, certificate_id, class_id, enrolment_id, name, id_number, reasons, detail)
	SELECT $1, u.certificate_id, u.class_id, u.enrolment_id, u.name, u.id_number, string_to_array(u.reasons, ','), u.detail
	FROM unnest($21::bigint[], $22::bigint[], $23::bigint[], $24::text[], $25::text[], $26::text[], $27::text[])
		AS u (certificate_id, class_id, enrolment_id, name, id_number, reasons, detail)
	RETURNING 1
)
SELECT (SELECT count(*) FROM l), (SELECT count(*) FROM x)`

func claimWriteArgs(claimID, institutionID int64, p claimBuild) []any {
	n := len(p.lines)
	classID, enr, trainee, cert := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	name, idn, certNo, typ, group := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	certDate := make([]time.Time, n)
	occ, stdID, std, rateID, amount := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	level, pct := make([]int16, n), make([]int16, n)
	short := make([]bool, n)
	for i, l := range p.lines {
		classID[i], enr[i], trainee[i], cert[i] = l.ClassID, l.EnrolmentID, l.TraineeID, l.CertificateID
		name[i], idn[i], certNo[i], typ[i], group[i] = l.Name, l.IDNumber, l.CertNo, string(l.ClassType), string(l.Group)
		certDate[i], occ[i], level[i] = l.CertDate, l.OccupationID, int16(l.Level)
		stdID[i], std[i], rateID[i], pct[i], short[i], amount[i] = l.StandardID, l.Standard, l.RateID, int16(l.Percent), l.Shortage, l.Amount
	}
	m := len(p.exclusions)
	xCert, xClass, xEnr := make([]int64, m), make([]int64, m), make([]int64, m)
	xName, xID, xReasons, xDetail := make([]string, m), make([]string, m), make([]string, m), make([]string, m)
	for i, x := range p.exclusions {
		xCert[i], xClass[i], xEnr[i], xName[i], xID[i] = x.CertificateID, x.ClassID, x.EnrolmentID, x.Name, x.IDNumber
		xReasons[i], xDetail[i] = joinComma(x.Reasons), truncRunes(x.Detail, 500)
	}
	return []any{claimID, institutionID, classID, enr, trainee, cert, name, idn, certNo, certDate, occ, level, typ, group,
		stdID, std, rateID, pct, short, amount, xCert, xClass, xEnr, xName, xID, xReasons, xDetail}
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

func truncRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// BuildClaim builds a new claim for the actor's institution from the
// approved passes of the chosen classes: one transaction, a fixed number
// of round trips whatever the number of lines (the pass, the claim row,
// the lines and exclusions in one statement, the audit row).
func (s *Store) BuildClaim(ctx context.Context, a training.Actor, classIDs []int64) (int64, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	if rs := training.DecideBuildClaim(len(classIDs)); !rs.OK() {
		return 0, rs.Err()
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := s.buildClaimPass(ctx, tx, a, classIDs, 0)
		if err != nil {
			return err
		}
		now := s.now()
		var no string
		if err := tx.QueryRow(ctx, `INSERT INTO subsidy_claims (claim_no, institution_id, class_ids, lines, total, excluded, created_by, created_at, updated_at)
			VALUES ('BZ' || $1 || lpad(nextval('subsidy_claim_no_seq')::text, 6, '0'), $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id, claim_no`,
			s.Today().Format("2006"), a.InstitutionID, classIDs, len(p.lines), p.total, len(p.exclusions), actorLabel(a), now).Scan(&id, &no); err != nil {
			return err
		}
		var nl, nx int
		if err := tx.QueryRow(ctx, claimWriteSQL, claimWriteArgs(id, a.InstitutionID, p)...).Scan(&nl, &nx); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "claim.build", Entity: "claim", EntityID: id, InstitutionID: a.InstitutionID,
			After: map[string]any{"claim_no": no, "classes": classIDs, "lines": nl, "excluded": nx, "total": p.total}})
	})
	return id, translate(err, "build claim")
}

// RebuildClaim builds a draft or returned claim again from its classes
// (the figures, payments and other claims may have changed since).
func (s *Store) RebuildClaim(ctx context.Context, a training.Actor, id int64, version int) error {
	if !a.IsInstitution() {
		return training.ErrForbidden
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.claimForUpdate(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return training.ErrConflict
		}
		if rs := training.DecideRebuildClaim(c.Status); !rs.OK() {
			return rs.Err()
		}
		if _, err := tx.Exec(ctx, `DELETE FROM subsidy_claim_lines WHERE claim_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM subsidy_claim_exclusions WHERE claim_id = $1`, id); err != nil {
			return err
		}
		p, err := s.buildClaimPass(ctx, tx, a, c.ClassIDs, id)
		if err != nil {
			return err
		}
		var nl, nx int
		if err := tx.QueryRow(ctx, claimWriteSQL, claimWriteArgs(id, a.InstitutionID, p)...).Scan(&nl, &nx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE subsidy_claims SET lines = $2, total = $3, excluded = $4, updated_at = $5, version = version + 1
			WHERE id = $1`, id, nl, p.total, nx, s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "claim.rebuild", Entity: "claim", EntityID: id, InstitutionID: a.InstitutionID,
			Before: map[string]any{"lines": c.Lines, "total": c.Total, "excluded": c.Excluded},
			After:  map[string]any{"lines": nl, "total": p.total, "excluded": nx}})
	})
	return translate(err, "rebuild claim %d", id)
}

// claimForUpdate locks a claim the actor may act on: an institution its
// own (another's is ErrNotFound), the bureau any.
func (s *Store) claimForUpdate(ctx context.Context, tx pgx.Tx, a training.Actor, id int64) (training.Claim, error) {
	var w where
	w.add("sc.id = ?", id)
	switch {
	case a.IsBureau():
	case a.IsInstitution():
		w.add("sc.institution_id = ?", a.InstitutionID)
	default:
		return training.Claim{}, training.ErrNotFound
	}
	var c training.Claim
	err := scanClaimInto(tx.QueryRow(ctx, `SELECT `+claimColumns+claimFrom+w.sql()+` FOR UPDATE OF sc`, w.args...), &c)
	return c, err
}

// ClaimNoticeCloseArgs is the job that ends a claim's public notice at the
// end of its last day (enqueued by the approval, in its transaction).
type ClaimNoticeCloseArgs struct {
	ClaimID int64 `json:"claim_id"`
}

// Kind is the job's name in the queue.
func (ClaimNoticeCloseArgs) Kind() string { return "claim_notice_close" }

// StepClaim takes a workflow step (submit, withdraw, review, return,
// approve, confirm_paid, payment_failed): load and lock, decide, guarded
// update, audit, and for an approval enqueue the end of the notice, all in
// one transaction. It returns the new status.
func (s *Store) StepClaim(ctx context.Context, a training.Actor, id int64, version int, action training.ClaimAction, note string) (training.ClaimStatus, error) {
	if a.Role != action.Role() || action == training.ActClaimCloseNotice || action == training.ActClaimSettle ||
		action == training.ActClaimRecordPayment {
		if a.IsInstitution() || a.IsBureau() {
			// Visible to the actor but not theirs to do: 404 for another
			// institution's claim is decided below, so look first.
			if _, err := s.ClaimByID(ctx, a, id); err != nil {
				return "", err
			}
		}
		return "", training.ErrForbidden
	}
	var to training.ClaimStatus
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.claimForUpdate(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return training.ErrConflict
		}
		f := training.ClaimStepFacts{Today: s.Today(), Note: note}
		if action == training.ActClaimApprove {
			cal, err := s.Calendar(ctx)
			if err != nil {
				return err
			}
			f.Calendar = &cal
		}
		until, rs := training.DecideClaimStep(a, c, action, f)
		if !rs.OK() {
			return rs.Err()
		}
		to, _ = training.NextClaimStatus(c.Status, action, c.Pending)
		now := s.now()
		set := `status = $3, updated_at = $4, version = version + 1`
		args := []any{id, string(c.Status), string(to), now}
		switch action {
		case training.ActClaimSubmit:
			set += `, submitted_by = $5, submitted_at = $4, return_reason = ''`
			args = append(args, actorLabel(a))
		case training.ActClaimReview:
			set += `, reviewed_by_id = $5, reviewed_by = $6, reviewed_at = $4, review_note = $7, touched_by = touched_by || $5::bigint`
			args = append(args, a.UserID, actorLabel(a), note)
		case training.ActClaimReturn:
			set += `, return_reason = $5, touched_by = touched_by || $6::bigint, reviewed_by_id = NULL, reviewed_by = '', reviewed_at = NULL`
			args = append(args, note, a.UserID)
		case training.ActClaimApprove:
			set += `, approved_by_id = $5, approved_by = $6, approved_at = $4, notice_from = $7, notice_until = $8`
			args = append(args, a.UserID, actorLabel(a), f.Today, until)
		case training.ActClaimConfirmPaid:
			set += `, paid_at = $4`
		}
		tag, err := tx.Exec(ctx, `UPDATE subsidy_claims SET `+set+` WHERE id = $1 AND status = $2`, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		switch action {
		case training.ActClaimWithdraw:
			if _, err := tx.Exec(ctx, `UPDATE subsidy_claim_lines SET status = 'released' WHERE claim_id = $1 AND status = 'active'`, id); err != nil {
				return err
			}
		case training.ActClaimConfirmPaid, training.ActClaimPaymentFailed:
			st, reason := "paid", ""
			if action == training.ActClaimPaymentFailed {
				st, reason = "failed", note
			}
			tag, err := tx.Exec(ctx, `UPDATE subsidy_claim_payments SET status = $2, failure_reason = $3, settled_by = $4, settled_at = $5
				WHERE claim_id = $1 AND status = 'recorded'`, id, st, reason, actorLabel(a), now)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return training.ErrConflict
			}
		case training.ActClaimApprove:
			// The notice ends at the end of its last day (Asia/Shanghai).
			// A store without a queue (the demo loader, shell commands)
			// leaves it to the daily sweep, which closes every notice due.
			end := time.Date(until.Year(), until.Month(), until.Day()+1, 0, 0, 30, 0, Shanghai)
			if s.queue != nil {
				if err := s.enqueue(ctx, tx, ClaimNoticeCloseArgs{ClaimID: id}, end); err != nil {
					return err
				}
			}
		}
		if err := s.notifyClaimStep(ctx, tx, c, action, note, until); err != nil {
			return err
		}
		after := map[string]any{"status": string(to)}
		if note != "" {
			after["note"] = note
		}
		if action == training.ActClaimApprove {
			after["notice_until"] = until.Format("2006-01-02")
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "claim." + string(action), Entity: "claim", EntityID: id,
			InstitutionID: c.InstitutionID, Before: map[string]any{"status": string(c.Status)}, After: after})
	})
	return to, translate(err, "claim %d %s", id, action)
}

// notifyClaimStep tells who must act next or whose money moved, in the
// step's transaction: the bureau of a submission, the institution of a
// return, an approval (the notice period), a failed payment and the money
// received.
func (s *Store) notifyClaimStep(ctx context.Context, tx pgx.Tx, c training.Claim, action training.ClaimAction, note string, until time.Time) error {
	href := "/claims/" + strconv.FormatInt(c.ID, 10)
	kind := "claim." + string(action)
	switch action {
	case training.ActClaimSubmit:
		return s.NotifyBureau(ctx, tx, InboxNotice{Kind: kind, Title: "新的补贴申领待初审：" + c.ClaimNo + " " + c.InstitutionName,
			Body: strconv.Itoa(c.Lines) + " 人，" + training.YuanText(c.Total), Href: href})
	case training.ActClaimReturn:
		return s.NotifyInstitution(ctx, tx, c.InstitutionID, InboxNotice{Kind: kind, Title: "补贴申领被退回：" + c.ClaimNo, Body: note, Href: href})
	case training.ActClaimApprove:
		return s.NotifyInstitution(ctx, tx, c.InstitutionID, InboxNotice{Kind: kind, Title: "补贴申领已审批，进入公示：" + c.ClaimNo,
			Body: "公示期至 " + until.Format("2006-01-02") + "（5个工作日），期满且异议处理完毕后拨付。", Href: href})
	case training.ActClaimPaymentFailed:
		return s.NotifyInstitution(ctx, tx, c.InstitutionID, InboxNotice{Kind: kind, Title: "补贴拨付失败，待重新拨付：" + c.ClaimNo, Body: note, Href: href})
	case training.ActClaimConfirmPaid:
		return s.NotifyInstitution(ctx, tx, c.InstitutionID, InboxNotice{Kind: kind, Title: "补贴已拨付到账：" + c.ClaimNo,
			Body: strconv.Itoa(c.Lines) + " 人，" + training.YuanText(c.Total), Href: href})
	}
	return nil
}

// CloseClaimNotice ends the public notice of a claim whose last day has
// passed (the job's work; idempotent: a claim no longer on notice, or
// still in its period, is left alone). With objections pending the claim
// waits for them; otherwise it becomes payable.
func (s *Store) CloseClaimNotice(ctx context.Context, id int64) (bool, error) {
	closed := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		closed = false
		c, err := s.claimForUpdate(ctx, tx, training.System, id)
		if err != nil {
			return err
		}
		if c.Status != training.ClaimNotice {
			return nil
		}
		if _, rs := training.DecideClaimStep(training.System, c, training.ActClaimCloseNotice, training.ClaimStepFacts{Today: s.Today()}); !rs.OK() {
			return nil
		}
		to, _ := training.NextClaimStatus(c.Status, training.ActClaimCloseNotice, c.Pending)
		if _, err := tx.Exec(ctx, `UPDATE subsidy_claims SET status = $2, notice_closed = $3, updated_at = $3, version = version + 1
			WHERE id = $1 AND status = 'notice'`, id, string(to), s.now()); err != nil {
			return err
		}
		closed = true
		return s.appendAudit(ctx, tx, training.System, auditRecord{Action: "claim.close_notice", Entity: "claim", EntityID: id,
			InstitutionID: c.InstitutionID, Before: map[string]any{"status": string(c.Status)},
			After: map[string]any{"status": string(to), "pending_objections": c.Pending}})
	})
	return closed, translate(err, "close notice of claim %d", id)
}

// CloseDueNotices closes every notice whose last day has passed (the
// daily sweep behind the per-claim jobs, for a job lost or a clock moved).
func (s *Store) CloseDueNotices(ctx context.Context) (int, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM subsidy_claims WHERE status = 'notice' AND notice_until < $1 ORDER BY notice_until, id`, s.Today())
	if err != nil {
		return 0, translate(err, "due notices")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, translate(err, "due notices")
	}
	n := 0
	for _, id := range ids {
		ok, err := s.CloseClaimNotice(ctx, id)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// RecordClaimPayment records the payment of a payable claim, or the
// re-issue of a failed one: batch, date, voucher and exactly the claim's
// total.
func (s *Store) RecordClaimPayment(ctx context.Context, a training.Actor, id int64, version int, in training.ClaimPaymentInput) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.claimForUpdate(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return training.ErrConflict
		}
		p, rs := training.DecideClaimPayment(c, in, s.Today())
		if !rs.OK() {
			return rs.Err()
		}
		now := s.now()
		var pid int64
		if err := tx.QueryRow(ctx, `INSERT INTO subsidy_claim_payments (claim_id, batch_no, paid_on, voucher_no, amount, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, id, p.BatchNo, p.PaidOn, p.VoucherNo, p.Amount, actorLabel(a), now).Scan(&pid); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE subsidy_claims SET status = 'payment_recorded', updated_at = $3, version = version + 1
			WHERE id = $1 AND status = $2`, id, string(c.Status), now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return training.ErrConflict
		}
		action := "claim.record_payment"
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "claim", EntityID: id, InstitutionID: c.InstitutionID,
			Before: map[string]any{"status": string(c.Status)},
			After: map[string]any{"status": string(training.ClaimPaymentRecorded), "payment_id": pid, "batch_no": p.BatchNo,
				"paid_on": p.PaidOn.Format("2006-01-02"), "voucher_no": p.VoucherNo, "amount": p.Amount, "reissue": c.Status == training.ClaimPaymentFailed}})
	})
	return translate(err, "record payment of claim %d", id)
}

// MarkRecoveries marks the chosen lines of a paid claim for recovery (追缴,
// SUB-5) at once: the claim locked at version, the lines loaded, the rule
// decides (training.DecideRecoveries), one set-based UPDATE marks them, and
// one audit row lists every line with its amount.
func (s *Store) MarkRecoveries(ctx context.Context, a training.Actor, claimID int64, version int, lineIDs []int64, in training.RecoveryInput) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	lineIDs = slices.Compact(slices.Sorted(slices.Values(lineIDs)))
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.claimForUpdate(ctx, tx, a, claimID)
		if err != nil {
			return err
		}
		if c.Version != version {
			return training.ErrConflict
		}
		rows, _ := tx.Query(ctx, `SELECT id, amount_fen, status, recovery_fen, name FROM subsidy_claim_lines
			WHERE claim_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE`, claimID, lineIDs)
		lines, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.ClaimLine, error) {
			var l training.ClaimLine
			err := row.Scan(&l.ID, &l.Amount, &l.Status, &l.Recovery, &l.Name)
			return l, err
		})
		if err != nil {
			return err
		}
		amounts, rs := training.DecideRecoveries(c, len(lineIDs), lines, in)
		if !rs.OK() {
			return rs.Err()
		}
		ids := make([]int64, 0, len(lines))
		fen := make([]int64, 0, len(lines))
		marked := make([]map[string]any, 0, len(lines))
		for _, l := range lines {
			ids, fen = append(ids, l.ID), append(fen, amounts[l.ID])
			marked = append(marked, map[string]any{"line_id": l.ID, "name": training.MaskName(l.Name), "amount": amounts[l.ID]})
		}
		now := s.now()
		tag, err := tx.Exec(ctx, `UPDATE subsidy_claim_lines l SET recovery_fen = m.fen, recovery_reason = $3, recovery_by = $4, recovery_at = $5
			FROM unnest($1::bigint[], $2::bigint[]) AS m(id, fen)
			WHERE l.id = m.id AND l.claim_id = $6 AND l.status = 'active' AND l.recovery_fen = 0`,
			ids, fen, strings.TrimSpace(in.Reason), actorLabel(a), now, claimID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != int64(len(ids)) {
			return training.ErrConflict
		}
		if _, err := tx.Exec(ctx, `UPDATE subsidy_claims SET updated_at = $2, version = version + 1 WHERE id = $1`, claimID, now); err != nil {
			return err
		}
		var total int64
		for _, f := range fen {
			total += f
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "claim.recovery", Entity: "claim", EntityID: claimID, InstitutionID: c.InstitutionID,
			After: map[string]any{"lines": marked, "count": len(marked), "amount": total, "reason": strings.TrimSpace(in.Reason)}})
	})
	return translate(err, "recovery on claim %d", claimID)
}

// MarkRecovery marks one line for recovery (MarkRecoveries of the line
// alone, at its claim's current version) and returns the line's claim.
func (s *Store) MarkRecovery(ctx context.Context, a training.Actor, lineID int64, in training.RecoveryInput) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	var claimID int64
	var version int
	if err := s.pool.QueryRow(ctx, `SELECT c.id, c.version FROM subsidy_claim_lines l JOIN subsidy_claims c ON c.id = l.claim_id WHERE l.id = $1`,
		lineID).Scan(&claimID, &version); err != nil {
		return 0, translate(err, "recovery of line %d", lineID)
	}
	return claimID, s.MarkRecoveries(ctx, a, claimID, version, []int64{lineID}, in)
}
