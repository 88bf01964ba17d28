package repository_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

func traineeIn(n int) training.TraineeInput {
	prefix := fmt.Sprintf("330185199%08d", n)[:17]
	prefix = prefix[:6] + "1990" + fmt.Sprintf("%02d%02d", n%12+1, n%28+1) + fmt.Sprintf("%03d", n%1000)
	return training.TraineeInput{IDNumber: prefix + string(training.IDCheckChar(prefix)), Name: fmt.Sprintf("学员%d", n),
		Phone: "13900000000", TargetGroup: "企业职工", Employment: "在职", Hukou: "本地农村"}
}

// approvedClass files and approves the fixture plan and returns its id.
func (cf *classFixture) approvedClass() int64 {
	cf.t.Helper()
	id := cf.submitted()
	if err := cf.s.StepClass(cf.ctx, cf.bureau, id, repository.ClassStep{Action: training.ActClassApprove, Version: cf.class(id).Version}); err != nil {
		cf.t.Fatal(err)
	}
	return id
}

func TestRosterCapHoldsUnderConcurrency(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass() // 技能等级类: cap 50
	var added atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := cf.s.AddTrainee(cf.ctx, cf.school, id, traineeIn(i))
			if err == nil {
				added.Add(1)
				return
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	if n := added.Load(); n != 50 {
		t.Fatalf("%d trainees added, want exactly 50", n)
	}
	for err := range errs {
		if v, ok := training.AsValidation(err); !ok || !strings.Contains(strings.Join(v.General, ""), "第七条") {
			t.Fatalf("refusal without the article: %v", err)
		}
	}
	var rows, enrolled int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT count(*) FROM enrolments WHERE class_id = $1`, id).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT enrolled FROM classes WHERE id = $1`, id).Scan(&enrolled); err != nil {
		t.Fatal(err)
	}
	if rows != 50 || enrolled != 50 {
		t.Fatalf("rows %d, counter %d", rows, enrolled)
	}
}

func TestRosterRules(t *testing.T) {
	cf := newClassFixture(t)
	id := cf.approvedClass()
	in := traineeIn(1)
	bad := in
	bad.IDNumber = "3.30185E+17"
	if _, err := cf.s.AddTrainee(cf.ctx, cf.school, id, bad); fieldErr(err, "id_number") == "" || !strings.Contains(fieldErr(err, "id_number"), "Excel") {
		t.Fatalf("Excel number: %v", err)
	}
	eid, err := cf.s.AddTrainee(cf.ctx, cf.school, id, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cf.s.AddTrainee(cf.ctx, cf.school, id, in); err == nil {
		t.Fatal("same person twice on one roster")
	}
	other := in
	other.Name = "冒名"
	if _, err := cf.s.AddTrainee(cf.ctx, cf.school, id, other); !strings.Contains(fieldErr(err, "id_number"), "另一姓名") {
		t.Fatalf("same ID number, other name: %v", err)
	}
	// Another class of the same occupation and level whose dates overlap.
	id2 := cf.approvedClass()
	if _, err := cf.s.AddTrainee(cf.ctx, cf.school, id2, in); !strings.Contains(fieldErr(err, "id_number"), "重叠") {
		t.Fatalf("overlapping class: %v", err)
	}
	if _, err := cf.s.AddTrainee(cf.ctx, cf.acad, id, traineeIn(2)); err == nil {
		t.Fatal("another institution added to the roster")
	}
	// Before the start, removal deletes the enrolment.
	e2, err := cf.s.AddTrainee(cf.ctx, cf.school, id, traineeIn(3))
	if err != nil {
		t.Fatal(err)
	}
	if err := cf.s.RemoveTrainee(cf.ctx, cf.school, id, e2, ""); err != nil {
		t.Fatal(err)
	}
	// From the start date: no additions, withdrawals need a reason and stay listed.
	cf.setNow(time.Date(2026, 3, 16, 8, 0, 0, 0, repository.Shanghai))
	if _, err := cf.s.AddTrainee(cf.ctx, cf.school, id, traineeIn(4)); err == nil {
		t.Fatal("added after the start")
	}
	if err := cf.s.RemoveTrainee(cf.ctx, cf.school, id, eid, ""); fieldErr(err, "reason") == "" {
		t.Fatalf("withdrawal without reason: %v", err)
	}
	if err := cf.s.RemoveTrainee(cf.ctx, cf.school, id, eid, "工作调动"); err != nil {
		t.Fatal(err)
	}
	roster, err := cf.s.Roster(cf.ctx, cf.bureau, id)
	if err != nil || len(roster) != 1 || roster[0].Status != "withdrawn" || roster[0].WithdrawnReason != "工作调动" {
		t.Fatalf("roster: %+v %v", roster, err)
	}
	var enrolled int
	if err := cf.s.Pool().QueryRow(cf.ctx, `SELECT enrolled FROM classes WHERE id = $1`, id).Scan(&enrolled); err != nil {
		t.Fatal(err)
	}
	if enrolled != 0 {
		t.Fatalf("counter %d after withdrawal", enrolled)
	}
}
