package training

import (
	"strings"
	"testing"
	"time"
)

func TestFundCategoriesAreTheSevenOfTheArticle(t *testing.T) {
	var labels []string
	for _, c := range FundCategories {
		if !c.Valid() {
			t.Fatalf("%s not valid", c)
		}
		labels = append(labels, c.Label())
	}
	if got := strings.Join(labels, "、"); got != "培训师资、教材设备、场地、培训用品、耗材、学员用餐、观摩学习" {
		t.Fatalf("categories %s", got)
	}
	for _, c := range []FundCategory{"", "office", "salary", "培训师资"} {
		if c.Valid() {
			t.Fatalf("%q accepted", c)
		}
	}
}

func TestDecideRecordFundUse(t *testing.T) {
	today := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	inst := Actor{UserID: 5, Role: RoleInstitution, InstitutionID: 7}
	good := func() FundUseInput {
		return FundUseInput{ClassID: "11", Category: "teachers", Amount: "12,000.50", SpentOn: "2026-03-10",
			Description: "教师课酬", VoucherNo: "记-2026-031"}
	}
	class := func() *FundClass { return &FundClass{ID: 11, Status: ClassTraining, Start: &start} }
	cases := []struct {
		name  string
		actor Actor
		edit  func(*FundUseInput, *FundUseFacts)
		field string // "" means allowed; "-" a general refusal
		rule  *Rule
	}{
		{"ok, charged to a class", inst, func(*FundUseInput, *FundUseFacts) {}, "", nil},
		{"ok, for the year", inst, func(in *FundUseInput, f *FundUseFacts) { in.ClassID = ""; f.Class = nil }, "", nil},
		{"ok, class id 0 is the year", inst, func(in *FundUseInput, f *FundUseFacts) { in.ClassID = "0"; f.Class = nil }, "", nil},
		{"ok, the ceiling", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Amount = "1000000" }, "", nil},
		{"category outside the seven", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Category = "office" }, "category", RuleFundCategory},
		{"no category", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Category = "" }, "category", RuleFundCategory},
		{"amount zero", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Amount = "0" }, "amount", RuleFundAmount},
		{"amount negative", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Amount = "-5" }, "amount", RuleFundAmount},
		{"amount above the ceiling", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Amount = "1000000.01" }, "amount", RuleFundAmount},
		{"amount three decimals", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Amount = "1.005" }, "amount", RuleFundAmount},
		{"date in the future", inst, func(in *FundUseInput, _ *FundUseFacts) { in.SpentOn = "2026-03-17" }, "spent_on", RuleFundSpentOn},
		{"date unreadable", inst, func(in *FundUseInput, _ *FundUseFacts) { in.SpentOn = "3月10日" }, "spent_on", RuleFundSpentOn},
		{"date before 2020", inst, func(in *FundUseInput, f *FundUseFacts) { in.SpentOn = "2019-12-31"; f.Class = nil; in.ClassID = "" }, "spent_on", RuleFundSpentOn},
		{"no description", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Description = "  " }, "description", RuleFundDescription},
		{"description too long", inst, func(in *FundUseInput, _ *FundUseFacts) { in.Description = strings.Repeat("长", MaxNoteLen+1) }, "description", RuleFundDescription},
		{"no voucher", inst, func(in *FundUseInput, _ *FundUseFacts) { in.VoucherNo = "" }, "voucher_no", RuleFundVoucher},
		{"voucher too long", inst, func(in *FundUseInput, _ *FundUseFacts) { in.VoucherNo = strings.Repeat("1", MaxNoLen+1) }, "voucher_no", RuleFundVoucher},
		{"class id unreadable", inst, func(in *FundUseInput, f *FundUseFacts) { in.ClassID = "x"; f.Class = nil }, "class_id", RuleFundClass},
		{"class not the institution's", inst, func(_ *FundUseInput, f *FundUseFacts) { f.Class = nil }, "class_id", RuleFundClass},
		{"class a draft", inst, func(_ *FundUseInput, f *FundUseFacts) { f.Class.Status = ClassDraft }, "class_id", RuleFundClass},
		{"class cancelled", inst, func(_ *FundUseInput, f *FundUseFacts) { f.Class.Status = ClassCancelled }, "class_id", RuleFundClass},
		{"class returned", inst, func(_ *FundUseInput, f *FundUseFacts) { f.Class.Status = ClassReturned }, "class_id", RuleFundClass},
		{"spent before the class's year", inst, func(in *FundUseInput, _ *FundUseFacts) { in.SpentOn = "2025-12-30" }, "spent_on", RuleFundClassStart},
		{"the bureau does not report", Actor{UserID: 1, Role: RoleBureau}, func(*FundUseInput, *FundUseFacts) {}, "-", RuleFundClass},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, f := good(), FundUseFacts{Today: today, Class: class()}
			c.edit(&in, &f)
			plan, rs := DecideRecordFundUse(c.actor, in, f)
			if c.field == "" {
				if !rs.OK() {
					t.Fatalf("refused: %v", rs.Messages())
				}
				if plan.Year != 2026 || !plan.Category.Valid() || plan.Amount <= 0 {
					t.Fatalf("plan %+v", plan)
				}
				return
			}
			want := c.field
			if want == "-" {
				want = ""
			}
			for _, r := range rs {
				if r.Field == want && r.Rule == c.rule {
					return
				}
			}
			t.Fatalf("want %s on %q, got %+v", c.rule.Text, want, rs)
		})
	}
	plan, _ := DecideRecordFundUse(inst, good(), FundUseFacts{Today: today, Class: class()})
	if plan.Amount != 1200050 || plan.ClassID != 11 || plan.Category != FundTeachers {
		t.Fatalf("plan %+v", plan)
	}
	if !strings.HasPrefix(RuleFundCategory.Msg(), "第十三条：") {
		t.Fatalf("category rule cites %q", RuleFundCategory.Article)
	}
}

