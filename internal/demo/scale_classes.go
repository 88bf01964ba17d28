package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// The teacher pool, the textbook catalogue and the class filings of the
// scale data set (issue 4's speed section: the review queue and the filing
// page at 50,000 classes).

type scaleTeacher struct {
	id       int64
	name     string
	approved bool
}

type scaleTextbook struct {
	id     int64
	usable bool
	uses   []int64 // occupation ids
}

type scaleClass struct {
	id        int64
	inst      *scaleInstitution
	status    training.ClassStatus
	plan      training.Plan
	created   time.Time
	submitted *time.Time
	approved  *time.Time // approved_on (a date)
	change    bool       // a pending change request
	enrolled  int        // roster size (classes.enrolled)
	bench     bool       // one of the 50-trainee bench classes
	sessions  []int64    // class_sessions ids, in plan order
	// Filled by the roster and attendance loaders.
	firstEnrol int       // index of its first enrolment in scaleRun.enrolments
	delivery   scaleHeld // what it delivered
}

// ScaleBenchClasses is how many institutions (the first designated ones, in
// id order, as tianmu-bench signs them in) get an approved, started class
// with exactly 50 trainees, all with agreements, when Enrolments > 0 (one
// per thousand enrolments, at least one, at most this many).
const ScaleBenchClasses = 256

