package jsonstrict

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// Writer writes one JSON document to an io.Writer as it is built, holding
// at most about 64 KiB of output. Build the document with BeginObject, Key,
// EndObject, BeginArray, EndArray and the scalar methods, then Close.
//
// The first error, of the destination or of misuse such as a NaN or a Key
// outside an object, sticks: every later call returns it and writes
// nothing, so a caller may check only the error of Close. Errors about
// values are *Error naming the path, such as "grad_d[3][17]: NaN is not
// valid JSON".
type Writer struct {
	w      io.Writer
	buf    []byte
	indent string
	stack  []wframe
	done   bool // the top-level value is complete
	err    error
}

// wframe is an open array or object.
type wframe struct {
	obj     bool
	n       int    // members or elements begun
	key     string // in an object, the last key
	haveKey bool   // in an object, a key awaits its value
}

// flushAt is the buffered output size that triggers a write.
const flushAt = 64 << 10

// NewWriter returns a Writer to w that writes compact JSON.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, buf: make([]byte, 0, flushAt+512)}
}

// SetIndent makes w put each member and element on its own line, indented
// by one indent per level of nesting, and write ": " after keys. An array
// written by one Floats call stays on one line, as "[1, 2, 3]", so that a
// matrix written row by row prints a row per line. Call it before writing.
func (w *Writer) SetIndent(indent string) { w.indent = indent }

// fail records err as w's error, if it is the first, and returns w's error.
func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// misuse returns the error for a call out of place.
func (w *Writer) misuse(format string, args ...any) error {
	return w.fail(&Error{Path: w.path(-1), Msg: "jsonstrict: " + fmt.Sprintf(format, args...)})
}

// path returns the path of the value about to be written, with extra
// appended as an index if it is non-negative.
func (w *Writer) path(extra int) string {
	segs := make([]segment, 0, len(w.stack)+1)
	for i, f := range w.stack {
		switch {
		case f.obj && (f.haveKey || i < len(w.stack)-1):
			segs = append(segs, segment{key: f.key, index: -1})
		case !f.obj && i < len(w.stack)-1:
			segs = append(segs, segment{index: f.n - 1})
		case !f.obj:
			segs = append(segs, segment{index: f.n})
		}
	}
	if extra >= 0 {
		segs = append(segs, segment{index: extra})
	}
	return formatPath(segs)
}

// newline starts a new line at the given depth, if indenting.
func (w *Writer) newline(depth int) {
	if w.indent == "" {
		return
	}
	w.buf = append(w.buf, '\n')
	for range depth {
		w.buf = append(w.buf, w.indent...)
	}
}

// place writes what precedes a value: a comma and a new line in an array.
func (w *Writer) place() error {
	if w.err != nil {
		return w.err
	}
	if len(w.stack) == 0 {
		if w.done {
			return w.misuse("a second top-level value")
		}
		return nil
	}
	top := &w.stack[len(w.stack)-1]
	if top.obj {
		if !top.haveKey {
			return w.misuse("a value in an object without a Key")
		}
		top.haveKey = false
		return nil
	}
	if top.n > 0 {
		w.buf = append(w.buf, ',')
	}
	top.n++
	w.newline(len(w.stack))
	return nil
}

// wrote ends a value and writes the buffer out if it is large.
func (w *Writer) wrote() error {
	if len(w.stack) == 0 {
		w.done = true
	}
	if len(w.buf) >= flushAt {
		return w.Flush()
	}
	return nil
}

// Key writes an object member's key; the member's value comes next.
func (w *Writer) Key(k string) error {
	if w.err != nil {
		return w.err
	}
	if len(w.stack) == 0 || !w.stack[len(w.stack)-1].obj {
		return w.misuse("Key %s outside an object", quote(k))
	}
	top := &w.stack[len(w.stack)-1]
	if top.haveKey {
		return w.misuse("Key %s after Key %s without a value", quote(k), quote(top.key))
	}
	if !utf8.ValidString(k) {
		return w.misuse("key %s is not valid UTF-8", quote(k))
	}
	if top.n > 0 {
		w.buf = append(w.buf, ',')
	}
	top.n++
	top.key, top.haveKey = k, true
	w.newline(len(w.stack))
	w.buf = appendString(w.buf, k)
	w.buf = append(w.buf, ':')
	if w.indent != "" {
		w.buf = append(w.buf, ' ')
	}
	return nil
}

// BeginObject starts an object.
func (w *Writer) BeginObject() error { return w.begin(true) }

// BeginArray starts an array.
func (w *Writer) BeginArray() error { return w.begin(false) }

func (w *Writer) begin(obj bool) error {
	if err := w.place(); err != nil {
		return err
	}
	if obj {
		w.buf = append(w.buf, '{')
	} else {
		w.buf = append(w.buf, '[')
	}
	w.stack = append(w.stack, wframe{obj: obj})
	return nil
}

