package ops

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
)

// The PyTorch fixtures: ops/testdata/*.json, written by the scripts in
// tools/torchref (PyTorch 1.13, float64). Each case is one op at one point,
// often a kink, with PyTorch's value, JVP, VJP and double-backward term.
//
// A family's test file registers how to build its ops from a case with
// fixtureBuilders[op] = func(*fixtureCase) (graph.Op, error).

// fixtureCase is one case of a fixture file.
type fixtureCase struct {
	Name   string                     `json:"name"`
	Op     string                     `json:"op"`
	Attrs  map[string]json.RawMessage `json:"attrs"`
	Inputs []struct {
		Shape     []int     `json:"shape"`
		Value     []float64 `json:"value"`
		Tangent   []float64 `json:"tangent"` // nil: no tangent (indices, constants)
		NoTangent bool      `json:"no_tangent"`
	} `json:"inputs"`
	OutShape  []int       `json:"out_shape"`
	Value     []float64   `json:"value"`     // f(x)
	JVP       []float64   `json:"jvp"`       // Σ_j f_j t_j
	Cotangent []float64   `json:"cotangent"` // w
	VJP       [][]float64 `json:"vjp"`       // f_jᵀ w, per input (null: none)
	HVP       [][]float64 `json:"hvp"`       // ∂/∂x_j ⟨w, Σ_l f_l t_l⟩ = f″[t, ·]ᵀ w, per input
}

// attr decodes attribute name into v, reporting whether it is present.
func (c *fixtureCase) attr(name string, v any) (bool, error) {
	raw, ok := c.Attrs[name]
	if !ok {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

var fixtureBuilders = map[string]func(*fixtureCase) (graph.Op, error){}

// readFixture decodes the fixture file path into v, failing t if it cannot.
func readFixture(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestTorchFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		var file struct {
			Cases []fixtureCase `json:"cases"`
		}
		readFixture(t, f, &file)
		for i := range file.Cases {
			c := &file.Cases[i]
			t.Run(filepath.Base(f)+"/"+c.Name, func(t *testing.T) { checkFixture(t, c) })
			n++
		}
	}
	t.Logf("%d PyTorch fixture cases in %d files", n, len(files))
}

func checkFixture(t *testing.T, c *fixtureCase) {
	build, ok := fixtureBuilders[c.Op]
	if !ok {
		t.Fatalf("no fixture builder for op %q", c.Op)
	}
	op, err := build(c)
	if err != nil {
		t.Fatalf("building %s: %v", c.Op, err)
	}
	shapes := make([]graph.Shape, len(c.Inputs))
	x := make([]graph.Block, len(c.Inputs))
	tan := make([]graph.Block, len(c.Inputs))
	for j, in := range c.Inputs {
		shapes[j] = graph.Shape(in.Shape)
		size := shapes[j].Size()
		x[j] = graph.MakeBlock(in.Value, 1, size)
		if in.Tangent != nil && !in.NoTangent {
			tan[j] = graph.MakeBlock(in.Tangent, 1, size)
		} else {
			tan[j] = graph.Block{Rows: 1, Size: size, Stride: size}
		}
	}
	out, err := op.Init(shapes)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	if !out.Equal(graph.Shape(c.OutShape)) {
		t.Fatalf("output shape %v, PyTorch %v", out, c.OutShape)
	}
	var tmp []float64
	st := graph.NewState(&tmp)
	st.Samples = 1
	size := out.Size()
	y := graph.MakeBlock(make([]float64, size), 1, size)
	op.Forward(st, y, x)
	compare(t, "value", y.Data, c.Value)
	if c.JVP != nil {
		jv := graph.MakeBlock(make([]float64, size), 1, size)
		op.JVP(st, jv, x, tan)
		compare(t, "JVP", jv.Data, c.JVP)
	}
	if c.Cotangent == nil {
		return
	}
	w := graph.MakeBlock(c.Cotangent, 1, size)
	inC := make([]graph.Block, len(x))
	inV := make([]graph.Block, len(x))
	for j := range x {
		if c.VJP != nil && c.VJP[j] != nil {
			inC[j] = graph.MakeBlock(make([]float64, x[j].Size), 1, x[j].Size)
		}
		if c.HVP != nil && c.HVP[j] != nil {
			inV[j] = graph.MakeBlock(make([]float64, x[j].Size), 1, x[j].Size)
		}
	}
	op.VJP(st, inC, x, w)
	for j := range x {
		if !inC[j].Zero() {
			compare(t, fmt.Sprintf("VJP input %d", j), inC[j].Data, c.VJP[j])
		}
	}
	op.Reverse2(st, make([]graph.Block, len(x)), inV, x, tan, w, graph.Block{})
	for j := range x {
		if !inV[j].Zero() {
			compare(t, fmt.Sprintf("double backward input %d", j), inV[j].Data, c.HVP[j])
		}
	}
}

// compare checks got against PyTorch's want to 1e-10 relative to want's
// largest finite entry (so all-zero rows must be exactly zero); non-finite
// entries must match exactly.
func compare(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, PyTorch %d", what, len(got), len(want))
		return
	}
	scale := 0.0
	for _, v := range want {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	for i := range got {
		if math.IsNaN(want[i]) || math.IsInf(want[i], 0) {
			if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
				t.Errorf("%s element %d: %v, PyTorch %v", what, i, got[i], want[i])
				return
			}
			continue
		}
		if d := math.Abs(got[i] - want[i]); !(d <= 1e-10*scale) {
			t.Errorf("%s element %d: %v, PyTorch %v", what, i, got[i], want[i])
			return
		}
	}
}
