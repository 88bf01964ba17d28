// Package roster reads and writes roster spreadsheets: the import template,
// uploaded .xlsx and .csv files (read row by row with bounded memory), and
// the roster export. The rules for a row live in training; the checks
// against the database in repository.
package roster

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"tianmu/internal/training"
)

// Limits on an uploaded roster. The file is held in memory (at most
// MaxFile bytes); an .xlsx may unzip to at most MaxUnzip bytes in all, and
// a worksheet bigger than MaxUnzipXML is streamed from a temporary file by
// excelize instead of memory.
const (
	MaxFile     = 10 << 20
	MaxUnzip    = 64 << 20
	MaxUnzipXML = 16 << 20
	MaxRatio    = 100 // uncompressed / compressed, per zip entry
	MaxRows     = 10000
	MaxColumns  = 32 // cells read per row
)

// SheetName is the roster sheet of the template.
const SheetName = "学员名单"

// Problem is a file that cannot be read as a roster; its message is for
// the user.
type Problem struct{ Msg string }

func (p *Problem) Error() string { return p.Msg }

func problem(format string, args ...any) error { return &Problem{Msg: fmt.Sprintf(format, args...)} }

// AsProblem returns the user message of a file problem.
func AsProblem(err error) (string, bool) {
	var p *Problem
	if errors.As(err, &p) {
		return p.Msg, true
	}
	return "", false
}

// Kind is what a file is, judged from its content.
type Kind string

// Kinds of upload.
const (
	KindXLSX Kind = "xlsx"
	KindCSV  Kind = "csv"
)

// Sniff decides from the content (never the name or the browser's type)
// whether data is an .xlsx (a zip) or a text .csv, and refuses anything
// else with a message.
func Sniff(data []byte) (Kind, error) {
	switch {
	case len(data) == 0:
		return "", problem("文件为空")
	case len(data) > MaxFile:
		return "", problem("文件超过%dMB，请分批导入", MaxFile>>20)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return KindXLSX, nil
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", problem("不支持旧版Excel（.xls）文件，请在Excel中另存为.xlsx后上传")
	}
	// Text (UTF-8 or GB18030, which net/http's sniffer also calls
	// text/plain) is read as CSV; anything else (PDF, images, HTML,
	// binary) is not a roster.
	if ct := http.DetectContentType(data); !strings.HasPrefix(ct, "text/plain") {
		return "", problem("文件不是表格（只接受.xlsx或.csv文件）")
	}
	return KindCSV, nil
}

// Reader yields the rows of a roster file, one at a time.
type Reader struct {
	header training.RosterHeader
	next   func() ([]string, error)
	close  func()
	line   int
	rows   int
}

// Open sniffs data and opens it for reading, checking the header row. An
// .xlsx is checked for zip bombs before excelize unzips it: the declared
// sizes of the entries must stay under MaxUnzip in all, and no entry may
// expand more than MaxRatio times (archive/zip refuses an entry that
// expands beyond its declared size, so the declared sizes bind).
func Open(data []byte) (*Reader, error) {
	kind, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	r := &Reader{close: func() {}}
	switch kind {
	case KindXLSX:
		if err := r.openXLSX(data); err != nil {
			return nil, err
		}
	default:
		r.openCSV(data)
	}
	cells, err := r.next()
	if err == io.EOF {
		r.Close()
		return nil, problem("文件中没有内容")
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	r.line = 1
	var msg string
	if r.header, msg = training.ParseRosterHeader(cells); msg != "" {
		r.Close()
		return nil, problem("%s", msg)
	}
	return r, nil
}

func (r *Reader) openXLSX(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		// No readable zip directory: cut off, or never an .xlsx.
		return problem("文件已损坏或不是有效的.xlsx文件（无法解压）。请用Excel打开并另存为.xlsx后重新上传")
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > MaxUnzip {
			return problem("文件解压后超过%dMB，疑似压缩炸弹，已拒绝", MaxUnzip>>20)
		}
		if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > MaxRatio && f.UncompressedSize64 > 1<<20 {
			return problem("文件压缩比异常（疑似压缩炸弹），已拒绝")
		}
	}
	if err := checkWhole(zr); err != nil {
		return err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzip, UnzipXMLSizeLimit: MaxUnzipXML})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return problem("文件解压后过大，疑似压缩炸弹，已拒绝")
		}
		return problem("文件不是有效的.xlsx文件")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return problem("文件中没有工作表")
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if s == SheetName {
			sheet = s
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		_ = f.Close()
		return problem("无法读取工作表“%s”", sheet)
	}
	r.close = func() { _ = rows.Close(); _ = f.Close() }
	r.next = func() ([]string, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, problem("工作表内容有误，无法读取")
			}
			return nil, io.EOF
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, problem("工作表内容有误，无法读取")
		}
		if len(cells) > MaxColumns {
			cells = cells[:MaxColumns]
		}
		return cells, nil
	}
	return nil
}

