package roster

import "io"

// MaxSheetRows bounds the rows ReadSheet reads (a schedule or a session's
// scores is far smaller than a roster).
const MaxSheetRows = 2000

// ReadSheet reads the first worksheet of an uploaded .xlsx (or a .csv)
// with the roster import's limits — type sniffed from the content, size,
// zip-bomb checks, UTF-8 or GB18030 text — and returns its rows, the
// header first. Other spreadsheets (the class schedule, a session's
// scores) are read with it; their rules live in training.
func ReadSheet(data []byte) ([][]string, error) {
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
	var rows [][]string
	for {
		cells, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rows) > MaxSheetRows {
			return nil, problem("文件超过%d行，请分批导入", MaxSheetRows)
		}
		rows = append(rows, append([]string(nil), cells...))
	}
	if len(rows) == 0 {
		return nil, problem("文件中没有内容")
	}
	return rows, nil
}
