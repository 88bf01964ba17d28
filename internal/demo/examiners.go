package demo

import (
	"context"
	"fmt"

	"tianmu/internal/training"
)

// demoExaminers are the district centre's examiner pool (考评员库), made-up
// people: two independent examiners of 中式烹调师 and one who works for the
// school, whom 考培分离 (第九条) keeps off the school's sessions.
var demoExaminers = []struct {
	prefix, name, employer, cert string
	level                        training.Level
}{
	{"33018519700412101", "沈建国", "临安区职建中心", "KP-3301-0101", training.Level2},
	{"33018519780903202", "吴海燕", "临安锦城饭店", "KP-3301-0102", training.Level3},
	{"33018519821118301", "钱立峰", "杭州市临安区天目职业技能培训学校", "KP-3301-0103", training.Level3},
}

// loadExaminers has the centre register its pool on the evening the
// finished class ends, ready for the assessment the school can apply for.
func loadExaminers(ctx context.Context, st *story, actors map[string]training.Actor, occ map[string]int64) error {
	st.at(st.end, 18, 30)
	for _, x := range demoExaminers {
		_, err := st.store.SaveExaminer(ctx, actors["centre"], 0, 0, training.PoolExaminerInput{Name: x.name,
			IDNumber: x.prefix + string(training.IDCheckChar(x.prefix)), Employer: x.employer, CertificateNo: x.cert,
			Scopes: []training.ScopeItem{{OccupationID: occ["4-03-02-01"], MaxLevel: x.level}, {OccupationID: occ["4-03-02-02"], MaxLevel: x.level}}})
		if err != nil {
			return fmt.Errorf("demo: examiner %s: %w", x.name, err)
		}
	}
	return nil
}
