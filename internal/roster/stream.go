package roster

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// Stream writes a one-sheet .xlsx with excelize's StreamWriter, for list
// exports and chart data: an optional title row, the header, then the
// rows that fill gives to put. Every cell goes through SafeCell (no
// formulas); the caller masks personal data.
func Stream(w io.Writer, sheet, title string, header []string, widths []float64, fill func(put func(cells ...string) error) error) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if wd > 0 {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return err
			}
		}
	}
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
	if title != "" {
		if err := put(title); err != nil {
			return err
		}
	}
	if err := put(header...); err != nil {
		return err
	}
	if err := fill(put); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
