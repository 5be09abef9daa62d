package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// strictOnly lists the messages of errors for input that encoding/json
// accepts but Parse refuses on purpose.
var strictOnly = []string{
	"duplicate field",
	"outside the float64 range",
	"invalid UTF-8",
	"lone surrogate",
	"nesting deeper than",
}

// offsetOf is the inverse of position: the byte offset of line:col in src.
func offsetOf(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(src) || src[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRuneInString(src[off:])
		off += size
	}
	return off
}

// writeValue writes v with w.
func writeValue(w *Writer, v *Value) {
	switch v.Kind() {
	case Null:
		w.Null()
	case Bool:
		b, _ := v.Bool()
		w.Bool(b)
	case Number:
		f, _ := v.Float()
		w.Float(f)
	case String:
		s, _ := v.Str()
		w.Str(s)
	case Array:
		w.BeginArray()
		for i := range v.Len() {
			writeValue(w, v.Elem(i))
		}
		w.EndArray()
	case Object:
		w.BeginObject()
		for i := range v.Len() {
			k, e := v.Member(i)
			w.Key(k)
			writeValue(w, e)
		}
		w.EndObject()
	}
}

// FuzzParse checks that Parse never panics, accepts only what encoding/json
// accepts and reads it alike, refuses valid JSON only for its documented
// strict reasons, places every error on the first byte of a token, and that
// Writer's output of what it read reads back the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		doc, `{"z": [null, 0.5]}`, `{"PHI": 1, "phi": 2}`, `{"a":1,"a":2}`, `[1e400, -0, 5e-324]`,
		`"\ud83d\ude00\u00e9\n"`, "[\"é\xff\"]", `[NaN, Infinity]`, `{"a": [1, 2,]}`, `[01]`,
		"[[[[[[[[]]]]]]]]", " \r\n\t", "\ufeff{}", `{"fc1.weight": [[1, 2], [3, 4]]}`, `"\ud800"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(bytes.NewReader(data), 1<<20)
		valid := json.Valid(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T", err, err)
			}
			if e.Line < 1 || e.Col < 1 {
				t.Fatalf("error %v without a position", err)
			}
			off := offsetOf(string(data), e.Line, e.Col)
			if off < 0 || off > len(data) {
				t.Fatalf("error %v is outside the input", err)
			}
			// A control character in a string is itself the culprit.
			if off < len(data) && strings.IndexByte(" \t\r\n", data[off]) >= 0 && !strings.HasPrefix(e.Msg, "control character") {
				t.Fatalf("error %v is on white space", err)
			}
			if valid {
				ok := false
				for _, m := range strictOnly {
					ok = ok || strings.Contains(e.Msg, m)
				}
				if !ok {
					t.Fatalf("valid JSON %q refused: %v", data, err)
				}
			}
			return
		}
		if !valid {
			t.Fatalf("invalid JSON %q accepted", data)
		}
		var want any
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		got := toAny(v)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q: (-encoding/json +Parse)\n%s", data, diff)
		}
		var b bytes.Buffer
		w := NewWriter(&b)
		writeValue(w, v)
		if err := w.Close(); err != nil {
			t.Fatalf("writing back: %v", err)
		}
		v2, err := Parse(&b, 1<<22)
		if err != nil {
			t.Fatalf("reading back %q: %v", b.String(), err)
		}
		if diff := cmp.Diff(got, toAny(v2)); diff != "" {
			t.Fatalf("round trip: (-first +second)\n%s", diff)
		}
	})
}
