package onnx

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one field of a message as it appears on the wire. Bytes fields
// alias the input; nothing is copied until a message is interpreted.
type field struct {
	num  protowire.Number
	typ  protowire.Type
	v    uint64 // varint, fixed32 or fixed64 value
	b    []byte // bytes value
	off  int    // offset of the field's tag in the whole input
	voff int    // offset of b in the whole input
}

var wireTypeNames = map[protowire.Type]string{
	protowire.VarintType:     "varint",
	protowire.Fixed32Type:    "fixed32",
	protowire.Fixed64Type:    "fixed64",
	protowire.BytesType:      "bytes",
	protowire.StartGroupType: "start-group",
	protowire.EndGroupType:   "end-group",
}

func wireName(t protowire.Type) string {
	if s, ok := wireTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("wire type %d", t)
}

// decoder carries the file name and the offset of the message being read
// (fields' off are absolute offsets into the file).
type decoder struct {
	file string
}

func (d *decoder) errf(where, format string, args ...any) *Error {
	return &Error{File: d.file, Node: where, Msg: fmt.Sprintf(format, args...)}
}

// fields splits the message b, which starts at offset base of the input,
// into its fields and calls fn for each in order. Groups (unused by ONNX) are
// passed to fn with typ StartGroupType and no value, so that fn can reject
// them for a known field number and ignore them otherwise.
func (d *decoder) fields(b []byte, base int, msg, where string, fn func(f field) error) error {
	pos := 0
	for pos < len(b) {
		num, typ, n := protowire.ConsumeTag(b[pos:])
		if n < 0 {
			return d.errf(where, "corrupt %s at byte %d: %v", msg, base+pos, protowire.ParseError(n))
		}
		f := field{num: num, typ: typ, off: base + pos}
		pos += n
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b[pos:])
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b[pos:])
			f.v = uint64(v)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b[pos:])
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b[pos:])
			f.voff = base + pos + n - len(f.b)
		case protowire.StartGroupType:
			n = protowire.ConsumeFieldValue(num, typ, b[pos:])
		default: // an end-group tag with no group open, or a reserved wire type
			return d.errf(where, "corrupt %s at byte %d: unexpected %s tag for field %d", msg, f.off, wireName(typ), num)
		}
		if n < 0 {
			return d.errf(where, "corrupt %s at byte %d: field %d: %v", msg, f.off, num, protowire.ParseError(n))
		}
		pos += n
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// errStop ends a fields walk early without an error of its own.
var errStop = errors.New("stop")

