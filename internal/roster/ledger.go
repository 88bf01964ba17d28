package roster

import (
	"io"

	"github.com/xuri/excelize/v2"

	"tianmu/internal/training"
)

// WriteLedger writes a class's ledger (SUP-1) as one workbook, a sheet
// per part, with excelize's StreamWriter: a title row, the header, the
// rows; every cell as text through SafeCell (no formula ever starts).
func WriteLedger(w io.Writer, title string, parts []training.LedgerPart) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	heading, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	if err != nil {
		return err
	}
	for i, p := range parts {
		name := sheetName(p.Title)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		for c := range p.Header {
			width := 14.0
			if c < len(p.Widths) && p.Widths[c] > 0 {
				width = p.Widths[c]
			}
			if err := sw.SetColWidth(c+1, c+1, width); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: heading, Value: SafeCell(title + " · " + p.Title)}}); err != nil {
			return err
		}
		head := make([]any, len(p.Header))
		for c, h := range p.Header {
			head[c] = excelize.Cell{StyleID: bold, Value: SafeCell(h)}
		}
		if err := sw.SetRow("A2", head); err != nil {
			return err
		}
		cells := make([]any, 0, len(p.Header))
		for r, row := range p.Rows {
			cells = cells[:0]
			for _, v := range row {
				cells = append(cells, SafeCell(v))
			}
			if err := sw.SetRow(cellName(1, r+3), cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	// The first sheet opens (a new file's active tab): SetActiveSheet
	// here would parse every streamed sheet back into memory (70 % of a
	// 5,000-line payment batch's time). Zipped straight into w, as Stream
	// does (WriteTo would first build the workbook in a buffer).
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return fastZip(w) })
	_, err = f.WriteTo(io.Discard)
	return err
}

// sheetName keeps a part's title within Excel's 31 characters.
func sheetName(s string) string {
	r := []rune(s)
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}
