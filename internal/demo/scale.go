package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tianmu/internal/password"
	"tianmu/internal/training"
)

// Scale sizes the benchmark data set.
type Scale struct {
	Institutions int
	Users        int // all roles together
	Bureau       int // bureau accounts among Users; 0 means 50
	Centre       int // centre accounts among Users; 0 means 100
	Teachers     int // teacher pool
	Textbooks    int // textbook catalogue
	Classes      int // class filings, with sessions, teachers, textbooks and versions
	// Enrolments is about how many roster entries the classes get (at most
	// what their caps allow), with trainees, agreements and attendance; 0
	// means empty rosters.
	Enrolments int
	Seed       uint64    // the data set is the same for the same seed
	Now        time.Time // zero means time.Now()
	// Hash is the argon2id cost of the one password hash every account
	// shares (ScalePassword); the zero value means password.Default.
	Hash password.Params
}

// DefaultScale is the district-to-province-sized data set of `make bench`.
// Two training years of a province: 66,000 filings, about two million
// enrolments, each with its attendance.
var DefaultScale = Scale{Institutions: 2000, Users: 20000, Teachers: 10000, Textbooks: 300, Classes: 66000, Enrolments: 2000000}

// scaleYears is how far back the filings of the scale data set go.
const scaleYears = 2

// ScalePassword is the password of every account of the scale data set.
const ScalePassword = "tianmu-scale-2026"

// ErrNotEmpty is returned by LoadScale for a database that already holds
// institutions or users.
var ErrNotEmpty = errors.New("demo: the database already has institutions or users; the scale data set loads only into an empty database (create a new one)")

// Scale usernames: bureau-0001, centre-0001, inst-00001-01 (institution 1,
// its first account; numbers are positions in the data set, not ids).
func ScaleBureauUsername(i int) string { return fmt.Sprintf("bureau-%04d", i+1) }

// ScaleCentreUsername is the i-th centre account (0-based).
func ScaleCentreUsername(i int) string { return fmt.Sprintf("centre-%04d", i+1) }

func scaleInstitutionUsername(inst, n int) string { return fmt.Sprintf("inst-%05d-%02d", inst+1, n+1) }

// scaleRun is the state the loaders share: each loader may read what the
// earlier ones created (ids, statuses, dates) and adds its own.
type scaleRun struct {
	sc       Scale
	rng      *rand.Rand
	now      time.Time
	hash     string
	progress io.Writer

	occupations  []training.Occupation
	institutions []scaleInstitution
	teachers     []scaleTeacher
	textbooks    []scaleTextbook
	classes      []scaleClass
	enrolments   []scaleEnrolment

	firstEnrolment, firstTrainee int64    // reserved ids
	traineeNames                 []string // by trainee index, for the certificates
}

type scaleInstitution struct {
	id      int64
	name    string
	status  training.InstitutionStatus
	created time.Time
	decided *time.Time       // decision date for every status but pending
	changed *time.Time       // suspension or revocation
	scope   []int64          // occupation ids
	levels  []training.Level // max level of each scope line
	users   []int64
	// Filled by the teacher and class loaders.
	teachers []int64
	classes  int
}

// scaleLoader adds one table (or a few related ones) to the data set inside
// the load's transaction and reports how many rows it wrote. Later issues
// append their loaders (teachers, classes, enrolments) to scaleLoaders.
type scaleLoader struct {
	name string
	load func(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error)
}

var scaleLoaders = []scaleLoader{
	{"institutions", loadScaleInstitutions},
	{"institution_scopes", loadScaleScopes},
	{"users", loadScaleUsers},
	{"audit_log", loadScaleAudit},
	{"teachers", loadScaleTeachers},
	{"textbooks", loadScaleTextbooks},
	{"classes", loadScaleClasses},
	{"class_parts", loadScaleClassParts},
	{"class_versions", loadScaleClassVersions},
	{"class_audit", loadScaleClassAudit},
	{"trainees_enrolments", loadScaleEnrolments},
	{"attendance", loadScaleAttendance},
	{"assessment", loadScaleAssessment},
	{"bench_extras", loadScaleBenchExtras},
}

