package layers

import (
	"errors"
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/passes"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/mat"
)

// twoLayer is the hand-checked example: a 2 → 3 → 1 network whose entries
// encode their position, W⁽⁰⁾[i][j] = 10(i+1) + (j+1), b⁽⁰⁾[i] = −(i+1),
// W⁽¹⁾[0][j] = 101 + j, b⁽¹⁾ = −100.
func twoLayer() *Network {
	return &Network{Layers: []Layer{
		{W: mat.NewDense(3, 2, []float64{11, 12, 21, 22, 31, 32}), B: []float64{-1, -2, -3}, Act: Tanh},
		{W: mat.NewDense(1, 3, []float64{101, 102, 103}), B: []float64{-100}},
	}}
}

func TestParamOrder(t *testing.T) {
	n := twoLayer()
	// PyTorch's parameters() order for nn.Sequential(nn.Linear(2, 3),
	// nn.Tanh(), nn.Linear(3, 1)) is fc1.weight (3×2, flattened row-major),
	// fc1.bias (3), fc2.weight (1×3), fc2.bias (1), written out by hand:
	want := []float64{
		11, 12, 21, 22, 31, 32, // W⁽⁰⁾ rows 0, 1, 2
		-1, -2, -3, // b⁽⁰⁾
		101, 102, 103, // W⁽¹⁾
		-100, // b⁽¹⁾
	}
	if got := n.NumParams(); got != 13 {
		t.Errorf("NumParams = %d, want 13", got)
	}
	for l, want := range []int{0, 9, 13} {
		if got := n.ParamOffset(l); got != want {
			t.Errorf("ParamOffset(%d) = %d, want %d", l, got, want)
		}
	}
	if diff := cmp.Diff(want, n.Params(nil)); diff != "" {
		t.Errorf("Params mismatch (-want +got):\n%s", diff)
	}
	dst := make([]float64, 13)
	if got := n.Params(dst); &got[0] != &dst[0] || !cmp.Equal(got, want) {
		t.Errorf("Params(dst) did not fill dst: %v", got)
	}

	// SetParams is the inverse: position k lands where Params read it.
	p := make([]float64, 13)
	for k := range p {
		p[k] = float64(k) + 0.5
	}
	n.SetParams(p)
	if got := n.Layers[0].W.At(2, 1); got != 5.5 {
		t.Errorf("after SetParams W⁽⁰⁾[2][1] = %v, want p[5] = 5.5", got)
	}
	if got := n.Layers[0].B[0]; got != 6.5 {
		t.Errorf("after SetParams b⁽⁰⁾[0] = %v, want p[6] = 6.5", got)
	}
	if got := n.Layers[1].W.At(0, 2); got != 11.5 {
		t.Errorf("after SetParams W⁽¹⁾[0][2] = %v, want p[11] = 11.5", got)
	}
	if diff := cmp.Diff(p, n.Params(nil)); diff != "" {
		t.Errorf("Params after SetParams (-want +got):\n%s", diff)
	}
}

