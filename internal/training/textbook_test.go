package training

import (
	"strings"
	"testing"
)

func TestCheckISBN13(t *testing.T) {
	valid := "978751671234"
	valid += string(ISBNCheckDigit(valid))
	cases := map[string]string{
		valid:                                   "",
		"9787111213826":                         "",
		NormalizeISBN("978-7-111-21382-6"):      "",
		NormalizeISBN("ISBN 978-7-111-21382-6"): "",
		"9787111213827":                         "校验位",
		"978711121382":                          "13位",
		"97871112138X6":                         "数字",
		"1234567890128":                         "978或979",
	}
	for in, want := range cases {
		got := CheckISBN13(in)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("CheckISBN13(%q) = %q, want …%s…", in, got, want)
		}
	}
}

func TestTextbookStatusMachine(t *testing.T) {
	allowed := map[TextbookStatus]map[TextbookAction]TextbookStatus{
		TextbookProposed:   {ActTextbookApprove: TextbookApproved, ActTextbookDesignate: TextbookDesignated, ActTextbookReject: TextbookRejected},
		TextbookApproved:   {ActTextbookDesignate: TextbookDesignated, ActTextbookWithdraw: TextbookWithdrawn},
		TextbookDesignated: {ActTextbookWithdraw: TextbookWithdrawn},
		TextbookWithdrawn:  {ActTextbookRestore: TextbookApproved},
		TextbookRejected:   {},
	}
	for from, acts := range allowed {
		for _, act := range TextbookActions {
			to, msg := NextTextbookStatus(from, act)
			want, ok := acts[act]
			if ok != (msg == "") || ok && to != want {
				t.Errorf("%s %s: %s %q", from, act, to, msg)
			}
			if !ok && !strings.HasPrefix(msg, "第六条") {
				t.Errorf("message without article: %q", msg)
			}
		}
	}
}

func TestCheckTextbook(t *testing.T) {
	b := Textbook{Title: "中式烹调师（初级）", Status: TextbookApproved, Uses: []TextbookUse{{OccupationID: occCook, Level: Level5}, {OccupationID: occPastry}}}
	if got := CheckTextbook(b, occCook, Level5); len(got) != 0 {
		t.Error(got)
	}
	if got := CheckTextbook(b, occPastry, Level3); len(got) != 0 {
		t.Error("every-level use", got)
	}
	if got := CheckTextbook(b, occCook, Level4); len(got) != 1 {
		t.Error("wrong level", got)
	}
	for _, s := range []TextbookStatus{TextbookProposed, TextbookWithdrawn, TextbookRejected} {
		b.Status = s
		if got := CheckTextbook(b, occCook, Level5); len(got) != 1 || !strings.Contains(got[0], "指定或核准") {
			t.Errorf("%s: %q", s, got)
		}
	}
	b.Status = TextbookDesignated
	if got := CheckTextbook(b, occCook, Level5); len(got) != 0 {
		t.Error(got)
	}
}

func TestTextbookInputValidate(t *testing.T) {
	occs := map[int64]Occupation{occCook: {ID: occCook, Name: "中式烹调师", Levels: []Level{1, 2, 3, 4, 5}}, 9: {ID: 9, Name: "育婴员", Levels: []Level{3, 4, 5}}}
	in := TextbookInput{Title: "中式烹调师", ISBN: "9787111213826", Publisher: "中国劳动社会保障出版社", Status: TextbookApproved,
		Uses: []TextbookUse{{OccupationID: occCook, Level: Level3}}}
	if err := in.Validate(true, occs); err != nil {
		t.Fatal(err)
	}
	x := in
	x.ISBN, x.InternalCode = "", "LA-JC-2026-01"
	if err := x.Validate(true, occs); err != nil {
		t.Error("bureau internal code:", err)
	}
	if v, _ := AsValidation(x.Validate(false, occs)); v == nil || v.Fields["isbn"] == "" {
		t.Error("institution may not use an internal code")
	}
	x = in
	x.Uses = []TextbookUse{{OccupationID: 9, Level: Level2}}
	if v, _ := AsValidation(x.Validate(true, occs)); v == nil || !strings.Contains(v.Fields["use_0"], "育婴员没有") {
		t.Error("level the occupation lacks")
	}
	x = in
	x.Uses = nil
	if v, _ := AsValidation(x.Validate(true, occs)); v == nil || v.Fields["uses"] == "" {
		t.Error("no uses")
	}
}
