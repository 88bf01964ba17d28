package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// The public money of the scale data set (issue 11): every class with
// published results is claimed through the claim build's own pass
// (repository.ScaleClaimPasses, decided line by line by
// training.DecideClaimLine, so the exclusions are the rule's). Each
// institution claims its classes a few days after their certificates,
// quarter by quarter, in claims of at most about 500 lines; every claim
// then takes the steps of the flow on dated days (submitted, reviewed by
// one bureau user, approved by another, five working days of public
// notice, payment recorded and confirmed), and where now falls in that
// timeline is its state: the past years are paid, this year's recent
// claims are in every state, and the classes of the last weeks are not
// claimed yet. A few claims are returned first, withdrawn, objected to
// (some objections upheld: the line removed with the reason) or paid
// after a failed payment; lines of institutions later revoked for fraud
// are marked for recovery (追缴). One live line per person, occupation,
// level and year holds across the district: the claims are taken in the
// order they were built, and a later one leaves the person out with the
// rule's reason.
func init() {
	scaleLoaders = append(scaleLoaders, scaleLoader{"subsidy_claims", loadScaleMoney})
	scaleTables = append(scaleTables, "subsidy_claims", "subsidy_claim_lines", "subsidy_claim_exclusions",
		"subsidy_claim_objections", "subsidy_claim_payments", "subsidy_paid_totals")
}

// scaleClaimLines is about how many lines a claim holds at most: a class
// that would take it past this starts the next claim.
const scaleClaimLines = 500

type moneyLine struct {
	id                                   int64
	cert, enrol, trainee, class, occ     int64
	stdID, rateID, std, amount           int64
	name, idNo, certNo, classType, group string
	certDate                             time.Time
	level, percent                       int16
	shortage                             bool
	status, removed                      string
	recovery                             int64
}

type moneyExcl struct {
	cert, class, enrol int64
	name, idNo, detail string
	reasons            []string
}

type moneyClass struct {
	id, inst int64
	certDate time.Time
	lines    []moneyLine
	excl     []moneyExcl
}

type moneyKey struct {
	trainee, occ int64
	level, year  int16
}

type moneyPayment struct {
	batch, voucher, status, failure string
	paidOn, recorded                time.Time
	settled                         *time.Time
}

type moneyClaim struct {
	id      int64
	no      string
	inst    int64
	classes []*moneyClass
	lines   []*moneyLine
	excl    []moneyExcl

	created, updated                time.Time
	status                          training.ClaimStatus
	version                         int
	submitted, reviewed, approved   *time.Time
	noticeClosed, paidAt, settledAt *time.Time
	noticeFrom, noticeUntil         *time.Time
	reviewer, approver              int
	touched                         []int
	returnReason                    string
	withdrawn                       bool
	payments                        []moneyPayment
	objection                       *moneyObjection
}

type moneyObjection struct {
	filed   time.Time
	decided *time.Time
	upheld  bool
}

// addWorking is the n-th working day (Monday to Friday) after d.
func addWorking(d time.Time, n int) time.Time {
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			n--
		}
	}
	return d
}

