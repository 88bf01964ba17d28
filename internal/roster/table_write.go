package roster

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// Table is a small worksheet to write: a header row and data rows, every
// column formatted as text (ID numbers, candidate numbers and scores keep
// what they are), every cell through SafeCell, and an optional 说明 sheet.
// The schedule template, the result sheet and the exam-affairs export are
// written with it.
type Table struct {
	Sheet  string
	Header []string
	Rows   [][]string
	Width  []float64 // per column; 0 or missing: 14
	Notes  [][2]string
}

// WriteTable writes t as a new .xlsx.
func WriteTable(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
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
	n := max(len(t.Header), 1)
	last, _ := excelize.ColumnNumberToName(n)
	if err := f.SetColStyle(t.Sheet, "A:"+last, text); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		col, _ := excelize.ColumnNumberToName(i + 1)
		width := 14.0
		if i < len(t.Width) && t.Width[i] > 0 {
			width = t.Width[i]
		}
		if err := f.SetColWidth(t.Sheet, col, col, width); err != nil {
			return err
		}
	}
	for r, row := range append([][]string{t.Header}, t.Rows...) {
		for c, v := range row {
			if err := f.SetCellStr(t.Sheet, cellName(c+1, r+1), SafeCell(v)); err != nil {
				return err
			}
		}
	}
	if err := f.SetCellStyle(t.Sheet, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := f.SetPanes(t.Sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if len(t.Notes) > 0 {
		const help = "说明"
		if _, err := f.NewSheet(help); err != nil {
			return err
		}
		_ = f.SetColWidth(help, "A", "A", 16)
		_ = f.SetColWidth(help, "B", "B", 90)
		for i, l := range t.Notes {
			if err := f.SetCellStr(help, cellName(1, i+1), l[0]); err != nil {
				return err
			}
			if err := f.SetCellStr(help, cellName(2, i+1), l[1]); err != nil {
				return err
			}
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}
