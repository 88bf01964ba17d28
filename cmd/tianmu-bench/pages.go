package main

import (
	"fmt"
	"net/url"
	"strconv"

	"tianmu/internal/training"
)

// page is one row of the bench: a GET route of the portal as one role
// sees it. Adding a page to the bench is adding a row here (and, if it
// needs an object the fixtures do not find yet, a query in fixtures.go).
// TestEveryGetRouteIsBenched walks the router and fails for a GET route
// with no row and no exclusion.
type page struct {
	route string        // the router's pattern, "GET /classes/{id}"
	name  string        // what the report calls it, when route alone does not say
	role  training.Role // who asks; "" for a visitor not signed in
	kind  pageKind
	// path is the URL of the n-th request of client c, or "" when c has
	// nothing to ask (an institution without such an object): such
	// clients sit the page out, and a page nobody can ask fails the run.
	path func(f *fixtures, c *client, n int) string
	mix  int // weight in the open loop's mixed stream (0: not in it)
}

// pageKind decides which targets apply.
type pageKind int

const (
	kindPage     pageKind = iota // an HTML page: every target
	kindDownload                 // a file built per request (xlsx, PDF): measured, ratio target only
	kindStatic                   // a fixed answer (health check, stylesheet)
)

func (p page) title() string {
	if p.name != "" {
		return p.name
	}
	return p.route
}

func fixed(path string) func(*fixtures, *client, int) string {
	return func(*fixtures, *client, int) string { return path }
}

// walk is the n-th element for client c of list: successive requests and
// different clients ask for different objects, so no page is measured on
// one cached row.
func walk[T any](list []T, c *client, n int) (T, bool) {
	var zero T
	if len(list) == 0 {
		return zero, false
	}
	return list[(n*7919+int(c.userID%104729)*31)%len(list)], true
}

// each builds a path from the n-th element of the list pick gives.
func each[T any](pick func(f *fixtures, c *client) []T, format func(T) string) func(*fixtures, *client, int) string {
	return func(f *fixtures, c *client, n int) string {
		x, ok := walk(pick(f, c), c, n)
		if !ok {
			return ""
		}
		return format(x)
	}
}

func id(prefix string, suffix ...string) func(int64) string {
	return func(id int64) string {
		s := prefix + strconv.FormatInt(id, 10)
		for _, x := range suffix {
			s += x
		}
		return s
	}
}

// global picks a list of the fixtures; own an institution client's list.
func global(l func(f *fixtures) []int64) func(*fixtures, *client) []int64 {
	return func(f *fixtures, _ *client) []int64 { return l(f) }
}

func own(l func(o *ownFixtures) []int64) func(*fixtures, *client) []int64 {
	return func(f *fixtures, c *client) []int64 {
		if o := f.own[c.inst]; o != nil {
			return l(o)
		}
		return nil
	}
}

func bench(format func(b benchClass) string) func(*fixtures, *client, int) string {
	return func(f *fixtures, c *client, _ int) string {
		if o := f.own[c.inst]; o != nil && o.bench != nil {
			return format(*o.bench)
		}
		return ""
	}
}

const (
	bureau = training.RoleBureau
	inst   = training.RoleInstitution
	centre = training.RoleCentre
	anon   = training.Role("")
)

