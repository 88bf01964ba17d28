package training

import (
	"strings"
	"testing"
	"time"
)

func dayPtr(s string) *time.Time { d := day(s); return &d }

func dated(from string, to string) Dated {
	d := Dated{Period: Period{From: day(from)}, SourceDoc: "杭人社发〔2020〕43号"}
	if to != "" {
		d.Period.To = dayPtr(to)
	}
	return d
}

// hangzhou is the seed of migration 00040 plus a mid-2026 rise of the
// 四级 standard and an occupation override for 养老护理员 (id 41).
func hangzhou() SubsidyTables {
	var t SubsidyTables
	for _, ct := range []ClassType{TypeQualification, TypeSkillLevel} {
		for l, a := range map[Level]int64{Level5: 100000, Level4: 150000, Level3: 200000, Level2: 250000, Level1: 300000} {
			to := ""
			if l == Level4 {
				to = "2026-06-30"
			}
			t.Standards = append(t.Standards, SubsidyStandard{Dated: dated("2020-01-01", to), Type: ct, Level: l, Amount: a})
		}
		t.Standards = append(t.Standards, SubsidyStandard{Dated: dated("2026-07-01", ""), Type: ct, Level: Level4, Amount: 180000})
	}
	t.Standards = append(t.Standards,
		SubsidyStandard{Dated: dated("2020-01-01", ""), Type: TypeSpecial, Amount: 100000},
		SubsidyStandard{Dated: dated("2025-01-01", ""), Type: TypeSkillLevel, Level: Level4, OccupationID: 41, OccupationName: "养老护理员", Amount: 220000})
	for g, pct := range map[TargetGroup]int{GroupUnemployed: 100, GroupHardToEmploy: 100, GroupVeteran: 100, GroupRuralMigrant: 100, GroupEmployee: 50} {
		t.Rates = append(t.Rates, SubsidyRate{Dated: dated("2021-01-01", ""), Group: g, Percent: pct})
	}
	t.Rates = append(t.Rates,
		SubsidyRate{Dated: dated("2021-01-01", ""), Group: GroupEmployee, MinLevel: Level3, Percent: 80},
		SubsidyRate{Dated: dated("2021-01-01", ""), Group: GroupEmployee, Shortage: true, Percent: 100},
		SubsidyRate{Dated: dated("2021-01-01", ""), Group: GroupOther, Percent: 0})
	t.Shortage = []ShortageOccupation{{Dated: dated("2021-01-01", "2026-12-31"), OccupationID: 41}}
	t.Thresholds = []AttendanceThreshold{{Dated: dated("2020-01-01", "2025-12-31"), Percent: 80}, {Dated: dated("2026-01-01", ""), Percent: 85}}
	return t
}

func TestPickStandard(t *testing.T) {
	tb := hangzhou()
	for _, c := range []struct {
		name string
		ct   ClassType
		l    Level
		occ  int64
		date string
		want int64
		ok   bool
	}{
		{"五级", TypeSkillLevel, Level5, 1, "2026-03-10", 100000, true},
		{"四级 before the mid-year change", TypeSkillLevel, Level4, 1, "2026-06-30", 150000, true},
		{"四级 on the first day of the new standard", TypeSkillLevel, Level4, 1, "2026-07-01", 180000, true},
		{"职业资格类 follows its own rows", TypeQualification, Level4, 1, "2026-07-02", 180000, true},
		{"三级", TypeQualification, Level3, 1, "2026-03-10", 200000, true},
		{"一级", TypeSkillLevel, Level1, 1, "2026-03-10", 300000, true},
		{"occupation override wins", TypeSkillLevel, Level4, 41, "2026-03-10", 220000, true},
		{"override not yet in force", TypeSkillLevel, Level4, 41, "2024-12-31", 150000, true},
		{"专项能力 without a level", TypeSpecial, LevelNone, 1, "2026-03-10", 100000, true},
		{"创业类 has no standard entered", TypeStartup, LevelNone, 1, "2026-03-10", 0, false},
		{"before any standard", TypeSkillLevel, Level5, 1, "2019-12-31", 0, false},
	} {
		s, ok := tb.PickStandard(c.ct, c.l, c.occ, day(c.date))
		if ok != c.ok || s.Amount != c.want {
			t.Errorf("%s: %d %v, want %d %v", c.name, s.Amount, ok, c.want, c.ok)
		}
	}
}

