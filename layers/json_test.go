package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestWriteJSONFormat pins the written layout on the two-layer example.
func TestWriteJSONFormat(t *testing.T) {
	n := twoLayer()
	n.Layers[1].B[0] = math.Copysign(0, -1)
	n.Layers[0].W.Set(0, 1, 1e-7)
	n.Layers[0].W.Set(1, 0, 2.5e21)
	var buf bytes.Buffer
	if err := n.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	// Numbers appear as encoding/json writes them: shortest form, exponent
	// outside [1e-6, 1e21), -0 kept.
	want := `{
  "layers": [
    {
      "weight": [
        [11, 1e-7],
        [2.5e+21, 22],
        [31, 32]
      ],
      "bias": [-1, -2, -3],
      "activation": "tanh"
    },
    {
      "weight": [
        [101, 102, 103]
      ],
      "bias": [-0],
      "activation": "identity"
    }
  ]
}
`
	if got := buf.String(); got != want {
		t.Errorf("WriteJSON wrote\n%s\nwant\n%s", got, want)
	}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	compact := `{"layers":[{"weight":[[11,1e-7],[2.5e+21,22],[31,32]],"bias":[-1,-2,-3],"activation":"tanh"},` +
		`{"weight":[[101,102,103]],"bias":[-0],"activation":"identity"}]}`
	if string(b) != compact {
		t.Errorf("json.Marshal = %s\nwant %s", b, compact)
	}
}

// randomFloat returns finite float64 values of every kind: uniform bit
// patterns (any exponent), subnormals, signed zeros and small integers.
func randomFloat(rng *rand.Rand) float64 {
	for {
		var v float64
		switch rng.IntN(5) {
		case 0:
			v = math.Float64frombits(rng.Uint64())
		case 1:
			v = math.Float64frombits(rng.Uint64() & (1<<52 - 1)) // subnormal or +0
			if rng.IntN(2) == 0 {
				v = -v
			}
		case 2:
			v = math.Copysign(0, float64(rng.IntN(2)*2-1))
		case 3:
			v = float64(rng.IntN(2001) - 1000)
		default:
			v = rng.NormFloat64()
		}
		if finite(v) {
			return v
		}
	}
}

func randomLayers(rng *rand.Rand, widths []int, fill func() float64) *Network {
	n := &Network{}
	for l := 0; l+1 < len(widths); l++ {
		r, c := widths[l+1], widths[l]
		w := make([]float64, r*c)
		b := make([]float64, r)
		for i := range w {
			w[i] = fill()
		}
		for i := range b {
			b[i] = fill()
		}
		n.Layers = append(n.Layers, Layer{W: mat.NewDense(r, c, w), B: b, Act: Activation(rng.IntN(int(numActivations)))})
	}
	return n
}

func sameBits(a, b *Network) bool {
	if len(a.Layers) != len(b.Layers) {
		return false
	}
	pa, pb := a.Params(nil), b.Params(nil)
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if math.Float64bits(pa[i]) != math.Float64bits(pb[i]) {
			return false
		}
	}
	for l := range a.Layers {
		la, lb := &a.Layers[l], &b.Layers[l]
		if la.Act != lb.Act || la.In() != lb.In() || la.Out() != lb.Out() {
			return false
		}
	}
	return true
}

func TestJSONRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][]int{{1, 1}, {2, 4, 1}, {3, 7, 5, 2}, {6, 1, 6}, {4, 9, 9, 9, 3}}
	for trial := 0; trial < 40; trial++ {
		n := randomLayers(rng, shapes[trial%len(shapes)], func() float64 { return randomFloat(rng) })
		var buf bytes.Buffer
		if err := n.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		text := buf.String()
		back, err := ReadJSON(&buf)
		if err != nil {
			t.Fatalf("ReadJSON of written network: %v\n%s", err, text)
		}
		if !sameBits(n, back) {
			t.Fatalf("round trip through WriteJSON changed the network:\n%s", text)
		}

		// Embedded in a larger document, through the Marshaler and
		// Unmarshaler, as the command's problem files do.
		type doc struct {
			Phi *Network  `json:"phi"`
			D   Network   `json:"d"`
			Z   []float64 `json:"z"`
		}
		b, err := json.Marshal(doc{Phi: n, D: *n, Z: []float64{1}})
		if err != nil {
			t.Fatal(err)
		}
		var got doc
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("json.Unmarshal: %v\n%s", err, b)
		}
		if got.Phi == nil || !sameBits(n, got.Phi) || !sameBits(n, &got.D) {
			t.Fatalf("round trip through json.Marshal changed the network:\n%s", b)
		}
	}
}

