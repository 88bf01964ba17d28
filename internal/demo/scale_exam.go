package demo

import (
	"context"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Assessment of the scale data set (第九条 to 第十一条): an application for
// every class past training, addressed to the district centre or, for one
// skill-level class in ten, to one of a few approved social evaluation
// organisations; the centre's decision; one exam session per accepted
// application with two examiners and an entry per candidate; scores and
// certificates once the session is published; each organisation's
// examiner pool, from which the sessions' examiners come. A class applying for
// assessment waits in the centre's queue (half of them) or has its session
// scheduled; an assessed or archived class has its results published.
// About a million and a half entries and as many certificates at two
// million enrolments, generated while COPY sends them.

// scaleSocialOrgs is how many social evaluation organisations there are.
const scaleSocialOrgs = 12

type scaleApplication struct {
	id, org   int64
	class     int32
	kind      training.CertKind
	status    training.ApplicationStatus
	submitted time.Time
	decided   *time.Time
	session   int64 // 0: none scheduled
	sessionNo string
	examDate  time.Time
	published bool
	orgName   string
}

// scaleVerifyCode is a certificate's verification code: 80 bits from its
// serial (unique, as a real one is by its randomness).
func scaleVerifyCode(serial int64) string {
	var b [10]byte
	binary.BigEndian.PutUint64(b[:8], mix64(uint64(serial)))
	binary.BigEndian.PutUint16(b[8:], uint16(serial))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}

func loadScaleAssessment(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	var centre int64
	var centreName string
	if err := tx.QueryRow(ctx, `SELECT id, name FROM eval_orgs WHERE kind = 'centre'`).Scan(&centre, &centreName); err != nil {
		return 0, err
	}
	orgIDs, err := nextIDs(ctx, tx, "eval_orgs", scaleSocialOrgs)
	if err != nil {
		return 0, err
	}
	var orgRows [][]any
	orgNames := map[int64]string{centre: centreName}
	for i, id := range orgIDs {
		name := r.pick(scaleCities) + []string{"职业技能鉴定所", "技能人才评价中心", "职业技能等级认定中心"}[i%3] + fmt.Sprintf("（第%d评价点）", i+1)
		orgNames[id] = name
		orgRows = append(orgRows, []any{id, name, "social", true, fmt.Sprintf("浙人社评〔%d〕%d号", 2022+i%3, 10+i), r.now.AddDate(-3, 0, 0)})
	}
	total, err := tx.CopyFrom(ctx, pgx.Identifier{"eval_orgs"}, []string{"id", "name", "kind", "approved", "approval_no", "created_at"},
		pgx.CopyFromRows(orgRows))
	if err != nil {
		return 0, err
	}
	// Centre users who enter scores and the others who approve them.
	rows, _ := tx.Query(ctx, `SELECT id, name FROM users WHERE role = 'centre' ORDER BY id LIMIT 2`)
	type user struct {
		id   int64
		name string
	}
	staff, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (user, error) {
		var u user
		return u, row.Scan(&u.id, &u.name)
	})
	if err != nil || len(staff) < 2 {
		return 0, fmt.Errorf("two centre users needed: %d, %v", len(staff), err)
	}

	today := scaleDay(r.now)
	var apps []scaleApplication
	for i := range r.classes {
		c := &r.classes[i]
		if c.enrolled == 0 {
			continue
		}
		var st training.ApplicationStatus
		switch c.status {
		case training.ClassAssessmentApplied:
			st = training.AppSubmitted
			if r.rng.IntN(2) == 0 {
				st = training.AppAccepted
			}
		case training.ClassAssessed:
			st = training.AppAccepted
		case training.ClassArchived:
			st = training.AppArchived
		default:
			continue
		}
		a := scaleApplication{class: int32(i), org: centre, kind: training.CertCompletion, status: st}
		if c.plan.Level.Valid() && c.plan.Type.HasLevel() {
			a.kind = training.CertSkillLevel
			if c.plan.Type == training.TypeQualification {
				a.kind = training.CertQualification
			}
			if r.rng.IntN(10) == 0 {
				a.org = orgIDs[r.rng.IntN(len(orgIDs))]
			}
		}
		a.orgName = orgNames[a.org]
		a.submitted = minTime(r.now.Add(-time.Hour), c.plan.EndDate.AddDate(0, 0, 1+r.rng.IntN(10)).Add(10*time.Hour))
		if st != training.AppSubmitted {
			d := minTime(r.now.Add(-time.Minute), a.submitted.AddDate(0, 0, 1+r.rng.IntN(4)))
			a.decided = &d
			a.examDate = scaleDay(d).AddDate(0, 0, 7+r.rng.IntN(14))
			a.published = c.status != training.ClassAssessmentApplied
			if a.published && !a.examDate.Before(today) {
				a.examDate = today.AddDate(0, 0, -1)
			}
			if !a.published && !a.examDate.After(today) {
				a.examDate = today.AddDate(0, 0, 1+r.rng.IntN(10))
			}
		}
		apps = append(apps, a)
	}
	if len(apps) == 0 {
		return total, nil
	}
	appIDs, err := nextIDs(ctx, tx, "exam_applications", len(apps))
	if err != nil {
		return 0, err
	}
	// Session numbers count per exam date, in date order.
	order := make([]int, 0, len(apps))
	for i := range apps {
		apps[i].id = appIDs[i]
		if apps[i].decided != nil {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return apps[order[a]].examDate.Before(apps[order[b]].examDate) })
	firstSession, err := reserveIDs(ctx, tx, "exam_sessions", max(1, len(order)))
	if err != nil {
		return 0, err
	}
	perDay := map[time.Time]int{}
	for k, i := range order {
		a := &apps[i]
		perDay[a.examDate]++
		a.session, a.sessionNo = firstSession+int64(k), training.SessionNo(a.examDate, perDay[a.examDate])
	}

	i := 0
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"exam_applications"}, []string{"id", "class_id", "institution_id", "eval_org_id",
		"cert_kind", "status", "submitted_by", "submitted_at", "decided_by", "decided_at", "version"}, pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(apps) {
			return nil, nil
		}
		a := &apps[i]
		c := &r.classes[a.class]
		decidedBy := ""
		if a.decided != nil {
			decidedBy = staff[0].name
		}
		i++
		return []any{a.id, c.id, c.inst.id, a.org, string(a.kind), string(a.status), "机构用户", a.submitted, decidedBy, a.decided, 2}, nil
	}))
	if err != nil {
		return 0, err
	}
	total += n
	// Candidates: every trainee of the class, with the rate shown when applying.
	i, e := 0, 0
	n, err = withoutForeignKeys(ctx, tx, "exam_candidates", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"exam_candidates"}, []string{"application_id", "enrolment_id", "attendance_rate"},
			pgx.CopyFromFunc(func() ([]any, error) {
				for i < len(apps) {
					a := &apps[i]
					c := &r.classes[a.class]
					if e == c.enrolled {
						i, e = i+1, 0
						continue
					}
					eid := r.enrolmentID(c.firstEnrol + e)
					e++
					return []any{a.id, eid, scaleRate(c, eid)}, nil
				}
				return nil, nil
			}))
	})
	if err != nil {
		return 0, err
	}
	total += n
	// Sessions and their examiners.
	k := 0
	n, err = tx.CopyFrom(ctx, pgx.Identifier{"exam_sessions"}, []string{"id", "session_no", "application_id", "exam_date", "venue",
		"theory_time", "practical_time", "status", "next_seq", "entered_by_id", "entered_by", "entered_at", "approved_by_id",
		"approved_by", "approved_at", "published_by", "published_at", "created_by", "created_at"}, pgx.CopyFromFunc(func() ([]any, error) {
		if k == len(order) {
			return nil, nil
		}
		a := &apps[order[k]]
		c := &r.classes[a.class]
		k++
		row := []any{a.session, a.sessionNo, a.id, a.examDate, "区职建中心考点" + fmt.Sprint(1+int(a.session)%6) + "号考场",
			"09:00-10:30", "13:30-16:30", "scheduled", c.enrolled, nil, "", nil, nil, "", nil, "", nil, staff[0].name, *a.decided}
		if a.published {
			entered := a.examDate.Add(34 * time.Hour)
			approved, published := entered.Add(3*time.Hour), entered.Add(24*time.Hour)
			row[7] = "published"
			row[9], row[10], row[11] = staff[0].id, staff[0].name, entered
			row[12], row[13], row[14] = staff[1].id, staff[1].name, approved
			row[15], row[16] = staff[1].name, published
		}
		return row, nil
	}))
	if err != nil {
		return 0, err
	}
	total += n
	// The examiner pools (考评员库): thirty examiners per social
	// organisation, three hundred at the district centre, each for a few
	// occupations; every session names two of its organisation's.
	type examiner struct {
		id         int64
		name, idNo string
	}
	pools := map[int64][]examiner{}
	var poolRows, scopeRows [][]any
	orgs := append([]int64{centre}, orgIDs...)
	sizes := map[int64]int{centre: 300}
	count := 0
	for _, org := range orgs {
		if sizes[org] == 0 {
			sizes[org] = 30
		}
		count += sizes[org]
	}
	examinerIDs, err := nextIDs(ctx, tx, "examiners", count)
	if err != nil {
		return 0, err
	}
	for _, org := range orgs {
		for range sizes[org] {
			x := examiner{id: examinerIDs[0], name: r.personName()}
			examinerIDs = examinerIDs[1:]
			x.idNo = idNumber(fmt.Sprintf("330106%s%03d", time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(x.id)%9000).Format("20060102"),
				int(x.id)%1000))
			pools[org] = append(pools[org], x)
			poolRows = append(poolRows, []any{x.id, org, x.name, x.idNo, orgNames[org], fmt.Sprintf("KPY%08d", x.id), "区职建中心",
				r.now.AddDate(-2, 0, 0), "区职建中心", r.now.AddDate(-2, 0, 0)})
			seen := map[int64]bool{}
			for range 2 + r.rng.IntN(3) {
				o := r.occupations[r.rng.IntN(len(r.occupations))]
				if !seen[o.ID] {
					seen[o.ID] = true
					lvl := training.LevelNone
					if len(o.Levels) > 0 {
						lvl = o.Levels[0]
					}
					scopeRows = append(scopeRows, []any{x.id, o.ID, int16(lvl)})
				}
			}
		}
	}
	n, err = tx.CopyFrom(ctx, pgx.Identifier{"examiners"}, []string{"id", "eval_org_id", "name", "id_number", "employer",
		"certificate_no", "created_by", "created_at", "updated_by", "updated_at"}, pgx.CopyFromRows(poolRows))
	if err != nil {
		return 0, err
	}
	total += n
	n, err = tx.CopyFrom(ctx, pgx.Identifier{"examiner_scopes"}, []string{"examiner_id", "occupation_id", "max_level"}, pgx.CopyFromRows(scopeRows))
	if err != nil {
		return 0, err
	}
	total += n
	k = 0
	n, err = tx.CopyFrom(ctx, pgx.Identifier{"exam_examiners"}, []string{"session_id", "seq", "name", "id_number", "organisation", "examiner_id"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if k == 2*len(order) {
				return nil, nil
			}
			a := &apps[order[k/2]]
			seq := k%2 + 1
			pool := pools[a.org]
			x := pool[(int(a.session)*2+seq)%len(pool)]
			k++
			return []any{a.session, seq, x.name, x.idNo, a.orgName, x.id}, nil
		}))
	if err != nil {
		return 0, err
	}
	total += n
	// Entries, with scores and certificates once published.
	type pass struct {
		entry int64
		app   *scaleApplication
		enrol int
	}
	var passes []pass
	entries := 0
	for _, i := range order {
		entries += r.classes[apps[i].class].enrolled
	}
	firstEntry, err := reserveIDs(ctx, tx, "exam_entries", max(1, entries))
	if err != nil {
		return 0, err
	}
	k, e = 0, 0
	next := firstEntry
	n, err = withoutForeignKeys(ctx, tx, "exam_entries", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"exam_entries"}, []string{"id", "session_id", "enrolment_id", "attempt", "seq",
			"candidate_no", "theory_required", "practical_required", "checked_at", "checked_by", "theory_score", "practical_score", "outcome"},
			pgx.CopyFromFunc(func() ([]any, error) {
				for k < len(order) {
					a := &apps[order[k]]
					c := &r.classes[a.class]
					if e == c.enrolled {
						k, e = k+1, 0
						continue
					}
					idx := c.firstEnrol + e
					e++
					id := next
					next++
					row := []any{id, a.session, r.enrolmentID(idx), 1, e, training.CandidateNo(a.sessionNo, e), true, true,
						nil, "", nil, nil, ""}
					if a.published {
						h := mix64(uint64(id))
						theory, practical := 45+int(h%56), 50+int(h>>8%51)
						outcome := "fail"
						if theory >= training.PassMark && practical >= training.PassMark {
							outcome = "pass"
							passes = append(passes, pass{entry: id, app: a, enrol: idx})
						}
						row[8], row[9], row[10], row[11], row[12] = a.examDate.Add(8*time.Hour), staff[0].name, theory, practical, outcome
					}
					return row, nil
				}
				return nil, nil
			}))
	})
	if err != nil {
		return 0, err
	}
	total += n
	occ := map[int64]training.Occupation{}
	for _, o := range r.occupations {
		occ[o.ID] = o
	}
	k = 0
	n, err = withoutForeignKeys(ctx, tx, "certificates", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"certificates"}, []string{"entry_id", "cert_no", "verify_code", "kind", "name", "id_number",
			"occupation_code", "occupation_name", "level", "issuer", "issue_date"}, pgx.CopyFromFunc(func() ([]any, error) {
			if k == len(passes) {
				return nil, nil
			}
			p := passes[k]
			k++
			c := &r.classes[p.app.class]
			o := occ[c.plan.OccupationID]
			person := int(r.enrolments[p.enrol].person)
			idNo, _, _ := scaleTraineeID(person)
			issued := p.app.examDate.AddDate(0, 0, 2)
			return []any{p.entry, training.CertificateNo(issued.Year(), p.app.kind, int64(k)), scaleVerifyCode(int64(k)), string(p.app.kind),
				r.traineeNames[person], idNo, o.Code, o.Name, int16(c.plan.Level), p.app.orgName, issued}, nil
		}))
	})
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `SELECT setval('certificate_serial_seq', $1)`, max(1, len(passes))); err != nil {
		return 0, err
	}
	return total + n, nil
}

// scaleRate is an enrolment's attendance rate in its class, as the
// application form shows it.
func scaleRate(c *scaleClass, eid int64) float32 {
	recorded, attended := 0, 0
	for s := 0; s < c.delivery.held; s++ {
		if c.delivery.recorded(s) {
			recorded++
			if scaleMark(c.sessions[s], eid).Attended() {
				attended++
			}
		}
	}
	return float32(training.AttendanceRate(attended, recorded))
}
