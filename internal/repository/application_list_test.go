package repository_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/dbtest"
	"tianmu/internal/demo"
	"tianmu/internal/password"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestApplicationListsInQueueOrder: on a small scale data set (about 300
// applications), every page of the application list, for the bureau, a
// centre user and an institution, with and without a status filter, is
// the queue in order (waiting first, then by submission time), each
// application once, with the right total; the counters the totals come
// from follow a decision.
func TestApplicationListsInQueueOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a small scale data set")
	}
	ctx := context.Background()
	pool := dbtest.Pool(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, repository.Shanghai)
	if err := demo.LoadScale(ctx, pool, demo.Scale{Institutions: 60, Users: 400, Teachers: 400, Textbooks: 40, Classes: 1000,
		Enrolments: 15000, Now: now, Hash: password.Params{Memory: 64, Time: 1, Threads: 1}}, nil); err != nil {
		t.Fatal(err)
	}
	s := repository.New(pool, func() time.Time { return now })
	var centreID, instID int64
	if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, demo.ScaleCentreUsername(0)).Scan(&centreID); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT institution_id FROM exam_applications GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&instID); err != nil {
		t.Fatal(err)
	}
	actors := map[string]training.Actor{
		"bureau":      {UserID: 1, Role: training.RoleBureau},
		"centre":      {UserID: centreID, Role: training.RoleCentre},
		"institution": {UserID: 2, Role: training.RoleInstitution, InstitutionID: instID},
	}
	scopes := map[string]string{"bureau": `true`, "centre": `eval_org_id = (SELECT id FROM eval_orgs WHERE kind = 'centre')`,
		"institution": fmt.Sprintf(`institution_id = %d`, instID)}
	check := func() {
		t.Helper()
		for who, a := range actors {
			for _, st := range []training.ApplicationStatus{"", training.AppSubmitted, training.AppAccepted, training.AppArchived} {
				rows, _ := pool.Query(ctx, `SELECT id FROM exam_applications WHERE `+scopes[who]+` AND ($1 = '' OR status = $1)
					ORDER BY status = 'submitted' DESC, submitted_at, id`, string(st))
				want, err := pgx.CollectRows(rows, pgx.RowTo[int64])
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 {
					t.Fatalf("%s %q: no applications in the data set", who, st)
				}
				for _, size := range []int{7, 20} {
					var got []int64
					for n := 1; ; n++ {
						list, total, err := s.Applications(ctx, a, repository.ApplicationFilter{Status: st}, repository.Page{Number: n, Size: size})
						if err != nil {
							t.Fatal(err)
						}
						if total != len(want) {
							t.Fatalf("%s %q page %d: total %d, want %d", who, st, n, total, len(want))
						}
						if len(list) == 0 {
							break
						}
						for _, ap := range list {
							got = append(got, ap.ID)
						}
					}
					if !slices.Equal(got, want) {
						t.Fatalf("%s %q, pages of %d:\n got %v\nwant %v", who, st, size, got, want)
					}
				}
			}
		}
	}
	check()
	// Accept the oldest waiting application: the counters follow.
	var id int64
	var version int
	if err := pool.QueryRow(ctx, `SELECT ap.id, ap.version FROM exam_applications ap JOIN eval_orgs o ON o.id = ap.eval_org_id
		WHERE o.kind = 'centre' AND ap.status = 'submitted' ORDER BY ap.submitted_at LIMIT 1`).Scan(&id, &version); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideApplication(ctx, actors["centre"], id, version, true, ""); err != nil {
		t.Fatal(err)
	}
	check()
	var drift int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT eval_org_id, status, count(*) AS n FROM exam_applications GROUP BY 1, 2) a
		FULL JOIN exam_application_counts c USING (eval_org_id, status) WHERE coalesce(a.n, 0) <> coalesce(c.n, 0)`).Scan(&drift); err != nil || drift != 0 {
		t.Fatalf("%d counters differ from the applications, %v", drift, err)
	}
}
