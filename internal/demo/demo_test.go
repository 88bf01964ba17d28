package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"tianmu/internal/dbtest"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestLoad checks what README and the comments in teachers.go promise of
// the demo data: who is in the pool, what they may teach, and that every
// designated institution has a usable textbook for every class it may run.
func TestLoad(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	s := repository.New(dbtest.Pool(t), func() time.Time { return now })
	start := time.Now()
	if err := Load(ctx, s, password.Params{Memory: 64, Time: 1, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	t.Logf("Load took %v", time.Since(start))
	actor := func(username string) training.Actor {
		u, _, err := s.UserForLogin(ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		return u.Actor()
	}
	bureau := actor("bureau")

	statuses := func(a training.Actor) map[training.TeacherStatus][]string {
		rows, _, err := s.Teachers(ctx, a, repository.TeacherFilter{}, repository.Page{Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		m := map[training.TeacherStatus][]string{}
		for _, r := range rows {
			m[r.Status] = append(m[r.Status], r.Name)
		}
		for _, names := range m {
			slices.Sort(names)
		}
		return m
	}
	if got := statuses(actor("school")); !slices.Equal(got[training.TeacherApproved], []string{"刘明辉", "张国强", "李晓燕", "王建华"}) ||
		!slices.Equal(got[training.TeacherDraft], []string{"陈志远"}) || len(got) != 2 {
		t.Errorf("school's teachers: %v", got)
	}
	if got := statuses(actor("academy")); !slices.Equal(got[training.TeacherApproved], []string{"何静", "周美玲"}) || len(got) != 1 {
		t.Errorf("academy's teachers: %v", got)
	}

	occ := map[string]int64{}
	all, err := s.Occupations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		occ[o.Code] = o.ID
	}
	eligible := func(code string, l training.Level, role training.TeachingRole) []string {
		rows, err := s.EligibleTeachers(ctx, bureau, occ[code], l, role)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range rows {
			names = append(names, r.Name)
		}
		slices.Sort(names)
		return names
	}
	for _, c := range []struct {
		code  string
		level training.Level
		role  training.TeachingRole
		want  []string
	}{
		{"4-03-02-01", training.Level2, training.RolePractical, []string{"王建华"}},
		{"4-03-02-01", training.Level3, training.RoleTheory, []string{"何静", "刘明辉", "李晓燕"}},
		{"4-03-02-02", training.Level4, training.RolePractical, []string{"李晓燕"}}, // 陈志远 is a draft
		{"4-03-02-02", training.Level3, training.RolePractical, nil},
		{"6-31-01-03", training.Level4, training.RolePractical, []string{"张国强"}},
		{"6-31-01-03", training.Level3, training.RolePractical, nil}, // 高级 needs 技师
		{"6-18-02-04", training.Level3, training.RolePractical, []string{"刘明辉"}},
		{"4-10-01-05", training.Level3, training.RolePractical, []string{"周美玲"}},
		{"4-10-01-06", training.Level4, training.RolePractical, []string{"周美玲"}},
		{"4-10-01-03", training.Level4, training.RolePractical, []string{"何静"}},
	} {
		if got := eligible(c.code, c.level, c.role); !slices.Equal(got, c.want) {
			t.Errorf("%s %s %s: %v, want %v", c.code, c.level.Short(), c.role, got, c.want)
		}
	}

	// Every class a designated demo institution may run has a usable textbook.
	for _, d := range institutions {
		if d.status != training.InstDesignated {
			continue
		}
		for code, max := range d.scope {
			for l := training.Level5; l >= max; l-- {
				list, err := s.UsableTextbooks(ctx, occ[code], l)
				if err != nil || len(list) == 0 {
					t.Errorf("%s: no textbook for %s %s (%v)", d.in.Name, code, l.Short(), err)
				}
			}
		}
	}
	books, _, err := s.Textbooks(ctx, bureau, repository.TextbookFilter{}, repository.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	count := map[training.TextbookStatus]int{}
	for _, b := range books {
		count[b.Status]++
		if b.Status == training.TextbookProposed && b.ProposedByName != "杭州市临安区天目职业技能培训学校" {
			t.Errorf("proposal by %q", b.ProposedByName)
		}
	}
	if count[training.TextbookProposed] != 1 || count[training.TextbookDesignated]+count[training.TextbookApproved] != len(demoTextbooks)-1 {
		t.Errorf("textbooks by status: %v", count)
	}
}
