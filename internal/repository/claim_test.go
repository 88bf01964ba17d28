package repository_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/demo"
	"tianmu/internal/jobs"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// claimFixture is the demo data on a clock the test moves (starting Monday
// 2026-05-04), a job inserter, and published passes made in SQL.
type claimFixture struct {
	*fixture
	mu      sync.Mutex
	now     time.Time
	bureau2 training.Actor
}

func newClaimFixture(t *testing.T) *claimFixture {
	t.Helper()
	f := newFixture(t)
	cf := &claimFixture{fixture: f, now: time.Date(2026, 5, 4, 9, 0, 0, 0, repository.Shanghai)}
	f.s = repository.New(f.s.Pool(), func() time.Time { cf.mu.Lock(); defer cf.mu.Unlock(); return cf.now })
	if _, err := jobs.NewInserter(f.s); err != nil {
		t.Fatal(err)
	}
	cf.bureau2 = f.actor("bureau2")
	return cf
}

func (cf *claimFixture) setNow(t time.Time) { cf.mu.Lock(); cf.now = t; cf.mu.Unlock() }

// passes makes published passes for an institution (2026 classes of
// 中式烹调师 四级, certificates of 2026-04-20).
func (cf *claimFixture) passes(inst int64, tag string, classes, per int, people ...string) demo.Passes {
	cf.t.Helper()
	var p demo.Passes
	err := pgx.BeginFunc(cf.ctx, cf.s.Pool(), func(tx pgx.Tx) error {
		var err error
		p, err = demo.SeedPasses(cf.ctx, tx, demo.PassSpec{InstitutionID: inst, Occupation: "4-03-02-01", Level: training.Level4,
			Type: training.TypeSkillLevel, Classes: classes, PerClass: per, Start: d("2026-03-09"), CertDate: d("2026-04-20"),
			Tag: tag, People: people})
		return err
	})
	if err != nil {
		cf.t.Fatal(err)
	}
	return p
}

func (cf *claimFixture) exec(sql string, args ...any) {
	cf.t.Helper()
	if _, err := cf.s.Pool().Exec(cf.ctx, sql, args...); err != nil {
		cf.t.Fatal(err)
	}
}

func (cf *claimFixture) page(a training.Actor, id int64) training.ClaimDetail {
	cf.t.Helper()
	p, err := cf.s.ClaimPage(cf.ctx, a, id)
	if err != nil {
		cf.t.Fatal(err)
	}
	return p
}

func (cf *claimFixture) step(a training.Actor, id int64, act training.ClaimAction, note string) error {
	cf.t.Helper()
	c, err := cf.s.ClaimByID(cf.ctx, training.System, id)
	if err != nil {
		cf.t.Fatal(err)
	}
	_, err = cf.s.StepClaim(cf.ctx, a, id, c.Version, act, note)
	return err
}

func (cf *claimFixture) mustStep(a training.Actor, id int64, act training.ClaimAction, note string) {
	cf.t.Helper()
	if err := cf.step(a, id, act, note); err != nil {
		cf.t.Fatalf("%s: %v", act, err)
	}
}

func exclusionOf(p training.ClaimDetail, enrolment int64) training.ClaimExclusion {
	for _, x := range p.Exclusions {
		if x.EnrolmentID == enrolment {
			return x
		}
	}
	return training.ClaimExclusion{}
}

