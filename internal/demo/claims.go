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

// ClaimBuildClassNo is the class number of the school's demo class with
// published results and no claim yet (the browser flow builds one from it).
const ClaimBuildClassNo = "BB9000000"

// demoClaim is one claim of the demo, taken to a state through the
// repository.
type demoClaim struct {
	login string
	tag   string
	group training.TargetGroup
	state training.ClaimStatus
}

// demoClaims: a claim in every state, all the school's (a class of the
// academy's would end its INST-4 inactivity, which the demo shows).
var demoClaims = []demoClaim{
	{"school", "90001", training.GroupUnemployed, training.ClaimDraft},
	{"school", "90002", training.GroupRuralMigrant, training.ClaimSubmitted},
	{"school", "90003", training.GroupEmployee, training.ClaimReturned},
	{"school", "90004", training.GroupUnemployed, training.ClaimReviewed},
	{"school", "90005", training.GroupVeteran, training.ClaimNotice},
	{"school", "90006", training.GroupUnemployed, training.ClaimObjections},
	{"school", "90007", training.GroupHardToEmploy, training.ClaimPayable},
	{"school", "90008", training.GroupUnemployed, training.ClaimPaymentRecorded},
	{"school", "90009", training.GroupRuralMigrant, training.ClaimPaymentFailed},
	{"school", "90010", training.GroupUnemployed, training.ClaimPaid},
	{"school", "90011", training.GroupEmployee, training.ClaimWithdrawn},
}

// after is the n-th working day after d.
func (st *story) after(d time.Time, n int) time.Time {
	for ; n > 0; n-- {
		d = d.AddDate(0, 0, 1)
		for !st.working(d) {
			d = d.AddDate(0, 0, 1)
		}
	}
	return d
}

// claimDemoEnrolments is how many enrolments (and trainees) the claims'
// classes add to the demo.
const claimDemoEnrolments = 4*11 + 6

// claimStep is one step of the claims' story, on its day.
type claimStep struct {
	at time.Time
	do func() error
}