// each iterates over the fields of the message b like fields. A malformed
// field ends the iteration with a zero field and a non-nil error. Nothing is
// retained between fields, so walking a message allocates nothing.
func (d *decoder) each(b []byte, base int, msg, where string) iter.Seq2[field, error] {
	return func(yield func(field, error) bool) {
		err := d.fields(b, base, msg, where, func(f field) error {
			if !yield(f, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(field{}, err)
		}
	}
}

// peek returns the last well-formed value of string field num of the
// message b, for naming the message in errors before its fields are read.
func (d *decoder) peek(b []byte, num protowire.Number) string {
	s := ""
	_ = d.fields(b, 0, "", "", func(f field) error {
		if f.num == num && f.typ == protowire.BytesType && utf8.Valid(f.b) {
			s = string(f.b)
		}
		return nil
	})
	return s
}

// want checks f's wire type.
func (d *decoder) want(f field, t protowire.Type, msg, name, where string) error {
	if f.typ != t {
		return d.errf(where, "corrupt %s at byte %d: field %d (%s) has wire type %s, want %s",
			msg, f.off, f.num, name, wireName(f.typ), wireName(t))
	}
	return nil
}

// str returns a string field, which proto3 requires to be valid UTF-8.
func (d *decoder) str(f field, msg, name, where string) (string, error) {
	if err := d.want(f, protowire.BytesType, msg, name, where); err != nil {
		return "", err
	}
	if !utf8.Valid(f.b) {
		return "", d.errf(where, "corrupt %s at byte %d: field %d (%s) is not valid UTF-8", msg, f.off, f.num, name)
	}
	return string(f.b), nil
}

// int64v returns an int64 (or enum) varint field.
func (d *decoder) int64v(f field, msg, name, where string) (int64, error) {
	if err := d.want(f, protowire.VarintType, msg, name, where); err != nil {
		return 0, err
	}
	return int64(f.v), nil
}

// int32v returns an int32 (or enum) varint field; negative values are
// sign-extended to ten bytes on the wire, so the value must fit in 32 bits.
func (d *decoder) int32v(f field, msg, name, where string) (int32, error) {
	v, err := d.int64v(f, msg, name, where)
	if err != nil {
		return 0, err
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, d.errf(where, "corrupt %s at byte %d: field %d (%s) = %d does not fit in int32", msg, f.off, f.num, name, v)
	}
	return int32(v), nil
}

// sub returns the bytes of an embedded message field and their offset.
func (d *decoder) sub(f field, msg, name, where string) ([]byte, int, error) {
	if err := d.want(f, protowire.BytesType, msg, name, where); err != nil {
		return nil, 0, err
	}
	return f.b, f.voff, nil
}

// repeated scalars: proto3 writes them packed (one bytes field) but parsers
// must also accept the unpacked form (one field per element), and a list may
// mix both.

// countVarints returns the number of varints in f (packed or not) without
// decoding them: one per byte with the high bit clear.
func countVarints(f field) int {
	if f.typ == protowire.VarintType {
		return 1
	}
	n := 0
	for _, c := range f.b {
		if c < 0x80 {
			n++
		}
	}
	return n
}

// appendVarints appends the int64 values of a repeated varint field.
func (d *decoder) appendVarints(dst []int64, f field, msg, name, where string) ([]int64, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(dst, int64(f.v)), nil
	case protowire.BytesType:
		b := f.b
		for len(b) > 0 {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, d.errf(where, "corrupt %s at byte %d: packed field %d (%s): %v", msg, f.off, f.num, name, protowire.ParseError(n))
			}
			dst = append(dst, int64(v))
			b = b[n:]
		}
		return dst, nil
	}
	return nil, d.errf(where, "corrupt %s at byte %d: field %d (%s) has wire type %s, want varint or packed bytes",
		msg, f.off, f.num, name, wireName(f.typ))
}

// countFixed returns the number of size-byte elements in f (packed or not).
func (d *decoder) countFixed(f field, size int, msg, name, where string) (int, error) {
	single := protowire.Fixed32Type
	if size == 8 {
		single = protowire.Fixed64Type
	}
	switch f.typ {
	case single:
		return 1, nil
	case protowire.BytesType:
		if len(f.b)%size != 0 {
			return 0, d.errf(where, "corrupt %s at byte %d: packed field %d (%s) has %d bytes, not a multiple of %d",
				msg, f.off, f.num, name, len(f.b), size)
		}
		return len(f.b) / size, nil
	}
	return 0, d.errf(where, "corrupt %s at byte %d: field %d (%s) has wire type %s, want %s or packed bytes",
		msg, f.off, f.num, name, wireName(f.typ), wireName(single))
}

// appendFixed32 appends the float32 values of a repeated float field whose
// wire type countFixed has accepted.
func appendFixed32(dst []float32, f field) []float32 {
	if f.typ == protowire.Fixed32Type {
		return append(dst, math.Float32frombits(uint32(f.v)))
	}
	for b := f.b; len(b) >= 4; b = b[4:] {
		v, _ := protowire.ConsumeFixed32(b)
		dst = append(dst, math.Float32frombits(v))
	}
	return dst
}

// appendFixed64 appends the float64 values of a repeated double field whose
// wire type countFixed has accepted.
func appendFixed64(dst []float64, f field) []float64 {
	if f.typ == protowire.Fixed64Type {
		return append(dst, math.Float64frombits(f.v))
	}
	for b := f.b; len(b) >= 8; b = b[8:] {
		v, _ := protowire.ConsumeFixed64(b)
		dst = append(dst, math.Float64frombits(v))
	}
	return dst
}
