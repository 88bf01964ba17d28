package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The trainees and rosters of the scale data set (issue 2: a million
// enrolments; issue 16: two training years, about two million). Rows are
// generated while COPY sends them: the two million enrolments and their
// attendance never sit in memory as rows.

// scaleEnrolment is one roster entry; its id is the first reserved id plus
// its position in r.enrolments, and a class's entries are contiguous.
type scaleEnrolment struct {
	class  int32 // index into r.classes
	person int32 // index of the trainee
	at     int64 // enrolled at (Unix seconds)
	signed int32 // agreement date (days since the Unix epoch)
	fee    bool
}

func (r *scaleRun) enrolmentID(i int) int64 { return r.firstEnrolment + int64(i) }

// scaleTraineeID is the k-th trainee's ID number, birth date and sex:
// (birth day, sequence) is unique for every k, and the sequence's parity
// is the sex, as on a real ID card.
func scaleTraineeID(k int) (string, time.Time, string) {
	const days = 14000 // birth dates 1964 .. 2002
	birth := time.Date(1964, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k%days)
	seq := k / days
	sex := "F"
	if seq%2 == 1 {
		sex = "M"
	}
	return idNumber(fmt.Sprintf("330185%s%03d", birth.Format("20060102"), seq)), birth, sex
}

// loadScaleEnrolments fills every class's roster to classes.enrolled with
// trainees: about six people for every ten enrolments, so many come back
// for another class, never to two classes of the same occupation and
// level whose dates overlap. Every enrolment has its training agreement
// (第十六条): the classes with rosters are all approved.
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
	var err error
	if r.firstEnrolment, err = reserveIDs(ctx, tx, "enrolments", total); err != nil {
		return 0, err
	}
	if r.firstTrainee, err = reserveIDs(ctx, tx, "trainees", people); err != nil {
		return 0, err
	}
	created := make([]int64, people)
	r.enrolments = make([]scaleEnrolment, 0, total)
	fresh := 0 // people 0..fresh-1 have an enrolment
	for _, ci := range order {
		c := &r.classes[ci]
		from := c.approved.Add(9 * time.Hour)
		to := maxTime(from.Add(time.Hour), c.plan.StartDate.Add(-15*time.Hour))
		c.firstEnrol = len(r.enrolments)
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
			at := r.between(from, to)
			if created[p] == 0 {
				created[p] = at.Unix()
			}
			signed := scaleDay(r.between(at, to))
			r.enrolments = append(r.enrolments, scaleEnrolment{class: int32(ci), person: int32(p), at: at.Unix(),
				signed: int32(signed.Unix() / 86400), fee: r.rng.IntN(20) == 0})
		}
		// A class may have lost a place or two to the conflict rule.
		if n := len(r.enrolments) - c.firstEnrol; n != c.enrolled {
			c.enrolled = n
			if _, err := tx.Exec(ctx, `UPDATE classes SET enrolled = $2 WHERE id = $1`, c.id, n); err != nil {
				return 0, err
			}
		}
	}
	history = nil

	groups := []training.TargetGroup{training.GroupEmployee, training.GroupEmployee, training.GroupRuralMigrant,
		training.GroupUnemployed, training.GroupVeteran, training.GroupHardToEmploy, training.GroupOther}
	emps := []training.Employment{training.EmpEmployed, training.EmpEmployed, training.EmpUnemployed,
		training.EmpSelfEmployed, training.EmpStudent, training.EmpOther}
	hukous := []training.Hukou{training.HukouLocalUrban, training.HukouLocalRural, training.HukouLocalRural,
		training.HukouNonlocalUrban, training.HukouNonlocalRural}
	employers := []string{"", "", "杭州临安某科技有限公司", "临安区某农业合作社", "某物业服务公司", "某餐饮管理有限公司"}
	r.traineeNames = make([]string, fresh)
	k := 0
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"trainees"}, []string{"id", "id_number", "name", "birth_date", "sex", "phone",
		"target_group", "employment", "hukou", "employer", "created_at", "updated_at"}, pgx.CopyFromFunc(func() ([]any, error) {
		if k == fresh {
			return nil, nil
		}
		idNo, birth, sex := scaleTraineeID(k)
		at := time.Unix(created[k], 0)
		r.traineeNames[k] = r.personName()
		row := []any{r.firstTrainee + int64(k), idNo, r.traineeNames[k], birth, sex,
			fmt.Sprintf("1%d%09d", 3+r.rng.IntN(7), r.rng.IntN(1000000000)),
			string(groups[r.rng.IntN(len(groups))]), string(emps[r.rng.IntN(len(emps))]), string(hukous[r.rng.IntN(len(hukous))]),
			employers[r.rng.IntN(len(employers))], at, at}
		k++
		return row, nil
	}))
	if err != nil {
		return 0, err
	}
	i := 0
	m, err := withoutForeignKeys(ctx, tx, "enrolments", func() (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"enrolments"}, []string{"id", "class_id", "trainee_id", "status",
			"agreement_no", "agreement_date", "pays_fee", "agreement_by", "agreement_at", "created_by", "created_at"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == len(r.enrolments) {
					return nil, nil
				}
				e := &r.enrolments[i]
				signed := time.Unix(int64(e.signed)*86400, 0).UTC()
				row := []any{r.enrolmentID(i), r.classes[e.class].id, r.firstTrainee + int64(e.person), "enrolled",
					fmt.Sprintf("XY%09d", i+1), signed, e.fee, "机构用户", signed.Add(10 * time.Hour), "机构用户", time.Unix(e.at, 0)}
				i++
				return row, nil
			}))
	})
	return n + m, err
}