// loadClaims makes published passes in SQL (classes that started the
// working day after the institutions were designated, certificates four
// working days later), then takes a claim to every state through the
// repository, every step on its day between the teacher pool's approval
// and the finished class's filing, in time order (the audit chain tells
// the story in order). The claim on notice is approved later, today
// (loadClaimNotice). The school also has a class with published results
// and no claim (one trainee below the attendance threshold, one employee
// at 50 %, one who paid the approved fee) for building a claim.
func loadClaims(ctx context.Context, st *story, actors map[string]training.Actor) (noticeClaim int64, err error) {
	s := st.store
	start := st.after(st.base, 1)
	cert := st.after(start, 4)
	spec := func(login, tag string, group training.TargetGroup, per int) PassSpec {
		return PassSpec{InstitutionID: actors[login].InstitutionID, Occupation: map[string]string{"school": "4-03-02-01", "academy": "4-10-01-05"}[login],
			Level: training.Level4, Type: training.TypeSkillLevel, Classes: 1, PerClass: per, Start: start, CertDate: cert, Tag: tag, Group: group}
	}
	classes := map[string][]int64{}
	err = pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
		for _, c := range demoClaims {
			p, err := SeedPasses(ctx, tx, spec(c.login, c.tag, c.group, 4))
			if err != nil {
				return err
			}
			classes[c.tag] = p.ClassIDs
		}
		p, err := SeedPasses(ctx, tx, spec("school", "90000", training.GroupUnemployed, 6))
		if err != nil {
			return err
		}
		e := p.Enrolments[0]
		if _, err := tx.Exec(ctx, `UPDATE enrolment_attendance SET hours_attended = 48 WHERE enrolment_id = $1`, e[1]); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE trainees SET target_group = 'employee' WHERE id = (SELECT trainee_id FROM enrolments WHERE id = $1)`, e[2]); err != nil {
			return err
		}
		var app int64
		if err := tx.QueryRow(ctx, `INSERT INTO fee_applications (class_id, institution_id, amount, covers, reason, status, class_start,
				submitted_on, submitted_by, submitted_at, decided_by, decided_at)
			VALUES ($1, $2, 30000, '教材、实训耗材', '演示：经核准收费的学员', 'approved', $3, $4, '陈老师', $5, '王科长', $5) RETURNING id`,
			p.ClassIDs[0], actors["school"].InstitutionID, start, start.AddDate(0, 0, -7), start.AddDate(0, 0, -6)).Scan(&app); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO fee_payments (enrolment_id, class_id, application_id, approved_amount, amount, paid_on, receipt_no, recorded_by, recorded_at)
			VALUES ($1, $2, $3, 30000, 30000, $4, 'SJ-DEMO-1', '陈老师', $5)`, e[3], p.ClassIDs[0], app, start, start.Add(10*time.Hour))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("demo claims: passes: %w", err)
	}
	bureau, bureau2 := actors["bureau"], actors["bureau2"]
	step := func(a training.Actor, id int64, act training.ClaimAction, note string) error {
		c, err := s.ClaimByID(ctx, training.System, id)
		if err != nil {
			return err
		}
		if _, err := s.StepClaim(ctx, a, id, c.Version, act, note); err != nil {
			return fmt.Errorf("claim %d %s: %w", id, act, err)
		}
		return nil
	}
	d0 := st.after(st.pool, 1)
	approveOn := st.after(d0, 1)
	payDay := st.after(approveOn, 7)
	// A year the calendar does not hold cannot time a notice: the claims
	// then stop at review.
	covered := st.cal.Covered(approveOn.Year()) && st.cal.Covered(payDay.Year())
	var plan []claimStep
	at := func(day time.Time, hh, mm int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, repository.Shanghai)
	}
	for n, c := range demoClaims {
		inst := actors[c.login]
		st.at(d0, 9, n)
		id, err := s.BuildClaim(ctx, inst, classes[c.tag])
		if err != nil {
			return 0, fmt.Errorf("demo claims: build %s: %w", c.tag, err)
		}
		add := func(t time.Time, f func() error) { plan = append(plan, claimStep{t, f}) }
		object := func() error {
			np, err := s.PublicNotice(ctx, id)
			if err != nil || len(np.Items) == 0 {
				return fmt.Errorf("notice %d: %v", id, err)
			}
			_, err = s.FileObjection(ctx, id, training.ObjectionInput{LineID: fmt.Sprint(np.Items[0].ID),
				Body: "演示异议：该学员培训期间在外地工作，怀疑未实际参训。"})
			return err
		}
		pay := func(voucher string) func() error {
			return func() error {
				c, err := s.ClaimByID(ctx, bureau, id)
				if err != nil {
					return err
				}
				return s.RecordClaimPayment(ctx, bureau, id, c.Version, training.ClaimPaymentInput{BatchNo: "PC" + payDay.Format("20060102") + "-01",
					PaidOn: payDay.Format("2006-01-02"), VoucherNo: voucher, Amount: training.YuanInput(c.Total)})
			}
		}
		switch c.state {
		case training.ClaimDraft:
			continue
		case training.ClaimWithdrawn:
			add(at(d0, 10, n), func() error { return step(inst, id, training.ActClaimWithdraw, "") })
			continue
		}
		add(at(d0, 10, n), func() error { return step(inst, id, training.ActClaimSubmit, "") })
		switch c.state {
		case training.ClaimSubmitted:
			continue
		case training.ClaimReturned:
			add(at(approveOn, 9, n), func() error {
				return step(bureau, id, training.ActClaimReturn, "请补充第3名学员的结业证书复印件")
			})
			continue
		}
		add(at(approveOn, 9, n), func() error { return step(bureau, id, training.ActClaimReview, "") })
		if c.state == training.ClaimReviewed || !covered {
			continue
		}
		if c.state == training.ClaimNotice {
			noticeClaim = id
			continue
		}
		add(at(approveOn, 15, n), func() error { return step(bureau2, id, training.ActClaimApprove, "") })
		if c.state == training.ClaimObjections {
			add(at(st.after(approveOn, 1), 10, n), object)
		}
		add(at(st.after(approveOn, 6), 0, 10+n), func() error { _, err := s.CloseClaimNotice(ctx, id); return err })
		switch c.state {
		case training.ClaimPaymentRecorded:
			add(at(payDay, 10, n), pay("PZ-DEMO-0008"))
		case training.ClaimPaymentFailed:
			add(at(payDay, 10, n), pay("PZ-DEMO-0009"))
			add(at(st.after(payDay, 1), 10, n), func() error {
				return step(bureau, id, training.ActClaimPaymentFailed, "收款账户已销户，银行退回")
			})
		case training.ClaimPaid:
			add(at(payDay, 10, n), pay("PZ-DEMO-0010"))
			add(at(st.after(payDay, 1), 10, n), func() error { return step(bureau, id, training.ActClaimConfirmPaid, "") })
		}
	}
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].at.Before(plan[j].at) })
	for _, p := range plan {
		st.mu.Lock()
		st.clock = p.at
		st.mu.Unlock()
		if err := p.do(); err != nil {
			return 0, fmt.Errorf("demo claims: %w", err)
		}
	}
	return noticeClaim, nil
}

// loadClaimNotice approves the claim on notice today and files an
// objection to it (call it on the story's present).
func loadClaimNotice(ctx context.Context, st *story, actors map[string]training.Actor, id int64) error {
	if id == 0 || !st.cal.Covered(st.time().Year()) {
		return nil
	}
	s := st.store
	c, err := s.ClaimByID(ctx, training.System, id)
	if err != nil {
		return err
	}
	if _, err := s.StepClaim(ctx, actors["bureau2"], id, c.Version, training.ActClaimApprove, ""); err != nil {
		if _, ok := training.AsValidation(err); ok {
			return nil // the notice would run into a year the calendar does not hold
		}
		return fmt.Errorf("demo claims: approve the notice: %w", err)
	}
	np, err := s.PublicNotice(ctx, id)
	if err != nil || len(np.Items) == 0 {
		return fmt.Errorf("demo claims: notice %d: %v", id, err)
	}
	_, err = s.FileObjection(ctx, id, training.ObjectionInput{LineID: fmt.Sprint(np.Items[len(np.Items)-1].ID),
		Body: "演示异议：该学员已在其他机构参加同工种培训。"})
	return err
}
