package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The trainees, rosters, agreements and attendance of the scale data set
// (issue 2: a million enrolments; issue 5: the attendance pages at scale).

// scaleEnrolment is one roster entry, for the attendance loader.
type scaleEnrolment struct {
	id    int64
	class int32 // index into r.classes
}

// loadScaleEnrolments fills every class's roster to classes.enrolled with
// trainees: about six people for every ten enrolments, so many come back
// for another class over the years, never to two classes of the same
// occupation and level whose dates overlap. Every enrolment has its
// training agreement (第十六条): the classes with rosters are all approved.
func loadScaleEnrolments(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	total := 0
	for i := range r.classes {
		total += r.classes[i].enrolled
	}
	if total == 0 {
		return 0, nil
	}
	// Classes in start order, so a person's enrolments follow their life.
	order := make([]int, 0, len(r.classes))
	for i := range r.classes {
		if r.classes[i].enrolled > 0 {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		return r.classes[order[a]].plan.StartDate.Before(r.classes[order[b]].plan.StartDate)
	})
	people := max(1, total*6/10)
	history := make([][]int32, people) // class indexes of each person
	conflict := func(p int, ci int) bool {
		c := &r.classes[ci]
		for _, j := range history[p] {
			o := &r.classes[j]
			if int(j) == ci || (o.plan.OccupationID == c.plan.OccupationID && o.plan.Level == c.plan.Level &&
				!o.plan.EndDate.Before(c.plan.StartDate) && !c.plan.EndDate.Before(o.plan.StartDate)) {
				return true
			}
		}
		return false
	}
	firstEnrolment, err := reserveIDs(ctx, tx, "enrolments", total)
	if err != nil {
		return 0, err
	}
	firstTrainee, err := reserveIDs(ctx, tx, "trainees", people)
	if err != nil {
		return 0, err
	}
	created := make([]time.Time, people)
	r.enrolments = make([]scaleEnrolment, 0, total)
	enrolRows := make([][]any, 0, total)
	fresh := 0 // people 0..fresh-1 have an enrolment
	for _, ci := range order {
		c := &r.classes[ci]
		from := c.approved.Add(9 * time.Hour)
		to := maxTime(from.Add(time.Hour), c.plan.StartDate.Add(-15*time.Hour))
		for range c.enrolled {
			p := -1
			if fresh < people {
				p = fresh
				fresh++
			} else {
				for try := 0; try < 20; try++ {
					if q := r.rng.IntN(people); !conflict(q, ci) {
						p = q
						break
					}
				}
				if p < 0 {
					continue // very unlikely; the class keeps a free place
				}
			}
			history[p] = append(history[p], int32(ci))
			id := firstEnrolment + int64(len(r.enrolments))
			r.enrolments = append(r.enrolments, scaleEnrolment{id: id, class: int32(ci)})
			at := r.between(from, to)
			if created[p].IsZero() {
				created[p] = at
			}
			signed := scaleDay(r.between(at, to))
			enrolRows = append(enrolRows, []any{id, c.id, firstTrainee + int64(p), "enrolled",
				fmt.Sprintf("XY%09d", len(r.enrolments)), signed, r.rng.IntN(20) == 0, "机构用户", signed.Add(10 * time.Hour),
				"机构用户", at})
		}
	}
	// A class may have lost a place or two to the conflict rule.
	got := make([]int, len(r.classes))
	for _, e := range r.enrolments {
		got[e.class]++
	}
	for ci, n := range got {
		if c := &r.classes[ci]; n != c.enrolled {
			c.enrolled = n
			if _, err := tx.Exec(ctx, `UPDATE classes SET enrolled = $2 WHERE id = $1`, c.id, n); err != nil {
				return 0, err
			}
		}
	}

	groups := []training.TargetGroup{training.GroupEmployee, training.GroupEmployee, training.GroupRuralMigrant,
		training.GroupUnemployed, training.GroupVeteran, training.GroupHardToEmploy, training.GroupOther}
	emps := []training.Employment{training.EmpEmployed, training.EmpEmployed, training.EmpUnemployed,
		training.EmpSelfEmployed, training.EmpStudent, training.EmpOther}
	hukous := []training.Hukou{training.HukouLocalUrban, training.HukouLocalRural, training.HukouLocalRural,
		training.HukouNonlocalUrban, training.HukouNonlocalRural}
	employers := []string{"", "", "杭州临安某科技有限公司", "临安区某农业合作社", "某物业服务公司", "某餐饮管理有限公司"}
	born := time.Date(1964, 1, 1, 0, 0, 0, 0, time.UTC)
	const days = 14000 // birth dates 1964 .. 2002
	people = fresh
	trainees := make([][]any, people)
	for k := range people {
		// (day, sequence) is unique for every k; the sequence's parity is
		// the sex, as on a real ID card.
		birth := born.AddDate(0, 0, k%days)
		seq := k / days
		idNo := idNumber(fmt.Sprintf("330185%s%03d", birth.Format("20060102"), seq))
		sex := "F"
		if seq%2 == 1 {
			sex = "M"
		}
		trainees[k] = []any{firstTrainee + int64(k), idNo, r.personName(), birth, sex,
			fmt.Sprintf("1%d%09d", 3+r.rng.IntN(7), r.rng.IntN(1000000000)), string(groups[r.rng.IntN(len(groups))]),
			string(emps[r.rng.IntN(len(emps))]), string(hukous[r.rng.IntN(len(hukous))]), employers[r.rng.IntN(len(employers))],
			created[k], created[k]}
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"trainees"}, []string{"id", "id_number", "name", "birth_date", "sex", "phone",
		"target_group", "employment", "hukou", "employer", "created_at", "updated_at"}, pgx.CopyFromRows(trainees))
	if err != nil {
		return 0, err
	}
	k, err := withoutForeignKeys(ctx, tx, "enrolments", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"enrolments"}, []string{"id", "class_id", "trainee_id", "status",
			"agreement_no", "agreement_date", "pays_fee", "agreement_by", "agreement_at", "created_by", "created_at"},
			pgx.CopyFromRows(enrolRows))
	})
	return n + k, err
}

