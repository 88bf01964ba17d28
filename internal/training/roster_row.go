package training

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// RosterColumn is one column of the roster template.
type RosterColumn struct {
	Key      string // the TraineeInput field
	Label    string // the header in the template
	Required bool
	Hint     string // for the 说明 sheet
}

// RosterColumns are the template's columns, in order.
var RosterColumns = []RosterColumn{
	{"id_number", "身份证号码", true, "18位居民身份证号码；本列须为文本格式，否则Excel会把号码改成3.30185E+17之类的数字"},
	{"name", "姓名", true, "与身份证一致"},
	{"phone", "手机号码", true, "11位手机号码"},
	{"target_group", "人员类别", true, "第二条：企业职工、农村转移就业劳动者、失业人员、退役军人、就业困难人员、其他"},
	{"employment", "就业状态", true, "在职、未就业、灵活就业/自主创业、在校学生、其他"},
	{"hukou", "户籍类型", true, "本地城镇、本地农村、外地城镇、外地农村"},
	{"employer", "工作单位", false, "可空"},
}

// MaxRosterCell is the longest cell kept from an uploaded roster (in
// characters); anything longer is cut, and the field check then refuses it.
const MaxRosterCell = 120

// RosterHeader maps each template column to its index in the file's header
// row (-1 when absent).
type RosterHeader map[string]int

// ParseRosterHeader reads the header row. Columns may be in any order; the
// labels are matched after trimming (a leading * for required is allowed).
// The message names the missing required columns.
func ParseRosterHeader(cells []string) (RosterHeader, string) {
	h := RosterHeader{}
	for _, c := range RosterColumns {
		h[c.Key] = -1
	}
	for i, cell := range cells {
		label := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(stripBOM(cell)), "*"))
		for _, c := range RosterColumns {
			if (label == c.Label || label == c.Key) && h[c.Key] < 0 {
				h[c.Key] = i
			}
		}
	}
	var missing []string
	for _, c := range RosterColumns {
		if c.Required && h[c.Key] < 0 {
			missing = append(missing, c.Label)
		}
	}
	if len(missing) > 0 {
		return h, "第一行应为表头，缺少列：" + strings.Join(missing, "、") + "（请使用下载的导入模板）"
	}
	return h, ""
}

func stripBOM(s string) string { return strings.TrimPrefix(s, "\uFEFF") }

// RosterRow is one data row of an uploaded roster, with what is wrong with
// it on its own (the checks against other rows and the database come later).
type RosterRow struct {
	Line     int // 1-based row number in the file (the header is line 1)
	In       TraineeInput
	Trainee  Trainee // valid only when Problems is empty
	Problems []string
}

// Blank reports whether every cell of the row was empty (such rows are
// skipped, as Excel often leaves formatted empty rows behind).
func (r RosterRow) Blank() bool {
	in := r.In
	return in.IDNumber == "" && in.Name == "" && in.Phone == "" && in.TargetGroup == "" && in.Employment == "" &&
		in.Hukou == "" && in.Employer == ""
}

// ParseRosterRow turns one row's cells into a trainee and the row's own
// problems, each prefixed with the column it is about.
func ParseRosterRow(h RosterHeader, line int, cells []string, today time.Time) RosterRow {
	get := func(key string) string {
		i := h[key]
		if i < 0 || i >= len(cells) {
			return ""
		}
		return cleanCell(cells[i])
	}
	r := RosterRow{Line: line, In: TraineeInput{IDNumber: get("id_number"), Name: get("name"), Phone: get("phone"),
		TargetGroup: get("target_group"), Employment: get("employment"), Hukou: get("hukou"), Employer: get("employer")}}
	r.In.Normalize()
	if r.Blank() {
		return r
	}
	t, err := r.In.Validate(today)
	if v, ok := AsValidation(err); ok {
		keys := make([]string, 0, len(v.Fields))
		for k := range v.Fields {
			keys = append(keys, k)
		}
		order := map[string]int{}
		for i, c := range RosterColumns {
			order[c.Key] = i
		}
		sort.Slice(keys, func(i, j int) bool { return order[keys[i]] < order[keys[j]] })
		for _, k := range keys {
			msg := v.Fields[k]
			if k == "id_number" && excelNumber(r.In.IDNumber, msg) {
				msg = "身份证号码被Excel转成了数字（末几位变成了0），请将该列设为文本格式后重新填写"
			}
			r.Problems = append(r.Problems, columnLabel(k)+"："+msg)
		}
		r.Problems = append(r.Problems, v.General...)
	} else if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	r.Trainee = t
	return r
}

// excelNumber spots an 18-digit ID number whose last digits Excel rounded
// to zero (it keeps 15 significant digits): 330185199003071000.
func excelNumber(id, msg string) bool {
	if msg == "" || len(id) != 18 || !strings.HasSuffix(id, "000") {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

func columnLabel(key string) string {
	for _, c := range RosterColumns {
		if c.Key == key {
			return c.Label
		}
	}
	return key
}

// cleanCell trims a cell, drops control characters and cuts it to
// MaxRosterCell characters. Invalid UTF-8 becomes U+FFFD.
func cleanCell(s string) string {
	s = strings.TrimSpace(stripBOM(s))
	if utf8.ValidString(s) && len(s) <= MaxRosterCell && !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= MaxRosterCell {
			break
		}
		if isControl(r) {
			continue
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r == 0 }

// ImportJob is one uploaded roster file: its validation runs in the
// background; the report and the import follow.
type ImportJob struct {
	ID            int64
	ClassID       int64
	InstitutionID int64
	Filename      string
	Status        string // queued, validating, validated, imported, failed
	Processed     int
	Total         int
	Valid         int
	Imported      int
	Message       string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Purged        bool // the staged rows were deleted 30 days after the upload
}

// Running reports whether the validation is still under way.
func (j ImportJob) Running() bool { return j.Status == "queued" || j.Status == "validating" }

// Invalid is the number of rows that will not be imported.
func (j ImportJob) Invalid() int { return j.Total - j.Valid }

// ImportProblem is one row of the import report.
type ImportProblem struct {
	Line     int
	Name     string
	IDNumber string // masked
	Problems []string
}
