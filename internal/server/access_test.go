package server_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"golang.org/x/net/html"

	"tianmu/internal/training"
)

// The access table (SECURITY.md): every route × role × object → status.
// Objects: "own" is the signed-in institution's and "other" another
// institution's; for user routes they are two accounts nobody in the walk
// signs in with (centre2, bureau2); "missing" does not exist (999999, and
// so is a second id such as {cid}). Routes without an {id} use "-".
//
// Teacher routes: "own" is the demo teacher 王建华, linked to the school
// (the institution user of the walk), "other" is 周美玲, linked only to the
// academy. {cid} is the teacher's first certificate; {fid} a scan and {eid}
// an equivalence that pathFor adds to that teacher (once per env).
//
// Assessment routes (exam_test.go): applications "own" (the school's) and
// "other" (the academy's); sessions "own" (the school's unpublished retake
// session), "published" (the school's) and "other" (the academy's).
//
// Textbook routes: "own" is the school's own proposal still waiting for
// the bureau (天目山笋干菜点制作, 待核准), "other" a proposal by the
// academy that pathFor adds, "catalogue" a designated textbook
// (中式烹调师（基础知识）) that every signed-in user may read.
//
// POST requests carry a CSRF token and a stale version (0), so a permitted
// request on an existing object answers 409 (or 422 for an invalid form)
// without changing anything, and a missing object answers 404. The few
// steps without a version (user disable and password reset, adding or
// removing an equivalence, removing a scan) do change the object when
// permitted, and answer 303 (a reset answers 200: the page that shows the
// one-time password). The upload is sent as multipart without a
// file: permitted, it answers 422 (请选择要上传的文件).

type roleStatus struct{ anon, bureau, inst, centre int }

const (
	ok   = http.StatusOK
	see  = http.StatusSeeOther
	bad  = http.StatusUnprocessableEntity
	forb = http.StatusForbidden
	nf   = http.StatusNotFound
	conf = http.StatusConflict
)

// same answers one status for every signed-in role.
func same(anon, signedIn int) roleStatus { return roleStatus{anon, signedIn, signedIn, signedIn} }

// bureauOnly: anonymous → sign-in, bureau → b, others → 403.
func bureauOnly(b int) roleStatus { return roleStatus{see, b, forb, forb} }

// instOnly: anonymous → sign-in, institution → i, others → 403.
func instOnly(i int) roleStatus { return roleStatus{see, forb, i, forb} }

// teacherStep is a step on a teacher that only its linked institutions
// take: permitted on "own" (answer i), 404 for another institution's.
func teacherStep(i int) access {
	return access{"own": instOnly(i), "other": instOnly(nf), "missing": instOnly(nf)}
}

// bureauStep is a bureau-only step on an object (teacher or textbook).
func bureauStep(b int, variants ...string) access {
	a := access{"missing": bureauOnly(nf)}
	for _, v := range variants {
		a[v] = bureauOnly(b)
	}
	return a
}

var textbookVariants = []string{"own", "other", "catalogue"}

type access map[string]roleStatus // object variant → statuses

// classStep is an institution's step on a filing.
func classInstStep(own int) access {
	return access{"own": instOnly(own), "other": instOnly(nf), "missing": instOnly(nf)}
}

