package server_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestStatisticsPages: the bureau and the centre see every figure as a
// chart (plain SVG, no script) beside its table, filter by year and
// institution, and download each chart's numbers; the centre's page holds
// no personal data (no ID number, phone or trainee name); an institution
// has no statistics page.
func TestStatisticsPages(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{"bureau", "centre"} {
		c := e.login(who)
		r := c.get("/stats?year=2026")
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", who, r.status)
		}
		for _, key := range []string{"month-classes", "month-trainees", "occupation", "type", "institution", "pass-institution", "pass-occupation", "pass-level", "shortfall"} {
			if r.texts("stats-"+key) == nil || r.texts("stats-download-"+key) == nil {
				t.Errorf("%s: no figure %s", who, key)
			}
		}
		if strings.Count(r.body, "<svg") < 9 || strings.Contains(r.body, "<script") && !strings.Contains(r.body, "/static/") {
			t.Errorf("%s: %d charts", who, strings.Count(r.body, "<svg"))
		}
		if !strings.Contains(r.text("stats-type"), "技能等级") {
			t.Errorf("%s: class types %q", who, r.text("stats-type"))
		}
		if regexp.MustCompile(`\d{17}[\dX]|1[3-9]\d{9}`).MatchString(r.body) {
			t.Errorf("%s: an ID or phone number on the statistics page", who)
		}
		for _, name := range e.traineeNames() {
			if strings.Contains(r.body, name) {
				t.Errorf("%s: trainee %s on the statistics page", who, name)
			}
		}
		x := c.get("/stats.xlsx?year=2026&chart=type")
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("%s export: %d %v", who, x.status, err)
		}
		rows, err := f.GetRows("统计")
		if err != nil || len(rows) < 3 || rows[1][0] != "培训类型" {
			t.Fatalf("%s export rows %q %v", who, rows, err)
		}
	}
	inst := e.institutionID("临安锦城家政服务培训中心")
	r := e.login("bureau").get("/stats?year=2026&institution=" + itoa(inst))
	if strings.Contains(r.text("stats-institution"), "天目职业技能培训学校") {
		t.Fatalf("institution filter: %q", r.text("stats-institution"))
	}
	if r := e.login("school").get("/stats"); r.status != http.StatusForbidden {
		t.Fatalf("institution: %d", r.status)
	}
}

func (e *env) traineeNames() []string {
	rows, err := e.store.Pool().Query(e.t.Context(), `SELECT name FROM trainees ORDER BY id LIMIT 50`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}