func loadScaleMoney(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	type user struct {
		id   int64
		name string
	}
	rows, _ := tx.Query(ctx, `SELECT id, name FROM users WHERE role = 'bureau' AND disabled_at IS NULL ORDER BY id LIMIT 6`)
	bureau, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (user, error) {
		var u user
		return u, row.Scan(&u.id, &u.name)
	})
	if err != nil {
		return 0, err
	}
	if len(bureau) < 3 {
		return 0, nil // no four eyes without bureau users: no claims
	}
	tables, err := repository.ScaleSubsidyTables(ctx, tx)
	if err != nil {
		return 0, err
	}
	rows, _ = tx.Query(ctx, `SELECT c.id, c.institution_id FROM classes c WHERE EXISTS (SELECT 1 FROM exam_applications a
		JOIN exam_sessions es ON es.application_id = a.id WHERE a.class_id = c.id AND es.status = 'published') ORDER BY c.id`)
	classes := map[int64]*moneyClass{}
	var classIDs []int64
	var cid, inst int64
	if _, err := pgx.ForEachRow(rows, []any{&cid, &inst}, func() error {
		classes[cid] = &moneyClass{id: cid, inst: inst}
		classIDs = append(classIDs, cid)
		return nil
	}); err != nil {
		return 0, err
	}
	if len(classIDs) == 0 {
		return 0, nil
	}
	phase := time.Now()
	mark := func(what string) {
		fmt.Fprintf(r.progress, "    %-30s %v\n", what, time.Since(phase).Round(time.Millisecond))
		phase = time.Now()
	}
	// The rule decides every approved pass.
	err = repository.ScaleClaimPasses(ctx, tx, func(c training.ClaimCandidate) error {
		mc := classes[c.ClassID]
		if mc == nil {
			return nil
		}
		if c.CertDate.After(mc.certDate) {
			mc.certDate = c.CertDate
		}
		l, ex, ok := training.DecideClaimLine(c, tables)
		if !ok {
			mc.excl = append(mc.excl, moneyExcl{cert: c.CertificateID, class: c.ClassID, enrol: c.EnrolmentID, name: c.Name,
				idNo: c.IDNumber, detail: truncate(ex.Detail, 500), reasons: ex.Reasons})
			return nil
		}
		mc.lines = append(mc.lines, moneyLine{cert: c.CertificateID, enrol: c.EnrolmentID, trainee: c.TraineeID, class: c.ClassID,
			occ: c.OccupationID, stdID: l.StandardID, rateID: l.RateID, std: l.Standard, amount: l.Amount, name: c.Name, idNo: c.IDNumber,
			certNo: c.CertNo, classType: string(c.ClassType), group: string(c.Group), certDate: c.CertDate, level: int16(c.Level),
			percent: int16(l.Percent), shortage: l.Shortage, status: "active"})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("claim passes: %w", err)
	}
	mark("approved passes decided")

	// Each institution's classes, in certificate order, become claims.
	byInst := map[int64][]*moneyClass{}
	for _, id := range classIDs {
		c := classes[id]
		byInst[c.inst] = append(byInst[c.inst], c)
	}
	insts := make([]int64, 0, len(byInst))
	for i := range byInst {
		insts = append(insts, i)
	}
	sort.Slice(insts, func(i, j int) bool { return insts[i] < insts[j] })
	today := scaleDay(r.now)
	var claims []*moneyClaim
	for _, i := range insts {
		list := byInst[i]
		sort.SliceStable(list, func(a, b int) bool { return list[a].certDate.Before(list[b].certDate) })
		var cur *moneyClaim
		n := 0
		quarter := func(d time.Time) int { return d.Year()*4 + (int(d.Month())-1)/3 }
		for _, c := range list {
			if len(c.lines)+len(c.excl) == 0 {
				continue
			}
			// The classes of the last weeks are not claimed yet.
			if c.certDate.After(today.AddDate(0, 0, -7-int(mix64(uint64(c.id))%21))) {
				continue
			}
			if cur == nil || quarter(cur.classes[0].certDate) != quarter(c.certDate) || n+len(c.lines) > scaleClaimLines+20 || len(cur.classes) == 100 {
				cur = &moneyClaim{inst: i}
				claims = append(claims, cur)
				n = 0
			}
			cur.classes = append(cur.classes, c)
			n += len(c.lines)
		}
	}
	// A claim is built 3–15 days after its last class's certificates.
	kept := claims[:0]
	for _, c := range claims {
		last := c.classes[len(c.classes)-1].certDate
		day := last.AddDate(0, 0, 3+r.rng.IntN(13))
		c.created = time.Date(day.Year(), day.Month(), day.Day(), 9, r.rng.IntN(480), 0, 0, repository.Shanghai).Add(time.Duration(r.rng.IntN(60)) * time.Second)
		if c.created.Before(r.now) {
			kept = append(kept, c)
		}
	}
	claims = kept
	sort.SliceStable(claims, func(i, j int) bool { return claims[i].created.Before(claims[j].created) })
	for k, c := range claims {
		c.no = fmt.Sprintf("BZ%d%06d", c.created.In(repository.Shanghai).Year(), k+1)
		r.claimTimeline(c, len(bureau))
	}
	numbers := len(claims)

	// One live line per person, occupation, level and year, district-wide:
	// in build order, a person already on a live line of an earlier claim
	// is left out with the rule's reason.
	holder := map[moneyKey]*moneyClaim{}
	kept = claims[:0]
	for _, c := range claims {
		for _, mc := range c.classes {
			for k := range mc.lines {
				l := &mc.lines[k]
				key := moneyKey{l.trainee, l.occ, l.level, int16(l.certDate.Year())}
				if h := holder[key]; h != nil {
					code := training.ExclOpenClaim
					if h.settledAt != nil && h.settledAt.Before(c.created) {
						code = training.ExclSubsidised
					}
					c.excl = append(c.excl, moneyExcl{cert: l.cert, class: l.class, enrol: l.enrol, name: l.name, idNo: l.idNo,
						detail: "申领 " + h.no, reasons: []string{code}})
					continue
				}
				c.lines = append(c.lines, l)
				if !c.withdrawn {
					holder[key] = c
				}
			}
			c.excl = append(c.excl, mc.excl...)
		}
		if len(c.lines) > 0 {
			kept = append(kept, c)
		}
	}
	claims = kept
	if len(claims) == 0 {
		return 0, nil
	}
	firstClaim, err := reserveIDs(ctx, tx, "subsidy_claims", len(claims))
	if err != nil {
		return 0, err
	}
	nLines := 0
	for _, c := range claims {
		nLines += len(c.lines)
	}
	firstLine, err := reserveIDs(ctx, tx, "subsidy_claim_lines", nLines)
	if err != nil {
		return 0, err
	}
	revoked := map[int64]time.Time{}
	rows, _ = tx.Query(ctx, `SELECT id, status_changed FROM institutions WHERE status = 'revoked' AND status_changed IS NOT NULL`)
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&inst, &at}, func() error {
		revoked[inst] = at
		return nil
	}); err != nil {
		return 0, err
	}
	next := firstLine
	for k, c := range claims {
		c.id = firstClaim + int64(k)
		for _, l := range c.lines {
			l.id = next
			next++
			if c.withdrawn {
				l.status = "released"
			}
		}
		if o := c.objection; o != nil && o.upheld && o.decided != nil && !o.decided.After(r.now) {
			l := c.lines[r.rng.IntN(len(c.lines))]
			l.status, l.removed = "removed", "异议成立：经核查该学员培训期间在外地务工，未实际参加培训"
		}
		// Lines of a school revoked for fraud after the payment: recovered.
		if rv, ok := revoked[c.inst]; ok && c.status == training.ClaimPaid && c.paidAt.Before(rv) {
			for _, l := range c.lines {
				if l.status == "active" && r.rng.IntN(5) == 0 {
					l.recovery = l.amount
				}
			}
		}
	}
	mark("claims dated")
	return r.copyClaims(ctx, tx, claims, numbers, mark, bureau[0].name, func(i int) (int64, string) { return bureau[i].id, bureau[i].name }, revoked)
}

