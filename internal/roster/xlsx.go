package roster

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"tianmu/internal/training"
)

// textFormat is Excel's built-in "@" (text) number format: numbers typed
// into such a cell stay text, so ID numbers keep all 18 digits.
const textFormat = 49

// Template writes the import template: the roster sheet with the header
// row and every column formatted as text, and a 说明 sheet.
func Template(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: textFormat})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{NumFmt: textFormat, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(training.RosterColumns))
	if err := f.SetColStyle(SheetName, "A:"+last, text); err != nil {
		return err
	}
	_ = f.SetColWidth(SheetName, "A", "A", 22)
	_ = f.SetColWidth(SheetName, "B", last, 16)
	for i, c := range training.RosterColumns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(SheetName, cell, c.Label); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(SheetName, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := f.SetPanes(SheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}

	const help = "说明"
	if _, err := f.NewSheet(help); err != nil {
		return err
	}
	_ = f.SetColWidth(help, "A", "A", 14)
	_ = f.SetColWidth(help, "B", "B", 90)
	lines := [][2]string{
		{"学员名单导入说明", ""},
		{"", "在“" + SheetName + "”工作表第2行起每行填写一名学员，第1行表头请勿修改。也可另存为CSV（UTF-8或GB18030编码）上传。"},
		{"", "整个文件先全部校验，逐行列出问题；确认后只导入校验通过的行，也可修改文件后重新上传。"},
		{"", "第七条：职业资格类、技能等级类、专项能力类培训班每班不超过50人，创业类每班不超过30人（经批准的人数例外除外）。超过上限的导入将被拒绝，并提示还可导入的人数。"},
		{"", "培训班开班后不能再添加学员，只能办理退学。"},
		{"", "文件不超过10MB、10000行。"},
		{"列", "填写要求"},
	}
	for _, c := range training.RosterColumns {
		req := "（必填）"
		if !c.Required {
			req = "（选填）"
		}
		lines = append(lines, [2]string{c.Label, req + c.Hint})
	}
	for i, l := range lines {
		_ = f.SetCellStr(help, cellName(1, i+1), l[0])
		_ = f.SetCellStr(help, cellName(2, i+1), l[1])
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// SafeCell neutralises a value that a spreadsheet would read as a formula
// (it starts with = + - @, or a tab or carriage return before one): it is
// prefixed with an apostrophe, which shows the text as typed.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// ExportColumns is the header row of the roster export.
var ExportColumns = []string{"序号", "身份证号码", "姓名", "性别", "出生日期", "手机号码", "人员类别", "就业状态", "户籍类型", "工作单位", "状态", "退学原因"}

// Export writes a class's roster with excelize's StreamWriter. Unless
// full, ID numbers and phones are masked. Every text cell goes through
// SafeCell.
func Export(w io.Writer, title string, list []training.Enrolment, full bool) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return err
	}
	_ = sw.SetColWidth(2, 2, 22)
	_ = sw.SetColWidth(3, 12, 14)
	row := 1
	put := func(vals ...string) error {
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = SafeCell(v)
		}
		err := sw.SetRow(cellName(1, row), cells)
		row++
		return err
	}
	if err := put(title); err != nil {
		return err
	}
	if err := put(ExportColumns...); err != nil {
		return err
	}
	for i, e := range list {
		t := e.Trainee
		id, phone := training.MaskID(t.IDNumber), training.MaskPhone(t.Phone)
		if full {
			id, phone = t.IDNumber, t.Phone
		}
		sex := "女"
		if t.Male {
			sex = "男"
		}
		status := e.Status.Label()
		if err := put(strconv.Itoa(i+1), id, t.Name, sex, t.BirthDate.Format("2006-01-02"), phone, t.TargetGroup.Label(),
			t.Employment.Label(), t.Hukou.Label(), t.Employer, status, e.WithdrawnReason); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// WriteSheet writes rows as the roster sheet of a new .xlsx, every cell
// as text (tests and tools make upload files with it). Cells that parse
// as numbers are written as numbers when numeric is true, as Excel does
// when the column is not formatted as text.
func WriteSheet(w io.Writer, rows [][]string, numeric bool) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return err
	}
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
			if numeric {
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					cells[j] = n
				}
			}
		}
		if err := sw.SetRow(cellName(1, i+1), cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
