package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// The archived part of the story (SUP-1, SUP-3): well before the base day
// (story.go) the school ran a 中式烹调师 四级 class whose results were
// published (its passes are seeded like the claims' ones, passes.go); the
// centre archives the assessment through the repository, which freezes
// the class's ledger with its checksum (第十四条), and the school records
// its trainees' employment at three and six months on the days they fall
// due, so the ledger page shows 已归档 and /employment shows rates.

// ArchivedClassNo is the class number of the demo's archived class.
const ArchivedClassNo = "BB9002000"

// archivedClassSize is how many trainees the archived class had.
const archivedClassSize = 6

// archivedEmployers are the trainees' follow-ups at three and six months
// (seat order): the employer ("" = not employed). The third trainee runs
// his own restaurant (self-employed).
var archivedEmployers = [2][archivedClassSize]string{
	{"临安区天目山宾馆", "", "自营临安农家菜馆", "临安锦城酒店", "", "临安区农家乐协会"},
	{"临安区天目山宾馆", "临安区太湖源餐饮", "自营临安农家菜馆", "临安锦城酒店", "", "临安区农家乐协会"},
}

// setArchivedDates places the archived class on the working-day calendar:
// its six-month follow-up is recorded three working days before the base
// day, the class (Monday to Friday, both working days) ended at least six
// months before that, results were certified ten working days after the
// end and the application archived two working days later; the school was
// designated ten working days before the class started.
func (st *story) setArchivedDates() {
	st.sixMonths = st.before(st.base, 3)
	end := st.onOrBefore(st.sixMonths.AddDate(0, -6, 0))
	for {
		start := end.AddDate(0, 0, -4)
		if st.working(end) && st.working(start) && !training.FollowUpDate(end, 6).After(st.sixMonths) {
			break
		}
		end = end.AddDate(0, 0, -1)
	}
	st.oldEnd = end
	st.oldStart = end.AddDate(0, 0, -4)
	st.oldCert = st.after(end, 10)
	for !st.working(st.oldCert.AddDate(0, 0, -7)) { // the exam day (passes.go)
		st.oldCert = st.after(st.oldCert, 1)
	}
	st.oldArchived = st.after(st.oldCert, 2)
	st.threeMonths = training.FollowUpDate(end, 3)
	for !st.working(st.threeMonths) {
		st.threeMonths = st.threeMonths.AddDate(0, 0, 1)
	}
	st.origin = st.before(st.oldStart, 10)
}

// loadArchived tells the archived class's story (call it after the
// school's designation, before the base day).
func loadArchived(ctx context.Context, st *story, actors map[string]training.Actor) error {
	s, school := st.store, actors["school"]
	var p Passes
	err := pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
		var err error
		p, err = SeedPasses(ctx, tx, PassSpec{InstitutionID: school.InstitutionID, Occupation: "4-03-02-01", Level: training.Level4,
			Type: training.TypeSkillLevel, Classes: 1, PerClass: archivedClassSize, Start: st.oldStart, CertDate: st.oldCert,
			Tag: "90020", Group: training.GroupUnemployed})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE classes SET content = '中式烹调师四级：刀工、热菜、冷菜、面点（已归档）' WHERE id = $1`, p.ClassIDs[0])
		return err
	})
	if err != nil {
		return fmt.Errorf("demo: archived class: %w", err)
	}
	class := p.ClassIDs[0]
	var app int64
	var version int
	if err := s.Pool().QueryRow(ctx, `SELECT id, version FROM exam_applications WHERE class_id = $1`, class).Scan(&app, &version); err != nil {
		return fmt.Errorf("demo: archived class's application: %w", err)
	}
	st.at(st.oldArchived, 10, 0)
	if err := s.ArchiveApplication(ctx, actors["centre"], app, version); err != nil {
		return fmt.Errorf("demo: archive: %w", err)
	}
	for k, day := range []time.Time{st.threeMonths, st.sixMonths} {
		months := []int{3, 6}[k]
		st.at(day, 15, 0)
		var in []training.EmploymentInput
		for i, e := range p.Enrolments[0] {
			employer := archivedEmployers[k][i]
			x := training.EmploymentInput{EnrolmentID: e, Employed: "0"}
			if employer != "" {
				x.Employed, x.StartDate = "1", st.after(st.oldCert, 3+i).Format("2006-01-02")
				if i == 2 {
					x.SelfEmployed = "1"
				}
				x.Employer = employer
			}
			in = append(in, x)
		}
		for _, x := range in {
			if _, _, err := s.RecordEmployment(ctx, school, class, months, []training.EmploymentInput{x}); err != nil {
				return fmt.Errorf("demo: employment at %d months: %w", months, err)
			}
		}
	}
	return nil
}