// scaleAttendanceYears bounds the attendance history: classes that started
// within this many years get their deliveries and marks (all finished
// classes would be about eight million marks, a minute more of COPY).
const scaleAttendanceYears = 1

// loadScaleAttendance records the held sessions: every session of the
// finished classes of the last scaleAttendanceYears, and the sessions
// before today of the classes in training (never the last one, which would
// have finished the class), with a mark for every trainee.
func loadScaleAttendance(ctx context.Context, tx pgx.Tx, r *scaleRun) (int64, error) {
	if len(r.enrolments) == 0 {
		return 0, nil
	}
	today := scaleDay(r.now)
	since := today.AddDate(-scaleAttendanceYears, 0, 0)
	roster := map[int32][]int64{}
	for _, e := range r.enrolments {
		roster[e.class] = append(roster[e.class], e.id)
	}
	var deliveries, marks [][]any
	for i := range r.classes {
		ci := int32(i)
		ids := roster[ci]
		if len(ids) == 0 {
			continue
		}
		c := &r.classes[ci]
		var held int
		switch c.status {
		case training.ClassFinished, training.ClassAssessmentApplied, training.ClassAssessed, training.ClassArchived:
			if c.plan.StartDate.Before(since) {
				continue
			}
			held = len(c.sessions)
		case training.ClassApproved:
			for held < len(c.sessions)-1 && c.plan.Sessions[held].Date.Before(today) {
				held++
			}
		}
		for s := range held {
			ss := c.plan.Sessions[s]
			if ss.TeacherID == 0 {
				break
			}
			deliveries = append(deliveries, []any{c.sessions[s], c.id, ss.Hours, ss.TeacherID, "机构用户",
				ss.Date.Add(17 * time.Hour)})
			for _, id := range ids {
				st := training.AttPresent
				switch x := r.rng.IntN(100); {
				case x < 3:
					st = training.AttLate
				case x < 5:
					st = training.AttLeftEarly
				case x < 8:
					st = training.AttAbsent
				case x < 10:
					st = training.AttLeave
				}
				marks = append(marks, []any{c.sessions[s], id, string(st)})
			}
		}
	}
	n, err := withoutForeignKeys(ctx, tx, "session_deliveries", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"session_deliveries"}, []string{"session_id", "class_id", "hours", "teacher_id",
			"recorded_by", "recorded_at"}, pgx.CopyFromRows(deliveries))
	})
	if err != nil {
		return 0, err
	}
	k, err := withoutForeignKeys(ctx, tx, "attendance", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"attendance"}, []string{"session_id", "enrolment_id", "status"}, pgx.CopyFromRows(marks))
	})
	return n + k, err
}
