package repository_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// todoSnapshot is every claim to-do count of each actor.
type todoSnapshot map[string]map[training.TodoKind]int

var claimTodoKinds = map[training.Role][]training.TodoKind{
	training.RoleBureau:      {"claim.review", "claim.approve", "claim.objection", "claim.pay", "claim.confirm"},
	training.RoleInstitution: {"claim.returned", "claim.paid", "claim.objection_filed"},
}

func (cf *claimFixture) snapshot(actors ...training.Actor) todoSnapshot {
	cf.t.Helper()
	out := todoSnapshot{}
	for _, a := range actors {
		l := cf.todos(a)
		m := map[training.TodoKind]int{}
		for _, k := range claimTodoKinds[a.Role] {
			m[k] = l.Count(k)
		}
		out[a.Username] = m
	}
	return out
}

// expect runs do and checks that each claim to-do count of each actor
// moved by exactly want (a kind not named must not move).
func (cf *claimFixture) expect(what string, actors []training.Actor, want map[string]map[training.TodoKind]int, do func()) {
	cf.t.Helper()
	before := cf.snapshot(actors...)
	do()
	after := cf.snapshot(actors...)
	for _, a := range actors {
		for _, k := range claimTodoKinds[a.Role] {
			if got := after[a.Username][k] - before[a.Username][k]; got != want[a.Username][k] {
				cf.t.Errorf("%s: %s %s moved by %d, want %d", what, a.Username, k, got, want[a.Username][k])
			}
		}
	}
}

// inbox counts the messages of kind to the users of a role (and
// institution).
func (cf *claimFixture) inbox(a training.Actor, kind string) int {
	cf.t.Helper()
	return cf.count(`SELECT count(*) FROM inbox m JOIN users u ON u.id = m.user_id WHERE m.kind = $1 AND u.role = $2
		AND u.institution_id IS NOT DISTINCT FROM $3`, kind, string(a.Role), map[bool]any{true: a.InstitutionID, false: nil}[a.InstitutionID != 0])
}

// TestClaimTodosAndInbox: each claim to-do item appears when there is
// such work and disappears when it is done (the approval only for a bureau
// user who may approve), and the inbox tells the bureau of a submission
// or objection and the institution of a return, an approval, an objection,
// a failed payment and the money received.
func TestClaimTodosAndInbox(t *testing.T) {
	cf := newClaimFixture(t)
	b1, b2, school := cf.bureau, cf.bureau2, cf.school
	all := []training.Actor{b1, b2, school}
	one := func(kinds ...training.TodoKind) map[training.TodoKind]int {
		m := map[training.TodoKind]int{}
		for _, k := range kinds {
			if strings.HasPrefix(string(k), "-") {
				m[k[1:]]--
			} else {
				m[k]++
			}
		}
		return m
	}
	cf.setNow(time.Date(2026, 5, 11, 10, 0, 0, 0, repository.Shanghai))
	p := cf.passes(school.InstitutionID, "301", 1, 2)
	id, err := cf.s.BuildClaim(cf.ctx, school, p.ClassIDs)
	if err != nil {
		t.Fatal(err)
	}
	cf.expect("submit", all, map[string]map[training.TodoKind]int{"bureau": one("claim.review"), "bureau2": one("claim.review")}, func() {
		cf.mustStep(school, id, training.ActClaimSubmit, "")
	})
	if cf.inbox(b1, "claim.submit") == 0 {
		t.Error("the bureau was not told of the submission")
	}
	cf.expect("return", all, map[string]map[training.TodoKind]int{"bureau": one("-claim.review"), "bureau2": one("-claim.review"),
		"school": one("claim.returned")}, func() {
		cf.mustStep(b1, id, training.ActClaimReturn, "请补充证书复印件")
	})
	if n := cf.inbox(school, "claim.return"); n == 0 {
		t.Error("the school was not told of the return")
	}
	cf.expect("resubmit", all, map[string]map[training.TodoKind]int{"bureau": one("claim.review"), "bureau2": one("claim.review"),
		"school": one("-claim.returned")}, func() {
		cf.mustStep(school, id, training.ActClaimSubmit, "")
	})
	// Reviewed by bureau2: only bureau may approve... but bureau returned
	// it (touched), so neither sees it; a third bureau user does.
	third := cf.actorWith("bureau3", training.RoleBureau)
	cf.expect("review", append(all, third), map[string]map[training.TodoKind]int{"bureau": one("-claim.review"), "bureau2": one("-claim.review"),
		"bureau3": one("-claim.review", "claim.approve")}, func() {
		cf.mustStep(b2, id, training.ActClaimReview, "")
	})
	cf.expect("approve", append(all, third), map[string]map[training.TodoKind]int{"bureau3": one("-claim.approve")}, func() {
		cf.mustStep(third, id, training.ActClaimApprove, "")
	})
	if cf.inbox(school, "claim.approve") == 0 {
		t.Error("the school was not told of the approval")
	}
	np, err := cf.s.PublicNotice(cf.ctx, id)
	if err != nil || len(np.Items) != 2 {
		t.Fatalf("notice %+v %v", np, err)
	}
	var ob int64
	cf.expect("objection", all, map[string]map[training.TodoKind]int{"bureau": one("claim.objection"), "bureau2": one("claim.objection"),
		"school": one("claim.objection_filed")}, func() {
		ob, err = cf.s.FileObjection(cf.ctx, id, training.ObjectionInput{LineID: fmt.Sprint(np.Items[0].ID), Body: "此人培训期间在外地上班"})
		if err != nil {
			t.Fatal(err)
		}
	})
	if cf.inbox(b1, "claim.objection") == 0 || cf.inbox(school, "claim.objection") == 0 {
		t.Error("the objection was not told")
	}
	cf.expect("decide", all, map[string]map[training.TodoKind]int{"bureau": one("-claim.objection"), "bureau2": one("-claim.objection"),
		"school": one("-claim.objection_filed")}, func() {
		if _, err := cf.s.DecideClaimObjection(cf.ctx, b1, ob, true, "经核实该学员未参训"); err != nil {
			t.Fatal(err)
		}
	})
	cf.setNow(time.Date(2026, 5, 19, 0, 1, 0, 0, repository.Shanghai))
	cf.expect("notice over", all, map[string]map[training.TodoKind]int{"bureau": one("claim.pay"), "bureau2": one("claim.pay")}, func() {
		if ok, err := cf.s.CloseClaimNotice(cf.ctx, id); err != nil || !ok {
			t.Fatalf("close: %v %v", ok, err)
		}
	})
	cf.setNow(time.Date(2026, 5, 19, 10, 0, 0, 0, repository.Shanghai))
	pay := func(voucher string) {
		c := cf.page(b1, id).Claim
		if err := cf.s.RecordClaimPayment(cf.ctx, b1, id, c.Version, training.ClaimPaymentInput{BatchNo: "PC-TODO", PaidOn: "2026-05-19",
			VoucherNo: voucher, Amount: training.YuanInput(c.Total)}); err != nil {
			t.Fatal(err)
		}
	}
	moved := map[string]map[training.TodoKind]int{"bureau": one("-claim.pay", "claim.confirm"), "bureau2": one("-claim.pay", "claim.confirm")}
	cf.expect("payment", all, moved, func() { pay("PZ-1") })
	cf.expect("payment failed", all, map[string]map[training.TodoKind]int{"bureau": one("claim.pay", "-claim.confirm"),
		"bureau2": one("claim.pay", "-claim.confirm")}, func() {
		cf.mustStep(b1, id, training.ActClaimPaymentFailed, "账户已销户")
	})
	if cf.inbox(school, "claim.payment_failed") == 0 {
		t.Error("the school was not told of the failed payment")
	}
	cf.expect("re-issue", all, moved, func() { pay("PZ-2") })
	cf.expect("paid", all, map[string]map[training.TodoKind]int{"bureau": one("-claim.confirm"), "bureau2": one("-claim.confirm"),
		"school": one("claim.paid")}, func() {
		cf.mustStep(b1, id, training.ActClaimConfirmPaid, "")
	})
	if cf.inbox(school, "claim.confirm_paid") == 0 {
		t.Error("the school was not told of the money received")
	}
	cf.expect("a month later", []training.Actor{school}, map[string]map[training.TodoKind]int{"school": one("-claim.paid")}, func() {
		cf.setNow(time.Date(2026, 6, 30, 10, 0, 0, 0, repository.Shanghai))
	})
}