// TestParamOrderHyper checks that Hyper's ε₂ direction k is the parameter
// at position k of TestParamOrder's order, on the two-layer example with an
// identity first layer, so that every derivative is worked by hand. At
// x = (1, 2): h = W⁽⁰⁾x + b⁽⁰⁾ = (34, 63, 92), y = W⁽¹⁾h + b⁽¹⁾ = 19236 and
// ∂y/∂x = W⁽¹⁾W⁽⁰⁾ = (6446, 6752);
// ∂y/∂W⁽⁰⁾ᵢⱼ = W⁽¹⁾ᵢxⱼ, ∂y/∂b⁽⁰⁾ᵢ = W⁽¹⁾ᵢ, ∂y/∂W⁽¹⁾ᵢ = hᵢ, ∂y/∂b⁽¹⁾ = 1;
// ∂²y/∂xₐ∂W⁽⁰⁾ᵢⱼ = W⁽¹⁾ᵢ[j = a], ∂²y/∂xₐ∂W⁽¹⁾ᵢ = W⁽⁰⁾ᵢₐ, and 0 for the
// biases. All are integers, so the pass must reproduce them exactly.
// TestParamOrderGraph checks the graph's parameter vector and names against
// derivatives worked out by hand for twoLayer with an identity first layer:
// the reverse sweep gives ∂y/∂θ and the second-order sweep, with tangent eⱼ
// at the input, ∂²y/∂xⱼ∂θ.
func TestParamOrderGraph(t *testing.T) {
	n := twoLayer()
	n.Layers[0].Act = Identity
	g := n.Graph()
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	names := []string{"layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"}
	for k, p := range g.Params() {
		if p.Name != names[k] || p.Offset != n.ParamOffset(k/2)+(k%2)*n.Layers[k/2].Out()*n.Layers[k/2].In() {
			t.Errorf("parameter %d: %s at %d", k, p.Name, p.Offset)
		}
	}
	dy := []float64{101, 202, 102, 204, 103, 206, 101, 102, 103, 34, 63, 92, 1}
	d2y := [][2]float64{ // (∂²y/∂x₀∂θₖ, ∂²y/∂x₁∂θₖ)
		{101, 0}, {0, 101}, {102, 0}, {0, 102}, {103, 0}, {0, 103},
		{0, 0}, {0, 0}, {0, 0},
		{11, 12}, {21, 22}, {31, 32},
		{0, 0},
	}
	tape := passes.NewTape(g)
	tape.Forward(graph.MakeBlock([]float64{1, 2}, 1, 2))
	if y := tape.Output().Data[0]; y != 19236 {
		t.Errorf("y = %v, want 19236", y)
	}
	grad := make([]float64, g.NumParams())
	sink := func(rows int, buf []float64) passes.ParamSink {
		return func(p int) graph.Block {
			q := g.Params()[p]
			return graph.Block{Data: buf[q.Offset:], Rows: rows, Size: q.Shape.Size(), Stride: g.NumParams()}
		}
	}
	tape.Reverse(graph.MakeBlock([]float64{1}, 1, 1), sink(1, grad))
	for k, v := range grad {
		if v != dy[k] {
			t.Errorf("∂y/∂θ[%d] = %v, want %v", k, v, dy[k])
		}
	}
	tape.Tangent(graph.MakeBlock([]float64{1, 0, 0, 1}, 2, 2))
	second := make([]float64, 2*g.NumParams())
	tape.Reverse2(graph.Block{}, graph.Block{}, false, 2, sink(2, second))
	for k := range dy {
		if got := [2]float64{second[k], second[g.NumParams()+k]}; got != d2y[k] {
			t.Errorf("∂²y/∂x∂θ[%d] = %v, want %v", k, got, d2y[k])
		}
	}
}

func TestParamsPanics(t *testing.T) {
	n := twoLayer()
	for name, f := range map[string]func(){
		"Params short":    func() { n.Params(make([]float64, 12)) },
		"SetParams long":  func() { n.SetParams(make([]float64, 14)) },
		"SetParams empty": func() { n.SetParams(nil) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "want 13") {
					t.Errorf("%s: recovered %v, want a panic naming length 13", name, r)
				}
			}()
			f()
		}()
	}
}

func TestLayerDims(t *testing.T) {
	n := twoLayer()
	if n.In() != 2 || n.Out() != 1 {
		t.Errorf("In, Out = %d, %d, want 2, 1", n.In(), n.Out())
	}
	l := &n.Layers[0]
	if l.In() != 2 || l.Out() != 3 || l.NumParams() != 9 {
		t.Errorf("layer 0: In, Out, NumParams = %d, %d, %d, want 2, 3, 9", l.In(), l.Out(), l.NumParams())
	}
}

func TestValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	w := func(r, c int, v ...float64) *mat.Dense {
		if v == nil {
			v = make([]float64, r*c)
		}
		return mat.NewDense(r, c, v)
	}
	ok := Layer{W: w(3, 2), B: make([]float64, 3)}
	tests := []struct {
		name   string
		layers []Layer
		layer  int    // -1: not a *LayerError
		field  string // of the *LayerError
		msg    string // full error text
	}{
		{"no layers", nil, -1, "", "layers: network has no layers"},
		{"nil weight", []Layer{ok, {B: []float64{0}}}, 1, "weight", "layers: layer 1: weight: missing"},
		{"empty weight", []Layer{{W: &mat.Dense{}, B: nil}}, 0, "weight", "layers: layer 0: weight: missing"},
		{"short bias", []Layer{{W: w(3, 2), B: []float64{1, 2}}}, 0, "bias",
			"layers: layer 0: bias: has length 2, want 3 (the weight's row count)"},
		{"nil bias", []Layer{ok, {W: w(2, 3)}}, 1, "bias",
			"layers: layer 1: bias: has length 0, want 2 (the weight's row count)"},
		{"chain", []Layer{ok, {W: w(1, 4), B: []float64{0}}}, 1, "weight",
			"layers: layer 1: weight: has 4 columns, want 3 to match layer 0's 3 outputs"},
		{"NaN weight", []Layer{ok, {W: w(1, 3, 0, 0, nan), B: []float64{0}}}, 1, "weight",
			"layers: layer 1: weight: row 0, column 2 is NaN, want a finite number"},
		{"Inf weight", []Layer{{W: w(2, 1, 0, -inf), B: []float64{0, 0}}}, 0, "weight",
			"layers: layer 0: weight: row 1, column 0 is -Inf, want a finite number"},
		{"Inf bias", []Layer{ok, {W: w(2, 3), B: []float64{0, inf}}}, 1, "bias",
			"layers: layer 1: bias: element 1 is +Inf, want a finite number"},
		{"bad activation", []Layer{ok, {W: w(1, 3), B: []float64{0}, Act: 99}}, 1, "activation",
			"layers: layer 1: activation: invalid value 99"},
		{"negative activation", []Layer{{W: w(1, 3), B: []float64{0}, Act: -1}}, 0, "activation",
			"layers: layer 0: activation: invalid value -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := New(tc.layers...)
			if n != nil || err == nil {
				t.Fatalf("New = %v, %v; want an error", n, err)
			}
			if err.Error() != tc.msg {
				t.Errorf("error %q, want %q", err, tc.msg)
			}
			var le *LayerError
			if errors.As(err, &le) != (tc.layer >= 0) {
				t.Fatalf("error %T, LayerError wanted: %v", err, tc.layer >= 0)
			}
			if le != nil && (le.Layer != tc.layer || le.Field != tc.field) {
				t.Errorf("LayerError{Layer: %d, Field: %q}, want %d, %q", le.Layer, le.Field, tc.layer, tc.field)
			}
			if err2 := (&Network{Layers: tc.layers}).Validate(); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("Validate = %v, New gave %v", err2, err)
			}
		})
	}
	if err := (*Network)(nil).Validate(); err == nil {
		t.Error("nil network validated")
	}
}

func TestNew(t *testing.T) {
	ls := twoLayer().Layers
	n, err := New(ls...)
	if err != nil {
		t.Fatal(err)
	}
	// New copies the slice of layers, not the matrices.
	ls[0].Act = Sin
	if n.Layers[0].Act != Tanh {
		t.Error("New aliased the caller's slice of layers")
	}
	if n.Layers[1].W != ls[1].W {
		t.Error("New copied a weight matrix")
	}
}

// TestNilNetworkPanics: misuse panics with a message that names the
// mistake, not a nil dereference (issue 13).
func TestNilNetworkPanics(t *testing.T) {
	var nilNet *Network
	for name, c := range map[string]struct {
		f    func()
		want string
	}{
		"nil NumParams": {func() { nilNet.NumParams() }, "NumParams of a nil *Network"},
		"nil In":        {func() { nilNet.In() }, "In of a nil *Network"},
		"empty Out":     {func() { (&Network{}).Out() }, "Out of a network without layers"},
		"bad act":       {func() { Activation(99).op() }, "invalid activation 99"},
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.Contains(s, c.want) {
					t.Errorf("%s: panic %v, want one naming %q", name, r, c.want)
				}
			}()
			c.f()
		}()
	}
	if err := nilNet.Graph().Validate(); err == nil {
		t.Error("nil network's graph validates")
	}
}
