package server_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
)

// exportRows follows a list page's export link and returns the workbook's
// rows without the header; the link must carry want (the filters).
func exportRows(t *testing.T, c *client, page, sheet string, want ...string) (link string, rows [][]string) {
	t.Helper()
	p := c.get(page)
	if p.status != http.StatusOK {
		t.Fatalf("%s: %d", page, p.status)
	}
	node := p.texts("list-export")
	if len(node) != 1 {
		t.Fatalf("%s: %d export links", page, len(node))
	}
	m := regexp.MustCompile(`data-testid="list-export"`).FindStringIndex(p.body)
	href := regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(p.body[:m[0]], -1)
	link = strings.ReplaceAll(href[len(href)-1][1], "&amp;", "&")
	for _, w := range want {
		if !strings.Contains(link, w) {
			t.Fatalf("%s: export link %q lacks %q", page, link, w)
		}
	}
	x := c.get(link)
	if x.status != http.StatusOK || !strings.HasPrefix(x.header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Fatalf("%s: %d %q", link, x.status, x.header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatalf("%s: %v", link, err)
	}
	defer f.Close()
	all, err := f.GetRows(sheet)
	if err != nil || len(all) == 0 {
		t.Fatalf("%s: %v %d rows", link, err, len(all))
	}
	return link, all[1:]
}

var fullIDNumber = regexp.MustCompile(`\d{17}[\dX]|1\d{10}`)

// TestListExportsCarryFiltersAndMask: each list's export link carries the
// page's filters and sort, the workbook holds exactly the rows the filter
// matches (not only the page), in the page's order, within the role's
// scope, with ID numbers and phones masked.
func TestListExportsCarryFiltersAndMask(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bureau, school := e.login("bureau"), e.login("school")

	// Teachers, filtered by status: every row approved, as many as the
	// database holds, ID numbers and phones masked.
	_, rows := exportRows(t, bureau, "/teachers?status=approved", "培训师资", "status=approved")
	var n int
	must(t, e.store.Pool().QueryRow(ctx, `SELECT count(*) FROM teachers WHERE status = 'approved'`).Scan(&n))
	if len(rows) != n || n == 0 {
		t.Fatalf("teachers export: %d rows, %d approved", len(rows), n)
	}
	for _, r := range rows {
		if r[8] != "已入库" || !strings.Contains(r[2], "*") || (r[3] != "" && !strings.Contains(r[3], "*")) {
			t.Fatalf("teacher row %q", r)
		}
		if fullIDNumber.MatchString(strings.Join(r, " ")) {
			t.Fatalf("an unmasked ID number or phone: %q", r)
		}
	}

	// An institution exports its own filings only, all of them.
	_, rows = exportRows(t, school, "/classes", "办班备案")
	own, err := pgx.CollectRows(must2(e.store.Pool().Query(ctx, `SELECT class_no FROM classes c JOIN users u ON u.institution_id = c.institution_id
		WHERE u.username = 'school' ORDER BY 1`)), pgx.RowTo[string])
	must(t, err)
	var got []string
	for _, r := range rows {
		got = append(got, r[0])
	}
	sort.Strings(got)
	if len(own) == 0 || strings.Join(got, ",") != strings.Join(own, ",") {
		t.Fatalf("school's class export %q, own %q", got, own)
	}

	// The bureau's review queue keeps its status; the class list its
	// occupation filter.
	_, rows = exportRows(t, bureau, "/review", "备案审核", "status=submitted")
	must(t, e.store.Pool().QueryRow(ctx, `SELECT count(*) FROM classes WHERE status = 'submitted'`).Scan(&n))
	if len(rows) != n {
		t.Fatalf("review export: %d rows, %d submitted", len(rows), n)
	}
	for _, r := range rows {
		if r[9] != "已提交" {
			t.Fatalf("review row %q", r)
		}
	}

	// Accounts, sorted by name descending: the export keeps the order.
	link, rows := exportRows(t, bureau, "/users?role=institution&sort=name&desc=1", "账号", "role=institution", "sort=name", "desc=1")
	must(t, e.store.Pool().QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'institution'`).Scan(&n))
	if len(rows) != n || n < 2 {
		t.Fatalf("%s: %d rows, %d institution users", link, len(rows), n)
	}
	var names []string
	for _, r := range rows {
		names = append(names, r[1])
	}
	want, err := pgx.CollectRows(must2(e.store.Pool().Query(ctx, `SELECT name FROM users WHERE role = 'institution' ORDER BY name DESC, id DESC`)), pgx.RowTo[string])
	must(t, err)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("users export order %q, want %q", names, want)
	}

	// Institutions: the contact's phone masked.
	_, rows = exportRows(t, bureau, "/institutions", "培训机构")
	for _, r := range rows {
		if r[6] != "" && !strings.Contains(r[6], "*") {
			t.Fatalf("institution row with a phone in full: %q", r)
		}
	}

	// Textbooks and applications, for every role that has the list.
	exportRows(t, school, "/textbooks?status=approved", "教材目录", "status=approved")
	exportRows(t, e.login("centre"), "/assessments", "鉴定申报")
	exportRows(t, school, "/teachers", "培训师资")

	// Another role's export is refused like its list.
	if r := school.get("/users.xlsx"); r.status != http.StatusForbidden {
		t.Fatalf("school's /users.xlsx: %d", r.status)
	}
}

func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