func TestDecideVoidFundUse(t *testing.T) {
	rec := FundUseEntry{ID: 1, InstitutionID: 7, Status: FundUseRecorded}
	if rs := DecideVoidFundUse(rec, "凭证重复录入"); !rs.OK() {
		t.Fatalf("refused: %v", rs.Messages())
	}
	if rs := DecideVoidFundUse(rec, " "); rs.OK() || rs[0].Rule != RuleFundVoidReason {
		t.Fatalf("no reason: %+v", rs)
	}
	if rs := DecideVoidFundUse(rec, strings.Repeat("长", MaxReasonLen+1)); rs.OK() || rs[0].Rule != RuleFundVoidReason {
		t.Fatalf("long reason: %+v", rs)
	}
	void := rec
	void.Status = FundUseVoid
	if rs := DecideVoidFundUse(void, "再次"); rs.OK() || rs[0].Rule != RuleFundVoidStep {
		t.Fatalf("void twice: %+v", rs)
	}
	own := Actor{Role: RoleInstitution, InstitutionID: 7}
	if !CanVoidFundUse(own, rec) || CanVoidFundUse(own, void) || CanVoidFundUse(Actor{Role: RoleInstitution, InstitutionID: 8}, rec) ||
		CanVoidFundUse(Actor{Role: RoleBureau}, rec) {
		t.Fatal("CanVoidFundUse")
	}
	if !CanRecordFundUse(own) || CanRecordFundUse(Actor{Role: RoleBureau}) || CanRecordFundUse(Actor{Role: RoleCentre}) {
		t.Fatal("CanRecordFundUse")
	}
}

func TestFundBalance(t *testing.T) {
	b := FundBalance{Year: 2025, SubsidiesPaid: 100000, FeesCollected: 30000}
	b.Add(FundTeachers, 50000)
	b.Add(FundMeals, 20000)
	b.Add(FundCategory("office"), 99999) // never counted
	if b.Received() != 130000 || b.Spent() != 70000 || b.Balance() != 60000 || b.Overspent() != "" {
		t.Fatalf("%+v received %d spent %d balance %d", b, b.Received(), b.Spent(), b.Balance())
	}
	b.Add(FundVenue, 70000)
	if b.Balance() != -10000 {
		t.Fatalf("balance %d", b.Balance())
	}
	if got := b.Overspent(); !strings.Contains(got, "第十三条") || !strings.Contains(got, "¥100.00") {
		t.Fatalf("overspent %q", got)
	}
}
