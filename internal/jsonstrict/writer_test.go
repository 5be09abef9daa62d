package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWriterMatchesEncodingJSON checks that compact output is what
// json.Encoder writes, HTML escaping off.
func TestWriterMatchesEncodingJSON(t *testing.T) {
	type result struct {
		S     []float64   `json:"s"`
		G     float64     `json:"grad_norm_sq"`
		GradD [][]float64 `json:"grad_d"`
		Name  string      `json:"name"`
		OK    bool        `json:"ok"`
		None  *int        `json:"none"`
		N     int         `json:"n"`
		Empty []float64   `json:"empty"`
		Obj   struct{}    `json:"obj"`
	}
	r := result{
		S:     []float64{0.5, -0, 1e-7, 1e21, 123456789, 5e-324, math.MaxFloat64, 1.0 / 3},
		G:     2.5e-10,
		GradD: [][]float64{{1, 2}, {3, 4.25}},
		Name:  "a\"b\\c\n\t\x01<>&\u2028\u2029é\b\f\r",
		OK:    true,
		N:     -3,
		Empty: []float64{},
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}

	var got bytes.Buffer
	w := NewWriter(&got)
	w.BeginObject()
	w.Key("s")
	w.BeginArray()
	for _, x := range r.S {
		w.Float(x)
	}
	w.EndArray()
	w.Key("grad_norm_sq")
	w.Float(r.G)
	w.Key("grad_d")
	w.BeginArray()
	for _, row := range r.GradD {
		w.Floats(row)
	}
	w.EndArray()
	w.Key("name")
	w.Str(r.Name)
	w.Key("ok")
	w.Bool(true)
	w.Key("none")
	w.Null()
	w.Key("n")
	w.Int(-3)
	w.Key("empty")
	w.Floats(nil)
	w.Key("obj")
	w.BeginObject()
	w.EndObject()
	w.EndObject()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("got  %s\nwant %s", got.String(), want.String())
	}
}

// TestWriterIndent checks the indented form, which is the layers package's
// network format: a weight row per line.
func TestWriterIndent(t *testing.T) {
	const want = `{
  "layers": [
    {
      "weight": [
        [1, 2],
        [3, 4]
      ],
      "bias": [0, -0.5],
      "activation": "tanh"
    },
    {
      "weight": [
        [1, 1]
      ],
      "bias": [],
      "empty": {}
    }
  ]
}
`
	var b strings.Builder
	w := NewWriter(&b)
	w.SetIndent("  ")
	w.BeginObject()
	w.Key("layers")
	w.BeginArray()
	w.BeginObject()
	w.Key("weight")
	w.BeginArray()
	w.Floats([]float64{1, 2})
	w.Floats([]float64{3, 4})
	w.EndArray()
	w.Key("bias")
	w.Floats([]float64{0, -0.5})
	w.Key("activation")
	w.Str("tanh")
	w.EndObject()
	w.BeginObject()
	w.Key("weight")
	w.BeginArray()
	w.Floats([]float64{1, 1})
	w.EndArray()
	w.Key("bias")
	w.Floats(nil)
	w.Key("empty")
	w.BeginObject()
	w.EndObject()
	w.EndObject()
	w.EndArray()
	w.EndObject()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriterErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, test := range []struct {
		name  string
		write func(w *Writer) error
		want  string
	}{
		{"NaN in Floats", func(w *Writer) error {
			w.BeginObject()
			w.Key("grad_d")
			w.BeginArray()
			w.Floats([]float64{1, 2})
			return w.Floats([]float64{1, 2, nan})
		}, "grad_d[1][2]: NaN is not valid JSON"},
		{"Inf in an array", func(w *Writer) error {
			w.BeginObject()
			w.Key("s")
			w.BeginArray()
			w.Float(1)
			w.Float(2)
			return w.Float(inf)
		}, "s[2]: +Inf is not valid JSON"},
		{"-Inf as a member", func(w *Writer) error {
			w.BeginArray()
			w.BeginObject()
			w.Key("odd key")
			return w.Float(-inf)
		}, `[0]["odd key"]: -Inf is not valid JSON`},
		{"NaN at the top", func(w *Writer) error { return w.Float(nan) }, "NaN is not valid JSON"},
		{"bad UTF-8", func(w *Writer) error { w.BeginArray(); return w.Str("a\xff") }, `[0]: string "a\xff" is not valid UTF-8`},
		{"bad UTF-8 key", func(w *Writer) error { w.BeginObject(); return w.Key("a\xff") }, `jsonstrict: key "a\xff" is not valid UTF-8`},
		{"Key outside an object", func(w *Writer) error { w.BeginArray(); return w.Key("k") }, `[0]: jsonstrict: Key "k" outside an object`},
		{"Key after Key", func(w *Writer) error { w.BeginObject(); w.Key("a"); return w.Key("b") }, `a: jsonstrict: Key "b" after Key "a" without a value`},
		{"value without Key", func(w *Writer) error { w.BeginObject(); return w.Int(1) }, "jsonstrict: a value in an object without a Key"},
		{"EndArray for an object", func(w *Writer) error { w.BeginObject(); return w.EndArray() }, "jsonstrict: EndArray without a matching Begin"},
		{"EndObject at the top", func(w *Writer) error { return w.EndObject() }, "jsonstrict: EndObject without a matching Begin"},
		{"EndObject after Key", func(w *Writer) error { w.BeginObject(); w.Key("a"); return w.EndObject() }, `a: jsonstrict: EndObject after Key "a" without a value`},
		{"two values", func(w *Writer) error { w.Int(1); return w.Int(2) }, "jsonstrict: a second top-level value"},
		{"Close open", func(w *Writer) error { w.BeginArray(); w.BeginArray(); return w.Close() }, "[0][0]: jsonstrict: Close with 2 arrays or objects open"},
		{"Close empty", func(w *Writer) error { return w.Close() }, "jsonstrict: Close before any value"},
	} {
		t.Run(test.name, func(t *testing.T) {
			var b bytes.Buffer
			w := NewWriter(&b)
			err := test.write(w)
			if err == nil || err.Error() != test.want {
				t.Fatalf("got %v, want %s", err, test.want)
			}
			// The error sticks, and nothing more is written.
			before := len(w.buf)
			if err2 := w.Float(1); err2 != err {
				t.Errorf("next call: %v", err2)
			}
			if err2 := w.Close(); err2 != err {
				t.Errorf("Close: %v", err2)
			}
			if len(w.buf) != before || b.Len() != 0 {
				t.Errorf("wrote after the error: %q", b.String())
			}
		})
	}
}