// TestClaimBuildExclusions: every reason a pass is left out, with its
// article, and the amount of the lines proposed.
func TestClaimBuildExclusions(t *testing.T) {
	cf := newClaimFixture(t)
	p := cf.passes(cf.school.InstitutionID, "101", 1, 6)
	e := p.Enrolments[0]
	cf.exec(`UPDATE enrolments SET agreement_no = NULL, agreement_date = NULL, pays_fee = NULL WHERE id = $1`, e[1])
	cf.exec(`UPDATE enrolment_attendance SET hours_attended = 60 WHERE enrolment_id = $1`, e[2]) // 75 %
	cf.exec(`UPDATE trainees SET target_group = 'other' WHERE id = (SELECT trainee_id FROM enrolments WHERE id = $1)`, e[3])
	cf.exec(`UPDATE trainees SET target_group = 'employee' WHERE id = (SELECT trainee_id FROM enrolments WHERE id = $1)`, e[4])
	// A fee paid (SUB-2): an approved application and the payment.
	var app int64
	if err := cf.s.Pool().QueryRow(cf.ctx, `INSERT INTO fee_applications (class_id, institution_id, amount, covers, reason, status, class_start,
		submitted_on, submitted_by, submitted_at, decided_by, decided_at) VALUES ($1, $2, 30000, '教材', '测试', 'approved', '2026-03-09',
		'2026-03-01', '陈老师', now(), '王科长', now()) RETURNING id`, p.ClassIDs[0], cf.school.InstitutionID).Scan(&app); err != nil {
		t.Fatal(err)
	}
	cf.exec(`INSERT INTO fee_payments (enrolment_id, class_id, application_id, approved_amount, amount, paid_on, receipt_no, recorded_by, recorded_at)
		VALUES ($1, $2, $3, 30000, 30000, '2026-03-09', 'SJ1', '陈老师', now())`, e[5], p.ClassIDs[0], app)

	if _, err := cf.s.BuildClaim(cf.ctx, cf.bureau, p.ClassIDs); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("the bureau built a claim: %v", err)
	}
	if _, err := cf.s.BuildClaim(cf.ctx, cf.acad, p.ClassIDs); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution built a claim on the school's class: %v", err)
	}
	id, err := cf.s.BuildClaim(cf.ctx, cf.school, p.ClassIDs)
	if err != nil {
		t.Fatal(err)
	}
	pg := cf.page(cf.school, id)
	if pg.Claim.Lines != 2 || len(pg.Lines) != 2 || pg.Claim.Excluded != 4 || pg.Claim.Total != 150000+75000 {
		t.Fatalf("claim %+v, %d lines", pg.Claim, len(pg.Lines))
	}
	for enr, want := range map[int64]string{e[1]: "第四条：未签订职业培训协议书", e[2]: "第八条：出勤率低于",
		e[3]: "第二条、第十二条：人员类别不在补贴范围内", e[5]: "第十二条：学员已缴纳培训费"} {
		x := exclusionOf(pg, enr)
		if len(x.Messages()) != 1 || !strings.HasPrefix(x.Messages()[0], want) {
			t.Errorf("enrolment %d: %v %q, want %q", enr, x.Messages(), x.Detail, want)
		}
	}
	for _, l := range pg.Lines {
		if l.EnrolmentID == e[4] && (l.Percent != 50 || l.Amount != 75000 || !strings.Contains(l.Computation(), "¥1,500.00")) {
			t.Errorf("employee line %+v %s", l, l.Computation())
		}
	}
	// The class is on a claim in progress: a second claim of it is refused.
	_, err = cf.s.BuildClaim(cf.ctx, cf.school, p.ClassIDs)
	wantRule(t, err, "第十二条：培训班BB10100已在申领")

	// Not designated on the start date, and delivery short of plan.
	early := cf.passes(cf.school.InstitutionID, "102", 2, 2)
	// Before the demo designates the school (its story's origin, in 2025).
	cf.exec(`UPDATE classes SET start_date = '2024-12-02', end_date = '2024-12-06', approved_on = '2024-11-20' WHERE id = $1`, early.ClassIDs[0])
	cf.exec(`UPDATE class_delivery SET sessions = 4, planned_hours = 80, held = 4, planned_held = 80, delivered = 72, short = 1
		WHERE class_id = $1`, early.ClassIDs[1])
	id2, err := cf.s.BuildClaim(cf.ctx, cf.school, early.ClassIDs)
	if err != nil {
		t.Fatal(err)
	}
	pg = cf.page(cf.school, id2)
	if pg.Claim.Lines != 0 || len(pg.Exclusions) != 4 {
		t.Fatalf("claim %+v exclusions %d", pg.Claim, len(pg.Exclusions))
	}
	if x := exclusionOf(pg, early.Enrolments[0][0]); !x.HasReason(training.ExclNotDesignated) || !strings.HasPrefix(x.Messages()[0], "第三条、第十二条") {
		t.Fatalf("not designated: %+v", x)
	}
	if x := exclusionOf(pg, early.Enrolments[1][0]); !x.HasReason(training.ExclDeliveryShort) {
		t.Fatalf("delivery short: %+v", x)
	}
	// Nothing to claim: submitting is refused with the rule.
	wantRule(t, cf.step(cf.school, id2, training.ActClaimSubmit, ""), "第十二条：申领中没有可补贴的学员")
}