func TestReadJSONActivationDefault(t *testing.T) {
	for _, in := range []string{
		`{"layers": [{"weight": [[2]], "bias": [1]}]}`,
		`{"layers": [{"weight": [[2]], "bias": [1], "activation": null}]}`,
		`{"layers": [{"weight": [[2]], "bias": [1], "activation": "identity"}]}`,
	} {
		n, err := ReadJSON(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if n.Layers[0].Act != Identity || n.Layers[0].W.At(0, 0) != 2 || n.Layers[0].B[0] != 1 {
			t.Errorf("%s: read %+v", in, n.Layers[0])
		}
	}
	n, err := ReadJSON(strings.NewReader(` {"layers": [{"activation": "sin", "bias": [0, 0], "weight": [[1], [2]]},
		{"weight": [[3, 4]], "bias": [5], "activation": "softplus"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if n.Layers[0].Act != Sin || n.Layers[1].Act != Softplus || n.In() != 1 || n.Out() != 1 {
		t.Errorf("read %+v", n.Layers)
	}
}

func TestReadJSONErrors(t *testing.T) {
	const layer0 = `{"weight": [[1, 2], [3, 4]], "bias": [0, 0]}`
	tests := []struct {
		name  string
		in    string
		layer int    // of the *LayerError; -1 if the error is not one
		field string // of the *LayerError
		msg   string
	}{
		{"empty input", ``, -1, "",
			`layers: line 1, column 1: unexpected end of input; want a value`},
		{"truncated", `{"layers": [` + layer0, -1, "",
			`layers: line 1, column 57: layers: unexpected end of input; want ',' or ']' (the array at line 1, column 12 is not closed)`},
		{"NaN literal", `{"layers": [{"weight": [[1, NaN]], "bias": [0]}]}`, -1, "",
			`layers: line 1, column 29: layers[0].weight[0][1]: "NaN" is not valid JSON; numbers must be finite`},
		{"Infinity literal", "{\"layers\": [\n" + layer0 + ",\n{\"weight\": [[1, 2]], \"bias\": [Infinity]}]}", -1, "",
			`layers: line 3, column 31: layers[1].bias[0]: "Infinity" is not valid JSON; numbers must be finite`},
		{"-Infinity literal", `{"layers": [{"weight": [[-Infinity]], "bias": [0]}]}`, -1, "",
			`layers: line 1, column 26: layers[0].weight[0][0]: "-Infinity" is not valid JSON; numbers must be finite`},
		{"trailing data", `{"layers": [` + layer0 + `]} x`, -1, "",
			`layers: line 1, column 60: unexpected "x" after the top-level value`},
		{"overflow in weight", `{"layers": [` + layer0 + `, {"weight": [[1, 1e999]], "bias": [0]}]}`, -1, "",
			`layers: line 1, column 75: layers[1].weight[0][1]: 1e999 is outside the float64 range; numbers must be finite`},
		{"overflow in bias", `{"layers": [{"weight": [[1]], "bias": [-2e308]}]}`, -1, "",
			`layers: line 1, column 40: layers[0].bias[0]: -2e308 is outside the float64 range; numbers must be finite`},
		{"ragged rows", `{"layers": [` + layer0 + `, {"weight": [[1, 2], [3]], "bias": [0, 0]}]}`, 1, "weight",
			`layers: layer 1: weight: line 1, column 79: layers[1].weight[1]: row has 1 numbers, row 0 has 2`},
		{"bias length", `{"layers": [{"weight": [[1, 2], [3, 4], [5, 6]], "bias": [0, 0]}]}`, 0, "bias",
			"layers: layer 0: bias: has length 2, want 3 (the weight's row count)"},
		{"shapes do not chain", `{"layers": [` + layer0 + `, {"weight": [[1, 2, 3]], "bias": [0]}]}`, 1, "weight",
			"layers: layer 1: weight: has 3 columns, want 2 to match layer 0's 2 outputs"},
		{"unknown activation", `{"layers": [` + layer0 + `, {"weight": [[1, 2]], "bias": [0], "activation": "relu6"}]}`, 1, "activation",
			`layers: layer 1: activation: unknown activation "relu6" (want identity, tanh, sigmoid, softplus, relu, elu, silu, gelu or sin)`},
		{"activation case", `{"layers": [{"weight": [[1]], "bias": [0], "activation": "Tanh"}]}`, 0, "activation",
			`layers: layer 0: activation: unknown activation "Tanh" (want identity, tanh, sigmoid, softplus, relu, elu, silu, gelu or sin)`},
		{"activation not a string", `{"layers": [{"weight": [[1]], "bias": [0], "activation": 1}]}`, 0, "activation",
			`layers: layer 0: activation: line 1, column 58: layers[0].activation: 1, want a string`},
		{"empty network", `{"layers": []}`, -1, "", "layers: network has no layers"},
		{"missing layers", `{}`, -1, "", `layers: network: line 1, column 1: missing field "layers"`},
		{"null layers", `{"layers": null}`, -1, "", `layers: network: line 1, column 1: missing field "layers"`},
		{"null document", `null`, -1, "", `layers: network: line 1, column 1: null, want an object`},
		{"layers not a list", `{"layers": {"weight": [[1]]}}`, -1, "", `layers: network: line 1, column 12: layers: an object, want an array`},
		{"document not an object", `[1, 2]`, -1, "", `layers: network: line 1, column 1: an array, want an object`},
		{"unknown top-level field", `{"layers": [` + layer0 + `], "z": [1], "extra": true}`, -1, "",
			`layers: network: line 1, column 60: unknown field "z"; want "layers"`},
		{"unknown layer field", `{"layers": [` + layer0 + `, {"weight": [[1, 2]], "bias": [0], "wieght": 1}]}`, 1, "",
			`layers: layer 1: line 1, column 93: layers[1]: unknown field "wieght"; want "weight", "bias" or "activation"`},
		{"field name case", `{"layers": [{"Weight": [[1]], "weight": [[1]], "bias": [0]}]}`, 0, "",
			`layers: layer 0: line 1, column 14: layers[0]: unknown field "Weight"; did you mean "weight"?`},
		{"duplicate layer field", `{"layers": [{"weight": [[1]], "bias": [0], "weight": [[2]]}]}`, -1, "",
			`layers: line 1, column 44: layers[0]: duplicate field "weight" (first at line 1, column 14)`},
		{"duplicate top-level field", `{"layers": [` + layer0 + `], "layers": []}`, -1, "",
			`layers: line 1, column 60: duplicate field "layers" (first at line 1, column 2)`},
		{"layer not an object", `{"layers": [` + layer0 + `, 3]}`, 1, "",
			`layers: layer 1: line 1, column 59: layers[1]: 3, want an object`},
		{"missing weight", `{"layers": [{"bias": [0]}]}`, 0, "weight", "layers: layer 0: weight: missing"},
		{"null weight", `{"layers": [{"weight": null, "bias": [0]}]}`, 0, "weight", "layers: layer 0: weight: missing"},
		{"missing bias", `{"layers": [{"weight": [[1]]}]}`, 0, "bias", "layers: layer 0: bias: missing"},
		{"weight not a list", `{"layers": [{"weight": 3, "bias": [0]}]}`, 0, "weight",
			`layers: layer 0: weight: line 1, column 24: layers[0].weight: 3, want an array of rows`},
		{"weight flat", `{"layers": [{"weight": [1, 2], "bias": [0]}]}`, 0, "weight",
			`layers: layer 0: weight: line 1, column 25: layers[0].weight[0]: 1, want a row (an array of numbers)`},
		{"weight string entry", `{"layers": [{"weight": [[1, "2"]], "bias": [0]}]}`, 0, "weight",
			`layers: layer 0: weight: line 1, column 29: layers[0].weight[0][1]: the string "2", want a number`},
		{"weight null entry", `{"layers": [{"weight": [[1, null]], "bias": [0]}]}`, 0, "weight",
			`layers: layer 0: weight: line 1, column 29: layers[0].weight[0][1]: null, want a number`},
		{"weight no rows", `{"layers": [{"weight": [], "bias": []}]}`, 0, "weight", `layers: layer 0: weight: is empty`},
		{"weight empty row", `{"layers": [{"weight": [[]], "bias": [0]}]}`, 0, "weight", `layers: layer 0: weight: is empty`},
		{"bias not a list", `{"layers": [{"weight": [[1]], "bias": 0}]}`, 0, "bias",
			`layers: layer 0: bias: line 1, column 39: layers[0].bias: 0, want an array of numbers`},
		{"bias boolean entry", `{"layers": [{"weight": [[1]], "bias": [true]}]}`, 0, "bias",
			`layers: layer 0: bias: line 1, column 40: layers[0].bias[0]: true, want a number`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := ReadJSON(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("ReadJSON succeeded: %+v", n)
			}
			if n != nil {
				t.Errorf("ReadJSON returned a network with the error")
			}
			if err.Error() != tc.msg {
				t.Errorf("error\n%s\nwant\n%s", err, tc.msg)
			}
			var le *LayerError
			if errors.As(err, &le) != (tc.layer >= 0) {
				t.Fatalf("error is %T; want a *LayerError: %v", err, tc.layer >= 0)
			}
			if le != nil && (le.Layer != tc.layer || le.Field != tc.field) {
				t.Errorf("LayerError{Layer: %d, Field: %q}, want %d, %q", le.Layer, le.Field, tc.layer, tc.field)
			}
			// UnmarshalJSON applies the same checks to syntactically valid
			// input, and leaves the network alone on error.
			if json.Valid([]byte(tc.in)) && tc.in != "null" {
				orig := twoLayer()
				n := twoLayer()
				err := n.UnmarshalJSON([]byte(tc.in))
				if err == nil || err.Error() != tc.msg {
					t.Errorf("UnmarshalJSON error %v, want %s", err, tc.msg)
				}
				if !sameBits(n, orig) {
					t.Error("UnmarshalJSON changed the network on error")
				}
			}
		})
	}
}

func TestUnmarshalJSONNull(t *testing.T) {
	n := twoLayer()
	if err := json.Unmarshal([]byte(`null`), n); err != nil {
		t.Fatal(err)
	}
	if !sameBits(n, twoLayer()) {
		t.Error("null changed the network")
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadJSONReaderError(t *testing.T) {
	_, err := ReadJSON(failingReader{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("error %v", err)
	}
}

func TestWriteJSONInvalid(t *testing.T) {
	n := twoLayer()
	n.Layers[1].B[0] = math.NaN()
	var buf bytes.Buffer
	err := n.WriteJSON(&buf)
	want := "layers: layer 1: bias: element 0 is NaN, want a finite number"
	if err == nil || err.Error() != want {
		t.Errorf("WriteJSON error %v, want %s", err, want)
	}
	if buf.Len() != 0 {
		t.Errorf("WriteJSON wrote %q before failing", buf.String())
	}
	if _, err := json.Marshal(n); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("json.Marshal error %v, want it to contain %s", err, want)
	}
	if err := (&Network{}).WriteJSON(&buf); err == nil || err.Error() != "layers: network has no layers" {
		t.Errorf("WriteJSON of an empty network: %v", err)
	}
}