// EndObject ends the innermost object.
func (w *Writer) EndObject() error { return w.end(true) }

// EndArray ends the innermost array.
func (w *Writer) EndArray() error { return w.end(false) }

func (w *Writer) end(obj bool) error {
	if w.err != nil {
		return w.err
	}
	name := "EndArray"
	if obj {
		name = "EndObject"
	}
	if len(w.stack) == 0 || w.stack[len(w.stack)-1].obj != obj {
		return w.misuse("%s without a matching Begin", name)
	}
	top := w.stack[len(w.stack)-1]
	if top.haveKey {
		return w.misuse("%s after Key %s without a value", name, quote(top.key))
	}
	w.stack = w.stack[:len(w.stack)-1]
	if top.n > 0 {
		w.newline(len(w.stack))
	}
	if obj {
		w.buf = append(w.buf, '}')
	} else {
		w.buf = append(w.buf, ']')
	}
	return w.wrote()
}

// Float writes x, which must be finite, in the shortest form that reads
// back to x, as encoding/json does.
func (w *Writer) Float(x float64) error {
	if w.err != nil {
		return w.err
	}
	if !isFinite(x) {
		return w.fail(&Error{Path: w.path(-1), Msg: fmt.Sprintf("%v is not valid JSON", x)})
	}
	if err := w.place(); err != nil {
		return err
	}
	w.buf = AppendFloat(w.buf, x)
	return w.wrote()
}

// Floats writes x as an array of numbers, all of which must be finite; if
// one is not, nothing is written and the error names its index.
func (w *Writer) Floats(x []float64) error {
	if w.err != nil {
		return w.err
	}
	for i, v := range x {
		if !isFinite(v) {
			return w.fail(&Error{Path: w.path(i), Msg: fmt.Sprintf("%v is not valid JSON", v)})
		}
	}
	if err := w.place(); err != nil {
		return err
	}
	w.buf = append(w.buf, '[')
	for i, v := range x {
		if i > 0 {
			w.buf = append(w.buf, ',')
			if w.indent != "" {
				w.buf = append(w.buf, ' ')
			}
		}
		w.buf = AppendFloat(w.buf, v)
		if len(w.buf) >= flushAt {
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
	w.buf = append(w.buf, ']')
	return w.wrote()
}

// Int writes n.
func (w *Writer) Int(n int) error {
	if err := w.place(); err != nil {
		return err
	}
	w.buf = strconv.AppendInt(w.buf, int64(n), 10)
	return w.wrote()
}

// Str writes s, which must be valid UTF-8, as a JSON string.
func (w *Writer) Str(s string) error {
	if w.err != nil {
		return w.err
	}
	if !utf8.ValidString(s) {
		return w.fail(&Error{Path: w.path(-1), Msg: fmt.Sprintf("string %s is not valid UTF-8", quote(s))})
	}
	if err := w.place(); err != nil {
		return err
	}
	w.buf = appendString(w.buf, s)
	return w.wrote()
}

// Bool writes b.
func (w *Writer) Bool(b bool) error {
	if err := w.place(); err != nil {
		return err
	}
	w.buf = strconv.AppendBool(w.buf, b)
	return w.wrote()
}

// Null writes null.
func (w *Writer) Null() error {
	if err := w.place(); err != nil {
		return err
	}
	w.buf = append(w.buf, "null"...)
	return w.wrote()
}

// Flush writes the buffered output to the destination.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) > 0 {
		_, err := w.w.Write(w.buf)
		w.buf = w.buf[:0]
		if err != nil {
			return w.fail(err)
		}
	}
	return nil
}

// Close checks that the document is complete, ends it with a newline, as
// json.Encoder does, and flushes it. It does not close the destination.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	switch {
	case len(w.stack) > 0:
		return w.misuse("Close with %d arrays or objects open", len(w.stack))
	case !w.done:
		return w.misuse("Close before any value")
	}
	w.buf = append(w.buf, '\n')
	return w.Flush()
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// AppendFloat appends the finite x to b as encoding/json writes it: the
// shortest decimal that parses back to x, in exponent form only below 1e-6
// or from 1e21 in magnitude. For NaN and ±Inf, which JSON lacks, it
// appends what strconv.AppendFloat does; Writer refuses them.
func AppendFloat(b []byte, x float64) []byte {
	format := byte('f')
	if a := math.Abs(x); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, x, format, -1, 64)
	if format == 'e' {
		// Turn e-09 into e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString appends s, valid UTF-8, as a JSON string, escaping what
// JSON requires and U+2028 and U+2029, as encoding/json does; it does not
// escape <, > and &, which encoding/json does by default for HTML.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			i++
			continue
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != '\u2028' && r != '\u2029' {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			b = append(b, `\u00`...)
			b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
