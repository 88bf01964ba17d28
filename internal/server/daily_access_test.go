package server_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// Access rows of the daily-work pages (issue 17). Inbox messages: "own" is
// a message to the school's user (the institution user of the walk),
// "other" one to the academy's user; nobody opens another's message (404).
func init() {
	for k, v := range map[string]access{
		"GET /inbox":           {"-": same(see, ok)},
		"POST /inbox/read-all": {"-": same(see, see)},
		"GET /audit":           {"-": bureauOnly(ok)},
		"GET /stats":           {"-": roleStatus{see, ok, forb, ok}},
		"GET /stats.xlsx":      {"-": roleStatus{see, ok, forb, ok}},
		"GET /audit.xlsx":      {"-": bureauOnly(ok)},
		"POST /audit/verify":   {"-": bureauOnly(see)},
		// List exports: the same access as the lists.
		"GET /institutions.xlsx": {"-": bureauOnly(ok)},
		"GET /users.xlsx":        {"-": bureauOnly(ok)},
		"GET /review.xlsx":       {"-": bureauOnly(ok)},
		"GET /classes.xlsx":      {"-": roleStatus{see, ok, ok, forb}},
		"GET /teachers.xlsx":     {"-": roleStatus{see, ok, ok, forb}},
		"GET /textbooks.xlsx":    {"-": same(see, ok)},
		"GET /assessments.xlsx":  {"-": same(see, ok)},
		// The exam sessions list: the bureau's and the centre's (an
		// institution has its sessions on its applications).
		"GET /exam-sessions":      {"-": roleStatus{see, ok, forb, ok}},
		"GET /exam-sessions.xlsx": {"-": roleStatus{see, ok, forb, ok}},
		// The results list: every role with an account, each in its scope
		// (an institution its own trainees' published results).
		"GET /exam-results":      {"-": same(see, ok)},
		"GET /exam-results.xlsx": {"-": same(see, ok)},
		"POST /inbox/{id}/open": {
			"own":     {see, nf, see, nf},
			"other":   same(see, nf),
			"missing": same(see, nf),
		},
	} {
		accessTable[k] = v
	}
}

// dailyPath fills the ids of the daily-work routes; ok is false for every
// other route.
func (e *env) dailyPath(route, variant string) (string, bool) {
	if !strings.HasPrefix(route, "/inbox/{id}") {
		return "", false
	}
	id := int64(999999)
	switch variant {
	case "own":
		id = e.fixture("school message", func() int64 { return e.addMessage("school") })
	case "other":
		id = e.fixture("academy message", func() int64 { return e.addMessage("academy") })
	}
	return strings.Replace(route, "{id}", itoa(id), 1), true
}

func (e *env) addMessage(username string) int64 {
	return e.queryID(`INSERT INTO inbox (user_id, at, kind, title, href)
		SELECT id, now(), 'class.approve', '办班备案已同意：测试', '/' FROM users WHERE username = $1 RETURNING id`, username)
}

// TestTodoAndInboxStayWithinTheInstitution: a filing returned to the
// academy is on the academy's to-do list and in its inbox, never on the
// school's; the message opens (and is read) only for its recipient.
func TestTodoAndInboxStayWithinTheInstitution(t *testing.T) {
	e := newEnv(t)
	academyClass := e.classID("生活照料、基础护理、康复服务、心理支持、失智照护")
	bureau := e.login("bureau")
	before := navTotal(bureau.get("/classes")) // counted, and kept in the session
	v := e.queryID(`SELECT version FROM classes WHERE id = $1`, academyClass)
	r := bureau.post("/classes/"+itoa(academyClass)+"/return", url.Values{"version": {itoa(v)}, "reason": {"场地证明缺失"}})
	if r.status != see {
		t.Fatalf("return: %d %s", r.status, r.text("flash"))
	}
	// The bureau's own change is counted on its next page at once.
	if after := navTotal(bureau.get("/classes")); before == 0 || after != before-1 {
		t.Fatalf("bureau's to-do total in the navigation: %d before returning a filing, %d after", before, after)
	}
	academy, school := e.login("academy"), e.login("school")
	home := academy.get("/")
	if !strings.Contains(home.text("todo-class.returned"), "场地证明缺失") || home.text("nav-count") == "" {
		t.Fatalf("academy's to-do: %q", home.text("todo"))
	}
	// Every page's navigation carries the counts, not only the home page.
	if list := academy.get("/classes"); list.text("nav-count") == "" || list.text("nav-count") != home.text("nav-count") {
		t.Fatalf("academy's navigation on /classes: %q, on the home page %q", list.text("nav-count"), home.text("nav-count"))
	}
	if strings.Contains(school.get("/").body, "场地证明缺失") {
		t.Fatal("the school's home shows the academy's returned filing")
	}
	in := academy.get("/inbox")
	unread := len(in.texts("inbox-unread"))
	if unread == 0 || !strings.Contains(in.text("inbox"), "办班备案被退回") || !strings.Contains(in.text("inbox-link"), itoa(int64(unread))) {
		t.Fatalf("academy inbox: %q; header %q", in.text("inbox"), in.text("inbox-link"))
	}
	if strings.Contains(school.get("/inbox").body, "办班备案被退回") {
		t.Fatal("the school's inbox shows the academy's message")
	}
	var id int64
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT m.id FROM inbox m JOIN users u ON u.id = m.user_id
		WHERE u.username = 'academy' AND m.kind = 'class.return'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if r := school.post("/inbox/"+itoa(id)+"/open", nil); r.status != nf {
		t.Fatalf("school opened the academy's message: %d", r.status)
	}
	if r := academy.post("/inbox/"+itoa(id)+"/open", nil); r.status != see || r.location != "/classes/"+itoa(academyClass) {
		t.Fatalf("open: %d %q", r.status, r.location)
	}
	if n := academy.get("/inbox").texts("inbox-unread"); len(n) != unread-1 {
		t.Fatalf("unread after opening one: %d, was %d", len(n), unread)
	}
}

// navTotal is the to-do total beside 首页 in a page's navigation (0 when
// there is none).
func navTotal(r response) int {
	counts := r.texts("nav-count")
	if len(counts) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(counts[0], "项待办"))
	return n
}
