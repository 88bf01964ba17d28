package demo

import (
	"context"
	"fmt"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// demoSigned are trainees on the school's approved 中式烹调师 class with
// their training agreements recorded (第十六条), so the agreement,
// attendance and print pages have data. ID numbers are 临安区 (330112)
// numbers with valid check digits; the roster work adds others.
var demoSigned = []struct {
	name, birth, seq, phone string
	group                   training.TargetGroup
	fee                     bool
	male                    bool // the sequence's last digit: odd for a man
}{
	{"叶晓峰", "19880312", "031", "13957120001", training.GroupEmployee, false, true},
	{"方丽娟", "19920705", "042", "13957120002", training.GroupUnemployed, false, false},
	{"俞建军", "19790121", "017", "13957120003", training.GroupRuralMigrant, false, true},
	{"潘雅琴", "19950918", "064", "13957120004", training.GroupEmployee, true, false},
	{"盛国平", "19830430", "055", "13957120005", training.GroupVeteran, false, true},
}

// loadSigned enrols the demo trainees on class id and records their
// agreements, numbered TMXY-<class>-NNN and signed on the load day.
func loadSigned(ctx context.Context, s *repository.Store, a training.Actor, id int64) error {
	rows := map[int64]training.AgreementInput{}
	for i, d := range demoSigned {
		prefix := "330112" + d.birth + d.seq
		in := training.TraineeInput{IDNumber: prefix + string(training.IDCheckChar(prefix)), Name: d.name, Phone: d.phone,
			TargetGroup: string(d.group), Employment: string(training.EmpEmployed), Hukou: string(training.HukouLocalRural)}
		eid, err := s.AddTrainee(ctx, a, id, in)
		if err != nil {
			return fmt.Errorf("demo: trainee %s: %w", d.name, err)
		}
		fee := "no"
		if d.fee {
			fee = "yes"
		}
		rows[eid] = training.AgreementInput{No: fmt.Sprintf("TMXY-%d-%03d", id, i+1), Date: s.Today().Format("2006-01-02"), Fee: fee}
	}
	if _, err := s.RecordAgreements(ctx, a, id, rows); err != nil {
		return fmt.Errorf("demo: agreements: %w", err)
	}
	return nil
}
