package training

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func rosterHeaderRow() []string {
	h := make([]string, len(RosterColumns))
	for i, c := range RosterColumns {
		h[i] = c.Label
	}
	return h
}

func TestParseRosterHeader(t *testing.T) {
	h, msg := ParseRosterHeader([]string{"\uFEFF*姓名", "身份证号码", "手机号码", "人员类别", "就业状态", "户籍类型"})
	if msg != "" || h["name"] != 0 || h["id_number"] != 1 || h["employer"] != -1 {
		t.Fatalf("%v %q", h, msg)
	}
	if _, msg := ParseRosterHeader([]string{"姓名"}); !strings.Contains(msg, "身份证号码") {
		t.Fatalf("missing columns: %q", msg)
	}
}

func TestParseRosterRow(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	h, _ := ParseRosterHeader(rosterHeaderRow())
	good := id17("33018519900307123")
	for _, tc := range []struct {
		name  string
		cells []string
		want  string // "" = valid
	}{
		{"valid, labels", []string{good, " 张三 ", "13857112345", "企业职工", "在职", "本地农村", ""}, ""},
		{"valid, codes, lower-case x", []string{"11010519491231002x", "李四", "13857112345", "veteran", "unemployed", "local_urban"}, ""},
		{"Excel scientific", []string{"3.30185E+17", "王五", "13857112345", "企业职工", "在职", "本地农村"}, "Excel"},
		{"Excel rounded", []string{"330185199003071000", "王五", "13857112345", "企业职工", "在职", "本地农村"}, "Excel"},
		{"check digit", []string{good[:17] + string(wrongCheck(good[17])), "王五", "13857112345", "企业职工", "在职", "本地农村"}, "校验位"},
		{"short row", []string{good, "王五"}, "手机号码"},
		{"bad group", []string{good, "王五", "13857112345", "学生", "在职", "本地农村"}, "人员类别"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ParseRosterRow(h, 2, tc.cells, today)
			got := strings.Join(r.Problems, "；")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
			if tc.want == "" && r.Trainee.BirthDate.IsZero() {
				t.Fatal("no birth date")
			}
		})
	}
	if r := ParseRosterRow(h, 3, []string{"", " ", ""}, today); !r.Blank() || len(r.Problems) != 0 {
		t.Fatalf("blank row: %+v", r)
	}
}

// FuzzParseRosterRow: any cells give a row without panicking; its fields
// are valid UTF-8 without control characters and bounded; a row without
// problems is a valid trainee.
func FuzzParseRosterRow(f *testing.F) {
	f.Add("330185199003071234", "张三", "13857112345", "企业职工", "在职", "本地农村", "")
	f.Add("3.30185E+17", "=1+1", "1.3857112345E+10", "", "", "", "@x")
	f.Add("\xff\xfe", "\x00名", "138", "veteran", "student", "local_urban", strings.Repeat("长", 300))
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	h, _ := ParseRosterHeader(rosterHeaderRow())
	f.Fuzz(func(t *testing.T, id, name, phone, group, emp, hukou, employer string) {
		r := ParseRosterRow(h, 2, []string{id, name, phone, group, emp, hukou, employer}, today)
		for _, s := range []string{r.In.IDNumber, r.In.Name, r.In.Phone, r.In.Employer} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || utf8.RuneCountInString(s) > MaxRosterCell {
				t.Fatalf("field %q", s)
			}
		}
		if len(r.Problems) == 0 && !r.Blank() {
			if _, msg := ParseResidentID(r.Trainee.IDNumber, today); msg != "" {
				t.Fatalf("accepted ID %q: %s", r.Trainee.IDNumber, msg)
			}
			if CheckMobile(r.Trainee.Phone) != "" || r.Trainee.Name == "" || r.Trainee.TargetGroup == "" {
				t.Fatalf("accepted %+v", r.Trainee)
			}
		}
	})
}
