package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// TestFourEyesThroughPages (第十一条): centre enters every score; centre2
// saves the page unchanged (nothing recorded, "未修改任何成绩"), then changes
// one row; neither may approve — the button is not shown and a POST
// answers 422 with the article, never a 500 — and centre3 approves. After
// publication a correction registered by centre waits for centre3.
func TestFourEyesThroughPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	school, centre := e.actorOf("school"), e.actorOf("centre")
	cls := e.classID(demo.FinishedClassContent)
	roster, err := e.store.Roster(ctx, school, cls)
	e.must(err)
	app, err := e.store.Apply(ctx, school, cls, training.ApplicationInput{CertKind: training.CertSkillLevel, EvalOrgID: e.centreOrg(),
		EnrolmentIDs: []int64{roster[0].ID, roster[1].ID, roster[2].ID}, Reasons: anyReason([]int64{roster[0].ID, roster[1].ID, roster[2].ID})})
	e.must(err)
	e.must(e.store.DecideApplication(ctx, centre, app, 1, true, ""))
	ex := accessExaminer
	ex.IDNumber = fixID("33018519700101555")
	sid, err := e.store.ScheduleSession(ctx, centre, app, training.SessionInput{ExamDate: "2026-03-10", Venue: "区职建中心考场",
		TheoryTime: "09:00-10:30", PracticalTime: "13:30-16:30", Examiners: []training.ExaminerInput{ex}})
	e.must(err)
	e.mu.Lock()
	e.now = time.Date(2026, 3, 10, 9, 0, 0, 0, repository.Shanghai)
	e.mu.Unlock()
	entries := e.queryIDs(`SELECT id FROM exam_entries WHERE session_id = $1 ORDER BY seq`, sid)
	for _, id := range entries {
		e.must(e.store.CheckCandidate(ctx, centre, sid, id))
	}
	sessURL := "/exam-sessions/" + itoa(sid)
	version := func() string { return e.queryString(`SELECT version::text FROM exam_sessions WHERE id = $1`, sid) }
	scores := func(second string) url.Values {
		v := url.Values{"version": {version()}}
		for i, id := range entries {
			v.Set("theory_"+itoa(id), "85")
			v.Set("practical_"+itoa(id), []string{"90", second, "70"}[i])
		}
		return v
	}
	c1, c2, c3 := e.login("centre"), e.login("centre2"), e.login("centre3")
	if r := c1.post(sessURL+"/scores", scores("58")); r.status != http.StatusSeeOther {
		t.Fatalf("centre's scores: %d %s", r.status, r.text("form-errors"))
	}
	// centre2 saves the page as it is: not an entry.
	if r := c2.post(sessURL+"/scores", scores("58")); r.status != http.StatusSeeOther {
		t.Fatalf("centre2's unchanged save: %d %s", r.status, r.text("form-errors"))
	}
	page := c2.get(sessURL)
	if !strings.Contains(page.text("flash"), training.MsgNoScoreChange) || len(page.texts("score-save")) != 1 ||
		page.text("score-save-by") != "赵考务（centre）" || !page.has("session-approve") {
		t.Fatalf("after an unchanged save: flash %q, saves %q, approve button %v", page.text("flash"), page.texts("score-save"), page.has("session-approve"))
	}
	// centre2 changes one row: now an entry.
	if r := c2.post(sessURL+"/scores", scores("61")); r.status != http.StatusSeeOther {
		t.Fatalf("centre2's change: %d %s", r.status, r.text("form-errors"))
	}
	page = c2.get(sessURL)
	saves := page.texts("score-save-by")
	if !strings.Contains(page.text("flash"), "1名考生") || len(saves) != 2 || saves[1] != "孙主任（centre2）" ||
		strings.Count(page.texts("score-save-candidates")[1], "KS") != 1 {
		t.Fatalf("after centre2's change: flash %q, saves %q %q", page.text("flash"), saves, page.texts("score-save-candidates"))
	}
	for name, c := range map[string]*client{"centre": c1, "centre2": c2} {
		p := c.get(sessURL)
		if p.has("session-approve") || !strings.Contains(p.text("approve-barred"), "第十一条") {
			t.Errorf("%s: approve button %v, note %q", name, p.has("session-approve"), p.text("approve-barred"))
		}
		r := c.post(sessURL+"/approve", url.Values{"version": {version()}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, training.MsgFourEyes) {
			t.Errorf("%s approves: %d (want 422 with %q)", name, r.status, training.MsgFourEyes)
		}
	}
	if st := e.queryString(`SELECT status FROM exam_sessions WHERE id = $1`, sid); st != "scored" {
		t.Fatalf("session %s after refused approvals", st)
	}
	if p := c3.get(sessURL); !p.has("session-approve") || p.has("approve-barred") {
		t.Fatal("centre3 has no approve button")
	}
	if r := c3.post(sessURL+"/approve", url.Values{"version": {version()}}); r.status != http.StatusSeeOther {
		t.Fatalf("centre3 approves: %d", r.status)
	}
	if r := c1.post(sessURL+"/publish", url.Values{"version": {version()}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}

	// A correction: registered by centre, confirmed by neither centre nor
	// centre2 (both touched the scores), but by centre3.
	amend := url.Values{"theory": {"85"}, "practical": {"59"}, "reason": {"应会评分表复核有误"}}
	if r := c1.post(sessURL+"/entries/"+itoa(entries[0])+"/amend", amend); r.status != http.StatusSeeOther {
		t.Fatalf("register a correction: %d %s", r.status, r.text("form-errors"))
	}
	aid := e.queryID(`SELECT id FROM exam_amendments WHERE entry_id = $1`, entries[0])
	for name, c := range map[string]*client{"centre": c1, "centre2": c2} {
		p := c.get(sessURL)
		if p.text("amendment-status") != "待核准" || p.has("amendment-confirm") || !p.has("amendment-barred") {
			t.Errorf("%s sees %q, confirm button %v", name, p.text("amendment-status"), p.has("amendment-confirm"))
		}
		r := c.post(sessURL+"/amendments/"+itoa(aid)+"/confirm", url.Values{"version": {version()}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "第十一条") {
			t.Errorf("%s confirms: %d", name, r.status)
		}
	}
	if !c3.get(sessURL).has("amendment-confirm") {
		t.Fatal("centre3 has no confirm button")
	}
	if r := c3.post(sessURL+"/amendments/"+itoa(aid)+"/confirm", url.Values{"version": {version()}}); r.status != http.StatusSeeOther {
		t.Fatalf("centre3 confirms: %d", r.status)
	}
	page = c3.get(sessURL)
	if page.text("amendment-status") != "已生效" || strings.Join(page.texts("outcome"), ",") != "不合格,合格,合格" {
		t.Fatalf("after confirmation: %q, outcomes %q", page.text("amendment-status"), page.texts("outcome"))
	}
	if saves := page.texts("score-save-by"); len(saves) != 3 || saves[2] != "赵考务（centre）" {
		t.Fatalf("saves after the correction: %q", saves)
	}
}