func TestPickRate(t *testing.T) {
	tb := hangzhou()
	for _, c := range []struct {
		name     string
		g        TargetGroup
		l        Level
		shortage bool
		date     string
		want     int
		ok       bool
	}{
		{"失业人员", GroupUnemployed, Level5, false, "2026-03-10", 100, true},
		{"就业困难人员", GroupHardToEmploy, LevelNone, false, "2026-03-10", 100, true},
		{"退役军人", GroupVeteran, Level4, false, "2026-03-10", 100, true},
		{"农村转移就业劳动者", GroupRuralMigrant, Level4, false, "2026-03-10", 100, true},
		{"企业职工 四级", GroupEmployee, Level4, false, "2026-03-10", 50, true},
		{"企业职工 三级 is the boundary", GroupEmployee, Level3, false, "2026-03-10", 80, true},
		{"企业职工 一级", GroupEmployee, Level1, false, "2026-03-10", 80, true},
		{"企业职工 no level", GroupEmployee, LevelNone, false, "2026-03-10", 50, true},
		{"企业职工 shortage occupation", GroupEmployee, Level5, true, "2026-03-10", 100, true},
		{"企业职工 shortage beats 三级", GroupEmployee, Level3, true, "2026-03-10", 100, true},
		{"其他 is not eligible", GroupOther, Level3, false, "2026-03-10", 0, false},
		{"before the guide", GroupUnemployed, Level5, false, "2020-12-31", 0, false},
	} {
		r, ok := tb.PickRate(c.g, c.l, c.shortage, day(c.date))
		if ok != c.ok || r.Percent != c.want {
			t.Errorf("%s: %d%% %v, want %d%% %v", c.name, r.Percent, ok, c.want, c.ok)
		}
	}
	if !tb.IsShortage(41, day("2026-12-31")) || tb.IsShortage(41, day("2027-01-01")) || tb.IsShortage(40, day("2026-03-10")) {
		t.Error("shortage list dates or occupations wrong")
	}
	if th, ok := tb.PickThreshold(day("2025-12-31")); !ok || th.Percent != 80 {
		t.Errorf("threshold 2025: %v %v", th, ok)
	}
	if th, ok := tb.PickThreshold(day("2026-01-01")); !ok || th.Percent != 85 {
		t.Errorf("threshold 2026: %v %v", th, ok)
	}
}

func TestSubsidyAmount(t *testing.T) {
	for _, c := range []struct {
		standard int64
		pct      int
		want     int64
	}{
		{150000, 100, 150000}, {150000, 50, 75000}, {200000, 80, 160000}, {0, 100, 0},
		{99, 50, 50}, // 49.5 fen rounds half up
		{33, 50, 17}, {1, 0, 0},
	} {
		if got := SubsidyAmount(c.standard, c.pct); got != c.want {
			t.Errorf("SubsidyAmount(%d, %d) = %d, want %d", c.standard, c.pct, got, c.want)
		}
	}
}

