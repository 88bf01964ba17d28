// Package demo loads the demo data set through the repository (so every
// rule and audit record applies), and the large benchmark data set with COPY.
package demo

import (
	"context"
	"fmt"

	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// Password is the demo accounts' password, printed by `make run`.
const Password = "tianmu-demo-2026"

// Login is a demo account.
type Login struct {
	Username, Name string
	Role           training.Role
	Institution    string // for institution users: the institution's name
}

// Logins are the demo accounts in the order `make run` prints them.
var Logins = []Login{
	{"bureau", "王科长", training.RoleBureau, ""},
	{"bureau2", "李科员", training.RoleBureau, ""},
	{"school", "陈老师", training.RoleInstitution, "杭州市临安区天目职业技能培训学校"},
	{"academy", "周校长", training.RoleInstitution, "临安锦城家政服务培训中心"},
	{"centre", "赵考务", training.RoleCentre, ""},
	{"centre2", "孙主任", training.RoleCentre, ""},
	{"centre3", "钱副主任", training.RoleCentre, ""},
}

type demoInstitution struct {
	in     training.InstitutionInput
	scope  map[string]training.Level // occupation code → highest level
	status training.InstitutionStatus
}

// creditCode builds a valid code from a 17-character prefix.
func creditCode(prefix string) string { return prefix + string(training.CreditCodeCheckChar(prefix)) }

var institutions = []demoInstitution{
	{
		in: training.InstitutionInput{Name: "杭州市临安区天目职业技能培训学校", CreditCode: creditCode("52330185MJ8812345"),
			Address: "杭州市临安区锦城街道钱王街888号", LegalRep: "陈建国", ContactName: "陈老师", ContactPhone: "0571-63712345",
			Venue: "教学楼三层，理论教室4间（每间60座），实训中心1200平方米", Facilities: "多媒体教学设备、消防设施齐全、学员休息区",
			Equipment: "中式烹调实训灶台30组、电工实训台20套、焊接工位12个", Staff: "专职教师18人，其中技师以上12人，中级职称8人"},
		scope:  map[string]training.Level{"4-03-02-01": training.Level2, "4-03-02-02": training.Level3, "6-31-01-03": training.Level3, "6-18-02-04": training.Level3},
		status: training.InstDesignated,
	},
	{
		in: training.InstitutionInput{Name: "临安锦城家政服务培训中心", CreditCode: creditCode("52330185MJ8867890"),
			Address: "杭州市临安区锦南街道城南路66号", LegalRep: "周丽华", ContactName: "周校长", ContactPhone: "13857112345",
			Venue: "培训楼二层，理论教室2间，模拟家庭实训室3间", Facilities: "空调、投影、无障碍通道",
			Equipment: "婴儿护理模型20套、养老护理床10张、家政清洁设备", Staff: "专兼职教师9人，高级工以上7人"},
		scope:  map[string]training.Level{"4-10-01-05": training.Level3, "4-10-01-06": training.Level3, "4-10-01-03": training.Level4},
		status: training.InstDesignated,
	},
	{
		in: training.InstitutionInput{Name: "临安於潜茶艺电商培训学校", CreditCode: creditCode("52330185MJ8854321"),
			Address: "杭州市临安区於潜镇光明路18号", LegalRep: "吴志强", ContactName: "吴主任", ContactPhone: "13906811234",
			Venue: "茶艺实训室1间，直播间4间", Facilities: "茶艺桌椅20套、直播补光设备", Equipment: "茶具30套、直播设备4套",
			Staff: "茶艺师（技师）3人，电商讲师4人"},
		scope:  map[string]training.Level{"4-03-02-07": training.Level3, "4-01-02-07": training.Level4},
		status: training.InstPending,
	},
}

// Loaded reports whether the database already holds users (demo or real).
func Loaded(ctx context.Context, s *repository.Store) (bool, error) {
	counts, err := s.UserCounts(ctx)
	if err != nil {
		return false, err
	}
	return len(counts) > 0, nil
}

// Load creates the demo data through the repository on the story's
// timeline (story.go): the institutions, scopes and accounts, the teacher
// pool and the textbook catalogue (teachers.go), the finished class
// (exam.go), then today's filings (classes.go).
func Load(ctx context.Context, s *repository.Store, hash password.Params) error {
	occs, err := s.Occupations(ctx)
	if err != nil {
		return err
	}
	byCode := map[string]int64{}
	for _, o := range occs {
		byCode[o.Code] = o.ID
	}
	st, err := newStory(ctx, s)
	if err != nil {
		return err
	}
	ds := st.store
	st.at(st.origin, 9, 0)
	a := training.System
	ids := map[string]int64{}
	// The school is designated on the origin day (it runs the archived
	// class), the others on the base day.
	var designate []func() error
	for n, d := range institutions {
		id, err := ds.CreateInstitution(ctx, a, d.in)
		if err != nil {
			return fmt.Errorf("demo: institution %s: %w", d.in.Name, err)
		}
		ids[d.in.Name] = id
		var items []repository.ScopeInput
		for code, lvl := range d.scope {
			oid, ok := byCode[code]
			if !ok {
				continue
			}
			items = append(items, repository.ScopeInput{OccupationID: oid, MaxLevel: lvl})
		}
		if err := ds.SetScope(ctx, a, id, 1, items); err != nil {
			return fmt.Errorf("demo: scope %s: %w", d.in.Name, err)
		}
		if d.status == training.InstDesignated {
			day := st.base
			if n == 0 {
				day = st.origin
			}
			name := d.in.Name
			f := func() error {
				err := ds.ChangeInstitutionStatus(ctx, a, id, 2, training.StatusChangeInput{Action: training.ActDesignate,
					DecisionNo: "临人社培〔" + day.Format("2006") + "〕" + fmt.Sprint(id) + "号", DecisionDate: day.Format("2006-01-02"), DecidedBy: "王科长"})
				if err != nil {
					return fmt.Errorf("demo: designate %s: %w", name, err)
				}
				return nil
			}
			if n == 0 {
				if err := f(); err != nil {
					return err
				}
				continue
			}
			designate = append(designate, f)
		}
	}
	st.at(st.origin, 10, 0)
	h, err := password.Hash(Password, hash)
	if err != nil {
		return err
	}
	actors := map[string]training.Actor{}
	for _, l := range Logins {
		in := training.UserInput{Username: l.Username, Name: l.Name, Role: l.Role, InstitutionID: ids[l.Institution]}
		uid, err := ds.CreateUser(ctx, a, in, h, false)
		if err != nil {
			return fmt.Errorf("demo: user %s: %w", l.Username, err)
		}
		actors[l.Username] = training.Actor{UserID: uid, Username: l.Username, Name: l.Name, Role: l.Role, InstitutionID: in.InstitutionID}
	}
	if err := loadArchived(ctx, st, actors); err != nil {
		return err
	}
	st.at(st.base, 9, 0)
	for _, f := range designate {
		if err := f(); err != nil {
			return err
		}
	}
	if err := loadPool(ctx, st, actors, byCode); err != nil {
		return err
	}
	noticeClaim, err := loadClaims(ctx, st, actors)
	if err != nil {
		return err
	}
	if err := loadFinishedClass(ctx, st, actors, byCode); err != nil {
		return err
	}
	if err := loadExaminers(ctx, st, actors, byCode); err != nil {
		return err
	}
	if err := loadPublic(ctx, st, actors); err != nil {
		return err
	}
	if err := loadSupervision(ctx, st, actors); err != nil {
		return err
	}
	st.present()
	if err := loadClaimNotice(ctx, st, actors, noticeClaim); err != nil {
		return err
	}
	if err := loadFundUse(ctx, st, actors); err != nil {
		return err
	}
	if err := loadEvaluation(ctx, st, actors); err != nil {
		return err
	}
	return loadClasses(ctx, ds, actors, byCode)
}
