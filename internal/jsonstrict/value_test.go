package jsonstrict

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// doc is the document the accessor tests read. Positions in comments are
// line:column, worked out by hand.
const doc = `{
  "phi": {"layers": [{"weight": [[1, 2], [3, null]], "bias": [0], "act": "tanh"}]},
  "z": [null, 0.5],
  "zs": [[1, 2], [3], 4],
  "n": [3, -7, 2.0, 1e3, 2.5, 9007199254740993, 123456789012345678901234567890, 1e300, 9007199254740992.0],
  "flag": true,
  "empty": [],
  "empty_rows": [[], []],
  "PHI": 1,
  "odd key": {"fc1.weight": "x"}
}`

// get walks doc by keys and indices.
func get(t *testing.T, v *Value, steps ...any) *Value {
	t.Helper()
	for _, s := range steps {
		switch s := s.(type) {
		case string:
			v = v.Get(s)
		case int:
			v = v.Elem(s)
		}
		if v == nil {
			t.Fatalf("no %v", steps)
		}
	}
	return v
}

func parseDoc(t *testing.T) *Value {
	t.Helper()
	v, err := parseString(doc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAccessorErrors(t *testing.T) {
	root := parseDoc(t)
	for _, test := range []struct {
		name string
		call func() error
		want string
	}{
		{"Float of null", func() error { _, err := get(t, root, "z", 0).Float(); return err }, // z[0] is 3:9
			"line 3, column 9: z[0]: null, want a number"},
		{"Floats with null", func() error { _, err := get(t, root, "z").Floats(); return err },
			"line 3, column 9: z[0]: null, want a number"},
		{"Floats of an object", func() error { _, err := get(t, root, "phi").Floats(); return err }, // phi's { is 2:10
			"line 2, column 10: phi: an object, want an array of numbers"},
		{"Float of a string", func() error { _, err := get(t, root, "phi", "layers", 0, "act").Float(); return err }, // "tanh" is 2:74
			`line 2, column 74: phi.layers[0].act: the string "tanh", want a number`},
		{"Float of a bool", func() error { _, err := get(t, root, "flag").Float(); return err }, // true is 6:11
			"line 6, column 11: flag: true, want a number"},
		{"Matrix with null", func() error { _, _, _, err := get(t, root, "phi", "layers", 0, "weight").Matrix(); return err }, // null is 2:46
			"line 2, column 46: phi.layers[0].weight[1][1]: null, want a number"},
		{"Matrix ragged", func() error { _, _, _, err := get(t, root, "zs").Matrix(); return err }, // [3] is 4:18
			"line 4, column 18: zs[1]: row has 1 numbers, row 0 has 2"},
		{"Matrix of numbers", func() error { _, _, _, err := get(t, root, "z").Matrix(); return err }, // z[0] is 3:9
			"line 3, column 9: z[0]: null, want a row (an array of numbers)"},
		{"Matrix of a number", func() error { _, _, _, err := get(t, root, "flag").Matrix(); return err },
			"line 6, column 11: flag: true, want an array of rows"},
		{"Int of a fraction", func() error { _, err := get(t, root, "n", 4).Int(); return err }, // 2.5 is 5:26
			"line 5, column 26: n[4]: 2.5, want an integer"},
		{"Int beyond int64", func() error { _, err := get(t, root, "n", 6).Int(); return err }, // the 30 digits are 5:49
			"line 5, column 49: n[6]: 123456789012345678901234567890 is outside the int range"},
		{"Int of 1e300", func() error { _, err := get(t, root, "n", 7).Int(); return err }, // 1e300 is 5:81
			"line 5, column 81: n[7]: 1e300, want an integer"},
		{"Int of a string", func() error { _, err := get(t, root, "phi", "layers", 0, "act").Int(); return err },
			`line 2, column 74: phi.layers[0].act: the string "tanh", want an integer`},
		{"Str of a number", func() error { _, err := get(t, root, "PHI").Str(); return err }, // 1 is 9:10
			"line 9, column 10: PHI: 1, want a string"},
		{"Bool of null", func() error { _, err := get(t, root, "z", 0).Bool(); return err },
			"line 3, column 9: z[0]: null, want true or false"},
		{"Array of a bool", func() error { _, err := get(t, root, "flag").Array(); return err },
			"line 6, column 11: flag: true, want an array"},
		{"CheckKeys case", func() error { return root.CheckKeys("phi", "z", "zs", "n", "flag", "empty", "empty_rows", "odd key") }, // "PHI" is 9:3
			`line 9, column 3: unknown field "PHI"; did you mean "phi"?`},
		{"CheckKeys unknown", func() error { return get(t, root, "phi", "layers", 0).CheckKeys("weight", "bias", "activation") }, // "act" is 2:67
			`line 2, column 67: phi.layers[0]: unknown field "act"; want "weight", "bias" or "activation"`},
		{"CheckKeys one allowed", func() error { return get(t, root, "phi").CheckKeys("Layers") }, // "layers" is 2:11
			`line 2, column 11: phi: unknown field "layers"; did you mean "Layers"?`},
		{"CheckKeys none allowed", func() error { return get(t, root, "odd key").CheckKeys() }, // "fc1.weight" is 10:15
			`line 10, column 15: ["odd key"]: unknown field "fc1.weight"; want no fields`},
		{"CheckKeys of an array", func() error { return get(t, root, "z").CheckKeys("a") }, // z's [ is 3:8
			"line 3, column 8: z: an array, want an object"},
		{"Need missing", func() error { _, err := get(t, root, "phi", "layers", 0).Need("activation"); return err }, // the layer's { is 2:22
			`line 2, column 22: phi.layers[0]: missing field "activation"`},
		{"Need is exact", func() error { _, err := root.Need("Phi"); return err },
			`line 1, column 1: missing field "Phi"`},
		{"Need of a number", func() error { _, err := get(t, root, "PHI").Need("a"); return err },
			"line 9, column 10: PHI: 1, want an object"},
		{"Errorf", func() error { return get(t, root, "phi", "layers", 0, "bias").Errorf("has %d entries, want %d", 1, 2) }, // [0] is 2:62
			"line 2, column 62: phi.layers[0].bias: has 1 entries, want 2"},
	} {
		t.Run(test.name, func(t *testing.T) {
			err := test.call()
			if err == nil {
				t.Fatal("no error")
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

func TestAccessorValues(t *testing.T) {
	root := parseDoc(t)
	if err := root.CheckKeys("phi", "PHI", "z", "zs", "n", "flag", "empty", "empty_rows", "odd key"); err != nil {
		t.Error(err)
	}
	r, c, data, err := get(t, root, "phi", "layers", 0, "weight").Elem(0).Matrix()
	if err == nil {
		t.Errorf("Matrix of a row: %d×%d %v", r, c, data)
	}
	zs, err := get(t, root, "zs").Array()
	if err != nil || len(zs) != 3 || zs[2] != get(t, root, "zs", 2) {
		t.Errorf("Array: %v %v", zs, err)
	}
	for _, test := range []struct {
		key        string
		rows, cols int
		data       []float64
	}{
		{"empty", 0, 0, nil},
		{"empty_rows", 2, 0, []float64{}},
	} {
		r, c, data, err := get(t, root, test.key).Matrix()
		if err != nil || r != test.rows || c != test.cols || !cmp.Equal(data, test.data) {
			t.Errorf("%s: got %d×%d %v %v", test.key, r, c, data, err)
		}
	}
	f, err := get(t, root, "empty").Floats()
	if err != nil || len(f) != 0 {
		t.Errorf("empty: %v %v", f, err)
	}
	x, err := get(t, root, "z", 1).Float()
	if err != nil || x != 0.5 {
		t.Errorf("z[1] = %v %v", x, err)
	}
	ints := []struct {
		i    int
		want int
	}{
		{0, 3}, {1, -7}, {2, 2}, {3, 1000},
		{5, 9007199254740993}, // 2⁵³+1 written as an integer is exact
		{8, 9007199254740992}, // 2⁵³ in fraction form is the largest accepted
	}
	for _, test := range ints {
		n, err := get(t, root, "n", test.i).Int()
		if err != nil || n != test.want {
			t.Errorf("n[%d]: got %d %v, want %d", test.i, n, err, test.want)
		}
	}
	b, err := get(t, root, "flag").Bool()
	if err != nil || !b {
		t.Errorf("flag: %v %v", b, err)
	}
	if get(t, root, "z", 0).IsNull() != true || get(t, root, "z", 1).IsNull() {
		t.Error("IsNull")
	}
	if root.Get("nope") != nil || get(t, root, "z").Get("a") != nil {
		t.Error("Get of a missing key or of an array is not nil")
	}
	if n := get(t, root, "phi", "layers", 0).Len(); n != 3 {
		t.Errorf("Len of the layer = %d, want 3", n)
	}
	if n := get(t, root, "flag").Len(); n != 0 {
		t.Errorf("Len of a bool = %d", n)
	}
	s, err := get(t, root, "odd key", "fc1.weight").Str()
	if err != nil || s != "x" {
		t.Errorf("odd key: %q %v", s, err)
	}
}

// TestCopyPath checks that a copied Value, which has lost its place, still
// reports an error rather than panicking.
func TestCopyPath(t *testing.T) {
	root := parseDoc(t)
	c := *get(t, root, "z", 0)
	_, err := c.Float()
	if err == nil || err.Error() != "line 3, column 9: z[?]: null, want a number" {
		t.Errorf("got %v", err)
	}
}

func TestKindString(t *testing.T) {
	var got []string
	for k := Null; k <= Object+1; k++ {
		got = append(got, k.String())
	}
	want := []string{"null", "a boolean", "a number", "a string", "an array", "an object", "Kind(6)"}
	if !cmp.Equal(got, want) {
		t.Errorf("got %q", got)
	}
}

func TestPanics(t *testing.T) {
	root := parseDoc(t)
	for name, f := range map[string]func(){
		"Elem of an object":  func() { root.Elem(0) },
		"Member of an array": func() { root.Get("z").Member(0) },
		"Elem out of range":  func() { root.Get("z").Elem(2) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestPathFormat(t *testing.T) {
	for _, test := range []struct {
		segs []segment
		want string
	}{
		{nil, ""},
		{[]segment{{index: 3}}, "[3]"},
		{[]segment{{key: "d", index: -1}, {key: "layers", index: -1}, {index: 2}, {key: "weight", index: -1}, {index: 0}, {index: 3}}, "d.layers[2].weight[0][3]"},
		{[]segment{{key: "grad_d/fc1.weight", index: -1}}, `["grad_d/fc1.weight"]`},
		{[]segment{{key: "", index: -1}}, `[""]`},
		{[]segment{{key: "a", index: -1}, {key: "1a", index: -1}, {key: "_a1", index: -1}}, `a["1a"]._a1`},
		{[]segment{{key: strings.Repeat("k", 50), index: -1}}, `["` + strings.Repeat("k", 40) + `…"]`},
		{[]segment{{key: "a", index: -1}, {index: -2}}, "a[?]"},
	} {
		if got := formatPath(test.segs); got != test.want {
			t.Errorf("got %s, want %s", got, test.want)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	for _, test := range []struct {
		e    Error
		want string
	}{
		{Error{Line: 3, Col: 7, Path: "z[0]", Msg: "null, want a number"}, "line 3, column 7: z[0]: null, want a number"},
		{Error{Line: 1, Col: 1, Msg: "unexpected end of input; want a value"}, "line 1, column 1: unexpected end of input; want a value"},
		{Error{Path: "s[2]", Msg: "NaN is not valid JSON"}, "s[2]: NaN is not valid JSON"},
		{Error{Msg: "input is larger than the limit of 10 bytes"}, "input is larger than the limit of 10 bytes"},
	} {
		if got := test.e.Error(); got != test.want {
			t.Errorf("got %q, want %q", got, test.want)
		}
	}
}

func TestClip(t *testing.T) {
	for _, test := range []struct{ in, want string }{
		{"", ""},
		{strings.Repeat("a", 40), strings.Repeat("a", 40)},
		{strings.Repeat("a", 41), strings.Repeat("a", 40) + "…"},
		{strings.Repeat("é", 40), strings.Repeat("é", 40)}, // 80 bytes but 40 characters
		{strings.Repeat("é", 41), strings.Repeat("é", 40) + "…"},
	} {
		if got := clip(test.in); got != test.want {
			t.Errorf("clip(%q) = %q", test.in, got)
		}
	}
	if got := quote(strings.Repeat("\x00", 50)); got != `"`+strings.Repeat(`\x00`, 40)+`…"` {
		t.Errorf("quote: %s", got)
	}
}
