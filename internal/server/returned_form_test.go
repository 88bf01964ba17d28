package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var versionRe = regexp.MustCompile(`name="version" value="(\d+)"`)

// A form refused and returned carries the version of what is stored, so
// that correcting it and sending it again is not a conflict: a new filing
// refused at submit comes back as its saved draft (version 1), on a form
// that posts to the draft.
func TestReturnedFormsCarryTheVersion(t *testing.T) {
	e := newEnv(t)
	school := e.login("school")
	form := url.Values{"venue": {"天目学校实训中心二楼"}, "content": {"宴席菜肴设计与制作"}, "intent": {"submit"}}
	res := school.post("/classes", form)
	m := versionRe.FindStringSubmatch(res.body)
	if res.status != http.StatusUnprocessableEntity || m == nil || m[1] != "1" {
		t.Fatalf("refused new filing: %d, version field %v", res.status, m)
	}
	var id int64
	var version int
	must(t, e.store.Pool().QueryRow(context.Background(),
		`SELECT id, version FROM classes WHERE venue = '天目学校实训中心二楼'`).Scan(&id, &version))
	if version != 1 || !strings.Contains(res.body, `action="/classes/`+itoa(id)+`/edit"`) {
		t.Fatalf("the draft is at version %d; the returned form does not post to it", version)
	}
	// Sent again from the returned form: refused for what is missing, not 409.
	form.Set("version", m[1])
	form.Set("venue", "天目学校实训中心三楼")
	res = school.post(classPath(id, "/edit"), form)
	if res.status != http.StatusUnprocessableEntity || !res.has("form-errors") {
		t.Fatalf("resubmitted from the returned form: %d", res.status)
	}
	if m := versionRe.FindStringSubmatch(res.body); m == nil || m[1] != "1" {
		t.Fatalf("second returned form: version %v", m)
	}
	// Saved as a draft from the returned form: kept.
	form.Set("intent", "save")
	if res = school.post(classPath(id, "/edit"), form); res.status != http.StatusSeeOther {
		t.Fatalf("draft saved from the returned form: %d", res.status)
	}

	// An institution's record, refused for a missing name, comes back
	// with its version.
	bureau := e.login("bureau")
	var inst int64
	must(t, e.store.Pool().QueryRow(context.Background(), `SELECT id, version FROM institutions ORDER BY id LIMIT 1`).Scan(&inst, &version))
	res = bureau.post("/institutions/"+itoa(inst)+"/edit", url.Values{"name": {""}, "version": {strconv.Itoa(version)}})
	if m := versionRe.FindStringSubmatch(res.body); res.status != http.StatusUnprocessableEntity || m == nil || m[1] != strconv.Itoa(version) {
		t.Fatalf("institution form: %d, version %v", res.status, m)
	}
}

// Revoking an institution still 待审 is refused by the rule, with its
// article, on the institution's page (422), not a CHECK violation's 500.
func TestRevokePendingInstitutionRefused(t *testing.T) {
	e := newEnv(t)
	bureau := e.login("bureau")
	var id int64
	var version int
	must(t, e.store.Pool().QueryRow(context.Background(),
		`SELECT id, version FROM institutions WHERE status = 'pending' ORDER BY id LIMIT 1`).Scan(&id, &version))
	res := bureau.post("/institutions/"+itoa(id)+"/revoke", url.Values{"version": {strconv.Itoa(version)}, "reason": {"骗取补助"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "第十六条") || !strings.Contains(res.body, "没有可取消的定点资格") {
		t.Fatalf("revoke a pending institution: %d", res.status)
	}
	var status string
	must(t, e.store.Pool().QueryRow(context.Background(), `SELECT status FROM institutions WHERE id = $1`, id).Scan(&status))
	if status != "pending" {
		t.Fatalf("status %s after a refused revocation", status)
	}
}