// TestClaimWorkflow: the whole flow, with four eyes, the notice on the
// working-day calendar, an objection upheld, a failed payment re-issued,
// a recovery; another institution neither sees nor touches the claim.
func TestClaimWorkflow(t *testing.T) {
	cf := newClaimFixture(t)
	p := cf.passes(cf.school.InstitutionID, "201", 1, 3)
	id, err := cf.s.BuildClaim(cf.ctx, cf.school, p.ClassIDs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cf.s.ClaimPage(cf.ctx, cf.acad, id); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution reads the claim: %v", err)
	}
	if err := cf.step(cf.acad, id, training.ActClaimSubmit, ""); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("another institution submits: %v", err)
	}
	list, _, err := cf.s.Claims(cf.ctx, cf.acad, repository.ClaimFilter{}, repository.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.InstitutionID != cf.acad.InstitutionID {
			t.Fatalf("academy's list holds %s of institution %d", c.ClaimNo, c.InstitutionID)
		}
	}
	if err := cf.step(cf.school, id, training.ActClaimReview, ""); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("the institution reviews its own claim: %v", err)
	}
	cf.mustStep(cf.school, id, training.ActClaimSubmit, "")
	wantRule(t, cf.step(cf.bureau, id, training.ActClaimReturn, ""), "请填写退回理由")
	cf.mustStep(cf.bureau, id, training.ActClaimReturn, "请核对证书日期")
	if err := cf.s.RebuildClaim(cf.ctx, cf.school, id, cf.page(cf.school, id).Claim.Version); err != nil {
		t.Fatal(err)
	}
	cf.mustStep(cf.school, id, training.ActClaimSubmit, "")
	cf.mustStep(cf.bureau2, id, training.ActClaimReview, "")
	// Four eyes: the reviewer, and the one who returned it, cannot approve.
	wantRule(t, cf.step(cf.bureau2, id, training.ActClaimApprove, ""), "第十二条：审批须由初审人以外")
	wantRule(t, cf.step(cf.bureau, id, training.ActClaimApprove, ""), "第十二条：审批须由初审人以外")
	third := cf.actorWith("bureau3", training.RoleBureau)
	cf.setNow(time.Date(2026, 4, 29, 10, 0, 0, 0, repository.Shanghai)) // before 五一
	cf.mustStep(third, id, training.ActClaimApprove, "")
	c, err := cf.s.ClaimByID(cf.ctx, cf.school, id)
	if err != nil || c.Status != training.ClaimNotice || c.NoticeUntil == nil || c.NoticeUntil.Format("2006-01-02") != "2026-05-09" {
		t.Fatalf("approved claim %+v %v", c, err)
	}
	if n := cf.count(`SELECT count(*) FROM river_job WHERE kind = 'claim_notice_close' AND (args->>'claim_id')::bigint = $1
		AND scheduled_at = '2026-05-10 00:00:30+08'`, id); n != 1 {
		t.Fatalf("notice jobs: %d", n)
	}
	// The public notice: masked, objections filed.
	np, err := cf.s.PublicNotice(cf.ctx, id)
	if err != nil || len(np.Items) != 3 {
		t.Fatalf("notice %+v %v", np, err)
	}
	for _, it := range np.Items {
		if !strings.Contains(it.IDNumber, "********") || strings.Count(it.Name, "*") == 0 {
			t.Fatalf("notice shows %q %q", it.Name, it.IDNumber)
		}
	}
	line := np.Items[0].ID
	if _, err := cf.s.FileObjection(cf.ctx, id, training.ObjectionInput{LineID: "999999", Body: "此人未参加培训"}); err == nil {
		t.Fatal("objection to a line not on the notice")
	}
	ob, err := cf.s.FileObjection(cf.ctx, id, training.ObjectionInput{LineID: fmt.Sprint(line), Body: "此人培训期间在外地上班", Contact: "13900001111"})
	if err != nil {
		t.Fatal(err)
	}
	// The notice cannot close before its end; the job is idempotent.
	cf.setNow(time.Date(2026, 5, 9, 18, 0, 0, 0, repository.Shanghai))
	if closed, err := cf.s.CloseClaimNotice(cf.ctx, id); err != nil || closed {
		t.Fatalf("closed during the notice: %v %v", closed, err)
	}
	cf.setNow(time.Date(2026, 5, 10, 0, 1, 0, 0, repository.Shanghai))
	if n, err := cf.s.CloseDueNotices(cf.ctx); err != nil || n < 1 { // the demo's notice is due too
		t.Fatalf("due notices closed: %d %v", n, err)
	}
	if closed, err := cf.s.CloseClaimNotice(cf.ctx, id); err != nil || closed {
		t.Fatalf("closed twice: %v %v", closed, err)
	}
	if _, err := cf.s.FileObjection(cf.ctx, id, training.ObjectionInput{Body: "公示期后的异议"}); !errors.Is(err, training.ErrNotFound) {
		t.Fatalf("objection after the notice: %v", err)
	}
	if c, _ := cf.s.ClaimByID(cf.ctx, cf.bureau, id); c.Status != training.ClaimObjections {
		t.Fatalf("after the notice with an objection: %s", c.Status)
	}
	if _, err := cf.s.DecideClaimObjection(cf.ctx, cf.bureau, ob, true, ""); err == nil {
		t.Fatal("decided without a reason")
	}
	if _, err := cf.s.DecideClaimObjection(cf.ctx, cf.school, ob, true, "成立"); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("the institution decided: %v", err)
	}
	if _, err := cf.s.DecideClaimObjection(cf.ctx, cf.bureau, ob, true, "经核实该学员未全程参训"); err != nil {
		t.Fatal(err)
	}
	pg := cf.page(cf.bureau, id)
	if pg.Claim.Status != training.ClaimPayable || pg.Claim.Lines != 2 || pg.Claim.Total != 300000 {
		t.Fatalf("after the objection: %+v", pg.Claim)
	}
	// Payment: the amount must be the claim's total; a failure is re-issued.
	pay := training.ClaimPaymentInput{BatchNo: "PC2026-05", PaidOn: "2026-05-11", VoucherNo: "PZ-0001", Amount: "4500"}
	cf.setNow(time.Date(2026, 5, 11, 10, 0, 0, 0, repository.Shanghai))
	wantRule(t, cf.s.RecordClaimPayment(cf.ctx, cf.bureau, id, pg.Claim.Version, pay), "第十二条：拨付金额")
	pay.Amount = "3000"
	if err := cf.s.RecordClaimPayment(cf.ctx, cf.school, id, pg.Claim.Version, pay); !errors.Is(err, training.ErrForbidden) {
		t.Fatalf("the institution recorded a payment: %v", err)
	}
	if err := cf.s.RecordClaimPayment(cf.ctx, cf.bureau, id, pg.Claim.Version, pay); err != nil {
		t.Fatal(err)
	}
	wantRule(t, cf.step(cf.bureau, id, training.ActClaimPaymentFailed, ""), "请填写拨付失败原因")
	cf.mustStep(cf.bureau, id, training.ActClaimPaymentFailed, "账户信息有误，银行退回")
	pay.VoucherNo = "PZ-0002"
	if err := cf.s.RecordClaimPayment(cf.ctx, cf.bureau, id, cf.page(cf.bureau, id).Claim.Version, pay); err != nil {
		t.Fatalf("re-issue: %v", err)
	}
	cf.mustStep(cf.bureau, id, training.ActClaimConfirmPaid, "")
	pg = cf.page(cf.school, id)
	if pg.Claim.Status != training.ClaimPaid || len(pg.Payments) != 2 || pg.Payments[0].Status != "failed" || pg.Payments[1].Status != "paid" {
		t.Fatalf("paid claim %+v payments %+v", pg.Claim, pg.Payments)
	}
	// Recovery of a line (SUB-5).
	var live int64
	for _, l := range pg.Lines {
		if l.Status == "active" {
			live = l.ID
		}
	}
	if _, err := cf.s.MarkRecovery(cf.ctx, cf.bureau, live, training.RecoveryInput{Amount: "2000", Reason: "虚报"}); err == nil {
		t.Fatal("recovered more than the line")
	}
	if _, err := cf.s.MarkRecovery(cf.ctx, cf.bureau, live, training.RecoveryInput{Amount: "1500", Reason: "弄虚作假，骗取培训补助经费"}); err != nil {
		t.Fatal(err)
	}
	// Every step is audited.
	if n := cf.count(`SELECT count(*) FROM audit_log WHERE entity = 'claim' AND entity_id = $1`, id); n < 14 {
		t.Fatalf("audit rows: %d", n)
	}
}

