package roster

import (
	"io"
	"strings"
)

// ReadTable reads a small spreadsheet (an .xlsx's first sheet, or a .csv)
// with the same sniffing and zip-bomb limits as a roster, and returns its
// rows, header first, each cell trimmed. Blank rows are kept so line
// numbers match the file. More than maxRows data rows is refused.
func ReadTable(data []byte, maxRows int) ([][]string, error) {
	kind, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	r := &Reader{close: func() {}}
	if kind == KindXLSX {
		if err := r.openXLSX(data); err != nil {
			return nil, err
		}
	} else {
		r.openCSV(data)
	}
	defer r.Close()
	var out [][]string
	for {
		cells, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(out) > maxRows {
			return nil, problem("文件超过%d行，请分批导入", maxRows)
		}
		row := make([]string, len(cells))
		for i, c := range cells {
			row[i] = strings.TrimSpace(c)
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil, problem("文件中没有内容")
	}
	return out, nil
}