// damaged is the message for a file that cannot be read whole.
const damaged = "文件已损坏，无法完整读取（可能下载或复制不完整）。请用Excel打开并另存为.xlsx后重新上传"

// checkWhole reads every entry of the zip to its end, as a stream: each
// must unzip without error to exactly its declared size with the right
// checksum (archive/zip checks both), and each XML part must be
// well-formed to its last tag. excelize does neither: it reads an entry
// only up to its declared size and ignores the error, and its row iterator
// ends quietly at the first XML error, so a damaged file would read as
// fewer rows, or none. The declared sizes were bounded before this runs.
func checkWhole(zr *zip.Reader) error {
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return problem("%s", damaged)
		}
		name := strings.ToLower(f.Name)
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			err = wellFormed(rc)
		} else {
			_, err = io.Copy(io.Discard, rc)
		}
		if cerr := rc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return problem("%s", damaged)
		}
	}
	return nil
}

// wellFormed reads an XML document to its end; a syntax error, a missing
// end tag or a read error (a damaged zip entry) is an error.
func wellFormed(r io.Reader) error {
	d := xml.NewDecoder(r)
	seen := false
	for {
		_, err := d.Token()
		if err == io.EOF {
			if !seen {
				return errors.New("empty XML part")
			}
			return nil
		}
		if err != nil {
			return err
		}
		seen = true
	}
}

// openCSV reads UTF-8 (with or without a BOM) or GB18030 text: a file that
// is valid UTF-8 is read as such, anything else is decoded as GB18030
// (Excel's "CSV" on a Chinese Windows).
func (r *Reader) openCSV(data []byte) {
	var text io.Reader
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		text = bytes.NewReader(data[3:])
	case utf8.Valid(data):
		text = bytes.NewReader(data)
	default:
		text = simplifiedchinese.GB18030.NewDecoder().Reader(bytes.NewReader(data))
	}
	cr := csv.NewReader(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	r.next = func() ([]string, error) {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, problem("CSV文件第%d行格式有误", pe.Line)
			}
			return nil, problem("CSV文件无法读取")
		}
		if len(rec) > MaxColumns {
			rec = rec[:MaxColumns]
		}
		return rec, nil
	}
}

// Next returns the next non-blank data row, or io.EOF. A file with more
// than MaxRows data rows is refused.
func (r *Reader) Next(today time.Time) (training.RosterRow, error) {
	for {
		cells, err := r.next()
		if err != nil {
			return training.RosterRow{}, err
		}
		r.line++
		row := training.ParseRosterRow(r.header, r.line, cells, today)
		if row.Blank() {
			continue
		}
		r.rows++
		if r.rows > MaxRows {
			return training.RosterRow{}, problem("文件超过%d行，请分批导入", MaxRows)
		}
		return row, nil
	}
}

// Close releases the file (and any temporary file excelize made).
func (r *Reader) Close() {
	if r.close != nil {
		r.close()
		r.close = nil
	}
}
