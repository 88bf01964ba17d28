package server_test

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/demo"
	"tianmu/internal/training"
)

// The state walk of public money (issue 11, 第十二条, 第十六条): subsidy
// claims in every state of their flow, the objections to them, their recovery
// (追缴), and a class's fee page with its application in every
// state. See state_walk_test.go for what every answer must be.

// ---- Subsidy claims (SUB-3, 第十二条) ----

// walkPassTag is a SeedPasses tag of the walk's own: the people's ID numbers
// repeat per tag mod 10,000, and the demo's claims use 90001–90020 (1–20),
// the access walk's 8801: the walk keeps to 5000–8799, whatever order the
// tests run in (as the first walk of a run it collided with the demo's
// already subsidised people, and its claim had no line).
func walkPassTag() string { return strconv.Itoa(75000 + int(walkSeq.Add(1)%3800)) }

// walkClaimPasses makes published passes of the school in SQL (two people
// of a class of its own, new each time, on the demo claims' dates).
func (e *env) walkClaimPasses() []int64 {
	e.t.Helper()
	var start time.Time
	e.must(e.store.Pool().QueryRow(e.ctx(), `SELECT start_date FROM classes WHERE class_no = 'BB9000100'`).Scan(&start))
	var classes []int64
	e.must(pgx.BeginFunc(e.ctx(), e.store.Pool(), func(tx pgx.Tx) error {
		p, err := demo.SeedPasses(e.ctx(), tx, demo.PassSpec{InstitutionID: e.actorOf("school").InstitutionID, Occupation: "4-03-02-01",
			Level: training.Level4, Type: training.TypeSkillLevel, Classes: 1, PerClass: 2, Start: start, CertDate: start.AddDate(0, 0, 6),
			Tag: walkPassTag()})
		classes = p.ClassIDs
		return err
	}))
	return classes
}

// walkClaimStep is one step of the walk's claim through the repository
// (objection: one filed on the notice; close: the notice's last day moved
// to yesterday and the notice closed, as the nightly job would; payment;
// recovery of every line).
type walkClaimStep string

const (
	claimObjection walkClaimStep = "objection"
	claimClose     walkClaimStep = "close"
	claimPayment   walkClaimStep = "payment"
	claimRecovery  walkClaimStep = "recovery"
)

// walkClaim builds a claim of the school on fresh passes and takes it
// through steps: the school's own, the bureau's review and return, the
// approval by a second bureau user, objections, the notice's end, payment.
func (e *env) walkClaim(steps ...any) walkObj {
	e.t.Helper()
	classes := e.walkClaimPasses()
	school, bureau, bureau2 := e.actorOf("school"), e.actorOf("bureau"), e.actorOf("bureau2")
	id, err := e.store.BuildClaim(e.ctx(), school, classes)
	e.must(err)
	for _, s := range steps {
		v := e.version("subsidy_claims", id)
		switch s := s.(type) {
		case training.ClaimAction:
			by := bureau
			switch s {
			case training.ActClaimSubmit, training.ActClaimWithdraw:
				by = school
			case training.ActClaimApprove:
				by = bureau2
			}
			_, err := e.store.StepClaim(e.ctx(), by, id, v, s, "走查")
			e.must(err)
		case walkClaimStep:
			switch s {
			case claimObjection:
				_, err := e.store.FileObjection(e.ctx(), id, training.ObjectionInput{LineID: itoa(e.queryID(`SELECT min(id) FROM subsidy_claim_lines WHERE claim_id = $1`, id)),
					Body: "走查异议：该学员未参加培训。"})
				e.must(err)
			case claimClose:
				_, err := e.store.Pool().Exec(e.ctx(), `UPDATE subsidy_claims SET notice_from = $2, notice_until = $3 WHERE id = $1`, id,
					e.store.Today().AddDate(0, 0, -8), e.store.Today().AddDate(0, 0, -1))
				e.must(err)
				_, err = e.store.CloseClaimNotice(e.ctx(), id)
				e.must(err)
			case claimPayment:
				e.must(e.store.RecordClaimPayment(e.ctx(), bureau, id, v, walkPayment(e, id)))
			case claimRecovery:
				e.must(e.store.MarkRecoveries(e.ctx(), bureau, id, v, e.queryIDs(`SELECT id FROM subsidy_claim_lines WHERE claim_id = $1`, id),
					training.RecoveryInput{Reason: "走查：骗取补助"}))
			}
		}
	}
	return walkObj{id: id, table: "subsidy_claims", sub: map[string]int64{"{class}": classes[0]}}
}

