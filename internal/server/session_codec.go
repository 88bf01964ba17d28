package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes session data for scs in a small binary form instead
// of gob. A session holds a few strings and integers (the user id and
// session version, the CSRF token, a flash message); gob built a new
// decoder and compiled its types on every request, a quarter of the
// portal's CPU on a cheap page (bench/REPORT.md, pprof). The encoding is
// deterministic (keys sorted), so an unchanged session encodes to the same
// bytes and the store can compare bytes. Data stored by the gob codec is
// still read.
type sessionCodec struct{}

const sessionCodecMagic = 0xA7 // never the first byte of a gob stream of scs's

// Value kinds.
const (
	kindString byte = 's'
	kindInt    byte = 'i'
	kindInt64  byte = 'I'
	kindBool   byte = 'b'
	kindTime   byte = 't'
)

func (sessionCodec) Encode(deadline time.Time, values map[string]interface{}) ([]byte, error) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 64)
	b = append(b, sessionCodecMagic)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		switch v := values[k].(type) {
		case string:
			b = append(b, kindString)
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		case int:
			b = append(b, kindInt)
			b = binary.AppendVarint(b, int64(v))
		case int64:
			b = append(b, kindInt64)
			b = binary.AppendVarint(b, v)
		case bool:
			b = append(b, kindBool)
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case time.Time:
			b = append(b, kindTime)
			b = binary.AppendVarint(b, v.UnixNano())
		default:
			return nil, fmt.Errorf("session codec: value %q of type %T", k, v)
		}
	}
	return b, nil
}

var errSessionData = errors.New("session codec: malformed data")

func (sessionCodec) Decode(b []byte) (time.Time, map[string]interface{}, error) {
	if len(b) == 0 || b[0] != sessionCodecMagic {
		return scs.GobCodec{}.Decode(b) // written before this codec
	}
	d := decoder{b: b[1:]}
	deadline := time.Unix(0, d.varint())
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]interface{}, n)
	for range n {
		k := string(d.bytes())
		switch d.byte() {
		case kindString:
			values[k] = string(d.bytes())
		case kindInt:
			values[k] = int(d.varint())
		case kindInt64:
			values[k] = d.varint()
		case kindBool:
			values[k] = d.byte() == 1
		case kindTime:
			values[k] = time.Unix(0, d.varint())
		default:
			d.err = errSessionData
		}
		if d.err != nil {
			return time.Time{}, nil, d.err
		}
	}
	if len(d.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return deadline, values, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errSessionData
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errSessionData
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.err = errSessionData
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errSessionData
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}