var pages = []page{
	// Public.
	{route: "GET /login", role: anon, path: fixed("/login"), mix: 1},
	{route: "GET /results", role: anon, path: fixed("/results")},
	{route: "GET /verify", role: anon, path: fixed("/verify")},
	{route: "GET /notices", role: anon, path: fixed("/notices")},
	{route: "GET /notices/{id}", name: "GET /notices/{id} (a claim on public notice)", role: anon,
		path: each(global(func(f *fixtures) []int64 { return f.notices }), id("/notices/"))},
	{route: "GET /complaints/new", role: anon, path: fixed("/complaints/new"), mix: 1},
	{route: "GET /complaints/filed", role: anon, path: fixed("/complaints/filed?no=TS20260302ABC123")},
	{route: "GET /complaints/status", role: anon, path: fixed("/complaints/status")},
	{route: "GET /survey", role: anon, path: fixed("/survey")},
	{route: "GET /survey", name: "GET /survey?code= (a code's class)", role: anon, mix: 1, path: func(f *fixtures, c *client, n int) string {
		code, ok := walk(f.surveyCodes, c, n)
		if !ok {
			return ""
		}
		return "/survey?code=" + code
	}},
	{route: "GET /survey/thanks", role: anon, path: fixed("/survey/thanks")},
	{route: "GET /me", role: anon, path: fixed("/me")},
	{route: "GET /verify/{code}", role: anon, mix: 1, path: func(f *fixtures, c *client, n int) string {
		code, ok := walk(f.codes, c, n)
		if !ok {
			return ""
		}
		return "/verify/" + code
	}},
	{route: "GET /healthz", role: anon, kind: kindStatic, path: fixed("/healthz")},
	{route: "GET /static/*", name: "GET /static/app.css", role: anon, kind: kindStatic, path: fixed("/static/app.css")},
	{route: "GET /readyz", role: anon, kind: kindStatic, path: fixed("/readyz")},
	{route: "GET /metrics", role: anon, kind: kindStatic, path: fixed("/metrics")},

	// The bureau.
	{route: "GET /", name: "GET / (bureau home)", role: bureau, path: fixed("/"), mix: 3},
	{route: "GET /password", role: bureau, path: fixed("/password")},
	{route: "GET /institutions", role: bureau, path: fixed("/institutions"), mix: 2},
	{route: "GET /institutions", name: "GET /institutions?status=designated", role: bureau, path: fixed("/institutions?status=designated")},
	{route: "GET /institutions", name: "GET /institutions?name=家政", role: bureau, path: fixed("/institutions?name=" + url.QueryEscape("家政"))},
	{route: "GET /institutions", name: "GET /institutions?occupation=(中式烹调师)", role: bureau, path: func(f *fixtures, _ *client, _ int) string {
		return "/institutions?occupation=" + strconv.FormatInt(f.occupation, 10)
	}},
	{route: "GET /institutions", name: "GET /institutions?sort=name&desc=1", role: bureau, path: fixed("/institutions?sort=name&desc=1")},
	{route: "GET /institutions", name: "GET /institutions?page=50", role: bureau, path: fixed("/institutions?page=50")},
	{route: "GET /institutions/new", role: bureau, path: fixed("/institutions/new")},
	{route: "GET /institutions/{id}", role: bureau, mix: 1, path: each(global(func(f *fixtures) []int64 { return f.institutions }), id("/institutions/"))},
	{route: "GET /institutions/{id}/edit", role: bureau, path: each(global(func(f *fixtures) []int64 { return f.institutions }), id("/institutions/", "/edit"))},
	{route: "GET /institutions/{id}/scope", role: bureau, path: each(global(func(f *fixtures) []int64 { return f.institutions }), id("/institutions/", "/scope"))},
	{route: "GET /institutions/{id}/history", role: bureau, path: each(global(func(f *fixtures) []int64 { return f.institutions }), id("/institutions/", "/history"))},
	{route: "GET /users", role: bureau, path: fixed("/users")},
	{route: "GET /users", name: "GET /users?role=institution&page=100", role: bureau, path: fixed("/users?role=institution&page=100")},
	{route: "GET /users/new", role: bureau, path: fixed("/users/new")},
	{route: "GET /users/{id}", role: bureau, path: each(global(func(f *fixtures) []int64 { return f.users }), id("/users/"))},
	{route: "GET /calendar", role: bureau, path: fixed("/calendar")},
	{route: "GET /calendar/new", role: bureau, path: fixed("/calendar/new")},
	{route: "GET /calendar/deadline", role: bureau, path: func(f *fixtures, _ *client, _ int) string { return "/calendar/deadline?start=" + f.calDate }},
	{route: "GET /review", role: bureau, path: fixed("/review"), mix: 3},
	{route: "GET /review", name: "GET /review?status=submitted&occupation=X", role: bureau, path: func(f *fixtures, _ *client, _ int) string {
		return "/review?status=submitted&occupation=" + strconv.FormatInt(f.queueOcc, 10)
	}},
	{route: "GET /review", name: "GET /review?status=&institution=Y", role: bureau, path: func(f *fixtures, _ *client, _ int) string {
		return "/review?status=&institution=" + strconv.FormatInt(f.busyInst, 10)
	}},
	{route: "GET /review", name: "GET /review?status=approved&sort=start", role: bureau, path: fixed("/review?status=approved&sort=start")},
	{route: "GET /review", name: "GET /review?status= (every filing)", role: bureau, path: fixed("/review?status=")},
	{route: "GET /review", name: "GET /review?status=&page=20", role: bureau, path: fixed("/review?status=&page=20")},
	{route: "GET /delivery", role: bureau, path: fixed("/delivery"), mix: 2},
	{route: "GET /delivery", name: "GET /delivery?flagged=1", role: bureau, path: fixed("/delivery?flagged=1")},
	{route: "GET /delivery", name: "GET /delivery?page=100", role: bureau, path: fixed("/delivery?page=100")},
	{route: "GET /classes", name: "GET /classes (bureau)", role: bureau, path: fixed("/classes")},
	{route: "GET /classes/{id}", name: "GET /classes/{id} (submitted)", role: bureau, mix: 2,
		path: each(global(func(f *fixtures) []int64 { return f.classes["submitted"] }), id("/classes/"))},
	{route: "GET /classes/{id}", name: "GET /classes/{id} (approved)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.classes["approved"] }), id("/classes/"))},
	{route: "GET /classes/{id}", name: "GET /classes/{id} (in training)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.classes["running"] }), id("/classes/"))},
	{route: "GET /classes/{id}", name: "GET /classes/{id} (assessed)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.classes["assessed"] }), id("/classes/"))},
	{route: "GET /classes/{id}/roster", name: "GET /classes/{id}/roster (bureau)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.classes["running"] }), id("/classes/", "/roster"))},
	{route: "GET /classes/{id}/sessions/{sid}/attendance", name: "GET /classes/{id}/sessions/{sid}/attendance (bureau)", role: bureau,
		path: each(func(f *fixtures, _ *client) []benchClass { return f.benchClasses }, func(b benchClass) string {
			return fmt.Sprintf("/classes/%d/sessions/%d/attendance", b.class, b.session)
		})},
	{route: "GET /teachers", name: "GET /teachers (bureau)", role: bureau, path: fixed("/teachers")},
	{route: "GET /teachers/{id}", name: "GET /teachers/{id} (bureau)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.teachers }), id("/teachers/"))},
	{route: "GET /teachers/{id}/files/{fid}", name: "GET /teachers/{id}/files/{fid} (bureau)", role: bureau, kind: kindDownload,
		path: each(func(f *fixtures, _ *client) [][2]int64 { return f.files }, func(x [2]int64) string {
			return fmt.Sprintf("/teachers/%d/files/%d", x[0], x[1])
		})},
	{route: "GET /teachers/eligible", role: bureau, path: func(f *fixtures, _ *client, _ int) string { return f.eligible }},
	{route: "GET /textbooks", name: "GET /textbooks (bureau)", role: bureau, path: fixed("/textbooks")},
	{route: "GET /textbooks/{id}", role: bureau, path: each(global(func(f *fixtures) []int64 { return f.textbooks }), id("/textbooks/"))},
	{route: "GET /textbooks/new", name: "GET /textbooks/new (bureau)", role: bureau, path: fixed("/textbooks/new")},
	{route: "GET /textbooks/{id}/edit", role: bureau, path: each(global(func(f *fixtures) []int64 { return f.textbooks }), id("/textbooks/", "/edit"))},
	{route: "GET /occupations/related", role: bureau, path: fixed("/occupations/related")},
	{route: "GET /eval-orgs", role: bureau, path: fixed("/eval-orgs")},
	{route: "GET /agreement-template", role: bureau, path: fixed("/agreement-template")},
	{route: "GET /assessments", name: "GET /assessments (bureau)", role: bureau, path: fixed("/assessments")},
	{route: "GET /subsidy-standards", role: bureau, path: fixed("/subsidy-standards")},
	{route: "GET /fees", name: "GET /fees (bureau)", role: bureau, path: fixed("/fees")},
	{route: "GET /claims", name: "GET /claims (bureau)", role: bureau, path: fixed("/claims")},
	{route: "GET /claims", name: "GET /claims?queue=1 (bureau to-do)", role: bureau, path: fixed("/claims?queue=1")},
	{route: "GET /claims/{id}", name: "GET /claims/{id} (bureau, a claim of about 500 lines)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.bigClaims }), id("/claims/"))},
	{route: "GET /claims/{id}/export.xlsx", name: "GET /claims/{id}/export.xlsx (bureau, a claim of about 500 lines)", role: bureau, kind: kindDownload,
		path: each(global(func(f *fixtures) []int64 { return f.bigClaims }), id("/claims/", "/export.xlsx"))},
	{route: "GET /claims/{id}/form.pdf", name: "GET /claims/{id}/form.pdf (bureau, a claim of about 500 lines)", role: bureau, kind: kindDownload,
		path: each(global(func(f *fixtures) []int64 { return f.bigClaims }), id("/claims/", "/form.pdf"))},
	{route: "GET /claim-payments/{id}/batch.xlsx", name: "GET /claim-payments/{id}/batch.xlsx (bureau, a payment's batch)", role: bureau, kind: kindDownload,
		path: each(global(func(f *fixtures) []int64 { return f.payments }), id("/claim-payments/", "/batch.xlsx"))},
	{route: "GET /ledgers", name: "GET /ledgers?institution= (bureau, the busiest institution)", role: bureau,
		path: func(f *fixtures, _ *client, _ int) string { return fmt.Sprintf("/ledgers?institution=%d", f.busyInst) }},
	{route: "GET /fund-use", name: "GET /fund-use (bureau report)", role: bureau, path: fixed("/fund-use")},
	{route: "GET /fund-use.xlsx", name: "GET /fund-use.xlsx (bureau report, every institution)", role: bureau, kind: kindDownload, path: fixed("/fund-use.xlsx")},
	{route: "GET /subsidy-overview", role: bureau, path: fixed("/subsidy-overview")},
	{route: "GET /subsidy-overview.xlsx", role: bureau, kind: kindDownload, path: fixed("/subsidy-overview.xlsx")},
	{route: "GET /institutions/{id}/fund-use", name: "GET /institutions/{id}/fund-use (bureau)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.institutions }), id("/institutions/", "/fund-use"))},
	{route: "GET /jobs", role: bureau, path: fixed("/jobs")},
	// Complaints, surveys and employment (issue 12).
	{route: "GET /complaints", name: "GET /complaints (bureau queue)", role: bureau, path: fixed("/complaints"), mix: 1},
	{route: "GET /complaints", name: "GET /complaints?overdue=1", role: bureau, path: fixed("/complaints?overdue=1")},
	{route: "GET /complaints/{id}", name: "GET /complaints/{id} (bureau)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.complaints }), id("/complaints/"))},
	{route: "GET /surveys", name: "GET /surveys (by institution)", role: bureau, path: fixed("/surveys")},
	{route: "GET /surveys", name: "GET /surveys?by=class", role: bureau, path: fixed("/surveys?by=class")},
	{route: "GET /employment", name: "GET /employment (by institution)", role: bureau, path: fixed("/employment")},
	{route: "GET /employment", name: "GET /employment?by=class&months=6", role: bureau, path: fixed("/employment?by=class&months=6")},
	{route: "GET /employment/checks", role: bureau, path: fixed("/employment/checks")},
	{route: "GET /surveys.xlsx", name: "GET /surveys.xlsx?by=institution", role: bureau, kind: kindDownload, path: fixed("/surveys.xlsx?by=institution")},
	{route: "GET /employment.xlsx", name: "GET /employment.xlsx?by=institution&months=6", role: bureau, kind: kindDownload,
		path: fixed("/employment.xlsx?by=institution&months=6")},
	{route: "GET /supervision", role: bureau, path: fixed("/supervision"), mix: 1},
	{route: "GET /evaluations", role: bureau, path: fixed("/evaluations")},
	{route: "GET /evaluations/{year}", name: "GET /evaluations/{year} (ranking, first page)", role: bureau, path: func(f *fixtures, _ *client, _ int) string {
		if f.evalYear == 0 {
			return ""
		}
		return "/evaluations/" + strconv.Itoa(f.evalYear)
	}},
	{route: "GET /evaluations/{year}", name: "GET /evaluations/{year}?sort=pass&desc=1 (ranking by pass rate)", role: bureau, path: func(f *fixtures, _ *client, _ int) string {
		if f.evalYear == 0 {
			return ""
		}
		return "/evaluations/" + strconv.Itoa(f.evalYear) + "?sort=pass&desc=1"
	}},
	{route: "GET /evaluations/{year}/ranking.xlsx", name: "GET /evaluations/{year}/ranking.xlsx (whole year)", role: bureau, kind: kindDownload,
		path: func(f *fixtures, _ *client, _ int) string {
			if f.evalYear == 0 {
				return ""
			}
			return "/evaluations/" + strconv.Itoa(f.evalYear) + "/ranking.xlsx?sort=score&desc=1"
		}},
	{route: "GET /institutions/{id}/scorecard", name: "GET /institutions/{id}/scorecard (bureau)", role: bureau, mix: 1,
		path: each(global(func(f *fixtures) []int64 { return f.institutions }), id("/institutions/", "/scorecard"))},
	{route: "GET /designated", role: anon, path: fixed("/designated"), mix: 1},
	{route: "GET /checklist", role: bureau, path: fixed("/checklist")},
	{route: "GET /inspections", name: "GET /inspections (bureau)", role: bureau, path: fixed("/inspections")},
	{route: "GET /inspections/{id}", name: "GET /inspections/{id} (bureau)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.inspections }), id("/inspections/"))},
	{route: "GET /inspections/{id}/files/{fid}", role: bureau, kind: kindDownload,
		path: each(func(f *fixtures, _ *client) [][2]int64 { return f.inspectionFiles }, func(x [2]int64) string {
			return fmt.Sprintf("/inspections/%d/files/%d", x[0], x[1])
		})},
	{route: "GET /rectifications/{id}", name: "GET /rectifications/{id} (bureau)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.orders }), id("/rectifications/"))},
	{route: "GET /rectifications/{id}/file", role: bureau, kind: kindDownload,
		path: each(global(func(f *fixtures) []int64 { return f.answered }), id("/rectifications/", "/file"))},
	{route: "GET /institutions/{id}/inspections/new", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.institutions }), id("/institutions/", "/inspections/new"))},
	{route: "GET /institutions/{id}/supervision", name: "GET /institutions/{id}/supervision (bureau)", role: bureau,
		path: each(global(func(f *fixtures) []int64 { return f.institutions }), id("/institutions/", "/supervision"))},

	// An institution, each client its own (the first designated
	// institutions; the 50-trainee bench class is theirs).
	{route: "GET /", name: "GET / (institution home)", role: inst, path: fixed("/"), mix: 3},
	{route: "GET /institutions/{id}", name: "GET /institutions/{own id} (institution)", role: inst,
		path: func(_ *fixtures, c *client, _ int) string { return "/institutions/" + strconv.FormatInt(c.inst, 10) }},
	{route: "GET /institutions/{id}/edit", name: "GET /institutions/{own id}/edit (institution)", role: inst,
		path: func(_ *fixtures, c *client, _ int) string {
			return "/institutions/" + strconv.FormatInt(c.inst, 10) + "/edit"
		}},
	{route: "GET /classes", name: "GET /classes (institution)", role: inst, path: fixed("/classes"), mix: 3},
	{route: "GET /classes/{id}", name: "GET /classes/{own id} (institution)", role: inst, mix: 1,
		path: each(own(func(o *ownFixtures) []int64 { return o.classes }), id("/classes/"))},
	{route: "GET /classes/new", role: inst, path: fixed("/classes/new")},
	{route: "GET /classes/{id}/edit", role: inst, path: each(own(func(o *ownFixtures) []int64 { return o.drafts }), id("/classes/", "/edit"))},
	{route: "GET /classes/{id}/change", role: inst, path: each(own(func(o *ownFixtures) []int64 { return o.future }), id("/classes/", "/change"))},
	{route: "GET /classes/{id}/assessment", role: inst, path: each(own(func(o *ownFixtures) []int64 { return o.finished }), id("/classes/", "/assessment"))},
	{route: "GET /classes/{id}/roster", name: "GET /classes/{id}/roster (50 trainees)", role: inst, mix: 2,
		path: bench(func(b benchClass) string { return fmt.Sprintf("/classes/%d/roster", b.class) })},
	{route: "GET /classes/{id}/roster.xlsx", name: "GET /classes/{id}/roster.xlsx (50 trainees)", role: inst, kind: kindDownload,
		path: bench(func(b benchClass) string { return fmt.Sprintf("/classes/%d/roster.xlsx", b.class) })},
	{route: "GET /roster/template.xlsx", role: inst, kind: kindDownload, path: fixed("/roster/template.xlsx")},
	{route: "GET /schedule/template.xlsx", role: inst, kind: kindDownload, path: fixed("/schedule/template.xlsx")},
	{route: "GET /classes/{id}/roster/import/{jid}", role: inst,
		path: bench(func(b benchClass) string { return fmt.Sprintf("/classes/%d/roster/import/%d", b.class, b.job) })},
	{route: "GET /classes/{id}/agreements", name: "GET /classes/{id}/agreements (50 trainees)", role: inst,
		path: bench(func(b benchClass) string { return fmt.Sprintf("/classes/%d/agreements", b.class) })},
	{route: "GET /classes/{id}/agreements/print", name: "GET /classes/{id}/agreements/print (50 trainees)", role: inst,
		path: bench(func(b benchClass) string { return fmt.Sprintf("/classes/%d/agreements/print", b.class) })},
	{route: "GET /classes/{id}/agreements/{eid}/print", role: inst,
		path: bench(func(b benchClass) string { return fmt.Sprintf("/classes/%d/agreements/%d/print", b.class, b.enrolment) })},
	{route: "GET /classes/{id}/sessions/{sid}/attendance", name: "GET /classes/{id}/sessions/{sid}/attendance (50 trainees)", role: inst, mix: 2,
		path: bench(func(b benchClass) string {
			return fmt.Sprintf("/classes/%d/sessions/%d/attendance", b.class, b.session)
		})},
	{route: "GET /classes/{id}/fees", role: inst,
		path: bench(func(b benchClass) string { return fmt.Sprintf("/classes/%d/fees", b.class) })},
	{route: "GET /fees", name: "GET /fees (institution)", role: inst, path: fixed("/fees")},
	{route: "GET /claims", name: "GET /claims (institution)", role: inst, path: fixed("/claims")},
	{route: "GET /claims/new", role: inst, path: fixed("/claims/new")},
	{route: "GET /claims/{id}", name: "GET /claims/{own id} (institution)", role: inst,
		path: each(own(func(o *ownFixtures) []int64 { return o.claims }), id("/claims/"))},
	{route: "GET /inspections", name: "GET /inspections (institution)", role: inst, path: fixed("/inspections")},
	{route: "GET /institutions/{id}/scorecard", name: "GET /institutions/{own id}/scorecard (institution)", role: inst,
		path: func(_ *fixtures, c *client, _ int) string {
			return "/institutions/" + strconv.FormatInt(c.inst, 10) + "/scorecard"
		}},
	{route: "GET /institutions/{id}/supervision", name: "GET /institutions/{own id}/supervision (institution)", role: inst,
		path: func(_ *fixtures, c *client, _ int) string {
			return "/institutions/" + strconv.FormatInt(c.inst, 10) + "/supervision"
		}},
	{route: "GET /rectifications/{id}", name: "GET /rectifications/{own id} (institution)", role: inst,
		path: each(own(func(o *ownFixtures) []int64 { return o.orders }), id("/rectifications/"))},
	{route: "GET /classes/{id}/ledger", name: "GET /classes/{id}/ledger (largest finished class, 50 trainees)", role: inst, mix: 1,
		path: each(own(func(o *ownFixtures) []int64 { return o.ledger }), id("/classes/", "/ledger"))},
	{route: "GET /classes/{id}/ledger.xlsx", name: "GET /classes/{id}/ledger.xlsx (largest finished class, 50 trainees)", role: inst,
		kind: kindDownload, path: each(own(func(o *ownFixtures) []int64 { return o.ledger }), id("/classes/", "/ledger.xlsx"))},
	{route: "GET /ledgers", name: "GET /ledgers (institution, this year)", role: inst, path: fixed("/ledgers")},
	{route: "GET /fund-use", name: "GET /fund-use (institution)", role: inst, path: fixed("/fund-use")},
	{route: "GET /institutions/{id}/fund-use.xlsx", role: inst, kind: kindDownload,
		path: func(_ *fixtures, c *client, _ int) string {
			return "/institutions/" + strconv.FormatInt(c.inst, 10) + "/fund-use.xlsx"
		}},
	{route: "GET /fees/template.xlsx", role: inst, kind: kindDownload, path: fixed("/fees/template.xlsx")},
	{route: "GET /complaints", name: "GET /complaints (institution)", role: inst, path: fixed("/complaints")},
	{route: "GET /complaints/{id}", name: "GET /complaints/{own id} (institution)", role: inst,
		path: each(own(func(o *ownFixtures) []int64 { return o.complaints }), id("/complaints/"))},
	{route: "GET /classes/{id}/survey", role: inst, path: each(own(func(o *ownFixtures) []int64 { return o.finished }), id("/classes/", "/survey"))},
	{route: "GET /classes/{id}/survey/slips", role: inst,
		path: each(own(func(o *ownFixtures) []int64 { return o.finished }), id("/classes/", "/survey/slips"))},
	{route: "GET /classes/{id}/employment", role: inst,
		path: each(own(func(o *ownFixtures) []int64 { return o.finished }), id("/classes/", "/employment?months=3"))},
	{route: "GET /employment/template.xlsx", role: inst, kind: kindDownload, path: fixed("/employment/template.xlsx")},
	{route: "GET /teachers", name: "GET /teachers (institution)", role: inst, path: fixed("/teachers")},
	{route: "GET /teachers/{id}", name: "GET /teachers/{own id} (institution)", role: inst,
		path: each(own(func(o *ownFixtures) []int64 { return o.teachers }), id("/teachers/"))},
	{route: "GET /teachers/new", role: inst, path: fixed("/teachers/new")},
	{route: "GET /teachers/{id}/edit", role: inst, path: each(own(func(o *ownFixtures) []int64 { return o.teachers }), id("/teachers/", "/edit"))},
	{route: "GET /teachers/{id}/files/{fid}", name: "GET /teachers/{own id}/files/{fid} (institution)", role: inst, kind: kindDownload,
		path: each(func(f *fixtures, c *client) [][2]int64 {
			if o := f.own[c.inst]; o != nil {
				return o.files
			}
			return nil
		}, func(x [2]int64) string { return fmt.Sprintf("/teachers/%d/files/%d", x[0], x[1]) })},
	{route: "GET /textbooks", name: "GET /textbooks (institution)", role: inst, path: fixed("/textbooks")},
	{route: "GET /textbooks/new", name: "GET /textbooks/new (institution)", role: inst, path: fixed("/textbooks/new")},
	{route: "GET /assessments", name: "GET /assessments (institution)", role: inst, path: fixed("/assessments")},
	{route: "GET /assessments/{id}", name: "GET /assessments/{own id} (institution)", role: inst,
		path: each(own(func(o *ownFixtures) []int64 { return o.apps }), id("/assessments/"))},
	{route: "GET /exam-sessions/{id}", name: "GET /exam-sessions/{own id} (institution, published)", role: inst,
		path: each(own(func(o *ownFixtures) []int64 { return o.published }), id("/exam-sessions/"))},

	// The assessment centre (the district centre's users).
	{route: "GET /", name: "GET / (centre home)", role: centre, path: fixed("/"), mix: 2},
	{route: "GET /assessments", name: "GET /assessments (centre queue)", role: centre, path: fixed("/assessments"), mix: 3},
	{route: "GET /assessments", name: "GET /assessments?status=accepted", role: centre, path: fixed("/assessments?status=accepted")},
	{route: "GET /exam-sessions", name: "GET /exam-sessions (centre, newest exam day first)", role: centre, path: fixed("/exam-sessions")},
	{route: "GET /exam-sessions", name: "GET /exam-sessions?status=scored (centre, to approve)", role: centre, path: fixed("/exam-sessions?status=scored")},
	{route: "GET /exam-sessions", name: "GET /exam-sessions?sort=no&page=3 (bureau)", role: bureau, path: fixed("/exam-sessions?sort=no&page=3")},
	{route: "GET /exam-results", name: "GET /exam-results (bureau, every final result, newest first)", role: bureau, path: fixed("/exam-results")},
	{route: "GET /exam-results", name: "GET /exam-results?outcome=fail&year=2025 (centre)", role: centre, path: fixed("/exam-results?outcome=fail&year=2025")},
	{route: "GET /exam-results", name: "GET /exam-results?page=500 (bureau, the last page shown)", role: bureau, path: fixed("/exam-results?page=500")},
	{route: "GET /exam-results", name: "GET /exam-results?sort=no&attempt=retake (bureau)", role: bureau, path: fixed("/exam-results?sort=no&attempt=retake")},
	{route: "GET /exam-results", name: "GET /exam-results (institution, own published results)", role: inst, path: fixed("/exam-results")},
	{route: "GET /assessments/{id}", name: "GET /assessments/{id} (centre)", role: centre, mix: 2,
		path: each(global(func(f *fixtures) []int64 { return f.apps }), id("/assessments/"))},
	{route: "GET /assessments/{id}/sessions/new", role: centre,
		path: each(global(func(f *fixtures) []int64 { return f.accepted }), id("/assessments/", "/sessions/new"))},
	{route: "GET /exam-sessions/{id}", name: "GET /exam-sessions/{id} (centre, published)", role: centre, mix: 2,
		path: each(global(func(f *fixtures) []int64 { return f.published }), id("/exam-sessions/"))},
	{route: "GET /exam-sessions/{id}/admission", role: centre,
		path: each(global(func(f *fixtures) []int64 { return f.scheduled }), id("/exam-sessions/", "/admission"))},
	{route: "GET /exam-sessions/{id}/reschedule", role: centre,
		path: each(global(func(f *fixtures) []int64 { return f.scheduled }), id("/exam-sessions/", "/reschedule"))},
	{route: "GET /exam-sessions/{id}/check", role: centre,
		path: each(global(func(f *fixtures) []int64 { return f.scheduled }), id("/exam-sessions/", "/check"))},
	{route: "GET /exam-sessions/{id}/scores", role: centre,
		path: each(global(func(f *fixtures) []int64 { return f.scheduled }), id("/exam-sessions/", "/scores"))},
	{route: "GET /exam-sessions/{id}/entries/{eid}/amend", role: centre,
		path: each(func(f *fixtures, _ *client) [][2]int64 { return f.entries }, func(x [2]int64) string {
			return fmt.Sprintf("/exam-sessions/%d/entries/%d/amend", x[0], x[1])
		})},
	{route: "GET /exam-sessions/{id}/results.xlsx", role: centre, kind: kindDownload,
		path: each(global(func(f *fixtures) []int64 { return f.published }), id("/exam-sessions/", "/results.xlsx"))},
	{route: "GET /examiners", role: centre, path: fixed("/examiners")},
	{route: "GET /examiners/{id}", role: centre, path: each(global(func(f *fixtures) []int64 { return f.examiners }), id("/examiners/"))},
	{route: "GET /exam-sessions/{id}/certificates.pdf", role: centre, kind: kindDownload,
		path: each(global(func(f *fixtures) []int64 { return f.published }), id("/exam-sessions/", "/certificates.pdf"))},
	{route: "GET /textbooks", name: "GET /textbooks (centre)", role: centre, path: fixed("/textbooks")},

	// Daily work (issue 17).
	{route: "GET /inbox", name: "GET /inbox (institution)", role: inst, path: fixed("/inbox")},
	{route: "GET /inbox", name: "GET /inbox (centre)", role: centre, path: fixed("/inbox")},
	{route: "GET /audit", role: bureau, path: fixed("/audit")},
	{route: "GET /stats", name: "GET /stats (bureau)", role: bureau, path: fixed("/stats")},
	{route: "GET /stats", name: "GET /stats (centre)", role: centre, path: fixed("/stats")},
	{route: "GET /stats.xlsx", name: "GET /stats.xlsx?chart=pass-institution", role: bureau, kind: kindDownload, path: fixed("/stats.xlsx?chart=pass-institution")},
	{route: "GET /audit", name: "GET /audit?pii=1", role: bureau, path: fixed("/audit?pii=1")},
	{route: "GET /audit", name: "GET /audit?page=100", role: bureau, path: fixed("/audit?page=100")},
	{route: "GET /audit.xlsx", name: "GET /audit.xlsx?action=class.approve", role: bureau, kind: kindDownload, path: fixed("/audit.xlsx?action=class.approve")},
	// List exports (issue 17): every matching row, streamed.
	{route: "GET /classes.xlsx", name: "GET /classes.xlsx (institution, all its filings)", role: inst, kind: kindDownload, path: fixed("/classes.xlsx")},
	{route: "GET /review.xlsx", name: "GET /review.xlsx (submitted filings)", role: bureau, kind: kindDownload, path: fixed("/review.xlsx")},
	{route: "GET /teachers.xlsx", name: "GET /teachers.xlsx (institution)", role: inst, kind: kindDownload, path: fixed("/teachers.xlsx")},
	{route: "GET /institutions.xlsx", name: "GET /institutions.xlsx?status=designated", role: bureau, kind: kindDownload, path: fixed("/institutions.xlsx?status=designated")},
	{route: "GET /textbooks.xlsx", name: "GET /textbooks.xlsx (bureau, whole catalogue)", role: bureau, kind: kindDownload, path: fixed("/textbooks.xlsx")},
	{route: "GET /assessments.xlsx", name: "GET /assessments.xlsx?status=submitted (centre)", role: centre, kind: kindDownload, path: fixed("/assessments.xlsx?status=submitted")},
	{route: "GET /users.xlsx", name: "GET /users.xlsx?role=centre", role: bureau, kind: kindDownload, path: fixed("/users.xlsx?role=centre")},
	// A year's failures, the export an institution makes to plan retakes;
	// the whole history of the busiest school (47,286 results) takes
	// 1.2 s and is not something 32 schools download at once.
	{route: "GET /exam-results.xlsx", name: "GET /exam-results.xlsx?year=2025&outcome=fail (institution)", role: inst, kind: kindDownload, path: fixed("/exam-results.xlsx?year=2025&outcome=fail")},
	{route: "GET /exam-sessions.xlsx", name: "GET /exam-sessions.xlsx?status=scored (centre, to approve)", role: centre, kind: kindDownload, path: fixed("/exam-sessions.xlsx?status=scored")},
}

// notBenched are the GET routes with no row, and why.
var notBenched = map[string]string{
	"GET /complaints/{id}/files/{fid}":  "a complaint's attachment is its stored bytes sent as they are (no query beyond the primary key); the scale data has none",
	"GET /ledger-exports/{id}":          "exists only after the bureau's POST /ledgers/export; a one-row read by primary key",
	"GET /ledger-exports/{id}/download": "streams a finished export's stored workbooks; tested end to end by internal/server TestLedgerExportFlow (a 100-class year is not measured yet)",
}