// chunks records the sizes of the writes it receives.
type chunks struct {
	n, max, calls int
}

func (c *chunks) Write(p []byte) (int, error) {
	c.n += len(p)
	c.max = max(c.max, len(p))
	c.calls++
	return len(p), nil
}

// TestWriterStreams checks that a large document goes out in bounded
// pieces as it is written, not at Close.
func TestWriterStreams(t *testing.T) {
	var c chunks
	w := NewWriter(&c)
	w.BeginArray()
	row := make([]float64, 100_000)
	for i := range row {
		row[i] = 1 / float64(i+3)
	}
	for range 10 {
		if err := w.Floats(row); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100_000 {
		w.Float(float64(i) / 7)
	}
	if c.n == 0 {
		t.Fatal("nothing written before Close")
	}
	w.EndArray()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// A flush happens once the buffer reaches flushAt, after at most one
	// number (≤ 24 bytes) and its comma past it.
	if c.max > flushAt+32 {
		t.Errorf("a write of %d bytes, want at most %d", c.max, flushAt+32)
	}
	if cap(w.buf) > flushAt+512 {
		t.Errorf("buffer grew to %d", cap(w.buf))
	}
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("pipe closed") }

func TestWriterDestinationError(t *testing.T) {
	w := NewWriter(brokenWriter{})
	w.Floats(make([]float64, 50_000)) // 100 kB: forces a write
	if err := w.Close(); err == nil || err.Error() != "pipe closed" {
		t.Errorf("got %v", err)
	}
	if err := w.Int(1); err == nil || err.Error() != "pipe closed" {
		t.Errorf("after failure: %v", err)
	}
}

// TestAppendFloat checks AppendFloat against encoding/json on special and
// random values, and that the output parses back to the same bits.
func TestAppendFloat(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 1e-6, 9.999999999999999e-7, 1e21, 9.99999999999999e20,
		5e-324, math.SmallestNonzeroFloat64 * 3, math.MaxFloat64, -math.MaxFloat64, 1e-9, 1.5e-300, 0.1, 1.0 / 3}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		x := math.Float64frombits(rng.Uint64())
		if isFinite(x) {
			xs = append(xs, x)
		}
	}
	for _, x := range xs {
		got := string(AppendFloat(nil, x))
		want, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%v: got %s, want %s", x, got, want)
		}
		v, err := parseString(got)
		if err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if y, _ := v.Float(); math.Float64bits(y) != math.Float64bits(x) {
			t.Errorf("%s read back as %v", got, y)
		}
	}
}
