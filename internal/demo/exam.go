package demo

import (
	"context"
	"fmt"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// FinishedClassContent identifies the demo class that has finished training
// and waits for its assessment application.
const FinishedClassContent = "刀工刀法、热菜烹调、冷菜制作、食品安全（结业待鉴定）"

// demoTrainees are the finished class's trainees (made-up people; the
// check characters are computed).
var demoTrainees = []struct{ prefix, name, phone string }{
	{"33018519920315102", "方晓东", "13857110001"},
	{"33018519950721204", "俞佳琪", "13857110002"},
	{"33018519880909301", "潘国华", "13857110003"},
	{"33018520000102402", "盛雨萱", "13857110004"},
	{"33018519970630503", "应志强", "13857110005"},
}

// loadFinishedClass files and approves a 中式烹调师 四级 class of the
// school, enrols the trainees before it starts (through the repository,
// on the store's clock), then — demo data only — moves its dates into the
// past and marks it finished by SQL, because finishing a class belongs to
// the attendance issue. The result is a class the school can apply to
// assess right away.
func loadFinishedClass(ctx context.Context, s *repository.Store, actors map[string]training.Actor, occ map[string]int64) error {
	d := demoClass{login: "school", occupation: "4-03-02-01", level: training.Level4, typ: training.TypeSkillLevel, size: 30, weeks: 2,
		theory: "李晓燕", practical: "王建华", textbook: "中式烹调师（初级 中级 高级）", content: FinishedClassContent, state: training.ClassApproved}
	id, err := fileClass(ctx, s, actors, occ, d)
	if err != nil {
		return err
	}
	for _, t := range demoTrainees {
		in := training.TraineeInput{IDNumber: t.prefix + string(training.IDCheckChar(t.prefix)), Name: t.name, Phone: t.phone,
			TargetGroup: string(training.GroupRuralMigrant), Employment: string(training.EmpEmployed), Hukou: string(training.HukouLocalRural)}
		if _, err := s.AddTrainee(ctx, actors["school"], id, in); err != nil {
			return fmt.Errorf("demo: trainee %s: %w", t.name, err)
		}
	}
	// Demo only: the class ran four weeks ago.
	_, err = s.Pool().Exec(ctx, `WITH c AS (SELECT start_date - $2::date AS shift FROM classes WHERE id = $1)
		UPDATE class_sessions cs SET day = cs.day - (SELECT shift FROM c) WHERE cs.class_id = $1`, id, mondayAfter(s.Today(), -4))
	if err != nil {
		return fmt.Errorf("demo: finish class: %w", err)
	}
	start := mondayAfter(s.Today(), -4)
	_, err = s.Pool().Exec(ctx, `UPDATE classes SET start_date = $2, end_date = $3, approved_on = $4, status = 'finished' WHERE id = $1`,
		id, start, start.AddDate(0, 0, 4), start.AddDate(0, 0, -10))
	if err != nil {
		return fmt.Errorf("demo: finish class: %w", err)
	}
	// Its delivery figures follow the moved plan: no attendance was
	// recorded, so the delivery report lists it as finished without any.
	if _, err := s.Pool().Exec(ctx, `SELECT refresh_class_delivery(ARRAY[$1::bigint])`, id); err != nil {
		return fmt.Errorf("demo: finish class: %w", err)
	}
	return nil
}