// scaleDay is t's date in Asia/Shanghai at midnight UTC, as dates are stored.
func scaleDay(t time.Time) time.Time {
	t = t.In(repository.Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// loadScaleTeachers creates the pool: every institution that ever filed has
// at least two teachers, the rest are spread with a skew; most are approved,
// each holds one or two certificates in an occupation of an institution's
// scope.
func loadScaleTeachers(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	n := r.sc.Teachers
	if n == 0 {
		return 0, nil
	}
	ids, err := nextIDs(ctx, tx, "teachers", n)
	if err != nil {
		return 0, err
	}
	certIDs, err := nextIDs(ctx, tx, "teacher_certificates", 2*n)
	if err != nil {
		return 0, err
	}
	var filing []*scaleInstitution
	for i := range r.institutions {
		if r.institutions[i].status != training.InstPending {
			filing = append(filing, &r.institutions[i])
		}
	}
	if len(filing) == 0 {
		filing = append(filing, &r.institutions[0])
	}
	first := r.now.AddDate(-5, 0, 0)
	rows := make([][]any, 0, n)
	var links, certs [][]any
	nextCert := 0
	r.teachers = make([]scaleTeacher, n)
	for i := range n {
		t := &r.teachers[i]
		t.id, t.name = ids[i], r.personName()
		var in *scaleInstitution
		if i < 2*len(filing) {
			in = filing[i%len(filing)]
		} else {
			f := r.rng.Float64()
			in = filing[int(f*f*float64(len(filing)))]
		}
		created := r.between(maxTime(first, in.created), r.now)
		birth := time.Date(1962, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i/1000)*397+r.rng.IntN(300))
		idNo := idNumber(fmt.Sprintf("330185%s%03d", birth.Format("20060102"), i%1000))
		edu := training.Educations[1+r.rng.IntN(5)] // 高中 .. 硕士
		title := training.Titles[r.rng.IntN(4)]
		status, note := training.TeacherApproved, ""
		var submitted, reviewed *time.Time
		reviewedBy := ""
		switch x := r.rng.IntN(100); {
		case x < 85:
			s := r.between(created, r.now)
			v := r.between(s, r.now)
			submitted, reviewed, reviewedBy = &s, &v, r.personName()
			t.approved = true
		case x < 90:
			status = training.TeacherSubmitted
			s := r.between(created, r.now)
			submitted = &s
		case x < 95:
			status = training.TeacherDraft
		default:
			status, note = training.TeacherReturned, "第五条：职业资格证书扫描件不清晰，请重新上传"
			s := r.between(created, r.now)
			v := r.between(s, r.now)
			submitted, reviewed, reviewedBy = &s, &v, r.personName()
		}
		updated := created
		if reviewed != nil {
			updated = *reviewed
		} else if submitted != nil {
			updated = *submitted
		}
		rows = append(rows, []any{t.id, idNo, t.name, fmt.Sprintf("13%d%08d", 5+r.rng.IntN(5), r.rng.IntN(100000000)),
			int16(edu), int16(title), string(status), note, submitted, reviewed, reviewedBy, 1, created, updated})
		in.teachers = append(in.teachers, t.id)
		links = append(links, []any{t.id, in.id, created})
		if r.rng.IntN(10) == 0 {
			// Some teach at a second school.
			other := filing[r.rng.IntN(len(filing))]
			if other != in {
				other.teachers = append(other.teachers, t.id)
				links = append(links, []any{t.id, other.id, r.between(created, r.now)})
			}
		}
		for k := range 1 + r.rng.IntN(2) {
			j := r.rng.IntN(len(in.scope))
			occ := in.scope[j]
			lvl := training.Level(2 + r.rng.IntN(3)) // 二级 .. 四级
			if k == 0 && r.rng.IntN(4) > 0 {
				lvl = training.Level(2 + r.rng.IntN(2)) // mostly 三级 or better
			}
			issued := scaleDay(r.between(r.now.AddDate(-15, 0, 0), created))
			certs = append(certs, []any{certIDs[nextCert], t.id, occ, int16(lvl),
				fmt.Sprintf("S%021d", nextCert+1), issued, issuerHZ, created})
			nextCert++
		}
	}
	total, err := tx.CopyFrom(ctx, pgx.Identifier{"teachers"}, []string{"id", "id_number", "name", "phone", "education", "title",
		"status", "review_note", "submitted_at", "reviewed_at", "reviewed_by", "version", "created_at", "updated_at"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return 0, err
	}
	k, err := tx.CopyFrom(ctx, pgx.Identifier{"teacher_institutions"}, []string{"teacher_id", "institution_id", "linked_at"},
		pgx.CopyFromRows(links))
	if err != nil {
		return 0, err
	}
	total += k
	k, err = tx.CopyFrom(ctx, pgx.Identifier{"teacher_certificates"}, []string{"id", "teacher_id", "occupation_id", "level",
		"cert_no", "issue_date", "issuer", "created_at"}, pgx.CopyFromRows(certs))
	return total + k, err
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// loadScaleTextbooks creates the catalogue: every occupation is served by
// at least one usable textbook (for all levels or one band), most are
// designated or approved, a few proposed or withdrawn.
func loadScaleTextbooks(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	n := r.sc.Textbooks
	if n == 0 {
		return 0, nil
	}
	ids, err := nextIDs(ctx, tx, "textbooks", n)
	if err != nil {
		return 0, err
	}
	publishers := []string{pubLabour, "机械工业出版社", "浙江科学技术出版社", "高等教育出版社", "中国农业出版社"}
	rows := make([][]any, 0, n)
	var uses [][]any
	r.textbooks = make([]scaleTextbook, n)
	for i := range n {
		b := &r.textbooks[i]
		b.id = ids[i]
		o := r.occupations[i%len(r.occupations)]
		status := training.TextbookDesignated
		switch x := r.rng.IntN(100); {
		case i < len(r.occupations) || x < 55:
		case x < 85:
			status = training.TextbookApproved
		case x < 92:
			status = training.TextbookProposed
		default:
			status = training.TextbookWithdrawn
		}
		b.usable = status.Usable()
		var isbnNo, code *string
		if r.rng.IntN(10) == 0 {
			c := fmt.Sprintf("LA-JC-%04d", i+1)
			code = &c
		} else {
			c := isbn(fmt.Sprintf("978751%06d", 600000+i))
			isbnNo = &c
		}
		title := o.Name + "（" + []string{"基础知识", "初级 中级 高级", "技师 高级技师", "实训教程", "培训教材"}[r.rng.IntN(5)] + "）"
		if i >= len(r.occupations) {
			title += "第" + strconv.Itoa(1+i/len(r.occupations)) + "版"
		}
		created := r.between(r.now.AddDate(-6, 0, 0), r.now)
		reason := ""
		if status == training.TextbookWithdrawn {
			reason = "已有新版教材"
		}
		rows = append(rows, []any{b.id, title, isbnNo, code, r.pick(publishers), strconv.Itoa(2015+r.rng.IntN(10)) + "年版",
			string(status), reason, 1, created, r.between(created, r.now)})
		occs := []training.Occupation{o}
		for range r.rng.IntN(3) {
			if x := r.occupations[r.rng.IntN(len(r.occupations))]; x.ID != o.ID {
				occs = append(occs, x)
			}
		}
		seen := map[[2]int64]bool{}
		for _, x := range occs {
			b.uses = append(b.uses, x.ID)
			lvls := []training.Level{training.LevelNone}
			if len(x.Levels) > 0 && r.rng.IntN(3) == 0 {
				lvls = x.Levels
			}
			for _, l := range lvls {
				if k := [2]int64{x.ID, int64(l)}; !seen[k] {
					seen[k] = true
					uses = append(uses, []any{b.id, x.ID, int16(l)})
				}
			}
		}
	}
	total, err := tx.CopyFrom(ctx, pgx.Identifier{"textbooks"}, []string{"id", "title", "isbn", "internal_code", "publisher",
		"edition", "status", "status_reason", "version", "created_at", "updated_at"}, pgx.CopyFromRows(rows))
	if err != nil {
		return 0, err
	}
	k, err := tx.CopyFrom(ctx, pgx.Identifier{"textbook_uses"}, []string{"textbook_id", "occupation_id", "level"}, pgx.CopyFromRows(uses))
	return total + k, err
}

// loadScaleClasses spreads the filings over the institutions that were ever
// designated: most finished years ago, a few hundred waiting for review,
// some approved and not yet started, in training, drafts, returned,
// cancelled.
func loadScaleClasses(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	n := r.sc.Classes
	if n == 0 {
		return 0, nil
	}
	var filing []*scaleInstitution
	for i := range r.institutions {
		if in := &r.institutions[i]; in.decided != nil {
			filing = append(filing, in)
		}
	}
	if len(filing) == 0 {
		return 0, nil
	}
	ids, err := nextIDs(ctx, tx, "classes", n)
	if err != nil {
		return 0, err
	}
	byOcc := map[int64][]int64{}
	var usable []int64
	for _, b := range r.textbooks {
		if !b.usable {
			continue
		}
		usable = append(usable, b.id)
		for _, o := range b.uses {
			byOcc[o] = append(byOcc[o], b.id)
		}
	}
	occByID := map[int64]training.Occupation{}
	for _, o := range r.occupations {
		occByID[o.ID] = o
	}
	today := scaleDay(r.now)
	venues := []string{"本机构实训中心", "本机构理论教室", "锦城街道社区学校", "青山湖科技城培训基地", "本机构二楼多媒体教室"}
	var bench []*scaleInstitution
	if r.sc.Enrolments > 0 {
		for _, in := range filing {
			if in.status == training.InstDesignated && len(bench) < min(ScaleBenchClasses, max(1, r.sc.Enrolments/1000)) {
				bench = append(bench, in)
			}
		}
	}
	rows := make([][]any, 0, n)
	r.classes = make([]scaleClass, n)
	for i := range n {
		c := &r.classes[i]
		c.id = ids[i]
		// Designated institutions file the most; suspended and revoked ones
		// filed before their status changed.
		for i >= len(bench) {
			f := r.rng.Float64()
			c.inst = filing[int(f*f*float64(len(filing)))]
			if c.inst.status == training.InstDesignated || r.rng.IntN(4) == 0 {
				break
			}
		}
		if i < len(bench) {
			c.inst, c.bench = bench[i], true
		}
		in := c.inst
		active := in.status == training.InstDesignated
		x := r.rng.IntN(10000)
		switch {
		case c.bench:
			c.status = training.ClassTraining
		case !active:
			c.status = []training.ClassStatus{training.ClassFinished, training.ClassArchived, training.ClassCancelled}[r.rng.IntN(3)]
		case x < 100:
			c.status = training.ClassSubmitted
		case x < 250:
			c.status = training.ClassApproved // not started
		case x < 400:
			c.status = training.ClassTraining // stored as approved
		case x < 700:
			c.status = training.ClassDraft
		case x < 760:
			c.status = training.ClassReturned
		case x < 950:
			c.status = training.ClassCancelled
		case x < 2500:
			c.status = training.ClassFinished
		case x < 3000:
			c.status = training.ClassAssessmentApplied
		case x < 5500:
			c.status = training.ClassAssessed
		default:
			c.status = training.ClassArchived
		}
		// The plan: an occupation of the scope at a level the scope allows.
		j := r.rng.IntN(len(in.scope))
		o := occByID[in.scope[j]]
		p := &c.plan
		p.OccupationID = o.ID
		p.Type = training.TypeSkillLevel
		switch y := r.rng.IntN(100); {
		case len(o.Levels) == 0 || y < 10:
			p.Type = training.TypeSpecial
		case y < 18:
			p.Type = training.TypeStartup
		case y < 30:
			p.Type = training.TypeQualification
		}
		if p.Type.HasLevel() {
			var ok []training.Level
			for _, l := range o.Levels {
				if in.levels[j] == training.LevelNone || in.levels[j].AtLeast(l) {
					ok = append(ok, l)
				}
			}
			if len(ok) == 0 {
				ok = o.Levels
			}
			p.Level = ok[r.rng.IntN(len(ok))]
		}
		p.PlannedSize = 20 + r.rng.IntN(31)
		if p.Type == training.TypeStartup {
			if c.bench {
				p.Type = training.TypeSpecial
			} else {
				p.PlannedSize = 15 + r.rng.IntN(16)
			}
		}
		if c.bench {
			p.PlannedSize = 50
		}
		p.Venue = r.pick(venues)
		p.Content = o.Name + "：职业道德与安全知识、基础理论、操作技能训练、模拟考核"
		// Dates by status.
		var start time.Time
		switch c.status {
		case training.ClassSubmitted, training.ClassDraft, training.ClassReturned:
			start = today.AddDate(0, 0, 7+r.rng.IntN(80))
		case training.ClassApproved:
			start = today.AddDate(0, 0, 1+r.rng.IntN(90))
		case training.ClassTraining:
			c.status = training.ClassApproved
		case training.ClassCancelled:
			start = today.AddDate(0, 0, 60-r.rng.IntN(2*365))
		default:
			// Two training years of history; the classes still finished
			// or applying for assessment ended in the last four months.
			lo := maxTime(in.decided.AddDate(0, 0, 15), r.now.AddDate(-scaleYears, 0, 0))
			if c.status == training.ClassFinished || c.status == training.ClassAssessmentApplied {
				lo = maxTime(lo, r.now.AddDate(0, -4, 0))
			}
			hi := r.now.AddDate(0, 0, -30)
			if in.changed != nil {
				hi = minTime(hi, *in.changed)
			}
			start = scaleDay(r.between(lo, maxTime(lo, hi)))
			if start.After(today.AddDate(0, 0, -20)) {
				// The school was designated too recently to have finished one.
				c.status = training.ClassCancelled
			}
		}
		if start.Weekday() == time.Sunday {
			start = start.AddDate(0, 0, 1)
		}
		sessions := 4 + r.rng.IntN(9)
		span := (sessions + 1) / 2
		if c.status == training.ClassApproved && start.IsZero() {
			// In training: started, its last session today or later.
			start = today.AddDate(0, 0, -r.rng.IntN(max(1, (sessions-1)/2)))
		}
		p.StartDate, p.EndDate = start, start.AddDate(0, 0, span-1+r.rng.IntN(3))
		c.created = r.between(maxTime(*in.decided, start.AddDate(0, 0, -90).Add(-time.Hour)), minTime(r.now, start.AddDate(0, 0, -10)))
		switch c.status {
		case training.ClassDraft, training.ClassReturned, training.ClassCancelled:
		default:
			// Submitted 5–30 days before the start, approved a few days later.
			sub := maxTime(c.created, start.AddDate(0, 0, -30+r.rng.IntN(24)).Add(time.Duration(r.rng.IntN(9*3600))*time.Second+9*time.Hour))
			if c.status == training.ClassSubmitted {
				sub = r.between(c.created, r.now)
			}
			c.submitted = &sub
			if c.status != training.ClassSubmitted {
				ap := scaleDay(sub).AddDate(0, 0, 1+r.rng.IntN(3))
				if !ap.Before(start) {
					ap = start.AddDate(0, 0, -1)
				}
				if ap.After(today) {
					ap = today
				}
				c.approved = &ap
			}
		}
		if c.status == training.ClassReturned {
			sub := r.between(c.created, r.now)
			c.submitted = &sub
		}
		// Teachers: one theory, one to three practical, from the school.
		k := 2 + r.rng.IntN(3)
		pool := in.teachers
		for t := 0; t < k && len(pool) > 0; t++ {
			id := pool[r.rng.IntN(len(pool))]
			role := training.RolePractical
			if t == 0 {
				role = training.RoleTheory
			}
			dup := false
			for _, x := range p.Teachers {
				dup = dup || (x.TeacherID == id && x.Role == role)
			}
			if !dup {
				p.Teachers = append(p.Teachers, training.ClassTeacher{TeacherID: id, Role: role})
			}
		}
		// Sessions: mornings and afternoons, theory first.
		for s := range sessions {
			kind := training.RolePractical
			if s < (sessions+2)/3 {
				kind = training.RoleTheory
			}
			var teacher int64
			for _, t := range p.Teachers {
				if t.Role == kind {
					teacher = t.TeacherID
					break
				}
			}
			if teacher == 0 && len(p.Teachers) > 0 {
				kind, teacher = p.Teachers[0].Role, p.Teachers[0].TeacherID
			}
			day := start.AddDate(0, 0, s/2)
			if day.After(p.EndDate) {
				day = p.EndDate
			}
			from, to := "08:30", "11:30"
			if s%2 == 1 {
				from, to = "13:30", "16:30"
			}
			p.Sessions = append(p.Sessions, training.Session{Date: day, Start: from, End: to, Kind: kind, Hours: 4, TeacherID: teacher})
			if kind == training.RoleTheory {
				p.TheoryHours += 4
			} else {
				p.PracticalHours += 4
			}
		}
		books := byOcc[o.ID]
		if len(books) == 0 {
			books = usable
		}
		for range 1 + r.rng.IntN(2) {
			if len(books) == 0 {
				break
			}
			id := books[r.rng.IntN(len(books))]
			if len(p.TextbookIDs) == 0 || p.TextbookIDs[0] != id {
				p.TextbookIDs = append(p.TextbookIDs, id)
			}
		}
		sort.Slice(p.TextbookIDs, func(a, b int) bool { return p.TextbookIDs[a] < p.TextbookIDs[b] })
		c.change = c.status == training.ClassApproved && start.After(today) && r.rng.IntN(10) == 0
		in.classes++

		var occ, approvedOn, startD, endD any = o.ID, nil, start, p.EndDate
		level, size := int16(p.Level), p.PlannedSize
		returnReason, cancelReason, approvedBy, planNo, enrolled, version := "", "", "", 0, 0, 1
		if c.approved != nil {
			approvedOn, approvedBy, planNo, version = *c.approved, r.personName(), 2, 3
			if c.status != training.ClassApproved || !start.After(today) {
				enrolled = p.PlannedSize - r.rng.IntN(5)
				if c.bench {
					enrolled = 50
				}
			}
		}
		switch c.status {
		case training.ClassSubmitted:
			version = 2
		case training.ClassReturned:
			returnReason, version = "第六条：教学计划与培训内容不一致，请修改后重新提交", 3
		case training.ClassCancelled:
			cancelReason = "报名人数不足，机构申请撤销"
		case training.ClassDraft:
			if r.rng.IntN(10) == 0 {
				// A draft just started: nothing filled in yet.
				occ, startD, endD, level, size = nil, nil, nil, 0, 0
				p.Sessions, p.Teachers, p.TextbookIDs = nil, nil, nil
				p.OccupationID, p.Level, p.PlannedSize, p.TheoryHours, p.PracticalHours = 0, 0, 0, 0, 0
				p.StartDate, p.EndDate = time.Time{}, time.Time{}
			}
		}
		if c.change {
			version++
		}
		updated := c.created
		if c.submitted != nil {
			updated = *c.submitted
		}
		classNo := fmt.Sprintf("BB%d%06d", c.created.In(repository.Shanghai).Year(), i+1)
		rows = append(rows, []any{c.id, classNo, in.id, occ, level, string(p.Type), size, startD, endD, p.Venue, p.Content,
			p.TheoryHours, p.PracticalHours, string(c.status), returnReason, cancelReason, c.submitted, approvedOn, approvedBy,
			planNo, "", enrolled, version, "机构用户", c.created, updated})
		c.enrolled = enrolled
	}
	// Rosters: about sc.Enrolments entries in all. With fewer than the
	// classes hold, a sample of the classes keeps its whole roster and the
	// others have none (the bench classes keep their 50), so a small data
	// set still has classes of every kind with trainees.
	sum, inBench := 0, 0
	for i := range r.classes {
		if r.classes[i].bench {
			inBench += r.classes[i].enrolled
		} else {
			sum += r.classes[i].enrolled
		}
	}
	for i := range r.classes {
		c := &r.classes[i]
		switch {
		case r.sc.Enrolments == 0:
			c.enrolled = 0
		case c.bench || sum+inBench <= r.sc.Enrolments:
		case r.rng.Int64N(int64(sum)) >= int64(max(0, r.sc.Enrolments-inBench)):
			c.enrolled = 0
		}
		rows[i][21] = c.enrolled
	}
	total, err := tx.CopyFrom(ctx, pgx.Identifier{"classes"}, []string{"id", "class_no", "institution_id", "occupation_id", "level",
		"type", "planned_size", "start_date", "end_date", "venue", "content", "theory_hours", "practical_hours", "status",
		"return_reason", "cancel_reason", "submitted_at", "approved_on", "approved_by", "plan_no", "check_warnings",
		"enrolled", "version", "created_by", "created_at", "updated_at"}, pgx.CopyFromRows(rows))
	if err != nil {
		return 0, err
	}
	// New filings continue the numbering.
	_, err = tx.Exec(ctx, `SELECT setval('class_no_seq', $1)`, n)
	return total, err
}

// clock turns "08:30" into a time of day for COPY.
func clock(s string) pgtype.Time {
	t, _ := time.Parse("15:04", s)
	return pgtype.Time{Microseconds: int64(t.Hour()*3600+t.Minute()*60) * 1e6, Valid: true}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// loadScaleClassParts writes every filing's sessions, teachers and
// textbooks.
func loadScaleClassParts(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	var sessions, teachers, books [][]any
	n := 0
	for i := range r.classes {
		n += len(r.classes[i].plan.Sessions)
	}
	next, err := reserveIDs(ctx, tx, "class_sessions", n)
	if err != nil {
		return 0, err
	}
	for i := range r.classes {
		c := &r.classes[i]
		for s, ss := range c.plan.Sessions {
			c.sessions = append(c.sessions, next)
			next++
			sessions = append(sessions, []any{c.sessions[s], c.id, s + 1, ss.Date, clock(ss.Start), clock(ss.End), string(ss.Kind), ss.Hours, ss.TeacherID})
		}
		for _, t := range c.plan.Teachers {
			teachers = append(teachers, []any{c.id, t.TeacherID, string(t.Role)})
		}
		for _, b := range c.plan.TextbookIDs {
			books = append(books, []any{c.id, b})
		}
	}
	total, err := tx.CopyFrom(ctx, pgx.Identifier{"class_sessions"}, []string{"id", "class_id", "seq", "day", "start_time", "end_time",
		"kind", "hours", "teacher_id"}, pgx.CopyFromRows(sessions))
	if err != nil {
		return 0, err
	}
	k, err := tx.CopyFrom(ctx, pgx.Identifier{"class_teachers"}, []string{"class_id", "teacher_id", "role"}, pgx.CopyFromRows(teachers))
	if err != nil {
		return 0, err
	}
	total += k
	k, err = tx.CopyFrom(ctx, pgx.Identifier{"class_textbooks"}, []string{"class_id", "textbook_id"}, pgx.CopyFromRows(books))
	return total + k, err
}

// loadScaleClassVersions keeps the submitted plan of every filing past
// draft and the approved one of every approved filing (FILE-5), and a
// pending change request on one in ten approved classes not yet started.
func loadScaleClassVersions(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	var rows, changes [][]any
	for i := range r.classes {
		c := &r.classes[i]
		if c.submitted == nil {
			continue
		}
		plan, err := json.Marshal(c.plan)
		if err != nil {
			return 0, err
		}
		rows = append(rows, []any{c.id, 1, "submitted", plan, "", "机构用户", *c.submitted})
		if c.approved != nil {
			at := c.approved.Add(10 * time.Hour)
			rows = append(rows, []any{c.id, 2, "approved", plan, "", "区人力社保局", at})
			if c.change {
				changed := c.plan
				changed.Venue = "本机构新实训楼（原场地装修）"
				cp, err := json.Marshal(changed)
				if err != nil {
					return 0, err
				}
				reason := "原培训场地装修，变更培训场地"
				req := r.between(at, r.now)
				rows = append(rows, []any{c.id, 3, "change_requested", cp, reason, "机构用户", req})
				changes = append(changes, []any{c.id, "pending", reason, cp, "机构用户", req})
			}
		}
	}
	total, err := tx.CopyFrom(ctx, pgx.Identifier{"class_versions"}, []string{"class_id", "no", "kind", "plan", "note",
		"actor_name", "created_at"}, pgx.CopyFromRows(rows))
	if err != nil {
		return 0, err
	}
	k, err := tx.CopyFrom(ctx, pgx.Identifier{"class_changes"}, []string{"class_id", "status", "reason", "plan",
		"requested_by", "requested_at"}, pgx.CopyFromRows(changes))
	return total + k, err
}

// loadScaleClassAudit writes the history of the filings the bureau works
// on (submitted, and approved but not started): creation, submission and
// approval. Older filings have none, as if the log were rotated (see
// loadScaleAudit on why the log is kept small here).
func loadScaleClassAudit(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	today := scaleDay(r.now)
	type entry struct {
		at     time.Time
		action string
		c      *scaleClass
		after  map[string]any
	}
	var list []entry
	for i := range r.classes {
		c := &r.classes[i]
		if c.submitted == nil || c.plan.StartDate.Before(today) || !(c.status == training.ClassSubmitted || c.status == training.ClassApproved) {
			continue
		}
		p := c.plan
		list = append(list, entry{c.created, "class.create", c, map[string]any{"occupation_id": p.OccupationID,
			"level": p.Level.Short(), "type": p.Type.Label(), "planned_size": p.PlannedSize}},
			entry{*c.submitted, "class.submit", c, map[string]any{"sessions": len(p.Sessions), "teachers": len(p.Teachers),
				"textbooks": len(p.TextbookIDs), "start_date": p.StartDate.Format("2006-01-02")}})
		if c.approved != nil {
			list = append(list, entry{c.approved.Add(10 * time.Hour), "class.approve", c, map[string]any{"status": training.ClassApproved}})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].at.Before(list[j].at) })
	rows := make([][]any, len(list))
	for i, e := range list {
		role := training.RoleInstitution
		if e.action == "class.approve" {
			role = training.RoleBureau
		}
		rows[i] = []any{e.at, "系统（批量导入）", string(role), e.action, "class", e.c.id, e.c.inst.id, e.after, 0, []byte{}, []byte{}}
	}
	return tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, []string{"at", "actor_name", "actor_role", "action", "entity",
		"entity_id", "institution_id", "after", "seq", "prev_hash", "hash"}, pgx.CopyFromRows(rows))
}
