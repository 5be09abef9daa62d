package jsonstrict

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseString parses s with a generous limit.
func parseString(s string) (*Value, error) {
	return Parse(strings.NewReader(s), 1<<30)
}

// TestParseErrors checks every class of error Parse reports, with the
// position worked out by hand: the column is that of the first character
// of the offending token, counting from 1.
func TestParseErrors(t *testing.T) {
	for _, test := range []struct {
		name, in string
		want     string // the whole Error()
	}{
		// Syntax.
		{"empty", "", "line 1, column 1: unexpected end of input; want a value"},
		{"only space", "  \n   ", // EOF is after the 3 spaces of line 2
			"line 2, column 4: unexpected end of input; want a value"},
		{"missing comma in object", `{"a": 1 "b": 2}`, // "b" starts at byte 9; encoding/json's Offset is 9 too, which the old reader turned into column 10
			`line 1, column 9: unexpected string after a field value; want ',' or '}'`},
		{"missing comma in array", "[1 2]", // 2 is byte 4
			`line 1, column 4: unexpected "2" after an array element; want ',' or ']'`},
		{"trailing comma in array", "[1,]", // ] is byte 4
			"line 1, column 4: unexpected ']' after ','; JSON has no trailing commas"},
		{"trailing comma in object", "{\n  \"a\": 1,\n}", // } opens line 3
			"line 3, column 1: unexpected '}' after ','; JSON has no trailing commas"},
		{"key not a string", "{1: 2}", // 1 is byte 2
			`line 1, column 2: unexpected "1"; want a field name in double quotes`},
		{"single quotes", "{'a': 2}",
			`line 1, column 2: unexpected '''; want a field name in double quotes`},
		{"missing colon", `{"a" 1}`, // 1 is byte 6
			`line 1, column 6: unexpected "1" after field name "a"; want ':'`},
		{"bare word", `{"act": tanh}`, // tanh starts at byte 9
			`line 1, column 9: act: unexpected "tanh"; want a value (strings need double quotes)`},
		{"truncated literal", "[tru]", // tru starts at byte 2
			`line 1, column 2: [0]: invalid literal "tru"; want true, false or null`},
		{"capitalised literal", "[1, True]", // True starts at byte 5
			`line 1, column 5: [1]: invalid literal "True"; want true, false or null, in lower case`},
		{"literal run on", "nullx",
			`line 1, column 1: invalid literal "nullx"; want true, false or null`},
		{"unexpected close", "[}", // } is byte 2
			"line 1, column 2: [0]: unexpected '}'; want a value"},
		{"trailing data", "{} {}", // the second { is byte 4
			"line 1, column 4: unexpected '{' after the top-level value"},
		{"byte order mark", "\ufeff{}",
			"line 1, column 1: unexpected U+FEFF (a byte order mark); want a value"},
		{"invalid byte", "[\xff]",
			"line 1, column 2: [0]: unexpected byte 0xff (not UTF-8); want a value"},
		{"non-ASCII outside strings", "[é]",
			"line 1, column 2: [0]: unexpected U+00E9; want a value"},

		// End of input.
		{"eof in array", "[1,", // EOF is at column 4
			"line 1, column 4: [1]: unexpected end of input; want a value (the array at line 1, column 1 is not closed)"},
		{"eof after element", "[[1]\n", // EOF is at line 2, column 1
			"line 2, column 1: unexpected end of input; want ',' or ']' (the array at line 1, column 1 is not closed)"},
		{"eof after key", `{"a"`,
			"line 1, column 5: unexpected end of input; want ':' (the object at line 1, column 1 is not closed)"},
		{"eof after colon", `{"a":`,
			"line 1, column 6: a: unexpected end of input; want a value (the object at line 1, column 1 is not closed)"},
		{"eof after member", `{"a": {"b": 1}`, // the inner object is closed, the outer not
			"line 1, column 15: unexpected end of input; want ',' or '}' (the object at line 1, column 1 is not closed)"},
		{"eof before key", `{"a": 1,`,
			"line 1, column 9: unexpected end of input; want a field name (the object at line 1, column 1 is not closed)"},

		// Numbers.
		{"overflow", `{"w": [[1, 1e400]]}`, // 1e400 starts at byte 12
			"line 1, column 12: w[0][1]: 1e400 is outside the float64 range; numbers must be finite"},
		{"negative overflow", "-2e308",
			"line 1, column 1: -2e308 is outside the float64 range; numbers must be finite"},
		{"NaN", "[1, NaN]", // NaN starts at byte 5
			`line 1, column 5: [1]: "NaN" is not valid JSON; numbers must be finite`},
		{"Infinity", "[Infinity]",
			`line 1, column 2: [0]: "Infinity" is not valid JSON; numbers must be finite`},
		{"-Infinity", "[-Infinity]", // the token starts at the sign
			`line 1, column 2: [0]: "-Infinity" is not valid JSON; numbers must be finite`},
		{"leading zero", "[01]", `line 1, column 2: [0]: invalid number "01"`},
		{"leading plus", "[+1]", `line 1, column 2: [0]: invalid number "+1"`},
		{"leading dot", "[.5]", `line 1, column 2: [0]: invalid number ".5"`},
		{"trailing dot", "[1.]", `line 1, column 2: [0]: invalid number "1."`},
		{"two dots", "1.5.3", `line 1, column 1: invalid number "1.5.3"`},
		{"empty exponent", "[1e]", `line 1, column 2: [0]: invalid number "1e"`},
		{"lone minus", "-", `line 1, column 1: invalid number "-"`},
		{"hex", "0x10", `line 1, column 1: invalid number "0x10"`},

		// Strings.
		{"unterminated", `["abc`, // the opening quote is byte 2
			"line 1, column 2: [0]: unterminated string"},
		{"newline in string", "{\"a\": \"x\ny\"}", // the opening quote of "x is byte 7
			"line 1, column 7: a: unterminated string: end of line before the closing quote"},
		{"tab in string", "[\"a\tb\"]", // the tab is byte 4
			`line 1, column 4: [0]: control character U+0009 in string; escape it as \u0009`},
		{"invalid escape", `["a\x"]`, // the backslash is byte 4
			`line 1, column 4: [0]: invalid escape \x in string`},
		{"short unicode escape", `["\u12"]`,
			`line 1, column 3: [0]: invalid escape \u12 in string; want \u and four hex digits`},
		{"bad hex", `["\u12G4"]`,
			`line 1, column 3: [0]: invalid escape \u12G4 in string; want \u and four hex digits`},
		{"lone high surrogate", `["\ud800"]`,
			`line 1, column 3: [0]: lone surrogate \ud800 in string`},
		{"lone low surrogate", `["\udc00"]`,
			`line 1, column 3: [0]: lone surrogate \udc00 in string`},
		{"high surrogate then other", `["\ud800\u0041"]`,
			`line 1, column 3: [0]: lone surrogate \ud800 in string`},
		{"invalid UTF-8", "[\"é\xffx\"]", // é is one column, so 0xff is column 4
			"line 1, column 4: [0]: invalid UTF-8 (byte 0xff) in string"},
		{"truncated UTF-8", "[\"\xc3\"]",
			"line 1, column 3: [0]: invalid UTF-8 (byte 0xc3) in string"},
		{"escape at end", `"\`, "line 1, column 2: unterminated string"},

		// Duplicate keys.
		{"duplicate key", "{\"a\": 1,\n \"a\": 2}", // the second "a" is line 2, byte 2
			`line 2, column 2: duplicate field "a" (first at line 1, column 2)`},
		{"duplicate nested", `{"d": {"bias": 1, "bias": 2}}`, // the second "bias" starts at byte 19
			`line 1, column 19: d: duplicate field "bias" (first at line 1, column 8)`},
		{"duplicate in large object", `{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,` +
			`"k10":0,"k11":1,"k12":2,"k13":3,"k14":4,"k15":5,"k16":6,"k17":7,"k3":0}`, // '{', 10 members of 7 bytes, 8 of 8, then the duplicate at 1+70+64+1; the first "k3" at 1+3·7+1
			`line 1, column 136: duplicate field "k3" (first at line 1, column 23)`},

		// Columns count code points; lines count '\n' only.
		{"columns after non-ASCII", `{"é": [1, x]}`, // x is the 11th character, the 12th byte
			`line 1, column 11: ["é"][1]: unexpected "x"; want a value (strings need double quotes)`},
		{"CRLF", "{\r\n\"a\": [1,\r\n x]}", // x is column 2 of line 3
			`line 3, column 2: a[1]: unexpected "x"; want a value (strings need double quotes)`},
		{"tab is one column", "[\t\tx]",
			`line 1, column 4: [0]: unexpected "x"; want a value (strings need double quotes)`},
	} {
		t.Run(test.name, func(t *testing.T) {
			v, err := parseString(test.in)
			if err == nil {
				t.Fatalf("no error, got %v", v.Kind())
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if got := err.Error(); got != test.want {
				t.Errorf("got  %s\nwant %s", got, test.want)
			}
		})
	}
}

// TestParseDepth checks the nesting limit, and that far deeper input fails
// without exhausting the stack.
func TestParseDepth(t *testing.T) {
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, err := parseString(ok); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
	deep := strings.Repeat(`{"a":[`, MaxDepth)
	_, err := parseString(deep)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("depth %d: error %v, want *Error", 2*MaxDepth, err)
	}
	// The 10001st container is the '{' of the 5001st `{"a":[`, 5000·6+1 bytes in.
	if e.Line != 1 || e.Col != 30001 || e.Msg != "nesting deeper than 10000 levels" {
		t.Errorf("got %+v", e)
	}
	if len(e.Path) > 200 {
		t.Errorf("path of %d bytes, want it elided", len(e.Path))
	}
	if _, err := parseString(strings.Repeat("[", 1e6)); err == nil {
		t.Error("no error for a million '['")
	}
}

// TestParseQuotesAreShort checks that huge user text is cut in messages.
func TestParseQuotesAreShort(t *testing.T) {
	long := strings.Repeat("x", 1e6)
	for _, in := range []string{
		"[" + long + "]",
		`{"` + long + `": 1, "` + long + `": 2}`,
		"[1" + strings.Repeat("0", 1e6) + "e400]",
	} {
		_, err := parseString(in)
		if err == nil {
			t.Fatalf("no error for %.20q…", in)
		}
		if n := len(err.Error()); n > 200 {
			t.Errorf("error of %d bytes: %.100s…", n, err)
		}
	}
	v, err := parseString(`{"` + long + `": 1}`)
	if err != nil {
		t.Fatal(err)
	}
	err = v.CheckKeys("a")
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("CheckKeys: %.100v", err)
	}
	if !strings.Contains(err.Error(), `"`+strings.Repeat("x", maxQuoted)+`…"`) {
		t.Errorf("CheckKeys: %v, want the key cut to %d characters", err, maxQuoted)
	}
}

// toAny converts v to what encoding/json's Unmarshal into any gives.
func toAny(v *Value) any {
	switch v.Kind() {
	case Null:
		return nil
	case Bool:
		b, _ := v.Bool()
		return b
	case Number:
		f, _ := v.Float()
		return f
	case String:
		s, _ := v.Str()
		return s
	case Array:
		a := make([]any, v.Len())
		for i := range a {
			a[i] = toAny(v.Elem(i))
		}
		return a
	}
	m := make(map[string]any, v.Len())
	for i := range v.Len() {
		k, e := v.Member(i)
		m[k] = toAny(e)
	}
	return m
}

func TestParseValues(t *testing.T) {
	for _, test := range []struct {
		in   string
		want any
	}{
		{"0", 0.0},
		{"-0", math.Copysign(0, -1)},
		{" \t\r\n 1.5e3 \n", 1500.0},
		{"1E-2", 0.01},
		{"1e-400", 0.0}, // underflow rounds, as strconv.ParseFloat does
		{"4.9e-324", 5e-324},
		{"1.7976931348623157e308", math.MaxFloat64},
		{"123456789012345678901234567890", 1.2345678901234568e29},
		{"true", true},
		{"false", false},
		{"null", nil},
		{`""`, ""},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u00e9\u20AC\ud83d\ude00"`, "é€😀"},
		{`"é€😀"`, "é€😀"},
		{`"\u0000"`, "\x00"},
		{"[]", []any{}},
		{"{}", map[string]any{}},
		{`[1, "a", [null, {}], {"b": [true]}]`, []any{1.0, "a", []any{nil, map[string]any{}}, map[string]any{"b": []any{true}}}},
		{`{"a": 1, "A": 2, "é": 3, "": 4}`, map[string]any{"a": 1.0, "A": 2.0, "é": 3.0, "": 4.0}},
	} {
		v, err := parseString(test.in)
		if err != nil {
			t.Errorf("%q: %v", test.in, err)
			continue
		}
		got := toAny(v)
		if diff := cmp.Diff(test.want, got); diff != "" {
			t.Errorf("%q: (-want +got)\n%s", test.in, diff)
		}
		if f, ok := test.want.(float64); ok && math.Signbit(f) != math.Signbit(got.(float64)) {
			t.Errorf("%q: got %v, want %v", test.in, got, f)
		}
	}
}

// TestParseOrderAndPositions checks that objects keep document order and
// that values know their position and path.
func TestParseOrderAndPositions(t *testing.T) {
	const in = "{\n  \"z\": [1, 2],\n  \"a\": {\"fc1.weight\": [[0.5]]}\n}"
	v, err := parseString(in)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := range v.Len() {
		k, _ := v.Member(i)
		keys = append(keys, k)
	}
	if !cmp.Equal(keys, []string{"z", "a"}) {
		t.Errorf("keys %q, want [z a]", keys)
	}
	w := v.Get("a").Get("fc1.weight").Elem(0).Elem(0)
	if line, col := w.Pos(); line != 3 || col != 25 { // line 3: `  "a": {"fc1.weight": [[0.5]]}`, 0.5 at byte 25
		t.Errorf("position %d:%d, want 3:25", line, col)
	}
	if got, want := w.Path(), `a["fc1.weight"][0][0]`; got != want {
		t.Errorf("path %s, want %s", got, want)
	}
	if got := v.Path(); got != "" {
		t.Errorf("root path %q", got)
	}
	if line, col := v.Get("z").Elem(1).Pos(); line != 2 || col != 12 { // `  "z": [1, 2],`: 2 at byte 12
		t.Errorf("z[1] at %d:%d, want 2:12", line, col)
	}
}

// endless is a reader of endless zeros, like /dev/zero, that counts what
// it gives.
type endless struct{ n int64 }

func (r *endless) Read(p []byte) (int, error) {
	clear(p)
	r.n += int64(len(p))
	return len(p), nil
}

func TestParseLimit(t *testing.T) {
	const doc = `{"a": [1, 2]}` // 13 bytes
	if _, err := Parse(strings.NewReader(doc), 13); err != nil {
		t.Errorf("limit 13: %v", err)
	}
	// An io.Reader that is not a strings.Reader, to exercise reading.
	if _, err := Parse(io.MultiReader(strings.NewReader(doc)), 13); err != nil {
		t.Errorf("limit 13, plain reader: %v", err)
	}
	const want = "input is larger than the limit of 12 bytes"
	for _, r := range []io.Reader{strings.NewReader(doc), io.MultiReader(strings.NewReader(doc)), bytes.NewBufferString(doc)} {
		_, err := Parse(r, 12)
		if err == nil || err.Error() != want {
			t.Errorf("%T, limit 12: got %v, want %s", r, err, want)
		}
	}
	z := new(endless)
	_, err := Parse(z, 1<<20)
	if err == nil || err.Error() != "input is larger than the limit of 1048576 bytes" {
		t.Errorf("endless input: %v", err)
	}
	if z.n > 1<<20+1<<16 {
		t.Errorf("read %d bytes of endless input with a limit of 1 MiB", z.n)
	}
	if f, err := os.Open("/dev/zero"); err == nil {
		defer f.Close()
		_, err := Parse(f, 1000)
		if err == nil || err.Error() != "input is larger than the limit of 1000 bytes" {
			t.Errorf("/dev/zero: %v", err)
		}
	}
	if _, err := Parse(strings.NewReader(doc), -1); err == nil {
		t.Error("no error for a negative limit")
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseReadError(t *testing.T) {
	_, err := Parse(failing{}, 100)
	if err == nil || err.Error() != "jsonstrict: reading input: disk on fire" {
		t.Errorf("got %v", err)
	}
}

func TestParseBytesDoesNotRetain(t *testing.T) {
	b := []byte(`{"key": "value"}`)
	v, err := ParseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	copy(b, bytes.Repeat([]byte("X"), len(b)))
	if s, _ := v.Get("key").Str(); s != "value" {
		t.Errorf("got %q after overwriting the input", s)
	}
}