func walkPayment(e *env, id int64) training.ClaimPaymentInput {
	return training.ClaimPaymentInput{BatchNo: "PC-ZC-" + walkNo(4), PaidOn: e.store.Today().Format("2006-01-02"), VoucherNo: "PZ-ZC-" + walkNo(4),
		Amount: training.YuanInput(e.queryID(`SELECT total FROM subsidy_claims WHERE id = $1`, id))}
}

// walkClaimStates are the claim's states, each a fresh claim.
func walkClaimStates() []walkState {
	state := func(steps ...any) func(e *env) walkObj {
		return func(e *env) walkObj { return e.walkClaim(steps...) }
	}
	submit, review, approve := training.ActClaimSubmit, training.ActClaimReview, training.ActClaimApprove
	return []walkState{
		{"草稿", state()},
		{"待审核", state(submit)},
		{"已退回", state(submit, training.ActClaimReturn)},
		{"已初审", state(submit, review)},
		{"公示中", state(submit, review, approve)},
		{"公示中有异议", state(submit, review, approve, claimObjection)},
		{"待处理异议", state(submit, review, approve, claimObjection, claimClose)},
		{"待拨付", state(submit, review, approve, claimClose)},
		{"已登记拨付", state(submit, review, approve, claimClose, claimPayment)},
		{"拨付失败", state(submit, review, approve, claimClose, claimPayment, training.ActClaimPaymentFailed)},
		{"已拨付", state(submit, review, approve, claimClose, claimPayment, training.ActClaimConfirmPaid)},
		{"已拨付已追缴", state(submit, review, approve, claimClose, claimPayment, training.ActClaimConfirmPaid, claimRecovery)},
		{"已撤回", state(training.ActClaimWithdraw)},
	}
}

func claimWalk() workflow {
	note := func(e *env, o walkObj) url.Values { return url.Values{"note": {"走查"}} }
	build := func(e *env, o walkObj) url.Values { return url.Values{"class_id": {itoa(o.sub["{class}"])}} }
	payment := func(e *env, o walkObj) url.Values {
		in := walkPayment(e, o.id)
		return url.Values{"batch_no": {in.BatchNo}, "paid_on": {in.PaidOn}, "voucher_no": {in.VoucherNo}, "amount": {in.Amount}}
	}
	recovery := func(e *env, o walkObj) url.Values {
		return url.Values{"line_id": {itoa(e.queryID(`SELECT min(id) FROM subsidy_claim_lines WHERE claim_id = $1`, o.id))}, "amount": {"1"},
			"reason": {"走查：骗取补助"}}
	}
	return workflow{
		name:   "claims",
		states: walkClaimStates(),
		actions: []walkAction{
			{route: "POST /claims", as: "school", form: build},
			{route: "POST /claims/{id}/rebuild", as: "school"},
			{route: "POST /claims/{id}/submit", as: "school"},
			{route: "POST /claims/{id}/withdraw", as: "school"},
			{route: "POST /claims/{id}/review", as: "bureau", form: note},
			{route: "POST /claims/{id}/return", as: "bureau", form: note},
			// bureau2: the walk's claims are reviewed by bureau (four eyes).
			{route: "POST /claims/{id}/approve", as: "bureau2"},
			{route: "POST /claims/{id}/payment", as: "bureau", form: payment},
			{route: "POST /claims/{id}/paid", as: "bureau"},
			{route: "POST /claims/{id}/payment-failed", as: "bureau", form: note},
			{route: "POST /claims/{id}/recovery", as: "bureau", form: recovery},
		},
	}
}