func TestParseYuan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1500", 150000, true}, {"1,500.5", 150050, true}, {"¥1500.00", 150000, true}, {" 0.01 ", 1, true},
		{"100000", 10000000, true}, {"100000.01", 0, false}, {"-5", 0, false}, {"1.234", 0, false},
		{"", 0, false}, {"abc", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"1e3", 0, false},
	} {
		got, ok := ParseYuan(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseYuan(%q) = %d %v, want %d %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if YuanText(123456789) != "¥1,234,567.89" || YuanText(5) != "¥0.05" || YuanInput(150050) != "1500.50" {
		t.Errorf("YuanText/YuanInput: %s %s %s", YuanText(123456789), YuanText(5), YuanInput(150050))
	}
}

func TestParseFigure(t *testing.T) {
	ok := FigureInput{Kind: FigureStandard, Type: "skill_level", Level: "4", Amount: "1800", From: "2026-07-01", SourceDoc: "杭人社发〔2026〕1号"}
	f, err := ParseFigure(ok)
	if err != nil || f.Standard.Amount != 180000 || f.Standard.Level != Level4 {
		t.Fatalf("valid standard: %+v %v", f.Standard, err)
	}
	for _, c := range []struct {
		name  string
		edit  func(*FigureInput)
		field string
	}{
		{"no date", func(in *FigureInput) { in.From = "" }, "from"},
		{"no document", func(in *FigureInput) { in.SourceDoc = " " }, "source_doc"},
		{"level on a special class", func(in *FigureInput) { in.Type = "special" }, "level"},
		{"no level on a skill class", func(in *FigureInput) { in.Level = "0" }, "level"},
		{"bad amount", func(in *FigureInput) { in.Amount = "12.345" }, "amount"},
		{"unknown type", func(in *FigureInput) { in.Type = "x" }, "type"},
		{"long note", func(in *FigureInput) { in.Note = strings.Repeat("字", MaxNoteLen+1) }, "note"},
	} {
		in := ok
		c.edit(&in)
		_, err := ParseFigure(in)
		v, isV := AsValidation(err)
		if !isV || v.Fields[c.field] == "" {
			t.Errorf("%s: want a message on %s, got %v", c.name, c.field, err)
		}
	}
	rate := FigureInput{Kind: FigureRate, Group: "企业职工", MinLevel: "3", Percent: "80", From: "2027-01-01", SourceDoc: "指南"}
	if f, err := ParseFigure(rate); err != nil || f.Rate.Group != GroupEmployee || f.Rate.Percent != 80 {
		t.Fatalf("rate: %+v %v", f.Rate, err)
	}
	rate.Percent = "101"
	if _, err := ParseFigure(rate); err == nil {
		t.Fatal("101% accepted")
	}
	th := FigureInput{Kind: FigureThreshold, Percent: "0", From: "2027-01-01", SourceDoc: "通知"}
	if _, err := ParseFigure(th); err == nil {
		t.Fatal("a 0% threshold accepted")
	}
	if _, err := ParseFigure(FigureInput{Kind: "x"}); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

func TestDecideAddFigure(t *testing.T) {
	f := Figure{Kind: FigureStandard, Standard: SubsidyStandard{Dated: dated("2026-07-01", "")}}
	open := DatedRow{ID: 7, Period: Period{From: day("2020-01-01")}, Name: "四级标准"}
	closed := DatedRow{ID: 8, Period: Period{From: day("2019-01-01"), To: dayPtr("2019-12-31")}, Name: "旧标准"}
	if id, rs := DecideAddFigure(f, []DatedRow{open, closed}); !rs.OK() || id != 7 {
		t.Fatalf("a later standard closes the open one: %d %v", id, rs.Messages())
	}
	// The same start date as the open row, or earlier: refused.
	same := Figure{Kind: FigureStandard, Standard: SubsidyStandard{Dated: dated("2020-01-01", "")}}
	if _, rs := DecideAddFigure(same, []DatedRow{open}); rs.OK() || !strings.Contains(rs.Messages()[0], "第十二条") {
		t.Fatalf("same start accepted: %v", rs.Messages())
	}
	// Overlapping a closed row: refused.
	inside := Figure{Kind: FigureStandard, Standard: SubsidyStandard{Dated: dated("2019-06-01", "")}}
	if _, rs := DecideAddFigure(inside, []DatedRow{closed}); rs.OK() {
		t.Fatal("overlap with a closed row accepted")
	}
	// After a closed row: fine, nothing to close.
	after := Figure{Kind: FigureStandard, Standard: SubsidyStandard{Dated: dated("2020-01-01", "")}}
	if id, rs := DecideAddFigure(after, []DatedRow{closed}); !rs.OK() || id != 0 {
		t.Fatalf("after a closed row: %d %v", id, rs.Messages())
	}
	if rs := DecideEndFigure(open, day("2025-12-31")); !rs.OK() {
		t.Fatalf("end: %v", rs.Messages())
	}
	if rs := DecideEndFigure(open, day("2019-12-31")); rs.OK() {
		t.Fatal("end before start accepted")
	}
	if rs := DecideEndFigure(closed, day("2025-12-31")); rs.OK() {
		t.Fatal("ending a closed row accepted")
	}
}

func TestPeriod(t *testing.T) {
	p := Period{From: day("2026-01-01"), To: dayPtr("2026-06-30")}
	if !p.Covers(day("2026-01-01")) || !p.Covers(day("2026-06-30")) || p.Covers(day("2026-07-01")) || p.Covers(day("2025-12-31")) {
		t.Fatal("Covers boundaries")
	}
	q := Period{From: day("2026-06-30")}
	if !p.Overlaps(q) || !q.Overlaps(p) || p.Overlaps(Period{From: day("2026-07-01")}) {
		t.Fatal("Overlaps boundaries")
	}
	if p.Text() != "2026-01-01 至 2026-06-30" || q.Text() != "2026-06-30 起" {
		t.Fatalf("Text: %s / %s", p.Text(), q.Text())
	}
}