// scaleTables are vacuumed and analysed after the load.
var scaleTables = []string{"institutions", "institution_scopes", "users", "audit_log", "teachers", "teacher_institutions",
	"teacher_certificates", "textbooks", "textbook_uses", "classes", "class_sessions", "class_teachers",
	"class_textbooks", "class_versions", "class_changes", "trainees", "enrolments", "session_deliveries", "attendance",
	"enrolment_attendance", "class_delivery", "eval_orgs", "exam_applications", "exam_candidates", "exam_sessions",
	"exam_examiners", "exam_entries", "certificates", "teacher_files", "import_jobs", "import_rows", "examiners", "examiner_scopes"}

// LoadScale loads the benchmark data set with COPY, in one transaction, into
// a migrated database that has no institutions and no users, then vacuums
// and analyses the tables so the planner sees their real size.
func LoadScale(ctx context.Context, pool *pgxpool.Pool, sc Scale, progress io.Writer) error {
	if progress == nil {
		progress = io.Discard
	}
	if sc.Bureau == 0 {
		sc.Bureau = 50
	}
	if sc.Centre == 0 {
		sc.Centre = 100
	}
	if sc.Institutions < 1 || sc.Users < sc.Bureau+sc.Centre+sc.Institutions {
		return fmt.Errorf("demo: scale needs at least one institution and one account per institution plus %d bureau and %d centre accounts", sc.Bureau, sc.Centre)
	}
	if sc.Hash == (password.Params{}) {
		sc.Hash = password.Default
	}
	r := &scaleRun{sc: sc, rng: rand.New(rand.NewPCG(sc.Seed, 0x7469616e6d75)), now: sc.Now, progress: progress}
	if r.now.IsZero() {
		r.now = time.Now()
	}
	var err error
	if r.hash, err = password.Hash(ScalePassword, sc.Hash); err != nil {
		return err
	}
	start := time.Now()
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// A synchronous commit even where the server runs without: VACUUM
		// cannot mark pages all-visible before the commit record is flushed.
		// No statement timeout: the big COPYs and constraint checks take
		// longer than a request may.
		// The ledger facts kept per class (migration 00115) are filled once
		// at the end instead of recounted after each COPY.
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = on; SET LOCAL statement_timeout = 0;
			SET LOCAL tianmu.defer_ledger_facts = on`); err != nil {
			return err
		}
		// A concurrent second load waits here and then finds the rows.
		if _, err := tx.Exec(ctx, `LOCK TABLE institutions, users IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var busy bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM institutions) OR EXISTS (SELECT 1 FROM users)`).Scan(&busy); err != nil {
			return err
		}
		if busy {
			return ErrNotEmpty
		}
		rows, _ := tx.Query(ctx, `SELECT id, code, name, category, levels FROM occupations ORDER BY code`)
		r.occupations, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Occupation, error) {
			var o training.Occupation
			var levels []int16
			err := row.Scan(&o.ID, &o.Code, &o.Name, &o.Category, &levels)
			for _, l := range levels {
				o.Levels = append(o.Levels, training.Level(l))
			}
			return o, err
		})
		if err != nil {
			return err
		}
		if len(r.occupations) == 0 {
			return errors.New("demo: no occupations (migrations not applied?)")
		}
		for _, l := range scaleLoaders {
			t := time.Now()
			n, err := l.load(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("demo: scale %s: %w", l.name, err)
			}
			fmt.Fprintf(progress, "  %-20s %8d rows  %v\n", l.name, n, time.Since(t).Round(time.Millisecond))
		}
		t := time.Now()
		if _, err := tx.Exec(ctx, `SET LOCAL tianmu.defer_ledger_facts = off; SELECT fill_class_ledger_facts()`); err != nil {
			return fmt.Errorf("demo: scale ledger facts: %w", err)
		}
		fmt.Fprintf(progress, "  %-20s %8s       %v\n", "class_ledger_facts", "", time.Since(t).Round(time.Millisecond))
		return nil
	})
	if err != nil {
		return err
	}
	// Outside the transaction: VACUUM sets the visibility map (index-only
	// scans), ANALYZE the statistics the planner needs at this size.
	// On its own connection without the pool's statement timeout: at
	// province scale on a busy machine the vacuum takes longer than the 30 s
	// a page's statement may.
	if err := vacuumScale(ctx, pool); err != nil {
		return fmt.Errorf("demo: vacuum: %w", err)
	}
	// The evaluation year the loader set up is computed as the job would,
	// so the ranking and scorecards have figures (and the run is timed).
	if _, err := ScaleEvaluation(ctx, pool, r.now, progress); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `ANALYZE evaluation_scores`); err != nil {
		return fmt.Errorf("demo: analyse: %w", err)
	}
	fmt.Fprintf(progress, "scale data set loaded in %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// nextIDs reserves n ids from a table's serial sequence, so children can
// reference rows before they are copied.
func nextIDs(ctx context.Context, tx pgx.Tx, table string, n int) ([]int64, error) {
	rows, _ := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// reserveIDs reserves n consecutive ids from a table's serial sequence and
// returns the first (the load holds the tables to itself).
func reserveIDs(ctx context.Context, tx pgx.Tx, table string, n int) (int64, error) {
	var first int64
	err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id'))`, table).Scan(&first)
	if err == nil && n > 1 {
		_, err = tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, table, first+int64(n)-1)
	}
	return first, err
}