// TestClaimEmptiedCannotBePaid: a claim whose every line was removed by
// upheld objections is not offered for payment and the payment is refused
// with the rule.
func TestClaimEmptiedCannotBePaid(t *testing.T) {
	cf := newClaimFixture(t)
	cf.setNow(time.Date(2026, 5, 11, 10, 0, 0, 0, repository.Shanghai))
	p := cf.passes(cf.school.InstitutionID, "302", 1, 1)
	id, err := cf.s.BuildClaim(cf.ctx, cf.school, p.ClassIDs)
	if err != nil {
		t.Fatal(err)
	}
	cf.mustStep(cf.school, id, training.ActClaimSubmit, "")
	cf.mustStep(cf.bureau, id, training.ActClaimReview, "")
	cf.mustStep(cf.bureau2, id, training.ActClaimApprove, "")
	np, err := cf.s.PublicNotice(cf.ctx, id)
	if err != nil || len(np.Items) != 1 {
		t.Fatalf("notice %+v %v", np, err)
	}
	ob, err := cf.s.FileObjection(cf.ctx, id, training.ObjectionInput{LineID: fmt.Sprint(np.Items[0].ID), Body: "此人未参加培训"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cf.s.DecideClaimObjection(cf.ctx, cf.bureau, ob, true, "经核实属实"); err != nil {
		t.Fatal(err)
	}
	cf.setNow(time.Date(2026, 5, 19, 0, 1, 0, 0, repository.Shanghai))
	cf.expect("notice over", []training.Actor{cf.bureau}, nil, func() {
		if ok, err := cf.s.CloseClaimNotice(cf.ctx, id); err != nil || !ok {
			t.Fatalf("close: %v %v", ok, err)
		}
	})
	c := cf.page(cf.bureau, id).Claim
	if c.Status != training.ClaimPayable || c.Lines != 0 || c.Total != 0 {
		t.Fatalf("emptied claim %+v", c)
	}
	cf.setNow(time.Date(2026, 5, 19, 10, 0, 0, 0, repository.Shanghai))
	wantRule(t, cf.s.RecordClaimPayment(cf.ctx, cf.bureau, id, c.Version, training.ClaimPaymentInput{BatchNo: "PC-E", PaidOn: "2026-05-19",
		VoucherNo: "PZ-E", Amount: "0"}), "第十二条：申领中的人员已全部移出")
}
