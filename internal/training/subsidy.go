package training

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Subsidy standards and the figures a claim is computed from (SUB-1,
// 第十二条; DELIV-3). They are bureau data, dated, with their source
// document; the rules below pick the row in force on a date.

// Period is when a dated figure is in force: From, and To inclusive (nil:
// open-ended).
type Period struct {
	From time.Time
	To   *time.Time
}

// Covers reports whether d falls in the period.
func (p Period) Covers(d time.Time) bool {
	return !d.Before(p.From) && (p.To == nil || !d.After(*p.To))
}

// Overlaps reports whether two periods share a day.
func (p Period) Overlaps(o Period) bool {
	return (p.To == nil || !o.From.After(*p.To)) && (o.To == nil || !p.From.After(*o.To))
}

// Text is "2020-01-01 起" or "2020-01-01 至 2025-12-31".
func (p Period) Text() string {
	if p.To == nil {
		return p.From.Format("2006-01-02") + " 起"
	}
	return p.From.Format("2006-01-02") + " 至 " + p.To.Format("2006-01-02")
}

// Dated is what every dated figure carries.
type Dated struct {
	ID        int64
	Period    Period
	SourceDoc string
	Note      string
	CreatedBy string
	CreatedAt time.Time
}

// SubsidyStandard is the amount per person for a class type and level
// (SUB-1), for every occupation or (an override) for one.
type SubsidyStandard struct {
	Dated
	Type           ClassType
	Level          Level
	OccupationID   int64 // 0: every occupation
	OccupationName string
	Amount         int64 // fen
}

// Key names the standard's scope: type, level and occupation.
func (s SubsidyStandard) Key() string {
	return fmt.Sprintf("%s|%d|%d", s.Type, s.Level, s.OccupationID)
}

// Describe is "四级 ¥1,500.00（杭人社发〔2020〕43号，2020-01-01 起）".
func (s SubsidyStandard) Describe() string {
	scope := s.Level.Short()
	if s.Level == LevelNone {
		scope = s.Type.Label()
	}
	if s.OccupationName != "" {
		scope = s.OccupationName + scope
	}
	return scope + " " + YuanText(s.Amount) + "（" + s.SourceDoc + "，" + s.Period.Text() + "）"
}

// SubsidyRate is the payable percentage for a target group (SUB-1): for
// every class, for classes at MinLevel or higher, or in a shortage
// occupation only.
type SubsidyRate struct {
	Dated
	Group    TargetGroup
	MinLevel Level // LevelNone: any class
	Shortage bool
	Percent  int
}

// Key names the rate's scope.
func (r SubsidyRate) Key() string { return fmt.Sprintf("%s|%d|%t", r.Group, r.MinLevel, r.Shortage) }

// Condition describes when the rate applies ("三级及以上", "紧缺工种", "").
func (r SubsidyRate) Condition() string {
	var parts []string
	if r.MinLevel != LevelNone {
		parts = append(parts, r.MinLevel.Short()+"及以上")
	}
	if r.Shortage {
		parts = append(parts, "紧缺工种")
	}
	return strings.Join(parts, "、")
}

// applies reports whether the rate applies to a class at level l in an
// occupation that is (or is not) short.
func (r SubsidyRate) applies(g TargetGroup, l Level, shortage bool) bool {
	if r.Group != g || (r.Shortage && !shortage) {
		return false
	}
	return r.MinLevel == LevelNone || l.AtLeast(r.MinLevel)
}

// ShortageOccupation is an occupation on the bureau's shortage list (紧缺工种).
type ShortageOccupation struct {
	Dated
	OccupationID   int64
	OccupationName string
}

// Key names the entry's scope.
func (s ShortageOccupation) Key() string { return strconv.FormatInt(s.OccupationID, 10) }

// AttendanceThreshold is DELIV-3's minimum attendance rate, in percent.
type AttendanceThreshold struct {
	Dated
	Percent int
}

// SubsidyTables are all the dated figures, as the repository loads them.
type SubsidyTables struct {
	Standards  []SubsidyStandard
	Rates      []SubsidyRate
	Shortage   []ShortageOccupation
	Thresholds []AttendanceThreshold
}

// PickStandard is the standard in force on d for a class: the override for
// its occupation when there is one, else the general row.
func (t SubsidyTables) PickStandard(ct ClassType, l Level, occupationID int64, d time.Time) (SubsidyStandard, bool) {
	var general *SubsidyStandard
	for i := range t.Standards {
		s := &t.Standards[i]
		if s.Type != ct || s.Level != l || !s.Period.Covers(d) {
			continue
		}
		if s.OccupationID == occupationID && occupationID != 0 {
			return *s, true
		}
		if s.OccupationID == 0 {
			general = s
		}
	}
	if general == nil {
		return SubsidyStandard{}, false
	}
	return *general, true
}

// IsShortage reports whether the occupation is on the shortage list on d.
func (t SubsidyTables) IsShortage(occupationID int64, d time.Time) bool {
	for _, s := range t.Shortage {
		if s.OccupationID == occupationID && s.Period.Covers(d) {
			return true
		}
	}
	return false
}

// PickRate is the highest percentage in force on d that applies to the
// group at level l (a shortage occupation, a level at or above a rate's
// minimum, and the plain rate all apply; the best one is paid). ok is false
// when none applies or the best is 0 %: the group is not eligible.
func (t SubsidyTables) PickRate(g TargetGroup, l Level, shortage bool, d time.Time) (SubsidyRate, bool) {
	var best *SubsidyRate
	for i := range t.Rates {
		r := &t.Rates[i]
		if !r.Period.Covers(d) || !r.applies(g, l, shortage) {
			continue
		}
		if best == nil || r.Percent > best.Percent {
			best = r
		}
	}
	if best == nil || best.Percent == 0 {
		return SubsidyRate{}, false
	}
	return *best, true
}

// PickThreshold is DELIV-3's threshold in force on d.
func (t SubsidyTables) PickThreshold(d time.Time) (AttendanceThreshold, bool) {
	for _, a := range t.Thresholds {
		if a.Period.Covers(d) {
			return a, true
		}
	}
	return AttendanceThreshold{}, false
}

// SubsidyAmount is the standard times the percentage, rounded half up to
// the fen.
func SubsidyAmount(standard int64, percent int) int64 {
	return (standard*int64(percent) + 50) / 100
}

// Rules of the figures' forms.
var (
	RuleFigureFrom      = NewRule("SUB-1", "", "请填写生效日期（如 2026-01-01）")
	RuleFigureDoc       = NewRule("SUB-1", "第十二条", "请填写依据文件（文号）")
	RuleFigureOverlap   = NewRule("SUB-1", "第十二条", "与已有的%s（%s）时间重叠；新标准的生效日期须晚于现行标准的生效日期")
	RuleStandardType    = NewRule("SUB-1", "", "请选择培训类型")
	RuleStandardLevel   = NewRule("SUB-1", "第七条", "%s须选择等级；专项能力类、创业类不分等级")
	RuleStandardAmount  = NewRule("SUB-1", "第十二条", "请填写每人补贴金额（元，最多两位小数，不超过10万元）")
	RuleRateGroup       = NewRule("SUB-1", "第二条", "请选择人员类别")
	RuleRatePercent     = NewRule("SUB-1", "第十二条", "补贴比例应为0到100的整数")
	RuleShortageOcc     = NewRule("SUB-1", "", "请选择工种")
	RuleThresholdPct    = NewRule("DELIV-3", "第八条", "出勤率门槛应为1到100的整数")
	RuleFigureEndBefore = NewRule("SUB-1", "第十二条", "截止日期不能早于生效日期（%s）")
	RuleFigureEnded     = NewRule("SUB-1", "第十二条", "该标准已有截止日期，请新增一条标准")
	RuleFigureEndDate   = NewRule("SUB-1", "", "请填写截止日期（如 2026-12-31）")
	RuleFigureKind      = NewRule("SUB-1", "", "请选择要新增的项目（标准、比例、紧缺工种或出勤率门槛）")
)

// FigureInput is a dated figure as typed on the standards page; Kind says
// which table (standard, rate, shortage, threshold).
type FigureInput struct {
	Kind         string
	Type         string
	Level        string
	OccupationID string
	Group        string
	MinLevel     string
	Shortage     bool
	Amount       string // yuan
	Percent      string
	From         string
	SourceDoc    string
	Note         string
}

// Figure kinds.
const (
	FigureStandard  = "standard"
	FigureRate      = "rate"
	FigureShortage  = "shortage"
	FigureThreshold = "threshold"
)

// Figure is a validated FigureInput: one of the four, with its period.
type Figure struct {
	Kind      string
	Standard  SubsidyStandard
	Rate      SubsidyRate
	Shortage  ShortageOccupation
	Threshold AttendanceThreshold
}

// ParseFigure validates the form of any of the four figures.
func ParseFigure(in FigureInput) (Figure, error) {
	var p Problems
	var d Dated
	if from, ok := ParseDay(in.From); ok {
		d.Period.From = from
	} else {
		p.Add("from", RuleFigureFrom.Msg())
	}
	d.SourceDoc = textLen(&p, "source_doc", in.SourceDoc, true, MaxDocLen, RuleFigureDoc.Msg())
	d.Note = textLen(&p, "note", in.Note, false, MaxNoteLen, "")
	f := Figure{Kind: in.Kind}
	level := func(s string) Level { n, _ := strconv.Atoi(strings.TrimSpace(s)); return Level(n) }
	percent := func(field string, r *Rule, lo int) int {
		n, err := strconv.Atoi(strings.TrimSpace(in.Percent))
		if err != nil || n < lo || n > 100 {
			p.Add(field, r.Msg())
		}
		return n
	}
	switch in.Kind {
	case FigureStandard:
		s := SubsidyStandard{Dated: d, Type: ClassType(in.Type), Level: level(in.Level)}
		s.OccupationID, _ = strconv.ParseInt(strings.TrimSpace(in.OccupationID), 10, 64)
		switch {
		case !s.Type.Valid():
			p.Add("type", RuleStandardType.Msg())
		case s.Type.HasLevel() && !s.Level.Valid(), !s.Type.HasLevel() && s.Level != LevelNone:
			p.Add("level", RuleStandardLevel.Msg(s.Type.Label()))
		}
		amount, ok := ParseYuan(in.Amount)
		if !ok {
			p.Add("amount", RuleStandardAmount.Msg())
		}
		s.Amount = amount
		f.Standard = s
	case FigureRate:
		r := SubsidyRate{Dated: d, MinLevel: level(in.MinLevel), Shortage: in.Shortage}
		g, ok := ParseTargetGroup(in.Group)
		if !ok {
			p.Add("group", RuleRateGroup.Msg())
		}
		r.Group = g
		if r.MinLevel != LevelNone && !r.MinLevel.Valid() {
			p.Add("min_level", RuleStandardLevel.Msg("等级条件"))
		}
		r.Percent = percent("percent", RuleRatePercent, 0)
		f.Rate = r
	case FigureShortage:
		s := ShortageOccupation{Dated: d}
		s.OccupationID, _ = strconv.ParseInt(strings.TrimSpace(in.OccupationID), 10, 64)
		if s.OccupationID <= 0 {
			p.Add("occupation_id", RuleShortageOcc.Msg())
		}
		f.Shortage = s
	case FigureThreshold:
		f.Threshold = AttendanceThreshold{Dated: d, Percent: percent("percent", RuleThresholdPct, 1)}
	default:
		return f, Invalid("kind", RuleFigureKind.Msg())
	}
	return f, p.Err()
}

// Period is the figure's period, whatever its kind.
func (f Figure) period() Period {
	switch f.Kind {
	case FigureStandard:
		return f.Standard.Period
	case FigureRate:
		return f.Rate.Period
	case FigureShortage:
		return f.Shortage.Period
	}
	return f.Threshold.Period
}

// DatedRow is an existing row of the same key as a new figure: its id,
// its period and how to name it in a message.
type DatedRow struct {
	ID     int64
	Period Period
	Name   string
}

// DecideAddFigure is the rule for a new dated figure: it may follow the
// open-ended row of its key (which then ends the day before), but it may
// not overlap any other row. It returns the id of the row to close (0 for
// none).
func DecideAddFigure(f Figure, same []DatedRow) (closeID int64, rs Refusals) {
	p := f.period()
	for _, r := range same {
		if r.Period.To == nil && r.Period.From.Before(p.From) {
			closeID = r.ID
			continue
		}
		if r.Period.Overlaps(p) {
			rs.Add("from", RuleFigureOverlap, r.Name, r.Period.Text())
		}
	}
	if !rs.OK() {
		return 0, rs
	}
	return closeID, rs
}

// DecideEndFigureOn is DecideEndFigure on the date as typed: a date it
// can read (RuleFigureEndDate), then the rule; it returns the date.
func DecideEndFigureOn(row DatedRow, to string) (time.Time, Refusals) {
	end, ok := ParseDay(to)
	if !ok {
		var rs Refusals
		rs.Add("to", RuleFigureEndDate)
		return end, rs
	}
	return end, DecideEndFigure(row, end)
}

// DecideEndFigure is the rule for ending an open-ended figure on to.
func DecideEndFigure(row DatedRow, to time.Time) Refusals {
	var rs Refusals
	switch {
	case row.Period.To != nil:
		rs.Add("to", RuleFigureEnded)
	case to.Before(row.Period.From):
		rs.Add("to", RuleFigureEndBefore, row.Period.From.Format("2006-01-02"))
	}
	return rs
}
