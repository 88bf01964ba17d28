package roster

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var genDamaged = flag.Bool("gen-damaged", false, "rewrite the damaged spreadsheets in testdata/")

// damagedRows is the roster every damaged file was made from: the header
// and five trainees.
func damagedRows() [][]string {
	rows := [][]string{header()}
	for i := range 5 {
		rows = append(rows, []string{validID(fmt.Sprintf("33018519900307%03d", 100+i)), fmt.Sprintf("学员%d", i), "13857112345", "企业职工", "在职", "本地农村", ""})
	}
	return rows
}

// rewriteZip copies a zip, passing each entry's name and content through
// edit, which returns the header to write (sizes, CRC and method as it
// wants them) and the raw (already compressed) bytes.
func rewriteZip(t *testing.T, src []byte, edit func(name string, data []byte) (*zip.FileHeader, []byte)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if err := rc.Close(); err != nil {
			t.Fatal(err)
		}
		h, raw := edit(f.Name, data)
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func deflate(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	fw, err := flate.NewWriter(&b, flate.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func honest(t *testing.T, name string, data []byte) (*zip.FileHeader, []byte) {
	raw := deflate(t, data)
	return &zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(len(raw)), UncompressedSize64: uint64(len(data))}, raw
}

func isSheet(name string) bool { return strings.HasPrefix(name, "xl/worksheets/sheet") }

// TestGenerateDamaged writes testdata/damaged-*.xlsx (go test -run
// GenerateDamaged -gen-damaged ./internal/roster/).
func TestGenerateDamaged(t *testing.T) {
	if !*genDamaged {
		t.Skip("only with -gen-damaged")
	}
	var good bytes.Buffer
	if err := WriteSheet(&good, damagedRows(), false); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		// The zip headers say the worksheet is smaller than it is.
		"damaged-size.xlsx": rewriteZip(t, good.Bytes(), func(name string, data []byte) (*zip.FileHeader, []byte) {
			h, raw := honest(t, name, data)
			if isSheet(name) {
				h.UncompressedSize64 = uint64(len(data)) * 6 / 10
			}
			return h, raw
		}),
		// The worksheet's checksum does not match its content.
		"damaged-crc.xlsx": rewriteZip(t, good.Bytes(), func(name string, data []byte) (*zip.FileHeader, []byte) {
			h, raw := honest(t, name, data)
			if isSheet(name) {
				h.CRC32 ^= 0xFFFF
			}
			return h, raw
		}),
		// The worksheet XML stops after the third row, between two tags
		// (the zip is consistent): read quietly, it has two trainees.
		"damaged-xml.xlsx": rewriteZip(t, good.Bytes(), func(name string, data []byte) (*zip.FileHeader, []byte) {
			if isSheet(name) {
				end := 0
				for range 3 {
					end += bytes.Index(data[end:], []byte("</row>")) + len("</row>")
				}
				data = data[:end]
			}
			return honest(t, name, data)
		}),
		// The file is cut off (an interrupted download).
		"damaged-truncated.xlsx": good.Bytes()[:good.Len()*7/10],
		// Not damaged: the sheet's <dimension> says A1:A1, yet it has six
		// rows (some writers, excelize's StreamWriter among them, never
		// update it). Every row is read.
		"dimension-understated.xlsx": rewriteZip(t, good.Bytes(), func(name string, data []byte) (*zip.FileHeader, []byte) {
			if isSheet(name) {
				data = regexp.MustCompile(`<dimension ref="[^"]*"`).ReplaceAll(data, []byte(`<dimension ref="A1:A1"`))
			}
			return honest(t, name, data)
		}),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
