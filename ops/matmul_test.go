package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
)

func init() {
	for _, c := range []struct {
		name   string
		in     []graph.Shape
		shared []bool
	}{
		{"MatMul/2D", []graph.Shape{{2, 3}, {3, 4}}, nil},
		{"MatMul/weight", []graph.Shape{{2, 5, 3}, {3, 4}}, []bool{false, true}},
		{"MatMul/weight-first", []graph.Shape{{4, 3}, {2, 3, 5}}, []bool{true, false}},
		{"MatMul/vector-matrix", []graph.Shape{{3}, {2, 3, 4}}, nil},
		{"MatMul/matrix-vector", []graph.Shape{{2, 4, 3}, {3}}, []bool{false, true}},
		{"MatMul/vector-vector", []graph.Shape{{3}, {3}}, nil},
		{"MatMul/vector-weight", []graph.Shape{{3}, {3, 2}}, []bool{false, true}},
		{"MatMul/broadcast", []graph.Shape{{2, 1, 2, 3}, {3, 3, 2}}, nil},
		{"MatMul/broadcast-shared", []graph.Shape{{3, 1, 2, 3}, {2, 3, 2}}, []bool{false, true}},
		{"MatMul/batched-weight", []graph.Shape{{2, 2, 3}, {2, 3, 2}}, []bool{false, true}},
		{"MatMul/both-shared", []graph.Shape{{2, 3}, {3, 2}}, []bool{true, true}},
	} {
		opCases = append(opCases, opCase{name: c.name, op: MatMul, in: c.in, shared: c.shared})
	}
	fixtureBuilders["MatMul"] = func(*fixtureCase) (graph.Op, error) { return MatMul(), nil }
}

func TestMatMulInit(t *testing.T) {
	for _, c := range []struct {
		a, b, want graph.Shape // want nil: an error
	}{
		{graph.Shape{3}, graph.Shape{3}, graph.Shape{}},
		{graph.Shape{2, 3}, graph.Shape{3}, graph.Shape{2}},
		{graph.Shape{3}, graph.Shape{5, 3, 2}, graph.Shape{5, 2}},
		{graph.Shape{4, 1, 2, 3}, graph.Shape{5, 3, 2}, graph.Shape{4, 5, 2, 2}},
		{graph.Shape{2, 3}, graph.Shape{2, 3}, nil},
		{graph.Shape{2, 2, 3}, graph.Shape{3, 3, 1}, nil},
		{graph.Shape{}, graph.Shape{3}, nil},
	} {
		out, err := MatMul().Init([]graph.Shape{c.a, c.b})
		switch {
		case c.want == nil && err == nil:
			t.Errorf("%v × %v: shape %v, want an error", c.a, c.b, out)
		case c.want != nil && (err != nil || !out.Equal(c.want)):
			t.Errorf("%v × %v: shape %v, error %v; want %v", c.a, c.b, out, err, c.want)
		}
	}
}

// TestMatMulStacked checks the one-product paths for a shared B against the
// per-row, per-batch products.
func TestMatMulStacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fill := func(rows, n int) graph.Block {
		d := make([]float64, rows*n)
		for i := range d {
			d[i] = 2*rng.Float64() - 1
		}
		return graph.MakeBlock(d, rows, n)
	}
	for _, sh := range [][2]graph.Shape{{{2, 5, 3}, {3, 4}}, {{4, 3}, {3, 2}}, {{3}, {3, 2}}, {{2, 2, 3}, {3}}, {{2, 1, 2, 3}, {1, 3, 2}}} {
		fast, slow := &matmulKernel{}, &matmulKernel{}
		out, err := fast.Init([]graph.Shape{sh[0], sh[1]})
		if err != nil {
			t.Fatal(err)
		}
		slow.Init([]graph.Shape{sh[0], sh[1]})
		if !fast.stack {
			t.Fatalf("%v × %v: no stacked path", sh[0], sh[1])
		}
		slow.stack = false
		const R = 5
		na, nb, no := sh[0].Size(), sh[1].Size(), out.Size()
		a, b, w := fill(R, na), fill(1, nb), fill(R, no)
		y1, y2 := fill(R, no), fill(R, no)
		copy(y2.Data, y1.Data)
		fast.Apply(nil, y1, a, b, true)
		slow.Apply(nil, y2, a, b, true)
		a1, a2 := fill(R, na), fill(R, na)
		copy(a2.Data, a1.Data)
		fast.TransposeA(nil, a1, w, b)
		slow.TransposeA(nil, a2, w, b)
		b1, b2 := fill(1, nb), fill(1, nb)
		copy(b2.Data, b1.Data)
		fast.TransposeB(nil, b1, a, w)
		slow.TransposeB(nil, b2, a, w)
		for _, p := range [][2]graph.Block{{y1, y2}, {a1, a2}, {b1, b2}} {
			for i, v := range p[0].Data {
				if math.Abs(v-p[1].Data[i]) > 1e-13 {
					t.Errorf("%v × %v: element %d: stacked %v, per row %v", sh[0], sh[1], i, v, p[1].Data[i])
					break
				}
			}
		}
	}
}