// claimTimeline dates the claim's steps and sets its state at r.now.
func (r *scaleRun) claimTimeline(c *moneyClaim, bureau int) {
	now := r.now
	c.status, c.updated, c.version = training.ClaimDraft, c.created, 1
	step := func(t time.Time, to training.ClaimStatus) bool {
		if t.After(now) {
			return false
		}
		c.status, c.updated = to, t
		c.version++
		return true
	}
	at := func(d time.Time, hour int) time.Time {
		d = d.In(repository.Shanghai)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, r.rng.IntN(60), r.rng.IntN(60), 0, repository.Shanghai)
	}
	x := r.rng.IntN(100)
	if x < 3 {
		c.withdrawn = true
		step(c.created.Add(time.Duration(2+r.rng.IntN(40))*time.Hour), training.ClaimWithdrawn)
		if c.status != training.ClaimWithdrawn {
			c.withdrawn = false // still a draft now: its lines stay live
		}
		return
	}
	sub := c.created.Add(time.Duration(1+r.rng.IntN(40)) * time.Hour)
	if !step(sub, training.ClaimSubmitted) {
		return
	}
	c.submitted = &sub
	c.reviewer = r.rng.IntN(bureau)
	if x < 9 {
		ret := at(sub.AddDate(0, 0, 2+r.rng.IntN(5)), 10)
		if !step(ret, training.ClaimReturned) {
			return
		}
		c.touched = append(c.touched, c.reviewer)
		c.returnReason = "请补充部分学员的身份证复印件和培训协议书扫描件"
		again := at(ret.AddDate(0, 0, 2+r.rng.IntN(5)), 15)
		if !step(again, training.ClaimSubmitted) {
			return
		}
		c.submitted = &again
		sub = again
	}
	rev := at(sub.AddDate(0, 0, 2+r.rng.IntN(7)), 10)
	if !step(rev, training.ClaimReviewed) {
		return
	}
	c.reviewed = &rev
	c.touched = append(c.touched, c.reviewer)
	c.approver = (c.reviewer + 1 + r.rng.IntN(bureau-1)) % bureau
	for containsInt(c.touched, c.approver) {
		c.approver = (c.approver + 1) % bureau
	}
	ap := at(rev.AddDate(0, 0, 1+r.rng.IntN(3)), 15)
	if !step(ap, training.ClaimNotice) {
		return
	}
	from := scaleDay(ap)
	until := addWorking(from, training.NoticeWorkingDays)
	c.approved, c.noticeFrom, c.noticeUntil = &ap, &from, &until
	closeAt := time.Date(until.Year(), until.Month(), until.Day()+1, 0, 10, 0, 0, repository.Shanghai)
	payable := closeAt
	if x < 15 {
		o := &moneyObjection{filed: at(from.AddDate(0, 0, 1+r.rng.IntN(3)), 14), upheld: r.rng.IntN(10) < 3}
		if o.filed.After(now) {
			return
		}
		c.objection = o
		c.version++
		d := at(until.AddDate(0, 0, 1+r.rng.IntN(4)), 10)
		if !d.After(now) {
			o.decided = &d
			payable = d
		}
	}
	if !step(closeAt, training.ClaimPayable) {
		return
	}
	c.noticeClosed = &closeAt
	if o := c.objection; o != nil {
		if o.decided == nil {
			c.status = training.ClaimObjections
			return
		}
		step(*o.decided, training.ClaimPayable)
	}
	pay := at(payable.AddDate(0, 0, 3+r.rng.IntN(15)), 10)
	for {
		if !step(pay, training.ClaimPaymentRecorded) {
			return
		}
		day := scaleDay(pay)
		p := moneyPayment{batch: "PC" + day.Format("20060102") + "-01", voucher: fmt.Sprintf("PZ%s%05d", day.Format("2006"), r.rng.IntN(100000)),
			paidOn: day, recorded: pay, status: "recorded"}
		c.payments = append(c.payments, p)
		last := &c.payments[len(c.payments)-1]
		if len(c.payments) == 1 && r.rng.IntN(50) == 0 {
			fail := at(pay.AddDate(0, 0, 2), 11)
			if !step(fail, training.ClaimPaymentFailed) {
				return
			}
			last.status, last.failure, last.settled = "failed", "收款账户信息有误，银行退回", &fail
			pay = at(fail.AddDate(0, 0, 3+r.rng.IntN(5)), 10)
			continue
		}
		done := at(pay.AddDate(0, 0, 1+r.rng.IntN(3)), 16)
		if !step(done, training.ClaimPaid) {
			return
		}
		last.status, last.settled = "paid", &done
		c.paidAt, c.settledAt = &done, &done
		return
	}
}

