package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"tianmu/internal/training"
)

// TestAttendancePageLoad measures the attendance sheet of a 50-trainee
// class under 32 concurrent clients (each its own session), as the
// foundation's targets are stated (p99 < 50 ms). It only runs with
// TIANMU_LOAD=1: the figure depends on the machine.
//
//	TIANMU_LOAD=1 go run ./cmd/withpg go test -count=1 -run TestAttendancePageLoad -v ./internal/server/
func TestAttendancePageLoad(t *testing.T) {
	if os.Getenv("TIANMU_LOAD") == "" {
		t.Skip("set TIANMU_LOAD=1 to measure")
	}
	e := newEnv(t)
	ctx := context.Background()
	id := e.classID(approvedDemoClass)
	school := e.actorOf("school")
	rows := map[int64]training.AgreementInput{}
	// Fill the demo class up to 50 trainees (the demo data already has some).
	have := int(e.queryID(`SELECT count(*) FROM enrolments WHERE class_id = $1`, id))
	for i := 0; i < 50-have; i++ {
		prefix := fmt.Sprintf("330112%04d%02d%02d%03d", 1980+i%20, i%12+1, i%28+1, i)
		eid, err := e.store.AddTrainee(ctx, school, id, training.TraineeInput{IDNumber: prefix + string(training.IDCheckChar(prefix)),
			Name: fmt.Sprintf("压测学员%02d", i), Phone: "13900002222", TargetGroup: "其他", Employment: "在职", Hukou: "本地城镇"})
		if err != nil {
			t.Fatal(err)
		}
		rows[eid] = training.AgreementInput{No: fmt.Sprintf("LOAD-%03d", i), Date: "2026-03-01", Fee: "no"}
	}
	if _, err := e.store.RecordAgreements(ctx, school, id, rows); err != nil {
		t.Fatal(err)
	}
	sid := e.queryID(`SELECT min(id) FROM class_sessions WHERE class_id = $1`, id)
	path := fmt.Sprintf("/classes/%d/sessions/%d/attendance", id, sid)
	if r := e.login("school").get(path); r.status != http.StatusOK || len(r.texts("attendance-row")) != 50 {
		t.Fatalf("sheet: %d, %d rows", r.status, len(r.texts("attendance-row")))
	}
	const clients = 32
	cs := make([]*client, clients)
	for i := range cs {
		cs[i] = e.login("school")
	}
	measure := func(name, path string) {
		var mu sync.Mutex
		var lat []time.Duration
		run := func(d time.Duration) {
			var wg sync.WaitGroup
			stop := time.Now().Add(d)
			for _, c := range cs {
				wg.Add(1)
				go func(c *client) {
					defer wg.Done()
					var mine []time.Duration
					for time.Now().Before(stop) {
						start := time.Now()
						res, err := c.http.Get(e.ts.URL + path)
						if err != nil {
							t.Errorf("GET %s: %v", path, err)
							return
						}
						_, err = drain(res)
						if err != nil || res.StatusCode != http.StatusOK {
							t.Errorf("GET %s: %d %v", path, res.StatusCode, err)
							return
						}
						mine = append(mine, time.Since(start))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				}(c)
			}
			wg.Wait()
		}
		run(time.Second) // warm-up
		lat = nil
		const measured = 5 * time.Second
		run(measured)
		slices.Sort(lat)
		q := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
		t.Logf("%s, %d clients: %d requests in %v (%.0f req/s), p50 %v, p99 %v, max %v", name,
			clients, len(lat), measured, float64(len(lat))/measured.Seconds(), q(.5).Round(100*time.Microsecond),
			q(.99).Round(100*time.Microsecond), lat[len(lat)-1].Round(100*time.Microsecond))
	}
	measure("attendance sheet (50 trainees)", path)
	measure("class page, for comparison", fmt.Sprintf("/classes/%d", id))
	measure("institution page, for comparison", fmt.Sprintf("/institutions/%d", e.institutionID("杭州市临安区天目职业技能培训学校")))
}

func drain(res *http.Response) (int64, error) {
	defer res.Body.Close()
	return io.Copy(io.Discard, res.Body)
}