var accessTable = map[string]access{
	// Class filings: "own" is the school's submitted 中式烹调师 三级 filing,
	// "other" the academy's submitted 养老护理员 filing.
	"GET /classes":                        {"-": roleStatus{see, ok, ok, forb}},
	"GET /classes/{id}":                   {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /classes/new":                    {"-": instOnly(ok)},
	"POST /classes":                       {"-": instOnly(see)},
	"GET /classes/{id}/edit":              classInstStep(see), // not editable once submitted: back to the page
	"POST /classes/{id}/edit":             classInstStep(conf),
	"POST /classes/{id}/submit":           classInstStep(conf),
	"POST /classes/{id}/withdraw":         classInstStep(conf),
	"POST /classes/{id}/cancel":           classInstStep(conf),
	"POST /classes/{id}/exception":        classInstStep(conf),
	"GET /classes/{id}/change":            classInstStep(see), // only for approved filings
	"POST /classes/{id}/change":           classInstStep(conf),
	"GET /review":                         {"-": bureauOnly(ok)},
	"POST /classes/{id}/approve":          bureauStep(conf, "own", "other"),
	"POST /classes/{id}/return":           bureauStep(conf, "own", "other"),
	"POST /classes/{id}/exception/decide": bureauStep(conf, "own", "other"),
	"POST /classes/{id}/change/approve":   bureauStep(conf, "own", "other"),
	"POST /classes/{id}/change/reject":    bureauStep(conf, "own", "other"),

	// Rosters: the same two filings. {eid} is an enrolment and {jid} a
	// validated import job (one valid row) that pathFor adds to the own
	// filing; removing it before the start deletes it (303), importing the
	// job enrols its row (303). The upload is multipart without a file.
	"GET /classes/{id}/roster":               {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /classes/{id}/roster.xlsx":          {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /roster/template.xlsx":              {"-": {see, ok, ok, forb}},
	"POST /classes/{id}/roster":              classInstStep(bad),
	"POST /classes/{id}/roster/{eid}/remove": classInstStep(see),
	"POST /classes/{id}/roster/import":       classInstStep(bad),
	"GET /classes/{id}/roster/import/{jid}":  classInstStep(ok),
	"POST /classes/{id}/roster/import/{jid}": classInstStep(see),
	"POST /classes/{id}/roster/export":       bureauStep(ok, "own", "other"),
	// Agreements and attendance: "own" is the school's approved 中式烹调师
	// 四级 class (demo trainees with agreements), "other" the academy's
	// filing; {eid} is an enrolment of that class (the academy's is added
	// by pathFor), {sid} its first session. The sessions are weeks ahead,
	// so recording answers 422 (第八条: not before the session's date); an
	// agreement form without rows changes nothing and answers 303.
	"GET /classes/{id}/agreements":                 {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"POST /classes/{id}/agreements":                classInstStep(see),
	"GET /classes/{id}/agreements/print":           {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /classes/{id}/agreements/{eid}/print":     {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /classes/{id}/sessions/{sid}/attendance":  {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"POST /classes/{id}/sessions/{sid}/attendance": classInstStep(bad),
	"GET /delivery":            {"-": bureauOnly(ok)},
	"GET /agreement-template":  {"-": bureauOnly(ok)},
	"POST /agreement-template": {"-": bureauOnly(bad)}, // the walk sends no text

	"GET /healthz":   {"-": same(ok, ok)},
	"GET /readyz":    {"-": same(ok, ok)},
	"GET /metrics":   {"-": same(ok, ok)}, // the walk comes from loopback; metrics_test.go checks the address rule
	"GET /static/*":  {"-": same(ok, ok)},
	"GET /login":     {"-": roleStatus{ok, see, see, see}},
	"POST /login":    {"-": same(bad, bad)},
	"GET /":          {"-": same(see, ok)},
	"POST /logout":   {"-": same(see, see)},
	"GET /password":  {"-": same(see, ok)},
	"POST /password": {"-": same(see, bad)},

	"GET /institutions/{id}": {
		"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /institutions/{id}/edit": {
		"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"POST /institutions/{id}/edit": {
		"own": {see, conf, conf, forb}, "other": {see, conf, nf, forb}, "missing": {see, nf, nf, forb}},

	"GET /institutions":                 {"-": bureauOnly(ok)},
	"GET /institutions/new":             {"-": bureauOnly(ok)},
	"POST /institutions":                {"-": bureauOnly(bad)},
	"POST /institutions/{id}/designate": {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"POST /institutions/{id}/suspend":   {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"POST /institutions/{id}/resume":    {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"POST /institutions/{id}/revoke":    {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"GET /institutions/{id}/scope":      {"own": bureauOnly(ok), "other": bureauOnly(ok), "missing": bureauOnly(nf)},
	"POST /institutions/{id}/scope":     {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"GET /institutions/{id}/history":    {"own": bureauOnly(ok), "other": bureauOnly(ok), "missing": bureauOnly(nf)},

	"GET /users": {"-": bureauOnly(ok)},

	"GET /jobs":             {"-": bureauOnly(ok)},
	"POST /jobs/{id}/retry": bureauStep(see, "own"), // "own": a failed job (pathFor)

	"GET /calendar":                   {"-": bureauOnly(ok)},
	"GET /calendar/new":               {"-": bureauOnly(ok)},
	"POST /calendar":                  {"-": bureauOnly(bad)},
	"GET /calendar/deadline":          {"-": same(see, ok)},
	"GET /users/new":                  {"-": bureauOnly(ok)},
	"POST /users":                     {"-": bureauOnly(bad)},
	"GET /users/{id}":                 {"own": bureauOnly(ok), "other": bureauOnly(ok), "missing": bureauOnly(nf)},
	"POST /users/{id}/disable":        {"own": bureauOnly(see), "other": bureauOnly(see), "missing": bureauOnly(nf)},
	"POST /users/{id}/enable":         {"own": bureauOnly(conf), "other": bureauOnly(conf), "missing": bureauOnly(nf)},
	"POST /users/{id}/reset-password": {"own": bureauOnly(ok), "other": bureauOnly(ok), "missing": bureauOnly(nf)},

	// Teacher pool: the bureau sees every teacher, an institution its
	// linked ones (another institution's teacher is 404), the centre none.
	"GET /teachers":          {"-": {see, ok, ok, forb}},
	"GET /teachers/new":      {"-": instOnly(ok)},
	"POST /teachers":         {"-": instOnly(bad)},
	"GET /teachers/eligible": {"-": bureauOnly(ok)},
	"GET /teachers/{id}": {
		"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /teachers/{id}/files/{fid}": {
		"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
	"GET /teachers/{id}/edit":                       teacherStep(ok),
	"POST /teachers/{id}/edit":                      teacherStep(conf),
	"POST /teachers/{id}/submit":                    teacherStep(conf),
	"POST /teachers/{id}/certificates":              teacherStep(conf),
	"POST /teachers/{id}/certificates/{cid}/delete": teacherStep(conf),
	"POST /teachers/{id}/files":                     teacherStep(bad),
	"POST /teachers/{id}/files/{fid}/delete":        teacherStep(see),
	"POST /teachers/{id}/approve":                   bureauStep(conf, "own", "other"),
	"POST /teachers/{id}/return":                    bureauStep(conf, "own", "other"),
	"POST /teachers/{id}/equivalences":              bureauStep(see, "own", "other"),
	"POST /teachers/{id}/equivalences/{eid}/delete": bureauStep(see, "own", "other"),
	"GET /occupations/related":                      {"-": bureauOnly(ok)},
	"POST /occupations/related":                     {"-": bureauOnly(bad)},
	"POST /occupations/related/delete":              {"-": bureauOnly(bad)},

	// Textbook catalogue: everyone signed in reads the catalogue; a
	// proposal is seen by the bureau and the institution that made it.
	"GET /textbooks":     {"-": same(see, ok)},
	"GET /textbooks/new": {"-": {see, ok, ok, forb}},
	"POST /textbooks":    {"-": {see, bad, bad, forb}},
	"GET /textbooks/{id}": {
		"own": {see, ok, ok, nf}, "other": {see, ok, nf, nf}, "catalogue": same(see, ok), "missing": same(see, nf)},
	"GET /textbooks/{id}/edit":       bureauStep(ok, textbookVariants...),
	"POST /textbooks/{id}/edit":      bureauStep(conf, textbookVariants...),
	"POST /textbooks/{id}/approve":   bureauStep(conf, textbookVariants...),
	"POST /textbooks/{id}/designate": bureauStep(conf, textbookVariants...),
	"POST /textbooks/{id}/reject":    bureauStep(conf, textbookVariants...),
	"POST /textbooks/{id}/withdraw":  bureauStep(conf, textbookVariants...),
	"POST /textbooks/{id}/restore":   bureauStep(conf, textbookVariants...),
}

// postForm is what every POST of the access walk sends: plausible values
// and a stale version.
var postForm = url.Values{
	"version": {"0"}, "reason": {"访问测试"}, "decision_no": {"测试1号"}, "decision_date": {"2026-03-01"},
	"decided_by": {"测试"}, "contact_name": {"测试"}, "contact_phone": {"13857112345"},
	"size": {"60"}, "approved": {"0"}, "decision": {"访问测试"}, "note": {"访问测试"},
	// a valid equivalence (it has no version)
	"requirement": {"education"}, "band": {"basic"}, "role": {"theory"}, "basis": {"访问测试"}, "decided_on": {"2026-03-01"},
}

func TestAccessTableCoversEveryRoute(t *testing.T) {
	e := newEnv(t)
	seen := map[string]bool{}
	err := chi.Walk(e.srv.Handler(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		seen[key] = true
		if _, ok := accessTable[key]; !ok {
			t.Errorf("route %s is missing from the access table", key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range accessTable {
		if !seen[key] {
			t.Errorf("access table lists %s, which the router does not have", key)
		}
	}
}

func TestAccessTable(t *testing.T) {
	for key, variants := range accessTable {
		t.Run(strings.NewReplacer("/", "_", " ", "_").Replace(key), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			method, route, _ := strings.Cut(key, " ")
			for variant, want := range variants {
				for _, who := range []string{"anon", "bureau", "school", "centre"} {
					path := e.pathFor(route, variant)
					var c *client
					if who == "anon" {
						c = e.client()
					} else {
						c = e.login(who)
					}
					var r response
					switch {
					case method == http.MethodGet:
						r = c.get(path)
					case strings.HasSuffix(route, "/files"), strings.HasSuffix(route, "/roster/import"): // uploads: multipart, no file
						fields := map[string]string{}
						for k := range postForm {
							fields[k] = postForm.Get(k)
						}
						r = c.postFile(path, fields, "", nil)
					default:
						r = c.post(path, postForm)
					}
					exp := map[string]int{"anon": want.anon, "bureau": want.bureau, "school": want.inst, "centre": want.centre}[who]
					if r.status != exp {
						t.Errorf("%s %s (%s) as %s: %d, want %d", method, path, variant, who, r.status, exp)
					}
					if method == http.MethodGet && r.status == http.StatusOK {
						if dup := duplicateIDs(r.body); len(dup) > 0 {
							t.Errorf("GET %s (%s) as %s: element ids used twice (a label then points at the wrong field): %v", path, variant, who, dup)
						}
					}
				}
			}
		})
	}
}

// duplicateIDs lists the element ids an HTML page uses more than once.
func duplicateIDs(body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil
	}
	seen := map[string]int{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "id" {
					seen[a.Val]++
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	var out []string
	for id, n := range seen {
		if n > 1 {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// pathFor fills {id} (and a second id such as {cid}) for the object variant.
func (e *env) pathFor(route, variant string) string {
	route = strings.Replace(route, "/*", "/app.css", 1)
	if p, ok := e.moneyPath(route, variant); ok { // money_access_test.go
		return p
	}
	if p, ok := e.claimPath(route, variant); ok { // claim_access_test.go
		return p
	}
	if p, ok := e.publicPath(route, variant); ok { // public_access_test.go
		return p
	}
	if p, ok := e.supervisionPath(route, variant); ok { // supervision_access_test.go
		return p
	}
	if p, ok := e.ledgerPath(route, variant); ok { // ledger_access_test.go
		return p
	}
	if p, ok := e.dailyPath(route, variant); ok { // daily_access_test.go
		return p
	}
	if !strings.Contains(route, "{id}") {
		return route
	}
	const missing = 999999
	var id int64 = missing
	sub := map[string]int64{"{cid}": missing, "{eid}": missing, "{fid}": missing, "{jid}": missing, "{sid}": missing, "{aid}": missing}
	users := strings.HasPrefix(route, "/users/")
	switch {
	case variant == "missing":
	case strings.HasPrefix(route, "/examiners/") || strings.HasPrefix(route, "/eval-orgs/"):
		id, _ = e.gapsPath(route, variant)
	case strings.HasPrefix(route, "/assessments/") || strings.HasPrefix(route, "/exam-sessions/"):
		var extra map[string]int64
		id, extra, _ = e.examPath(route, variant)
		for k, v := range extra {
			sub[k] = v
		}
	case strings.HasPrefix(route, "/teachers/"):
		id = e.teacherID(map[string]string{"own": "王建华", "other": "周美玲"}[variant])
		switch {
		case strings.Contains(route, "{cid}"):
			sub["{cid}"] = e.certificateID(id)
		case strings.Contains(route, "{fid}"):
			sub["{fid}"] = e.fixture("file "+variant, func() int64 { return e.addFile(id, variant) })
		case strings.Contains(route, "{eid}"):
			sub["{eid}"] = e.fixture("equivalence "+variant, func() int64 { return e.addEquivalence(id) })
		}
	case strings.HasPrefix(route, "/classes/") && (strings.Contains(route, "/agreements") || strings.Contains(route, "/sessions/")):
		id = e.classID(map[string]string{"own": approvedDemoClass, "other": "生活照料、基础护理、康复服务、心理支持、失智照护"}[variant])
		if strings.Contains(route, "{sid}") {
			sub["{sid}"] = e.queryID(`SELECT min(id) FROM class_sessions WHERE class_id = $1`, id)
		}
		if strings.Contains(route, "{eid}") {
			if variant == "other" {
				sub["{eid}"] = e.fixture("academy enrolment", func() int64 { return e.addAcademyTrainee(id) })
			} else {
				sub["{eid}"] = e.queryID(`SELECT min(id) FROM enrolments WHERE class_id = $1`, id)
			}
		}
	case strings.HasPrefix(route, "/classes/"):
		id = e.classID(map[string]string{"own": "宴席菜肴设计、地方风味菜（临安农家菜）、成本核算", "other": "生活照料、基础护理、康复服务、心理支持、失智照护"}[variant])
		if variant == "own" {
			switch {
			case strings.Contains(route, "{eid}"):
				sub["{eid}"] = e.fixture("enrolment", func() int64 { return e.addTrainee(id, 900) })
			case strings.Contains(route, "{jid}"):
				sub["{jid}"] = e.fixture("import job", func() int64 { return e.stageImport(id, [][]string{traineeRow(901)}) })
			}
		}
	case strings.HasPrefix(route, "/jobs/"):
		id = e.fixture("failed job", e.failedJob)
	case strings.HasPrefix(route, "/textbooks/"):
		switch variant {
		case "own":
			id = e.textbookID("天目山笋干菜点制作")
		case "other":
			id = e.fixture("academy proposal", e.addAcademyProposal)
		case "catalogue":
			id = e.textbookID("中式烹调师（基础知识）")
		}
	case variant == "own" && users:
		id = e.userID("centre2")
	case variant == "other" && users:
		id = e.userID("bureau2")
	case variant == "own":
		id = e.institutionID("杭州市临安区天目职业技能培训学校")
	case variant == "other":
		id = e.institutionID("临安锦城家政服务培训中心")
	}
	path := strings.Replace(route, "{id}", itoa(id), 1)
	for k, v := range sub {
		path = strings.Replace(path, k, itoa(v), 1)
	}
	return path
}

// fixture creates an object once per env.
func (e *env) fixture(key string, create func() int64) int64 {
	e.mu.Lock()
	id, ok := e.fixtures[key]
	e.mu.Unlock()
	if !ok {
		id = create()
		e.mu.Lock()
		if e.fixtures == nil {
			e.fixtures = map[string]int64{}
		}
		e.fixtures[key] = id
		e.mu.Unlock()
	}
	return id
}

func (e *env) queryID(query string, args ...any) int64 {
	e.t.Helper()
	var id int64
	if err := e.store.Pool().QueryRow(context.Background(), query, args...).Scan(&id); err != nil {
		e.t.Fatalf("%s %v: %v", query, args, err)
	}
	return id
}

func (e *env) teacherID(name string) int64 {
	return e.queryID(`SELECT id FROM teachers WHERE name = $1`, name)
}

func (e *env) certificateID(teacher int64) int64 {
	return e.queryID(`SELECT min(id) FROM teacher_certificates WHERE teacher_id = $1`, teacher)
}

func (e *env) textbookID(title string) int64 {
	return e.queryID(`SELECT id FROM textbooks WHERE title = $1`, title)
}

// actorOf is a demo user as the repository sees them.
func (e *env) actorOf(username string) training.Actor {
	e.t.Helper()
	u, _, err := e.store.UserForLogin(context.Background(), username)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Actor()
}

// addFile uploads a scan for the teacher as its institution.
func (e *env) addFile(teacher int64, variant string) int64 {
	e.t.Helper()
	by := map[string]string{"own": "school", "other": "academy"}[variant]
	fid, err := e.store.AddTeacherFile(context.Background(), e.actorOf(by), teacher, 0, "证书.pdf", "application/pdf", pdfBytes)
	if err != nil {
		e.t.Fatal(err)
	}
	return fid
}

// addEquivalence records an equivalence on the teacher as the bureau.
func (e *env) addEquivalence(teacher int64) int64 {
	e.t.Helper()
	err := e.store.AddEquivalence(context.Background(), e.actorOf("bureau"), teacher, training.EquivalenceInput{
		Requirement: training.ReqTitle, Band: training.BandAdvanced, Role: training.RoleTheory,
		Basis: "访问测试", DecidedBy: "王科长", DecidedOn: "2026-03-01"})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.queryID(`SELECT max(id) FROM teacher_equivalences WHERE teacher_id = $1`, teacher)
}

// addAcademyProposal has the academy propose a textbook.
func (e *env) addAcademyProposal() int64 {
	e.t.Helper()
	isbn := "978751670399"
	id, err := e.store.CreateTextbook(context.Background(), e.actorOf("academy"), training.TextbookInput{
		Title: "居家养老照护实务", ISBN: isbn + string(training.ISBNCheckDigit(isbn)), Publisher: "中国劳动社会保障出版社",
		Uses: []training.TextbookUse{{OccupationID: e.occupationID("4-10-01-05"), Level: training.Level4}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// classID finds a demo filing by its content.
func (e *env) classID(content string) int64 {
	e.t.Helper()
	var id int64
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT id FROM classes WHERE content = $1`, content).Scan(&id); err != nil {
		e.t.Fatalf("class %s: %v", content, err)
	}
	return id
}

// approvedDemoClass is the content of the school's approved demo class.
const approvedDemoClass = "烹饪原料知识、刀工刀法、火候掌握、热菜烹调、冷菜制作、食品安全与卫生"

// addAcademyTrainee enrols a trainee on the academy's class as the academy.
func (e *env) addAcademyTrainee(classID int64) int64 {
	e.t.Helper()
	prefix := "33011219900101099"
	id, err := e.store.AddTrainee(context.Background(), e.actorOf("academy"), classID, training.TraineeInput{
		IDNumber: prefix + string(training.IDCheckChar(prefix)), Name: "访问测试学员", Phone: "13900001111",
		TargetGroup: "其他", Employment: "在职", Hukou: "本地城镇"})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}
