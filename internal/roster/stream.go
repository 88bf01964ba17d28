package roster

import (
	"archive/zip"
	"compress/flate"
	"io"
	"sync"

	"github.com/xuri/excelize/v2"
)

// Stream writes a one-sheet .xlsx with excelize's StreamWriter, for list
// exports and chart data: an optional title row, the header, then the
// rows that fill gives to put. Every cell goes through SafeCell (no
// formulas); the caller masks personal data.
//
// Nothing is held whole in memory: the stream writer keeps the rows in a
// temporary file beyond excelize.StreamChunkSize, and the workbook is
// zipped straight into w (excelize's WriteTo would first build it in a
// buffer). Nothing reaches w before fill has returned, so a caller can
// still answer with an error page when fill fails.
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
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return fastZip(w) })
	_, err = f.WriteTo(io.Discard)
	return err
}

// fastZip is a zip writer into w whose entries deflate at the fastest
// level: a workbook's XML is repetitive, so the file grows by a few per
// cent, and its compression takes a third of the time (a quarter of a
// 5,000-line payment batch's CPU was deflate at the default level). The
// compressors are pooled, as archive/zip pools its own (each is about a
// megabyte; a workbook has a dozen entries).
func fastZip(w io.Writer) *zip.Writer {
	z := zip.NewWriter(w)
	z.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw, ok := fastFlate.Get().(*flate.Writer)
		if ok {
			fw.Reset(out)
		} else {
			var err error
			if fw, err = flate.NewWriter(out, flate.BestSpeed); err != nil {
				return nil, err
			}
		}
		return &pooledFlate{fw: fw}, nil
	})
	return z
}

var fastFlate sync.Pool

// pooledFlate returns its compressor to the pool once closed.
type pooledFlate struct{ fw *flate.Writer }

func (p *pooledFlate) Write(b []byte) (int, error) {
	if p.fw == nil {
		return 0, io.ErrClosedPipe
	}
	return p.fw.Write(b)
}

func (p *pooledFlate) Close() error {
	if p.fw == nil {
		return nil
	}
	err := p.fw.Close()
	fastFlate.Put(p.fw)
	p.fw = nil
	return err
}