func (cf *claimFixture) actorWith(username string, role training.Role) training.Actor {
	cf.t.Helper()
	var id int64
	if err := cf.s.Pool().QueryRow(cf.ctx, `INSERT INTO users (username, name, role, password_hash, created_at)
		VALUES ($1, '第三审批人', $2, 'x', now()) RETURNING id`, username, string(role)).Scan(&id); err != nil {
		cf.t.Fatal(err)
	}
	return training.Actor{UserID: id, Username: username, Name: "第三审批人", Role: role}
}

// TestClaimOnceUnderConcurrency: six claims built at the same moment, each
// holding the same person for the same occupation, level and year: one
// succeeds, the others are refused by the constraint, and the person has
// exactly one live line. Then the person's later claims exclude them, as
// on an open claim and, once paid, as already subsidised.
func TestClaimOnceUnderConcurrency(t *testing.T) {
	cf := newClaimFixture(t)
	first := cf.passes(cf.school.InstitutionID, "301", 1, 2)
	person := first.IDNumbers[0][0]
	const n = 6
	classes := make([]int64, n)
	for i := range classes {
		classes[i] = cf.passes(cf.school.InstitutionID, fmt.Sprint(310+i), 1, 2, person).ClassIDs[0]
	}
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			_, err := cf.s.BuildClaim(cf.ctx, cf.school, []int64{classes[i]})
			switch {
			case err == nil:
				ok.Add(1)
			case strings.Contains(generalErr(err), "同一人员同一年度同一工种同一等级只能享受一次"):
				refused.Add(1)
			default:
				t.Errorf("build %d: %v", i, err)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	lines := cf.count(`SELECT count(*) FROM subsidy_claim_lines l JOIN trainees t ON t.id = l.trainee_id WHERE t.id_number = $1 AND l.status = 'active'`, person)
	t.Logf("concurrent builds: %d succeeded, %d refused by the constraint; live lines of the person: %d", ok.Load(), refused.Load(), lines)
	// A build that began after the winner committed succeeds without the
	// person (excluded: on another open claim); one that raced it is
	// refused whole by the constraint. Either way: one live line.
	excluded := cf.count(`SELECT count(*) FROM subsidy_claim_exclusions x JOIN trainees t ON t.id_number = x.id_number
		WHERE t.id_number = $1 AND 'open_claim' = ANY (x.reasons)`, person)
	if lines != 1 || ok.Load() < 1 || ok.Load()+refused.Load() != n || excluded != int(ok.Load())-1 {
		t.Fatalf("succeeded %d, refused %d, live lines %d, excluded %d", ok.Load(), refused.Load(), lines, excluded)
	}
	// Built one after the other, the person is excluded instead.
	id, err := cf.s.BuildClaim(cf.ctx, cf.school, first.ClassIDs)
	if err != nil {
		t.Fatal(err)
	}
	pg := cf.page(cf.school, id)
	x := exclusionOf(pg, first.Enrolments[0][0])
	if !x.HasReason(training.ExclOpenClaim) || pg.Claim.Lines != 1 {
		t.Fatalf("person on an open claim: %+v (lines %d)", x, pg.Claim.Lines)
	}
	// Two approvals of one claim at once: one wins, the other conflicts.
	var holder int64
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT l.claim_id FROM subsidy_claim_lines l JOIN trainees t ON t.id = l.trainee_id
		WHERE t.id_number = $1 AND l.status = 'active'`, person).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	cf.mustStep(cf.school, holder, training.ActClaimSubmit, "")
	cf.mustStep(cf.bureau, holder, training.ActClaimReview, "")
	c, _ := cf.s.ClaimByID(cf.ctx, cf.bureau, holder)
	third := cf.actorWith("bureau3", training.RoleBureau)
	errs := make(chan error, 2)
	for _, a := range []training.Actor{cf.bureau2, third} {
		go func(a training.Actor) {
			_, err := cf.s.StepClaim(cf.ctx, a, holder, c.Version, training.ActClaimApprove, "")
			errs <- err
		}(a)
	}
	e1, e2 := <-errs, <-errs
	if (e1 == nil) == (e2 == nil) || !(errors.Is(e1, training.ErrConflict) || errors.Is(e2, training.ErrConflict)) {
		t.Fatalf("two approvals: %v / %v", e1, e2)
	}
	// Paid: the person is now "already subsidised" for a rebuilt claim.
	cf.setNow(time.Date(2026, 5, 20, 9, 0, 0, 0, repository.Shanghai))
	if _, err := cf.s.CloseClaimNotice(cf.ctx, holder); err != nil {
		t.Fatal(err)
	}
	c, _ = cf.s.ClaimByID(cf.ctx, cf.bureau, holder)
	if err := cf.s.RecordClaimPayment(cf.ctx, cf.bureau, holder, c.Version, training.ClaimPaymentInput{BatchNo: "PC1", PaidOn: "2026-05-20",
		VoucherNo: "PZ1", Amount: training.YuanInput(c.Total)}); err != nil {
		t.Fatal(err)
	}
	if err := cf.s.RebuildClaim(cf.ctx, cf.school, id, pg.Claim.Version); err != nil {
		t.Fatal(err)
	}
	if x := exclusionOf(cf.page(cf.school, id), first.Enrolments[0][0]); !x.HasReason(training.ExclSubsidised) {
		t.Fatalf("person subsidised: %+v", x)
	}
	// The constraint itself: a second live line for the same key.
	_, err = cf.s.Pool().Exec(cf.ctx, `INSERT INTO subsidy_claim_lines (claim_id, institution_id, class_id, enrolment_id, trainee_id, certificate_id,
		name, id_number, cert_no, cert_date, occupation_id, level, class_type, year, target_group, standard_id, standard_fen, rate_id, percent, amount_fen)
		SELECT $1, institution_id, class_id, enrolment_id, trainee_id, certificate_id, name, id_number, cert_no, cert_date, occupation_id,
			level, class_type, year, target_group, standard_id, standard_fen, rate_id, percent, amount_fen
		FROM subsidy_claim_lines WHERE claim_id = $2 AND status = 'active' LIMIT 1`, id, holder)
	if c := constraintOf(err); c != "subsidy_claim_lines_once_key" && c != "subsidy_claim_lines_enrolment_key" {
		t.Fatalf("a second live line: %v", err)
	}
}

// TestPaidFeeNoSubsidy: a trainee who paid a fee is left out of a claim
// (第十二条); the database refuses a line for the enrolment anyway, and a
// fee for an enrolment on a live line.
func TestPaidFeeNoSubsidy(t *testing.T) {
	cf := newClaimFixture(t)
	p := cf.passes(cf.school.InstitutionID, "401", 1, 2)
	var app int64
	if err := cf.s.Pool().QueryRow(cf.ctx, `INSERT INTO fee_applications (class_id, institution_id, amount, covers, reason, status, class_start,
		submitted_on, submitted_by, submitted_at, decided_by, decided_at) VALUES ($1, $2, 30000, '教材', '测试', 'approved', '2026-03-09',
		'2026-03-01', '陈老师', now(), '王科长', now()) RETURNING id`, p.ClassIDs[0], cf.school.InstitutionID).Scan(&app); err != nil {
		t.Fatal(err)
	}
	feeSQL := `INSERT INTO fee_payments (enrolment_id, class_id, application_id, approved_amount, amount, paid_on, receipt_no, recorded_by, recorded_at)
		VALUES ($1, $2, $3, 30000, 30000, '2026-03-09', $4, '陈老师', now())`
	cf.exec(feeSQL, p.Enrolments[0][0], p.ClassIDs[0], app, "SJ1")
	id, err := cf.s.BuildClaim(cf.ctx, cf.school, p.ClassIDs)
	if err != nil {
		t.Fatal(err)
	}
	pg := cf.page(cf.school, id)
	x := exclusionOf(pg, p.Enrolments[0][0])
	if pg.Claim.Lines != 1 || !x.HasReason(training.ExclFeePaid) || x.Messages()[0] != training.RuleClaimFeePaid.Msg() {
		t.Fatalf("fee payer: %+v lines %d", x, pg.Claim.Lines)
	}
	// Backstops: no line for a payer, no fee for a trainee on a live line.
	_, err = cf.s.Pool().Exec(cf.ctx, `INSERT INTO subsidy_claim_lines (claim_id, institution_id, class_id, enrolment_id, trainee_id, certificate_id,
		name, id_number, cert_no, cert_date, occupation_id, level, class_type, year, target_group, standard_id, standard_fen, rate_id, percent, amount_fen)
		SELECT claim_id, institution_id, class_id, $1, trainee_id, certificate_id, name, id_number, cert_no, cert_date, occupation_id,
			level, class_type, year, target_group, standard_id, standard_fen, rate_id, percent, amount_fen
		FROM subsidy_claim_lines WHERE claim_id = $2`, p.Enrolments[0][0], id)
	if constraintOf(err) != "subsidy_claim_lines_fee_paid_check" {
		t.Fatalf("a line for a fee payer: %v", err)
	}
	_, err = cf.s.Pool().Exec(cf.ctx, feeSQL, p.Enrolments[0][1], p.ClassIDs[0], app, "SJ2")
	if constraintOf(err) != "fee_payments_on_claim_check" {
		t.Fatalf("fee for an enrolment on a live line: %v", err)
	}
	_, err = cf.s.RecordFeePayments(cf.ctx, cf.school, p.ClassIDs[0], []training.FeePaymentInput{{EnrolmentID: p.Enrolments[0][1],
		Amount: "300", PaidOn: "2026-03-09", ReceiptNo: "SJ9"}})
	wantRule(t, err, "第十二条：")
}

// roundTrips counts what a pool sends: each query and each batch is one
// round trip; statements counts the batch items too.
type roundTrips struct{ trips, statements atomic.Int64 }

func (c *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.trips.Add(1)
	c.statements.Add(1)
	return ctx
}
func (c *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.trips.Add(1)
	return ctx
}
func (c *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.statements.Add(1)
}
func (c *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestClaimBuildRoundTrips: building and checking a 5-line and a 500-line
// claim sends the same round trips and statements (one set-based pass);
// the claim page reads in one round trip. Timings are logged, not asserted.
func TestClaimBuildRoundTrips(t *testing.T) {
	cf := newClaimFixture(t)
	small := cf.passes(cf.school.InstitutionID, "501", 1, 5)
	big := cf.passes(cf.school.InstitutionID, "502", 10, 50)
	cfg := cf.s.Pool().Config().Copy()
	tr := &roundTrips{}
	cfg.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(cf.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	traced := repository.New(pool, cf.s.Now)
	if _, err := pool.Exec(cf.ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	build := func(classes []int64, want int) (trips, stmts int64, id int64) {
		tr.trips.Store(0)
		tr.statements.Store(0)
		began := time.Now()
		id, err := traced.BuildClaim(cf.ctx, cf.school, classes)
		took := time.Since(began)
		if err != nil {
			t.Fatal(err)
		}
		trips, stmts = tr.trips.Load(), tr.statements.Load()
		t.Logf("build of %d lines: %d round trips, %d statements, %v", want, trips, stmts, took)
		return trips, stmts, id
	}
	t5, s5, _ := build(small.ClassIDs, 5)
	t500, s500, id := build(big.ClassIDs, 500)
	if t5 != t500 || s5 != s500 {
		t.Fatalf("round trips grow with the lines: %d→%d trips, %d→%d statements", t5, t500, s5, s500)
	}
	tr.trips.Store(0)
	began := time.Now()
	p, err := traced.ClaimPage(cf.ctx, cf.school, id)
	if err != nil || len(p.Lines) != 500 {
		t.Fatalf("page: %d lines %v", len(p.Lines), err)
	}
	t.Logf("claim page of 500 lines: %d round trips, %v", tr.trips.Load(), time.Since(began))
	if tr.trips.Load() != 1 {
		t.Fatalf("claim page: %d round trips", tr.trips.Load())
	}
}

func constraintOf(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.ConstraintName
	}
	return ""
}