// withoutSecondaryIndexes is withoutIndexes keeping the primary key (the
// objections reference the lines): one sorted build per index, where COPY
// would insert every row into each of them. The unique ones check, as
// they are built, every row they guard (one live line per person,
// occupation, level and year).
func withoutSecondaryIndexes(ctx context.Context, tx pgx.Tx, table string, load func() (int64, error)) (int64, error) {
	rows, _ := tx.Query(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
		WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1`, table)
	type index struct{ name, def string }
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (index, error) {
		var x index
		return x, row.Scan(&x.name, &x.def)
	})
	if err != nil {
		return 0, err
	}
	for _, x := range list {
		if _, err := tx.Exec(ctx, `DROP INDEX `+x.name); err != nil {
			return 0, err
		}
	}
	n, err := load()
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
		return 0, err
	}
	for _, x := range list {
		if _, err := tx.Exec(ctx, x.def); err != nil {
			return 0, fmt.Errorf("%s: %w", x.name, err)
		}
	}
	return n, nil
}

func containsInt(l []int, x int) bool {
	for _, v := range l {
		if v == x {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// copyClaims writes the claims and everything under them with COPY.
func (r *scaleRun) copyClaims(ctx context.Context, tx pgx.Tx, claims []*moneyClaim, numbers int, mark func(string), recoveryBy string,
	user func(int) (int64, string), revoked map[int64]time.Time) (int64, error) {
	var total int64
	i := 0
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"subsidy_claims"}, []string{"id", "claim_no", "institution_id", "status", "class_ids",
		"lines", "total", "excluded", "return_reason", "created_by", "created_at", "submitted_by", "submitted_at", "reviewed_by_id",
		"reviewed_by", "reviewed_at", "touched_by", "approved_by_id", "approved_by", "approved_at", "notice_from", "notice_until",
		"notice_closed", "paid_at", "updated_at", "version"}, pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(claims) {
			return nil, nil
		}
		c := claims[i]
		i++
		ids := make([]int64, len(c.classes))
		for k, mc := range c.classes {
			ids[k] = mc.id
		}
		var lines int
		var sum int64
		for _, l := range c.lines {
			if l.status != "removed" {
				lines++
				sum += l.amount
			}
		}
		var reviewerID, approverID *int64
		reviewer, approver, submitter := "", "", ""
		if c.submitted != nil {
			submitter = "机构经办人"
		}
		if c.reviewed != nil && c.status != training.ClaimReturned {
			id, name := user(c.reviewer)
			reviewerID, reviewer = &id, name
		}
		if c.approved != nil {
			id, name := user(c.approver)
			approverID, approver = &id, name
		}
		touched := make([]int64, len(c.touched))
		for k, t := range c.touched {
			touched[k], _ = user(t)
		}
		reason := ""
		if c.status == training.ClaimReturned {
			reason = c.returnReason
		}
		return []any{c.id, c.no, c.inst, string(c.status), ids, lines, sum, len(c.excl), reason, "机构经办人", c.created, submitter,
			c.submitted, reviewerID, reviewer, c.reviewed, touched, approverID, approver, c.approved, c.noticeFrom, c.noticeUntil,
			c.noticeClosed, c.paidAt, c.updated, c.version}, nil
	}))
	if err != nil {
		return 0, fmt.Errorf("claims: %w", err)
	}
	total += n
	ci, li := 0, 0
	n, err = withoutForeignKeys(ctx, tx, "subsidy_claim_lines", func() (int64, error) {
		return withoutSecondaryIndexes(ctx, tx, "subsidy_claim_lines", func() (int64, error) {
			return tx.CopyFrom(ctx, pgx.Identifier{"subsidy_claim_lines"}, []string{"id", "claim_id", "institution_id", "class_id",
				"enrolment_id", "trainee_id", "certificate_id", "name", "id_number", "cert_no", "cert_date", "occupation_id", "level",
				"class_type", "year", "target_group", "standard_id", "standard_fen", "rate_id", "percent", "shortage", "amount_fen",
				"status", "removed_reason", "recovery_fen", "recovery_reason", "recovery_by", "recovery_at"}, pgx.CopyFromFunc(func() ([]any, error) {
				for ci < len(claims) && li == len(claims[ci].lines) {
					ci, li = ci+1, 0
				}
				if ci == len(claims) {
					return nil, nil
				}
				c := claims[ci]
				l := c.lines[li]
				li++
				var why, by string
				var when *time.Time
				if l.recovery > 0 {
					t := minTime(revoked[c.inst].AddDate(0, 0, 5), r.now)
					why, by, when = "第十六条：机构弄虚作假、骗取培训补助经费，已撤销定点资格，追缴补贴", recoveryBy, &t
				}
				return []any{l.id, c.id, c.inst, l.class, l.enrol, l.trainee, l.cert, l.name, l.idNo, l.certNo, l.certDate, l.occ, l.level,
					l.classType, int16(l.certDate.Year()), l.group, l.stdID, l.std, l.rateID, l.percent, l.shortage, l.amount,
					l.status, l.removed, l.recovery, why, by, when}, nil
			}))
		})
	})
	if err != nil {
		return 0, fmt.Errorf("claim lines: %w", err)
	}
	mark("lines copied")
	total += n
	ci, li = 0, 0
	n, err = withoutForeignKeys(ctx, tx, "subsidy_claim_exclusions", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"subsidy_claim_exclusions"}, []string{"claim_id", "certificate_id", "class_id",
			"enrolment_id", "name", "id_number", "reasons", "detail"}, pgx.CopyFromFunc(func() ([]any, error) {
			for ci < len(claims) && li == len(claims[ci].excl) {
				ci, li = ci+1, 0
			}
			if ci == len(claims) {
				return nil, nil
			}
			c := claims[ci]
			x := c.excl[li]
			li++
			return []any{c.id, x.cert, x.class, x.enrol, x.name, x.idNo, x.reasons, x.detail}, nil
		}))
	})
	if err != nil {
		return 0, fmt.Errorf("claim exclusions: %w", err)
	}
	mark("exclusions copied")
	total += n
	var objections, payments [][]any
	for _, c := range claims {
		if o := c.objection; o != nil {
			var line *int64
			status, decision, by := "pending", "", ""
			if o.decided != nil {
				status, decision, by = "dismissed", "经核查，该学员出勤记录、考核记录真实，异议不成立", recoveryBy
				if o.upheld {
					status, decision = "upheld", "异议成立：经核查该学员培训期间在外地务工，未实际参加培训"
					for _, l := range c.lines {
						if l.status == "removed" {
							line = &l.id
						}
					}
				}
			}
			if line == nil && len(c.lines) > 0 {
				line = &c.lines[0].id
			}
			objections = append(objections, []any{c.id, line, "", "", "该学员培训期间在外地工作，怀疑未实际参训，请核查。",
				status, o.filed, by, o.decided, decision})
		}
		for _, p := range c.payments {
			var amount int64
			for _, l := range c.lines {
				if l.status == "active" {
					amount += l.amount
				}
			}
			by := ""
			if p.settled != nil {
				by = recoveryBy
			}
			payments = append(payments, []any{c.id, p.batch, p.paidOn, p.voucher, amount, p.status, p.failure, recoveryBy, p.recorded, by, p.settled})
		}
	}
	n, err = tx.CopyFrom(ctx, pgx.Identifier{"subsidy_claim_objections"}, []string{"claim_id", "line_id", "objector", "contact", "body",
		"status", "filed_at", "decided_by", "decided_at", "decision"}, pgx.CopyFromRows(objections))
	if err != nil {
		return 0, fmt.Errorf("claim objections: %w", err)
	}
	total += n
	n, err = tx.CopyFrom(ctx, pgx.Identifier{"subsidy_claim_payments"}, []string{"claim_id", "batch_no", "paid_on", "voucher_no", "amount",
		"status", "failure_reason", "recorded_by", "recorded_at", "settled_by", "settled_at"}, pgx.CopyFromRows(payments))
	if err != nil {
		return 0, fmt.Errorf("claim payments: %w", err)
	}
	total += n
	if _, err := tx.Exec(ctx, `SELECT setval('subsidy_claim_no_seq', $1)`, numbers); err != nil {
		return 0, err
	}
	if err := repository.ScalePaidTotals(ctx, tx); err != nil {
		return 0, fmt.Errorf("paid totals: %w", err)
	}
	mark("payments copied, totals kept")
	return total, nil
}