// withoutForeignKeys runs load with table's foreign keys dropped and adds
// them back afterwards: one join validates them, where COPY would look up
// every row's references one by one (a minute for the million enrolments).
func withoutForeignKeys(ctx context.Context, tx pgx.Tx, table string, load func() (int64, error)) (int64, error) {
	rows, _ := tx.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`, table)
	type fk struct{ name, def string }
	fks, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fk, error) {
		var f fk
		return f, row.Scan(&f.name, &f.def)
	})
	if err != nil {
		return 0, err
	}
	for _, f := range fks {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+table+` DROP CONSTRAINT `+pgx.Identifier{f.name}.Sanitize()); err != nil {
			return 0, err
		}
	}
	n, err := load()
	if err != nil {
		return 0, err
	}
	for _, f := range fks {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+table+` ADD CONSTRAINT `+pgx.Identifier{f.name}.Sanitize()+` `+f.def); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// between is a random time in [from, to).
func (r *scaleRun) between(from, to time.Time) time.Time {
	d := to.Sub(from)
	if d <= 0 {
		return from
	}
	return from.Add(time.Duration(r.rng.Int64N(int64(d))))
}

func (r *scaleRun) pick(list []string) string { return list[r.rng.IntN(len(list))] }

var (
	scaleCities = []string{"杭州市临安区", "杭州市余杭区", "杭州市富阳区", "杭州市桐庐县", "杭州市淳安县", "宁波市", "温州市", "嘉兴市",
		"湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市"}
	scaleTowns = []string{"锦城", "锦北", "锦南", "玲珑", "青山湖", "太湖源", "高虹", "於潜", "天目山", "太阳", "潜川", "昌化",
		"龙岗", "河桥", "湍口", "清凉峰", "岛石", "板桥", "城东", "城西", "江南", "新塘", "白沙", "钱王"}
	scaleTrades = []string{"家政服务", "烹饪技术", "电工技术", "焊接技术", "茶艺", "电子商务", "养老护理", "美容美发", "汽车维修",
		"建筑技能", "农业技术", "育婴保育", "保安消防", "物流快递", "职业技能", "数字技能", "中式面点", "竹木加工"}
	scaleKinds    = []string{"培训学校", "培训中心", "职业技能培训学校", "技能培训中心", "职业培训学校"}
	scaleSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "郑",
		"梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "潘", "袁", "蒋", "蔡", "余", "杜"}
	scaleGiven = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
		"霞", "平", "刚", "桂英", "建国", "建华", "志强", "晓燕", "海燕", "丽华", "文", "斌", "玲", "红", "春梅", "国平", "雪梅"}
)

func (r *scaleRun) personName() string { return r.pick(scaleSurnames) + r.pick(scaleGiven) }

func loadScaleInstitutions(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	n := r.sc.Institutions
	ids, err := nextIDs(ctx, tx, "institutions", n)
	if err != nil {
		return 0, err
	}
	first := r.now.AddDate(-6, 0, 0)
	seen := map[string]int{}
	r.institutions = make([]scaleInstitution, n)
	rows := make([][]any, n)
	for i := range n {
		in := &r.institutions[i]
		in.id = ids[i]
		// Older ids were registered earlier, as in real life.
		lo := first.Add(time.Duration(int64(r.now.Sub(first)) * int64(i) / int64(n)))
		hi := first.Add(time.Duration(int64(r.now.Sub(first)) * int64(i+1) / int64(n)))
		in.created = r.between(lo, hi)
		name := r.pick(scaleCities) + r.pick(scaleTowns) + r.pick(scaleTrades) + r.pick(scaleKinds)
		if k := seen[name]; k > 0 {
			seen[name] = k + 1
			name += "第" + strconv.Itoa(k+1) + "分校"
		} else {
			seen[name] = 1
		}
		in.name = name
		prefix := fmt.Sprintf("52330185MK%07d", i+1)
		code := prefix + string(training.CreditCodeCheckChar(prefix))
		switch x := r.rng.IntN(100); {
		case x < 60:
			in.status = training.InstDesignated
		case x < 75:
			in.status = training.InstPending
		case x < 85:
			in.status = training.InstSuspended
		default:
			in.status = training.InstRevoked
		}
		var decisionNo, decidedBy, reason string
		var decisionDate *time.Time
		updated := in.created
		if in.status != training.InstPending {
			d := r.between(in.created, r.now)
			in.decided = &d
			day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
			decisionDate = &day
			decisionNo = fmt.Sprintf("临人社培〔%d〕%d号", d.Year(), i+1)
			decidedBy = r.personName()
			updated = d
			if in.status != training.InstDesignated {
				c := r.between(d, r.now)
				in.changed = &c
				updated = c
				reason = "年度检查发现培训场地与备案不符"
				if in.status == training.InstRevoked {
					reason = "第十六条：弄虚作假套取补贴资金"
				}
			}
		}
		statusChanged := in.changed
		if statusChanged == nil {
			statusChanged = in.decided
		}
		contact := r.personName()
		rows[i] = []any{in.id, in.name, code, r.pick(scaleCities) + r.pick(scaleTowns) + "街道" + strconv.Itoa(1+r.rng.IntN(999)) + "号",
			r.personName(), contact, fmt.Sprintf("1385711%04d", r.rng.IntN(10000)),
			"理论教室" + strconv.Itoa(1+r.rng.IntN(6)) + "间，实训场地" + strconv.Itoa(100+r.rng.IntN(2000)) + "平方米",
			"多媒体教学设备、消防设施齐全", "实训设备" + strconv.Itoa(5+r.rng.IntN(40)) + "套",
			"专兼职教师" + strconv.Itoa(3+r.rng.IntN(30)) + "人",
			string(in.status), decisionNo, decisionDate, decidedBy, reason, statusChanged,
			1 + r.rng.IntN(5), in.created, updated}
	}
	return tx.CopyFrom(ctx, pgx.Identifier{"institutions"}, []string{"id", "name", "credit_code", "address", "legal_rep",
		"contact_name", "contact_phone", "venue", "facilities", "equipment", "staff", "status", "decision_no",
		"decision_date", "decided_by", "status_reason", "status_changed", "version", "created_at", "updated_at"},
		pgx.CopyFromRows(rows))
}

// loadScaleScopes gives every institution 1–6 occupations at a level the
// occupation has (or 0 for an occupation without levels).
func loadScaleScopes(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	var rows [][]any
	for i := range r.institutions {
		in := &r.institutions[i]
		k := 1 + r.rng.IntN(6)
		for _, j := range r.rng.Perm(len(r.occupations))[:k] {
			o := r.occupations[j]
			lvl := training.LevelNone
			if len(o.Levels) > 0 {
				lvl = o.Levels[r.rng.IntN(len(o.Levels))]
			}
			in.scope = append(in.scope, o.ID)
			in.levels = append(in.levels, lvl)
			rows = append(rows, []any{in.id, o.ID, int16(lvl)})
		}
	}
	return tx.CopyFrom(ctx, pgx.Identifier{"institution_scopes"}, []string{"institution_id", "occupation_id", "max_level"},
		pgx.CopyFromRows(rows))
}

// loadScaleUsers creates the bureau and centre accounts and spreads the rest
// over the institutions: every institution has one, some have dozens.
// Accounts of revoked institutions are disabled.
func loadScaleUsers(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	n := r.sc.Users
	ids, err := nextIDs(ctx, tx, "users", n)
	if err != nil {
		return 0, err
	}
	perInst := make([]int, len(r.institutions))
	for i := range perInst {
		perInst[i] = 1
	}
	for rest := n - r.sc.Bureau - r.sc.Centre - len(perInst); rest > 0; rest-- {
		// Squaring skews the spread: a few large schools, many small ones.
		f := r.rng.Float64()
		perInst[int(f*f*float64(len(perInst)))]++
	}
	rows := make([][]any, 0, n)
	next := 0
	add := func(username string, role training.Role, inst *scaleInstitution, created time.Time) {
		id := ids[next]
		next++
		var instID *int64
		var disabled *time.Time
		if inst != nil {
			instID = &inst.id
			inst.users = append(inst.users, id)
			if inst.status == training.InstRevoked && inst.changed != nil {
				disabled = inst.changed
			}
		}
		var lastLogin *time.Time
		if r.rng.IntN(10) < 8 {
			t := r.between(created, r.now)
			lastLogin = &t
		}
		rows = append(rows, []any{id, username, r.personName(), string(role), instID, r.hash, false, disabled, 1, lastLogin, created})
	}
	first := r.now.AddDate(-6, 0, 0)
	for i := range r.sc.Bureau {
		add(ScaleBureauUsername(i), training.RoleBureau, nil, r.between(first, r.now))
	}
	for i := range r.sc.Centre {
		add(ScaleCentreUsername(i), training.RoleCentre, nil, r.between(first, r.now))
	}
	for i := range r.institutions {
		in := &r.institutions[i]
		for k := range perInst[i] {
			add(scaleInstitutionUsername(i, k), training.RoleInstitution, in, r.between(in.created, r.now))
		}
	}
	return tx.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "username", "name", "role", "institution_id",
		"password_hash", "must_change_password", "disabled_at", "session_version", "last_login_at", "created_at"},
		pgx.CopyFromRows(rows))
}

// loadScaleAudit writes each institution's history (registration, scope,
// designation, suspension or revocation) in time order. COPY fires the chain
// trigger for every row, so the chain is the real one. Only a few rows per
// institution: each append updates the one audit_head row, and inside one
// transaction those row versions pile up, so appends get slower with every
// row (26,000 rows took about 20 s; 5,000 take about one).
func loadScaleAudit(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	type entry struct {
		at       time.Time
		action   string
		entity   string
		entityID int64
		inst     int64
		after    map[string]any
	}
	var list []entry
	for i := range r.institutions {
		in := &r.institutions[i]
		list = append(list,
			entry{in.created, "institution.create", "institution", in.id, in.id, map[string]any{"name": in.name}},
			entry{in.created.Add(time.Hour), "institution.scope", "institution", in.id, in.id, map[string]any{"scope": len(in.scope)}})
		if in.decided != nil {
			list = append(list, entry{*in.decided, "institution.designate", "institution", in.id, in.id, map[string]any{"status": training.InstDesignated}})
		}
		if in.changed != nil {
			action := "institution.suspend"
			if in.status == training.InstRevoked {
				action = "institution.revoke"
			}
			list = append(list, entry{*in.changed, action, "institution", in.id, in.id, map[string]any{"status": in.status}})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].at.Before(list[j].at) })
	rows := make([][]any, len(list))
	for i, e := range list {
		rows[i] = []any{e.at, "系统（批量导入）", string(training.RoleBureau), e.action, e.entity, e.entityID, e.inst, e.after, 0, []byte{}, []byte{}}
	}
	return tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, []string{"at", "actor_name", "actor_role", "action", "entity",
		"entity_id", "institution_id", "after", "seq", "prev_hash", "hash"}, pgx.CopyFromRows(rows))
}

// vacuumScale vacuums and analyses the loaded tables on one connection whose
// statement timeout is lifted for the duration (VACUUM cannot run inside a
// transaction, so SET LOCAL is not available).
func vacuumScale(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET statement_timeout = 0`); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `VACUUM (ANALYZE) `+strings.Join(scaleTables, ", "))
	if _, rerr := conn.Exec(ctx, `RESET statement_timeout`); err == nil && rerr != nil {
		// A connection that cannot be reset must not go back to the pool.
		_ = conn.Conn().Close(ctx) // Release then drops it
		return rerr
	}
	return err
}
