package training

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Inspections and rectification (SUP-4, 第十五条, 第十六条): the bureau
// inspects an institution (optionally one class) against a checklist it
// keeps as data; every item marked 不符合 is a finding; a finding may order
// rectification (限期整改) with a deadline in working days; the institution
// answers with text and evidence before the deadline; the bureau accepts
// or escalates.

// InspectionMode is how an inspection was done.
type InspectionMode string

// Inspection modes.
const (
	ModeOnSite InspectionMode = "onsite"
	ModeRemote InspectionMode = "remote"
)

// Label is the Chinese name.
func (m InspectionMode) Label() string {
	switch m {
	case ModeOnSite:
		return "现场检查"
	case ModeRemote:
		return "远程检查"
	}
	return string(m)
}

// Valid reports whether m is known.
func (m InspectionMode) Valid() bool { return m == ModeOnSite || m == ModeRemote }

// ItemResult is the result of one checklist item.
type ItemResult string

// Check results.
const (
	ItemOK   ItemResult = "ok"
	ItemFail ItemResult = "fail"
	ItemNA   ItemResult = "na"
)

// ItemResults lists the results in display order.
var ItemResults = []ItemResult{ItemOK, ItemFail, ItemNA}

// Label is the Chinese name.
func (r ItemResult) Label() string {
	switch r {
	case ItemOK:
		return "符合"
	case ItemFail:
		return "不符合"
	case ItemNA:
		return "不适用"
	}
	return string(r)
}

// Valid reports whether r is known.
func (r ItemResult) Valid() bool { return r == ItemOK || r == ItemFail || r == ItemNA }

// ChecklistItem is one line of the bureau's inspection checklist.
type ChecklistItem struct {
	ID      int64
	Seq     int
	Text    string
	Active  bool
	AddedBy string
}

// Inspection is one recorded inspection.
type Inspection struct {
	ID              int64
	InstitutionID   int64
	InstitutionName string
	ClassID         int64 // 0: the institution as a whole
	ClassNo         string
	Mode            InspectionMode
	Date            time.Time
	Inspectors      string
	Summary         string
	RecordedBy      string
	RecordedAt      time.Time
	Findings        int // items found 不符合
}

// InspectionResult is one checklist item's result on an inspection.
type InspectionResult struct {
	ItemID int64
	Text   string
	Result ItemResult
	Note   string
}

// Finding is an item found 不符合: what a rectification order or a
// sanction rests on.
type Finding struct {
	ID            int64
	InspectionID  int64
	InstitutionID int64
	Date          time.Time
	Text          string // the checklist item
	Note          string // what the inspectors saw
	OrderID       int64  // its rectification order, 0 when none
}

// Label is the finding as one line: date, item, note.
func (f Finding) Label() string {
	s := f.Date.Format("2006-01-02") + " " + f.Text
	if f.Note != "" {
		s += "：" + f.Note
	}
	return s
}

// EvidenceFile is a photo or PDF attached to an inspection or an answer.
type EvidenceFile struct {
	ID          int64
	Filename    string
	ContentType string
	Size        int
	SHA256      string
	UploadedBy  string
	UploadedAt  time.Time
}

// Rules of inspections.
var (
	RuleInspectDate       = NewRule("SUP-4", "", "请填写检查日期（如 2026-03-16），不能晚于今天")
	RuleInspectMode       = NewRule("SUP-4", "", "请选择检查方式（现场或远程）")
	RuleInspectInspectors = NewRule("SUP-4", "第十六条", "请填写检查人员（至少两人，用顿号或逗号分隔，最多200字）")
	RuleInspectResult     = NewRule("SUP-4", "", "请为检查项「%s」选择结果")
	RuleInspectNote       = NewRule("SUP-4", "第十六条", "检查项「%s」不符合，请写明发现的问题（最多500字）")
	RuleInspectSummary    = NewRule("SUP-4", "", "检查情况说明最多2000字")
	RuleInspectClass      = NewRule("SUP-4", "", "所选培训班不属于被检查机构")
	RuleInspectNoItems    = NewRule("SUP-4", "第十五条", "检查清单为空，请先维护检查清单")
	RuleChecklistText     = NewRule("SUP-4", "", "请填写检查项内容（最多200字）")
	RuleInspectBureau     = NewRule("SUP-4", "第十五条、第十六条", "只有区人力社保局可以记录监督检查")
)

// InspectionInput is what the bureau types for an inspection. Results are
// keyed by checklist item id.
type InspectionInput struct {
	InstitutionID int64
	ClassID       int64
	Mode          InspectionMode
	Date          string
	Inspectors    string
	Summary       string
	Results       map[int64]ItemResult
	Notes         map[int64]string
}

// ResultField is the form field of an item's result.
func ResultField(itemID int64) string { return "result_" + strconv.FormatInt(itemID, 10) }

// NoteField is the form field of an item's note.
func NoteField(itemID int64) string { return "note_" + strconv.FormatInt(itemID, 10) }

// InspectionFacts is what DecideInspection needs besides the input.
type InspectionFacts struct {
	Today          time.Time
	Items          []ChecklistItem // the active checklist
	ClassInstitute int64           // the chosen class's institution, 0 when no class
}

// DecideInspection checks an inspection before it is recorded and returns
// the parsed date.
func DecideInspection(a Actor, in InspectionInput, f InspectionFacts) (time.Time, Refusals) {
	var rs Refusals
	if !a.IsBureau() {
		rs.General(RuleInspectBureau)
		return time.Time{}, rs
	}
	if !in.Mode.Valid() {
		rs.Add("mode", RuleInspectMode)
	}
	d, err := time.Parse("2006-01-02", strings.TrimSpace(in.Date))
	if err != nil || d.After(f.Today) {
		rs.Add("date", RuleInspectDate)
	}
	insp := strings.TrimSpace(in.Inspectors)
	if len(splitNames(insp)) < 2 || utf8.RuneCountInString(insp) > 200 {
		rs.Add("inspectors", RuleInspectInspectors)
	}
	if utf8.RuneCountInString(in.Summary) > 2000 {
		rs.Add("summary", RuleInspectSummary)
	}
	if in.ClassID != 0 && f.ClassInstitute != in.InstitutionID {
		rs.Add("class_id", RuleInspectClass)
	}
	if len(f.Items) == 0 {
		rs.General(RuleInspectNoItems)
	}
	for _, it := range f.Items {
		r := in.Results[it.ID]
		note := strings.TrimSpace(in.Notes[it.ID])
		switch {
		case !r.Valid():
			rs.Add(ResultField(it.ID), RuleInspectResult, it.Text)
		case r == ItemFail && (note == "" || utf8.RuneCountInString(note) > 500):
			rs.Add(NoteField(it.ID), RuleInspectNote, it.Text)
		case utf8.RuneCountInString(note) > 500:
			rs.Add(NoteField(it.ID), RuleInspectNote, it.Text)
		}
	}
	return d, rs
}

// splitNames splits a list of names on Chinese and Western separators.
func splitNames(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' || r == '　'
	})
	return f
}

// CheckChecklistText validates a checklist item's text.
func CheckChecklistText(text string) Refusals {
	var rs Refusals
	t := strings.TrimSpace(text)
	if t == "" || utf8.RuneCountInString(t) > 200 {
		rs.Add("text", RuleChecklistText)
	}
	return rs
}

// CanInspect reports whether the actor may record inspections.
func CanInspect(a Actor) bool { return a.IsBureau() }