// ---- Objections to a claim on notice (第十二条) ----

func objectionWalk() workflow {
	submit, review, approve := training.ActClaimSubmit, training.ActClaimReview, training.ActClaimApprove
	objection := func(steps ...any) func(e *env) walkObj {
		return func(e *env) walkObj {
			c := e.walkClaim(steps...)
			id := e.queryID(`SELECT min(id) FROM subsidy_claim_objections WHERE claim_id = $1`, c.id)
			if id == 0 {
				e.t.Fatalf("objection walk: claim %d has no objection", c.id)
			}
			return walkObj{id: id, table: "subsidy_claim_objections", noVersion: true}
		}
	}
	decided := func(e *env) walkObj {
		o := objection(submit, review, approve, claimObjection)(e)
		_, err := e.store.DecideClaimObjection(e.ctx(), e.actorOf("bureau"), o.id, false, "走查：不属实")
		e.must(err)
		return o
	}
	upheld := func(e *env, o walkObj) url.Values {
		return url.Values{"outcome": {"upheld"}, "decision": {"走查：属实"}}
	}
	return workflow{
		name: "objections",
		states: []walkState{
			{"公示中待处理", objection(submit, review, approve, claimObjection)},
			{"公示期满待处理", objection(submit, review, approve, claimObjection, claimClose)},
			{"已处理", decided},
		},
		actions: []walkAction{{route: "POST /objections/{id}/decide", as: "bureau", form: upheld}},
	}
}

// ---- A class's fee page (SUB-2, 第十二条) ----

// classFeeWalk: the fee routes of a class ({id} is the class), on a
// submitted filing with no application or one in each state.
func classFeeWalk() workflow {
	kit := lazyKit()
	state := func(apply bool, steps ...training.FeeAction) func(e *env) walkObj {
		return func(e *env) walkObj {
			if !apply {
				o := e.walkClass(kit(e), training.ActClassSubmit)
				e.walkTrainee(o.id)
				return o
			}
			f := e.walkFee(kit, steps...)
			return walkObj{id: e.queryID(`SELECT class_id FROM fee_applications WHERE id = $1`, f.id), table: "classes"}
		}
	}
	apply := func(e *env, o walkObj) url.Values {
		return url.Values{"amount": {"300"}, "covers": {"实训耗材"}, "reason": {"走查"}}
	}
	pay := func(e *env, o walkObj) url.Values {
		return url.Values{"enrolment_id": {itoa(e.queryID(`SELECT coalesce(min(id), 0) FROM enrolments WHERE class_id = $1`, o.id))},
			"amount": {"300"}, "paid_on": {e.store.Today().Format("2006-01-02")}, "receipt_no": {"SJ-ZC-1"}}
	}
	// feeSheet is a well-formed fee file for the class's first trainee, so
	// that what stops the import is the class's state, not the file.
	feeSheet := func(e *env, o walkObj) (string, []byte) {
		idn := e.firstTraineeID(o.id)
		return "缴费.csv", []byte(strings.Join(training.FeeImportColumns, ",") + "\n" + idn + ",走查学员,300.00," +
			e.store.Today().Format("2006-01-02") + ",SJ-ZC-2\n")
	}
	return workflow{
		name: "class fees",
		states: []walkState{
			{"未申请", state(false)},
			{"待审核", state(true)},
			{"已核准", state(true, training.ActFeeApprove)},
			{"退回", state(true, training.ActFeeReturn)},
			{"已撤回", state(true, training.ActFeeWithdraw)},
		},
		actions: []walkAction{
			{route: "POST /classes/{id}/fees", as: "school", form: apply},
			{route: "POST /classes/{id}/fees/payments", as: "school", form: pay},
			{route: "POST /classes/{id}/fees/import", as: "school", upload: true, file: feeSheet},
		},
	}
}
