package ops

import (
	"fmt"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
)

func init() {
	for _, c := range []struct {
		name   string
		op     func() graph.Op
		in     []graph.Shape
		shared []bool
	}{
		{"Linear/vector", LinearOp, []graph.Shape{{4}, {3, 4}, {3}}, []bool{false, true, true}},
		{"Linear/batched", LinearOp, []graph.Shape{{2, 5, 4}, {3, 4}}, []bool{false, true}},
		{"Gemm/NN", func() graph.Op { return Gemm(false, false, 1.5, 0.5) }, []graph.Shape{{2, 4}, {4, 3}, {3}}, []bool{false, true, true}},
		{"Gemm/TT", func() graph.Op { return Gemm(true, true, -1, 1) }, []graph.Shape{{4, 2}, {3, 4}, {2, 3}}, []bool{false, true, false}},
		{"Gemm/TN-activations", func() graph.Op { return Gemm(true, false, 1, 1) }, []graph.Shape{{4, 2}, {4, 3}}, nil},
		// One row of A (M = 1): the rank-one rows of WriteB2, in both
		// storage orders of B.
		{"Gemm/row-NN", func() graph.Op { return Gemm(false, false, 1.5, 0.5) }, []graph.Shape{{1, 4}, {4, 3}, {3}}, []bool{false, true, true}},
		{"Gemm/row-NT", func() graph.Op { return Gemm(false, true, -2, 1) }, []graph.Shape{{1, 4}, {3, 4}}, []bool{false, true}},
		{"Gemm/weight-first", func() graph.Op { return Gemm(false, true, 1, 1) }, []graph.Shape{{3, 4}, {2, 4}}, []bool{true, false}},
	} {
		opCases = append(opCases, opCase{name: c.name, op: c.op, in: c.in, shared: c.shared})
	}
}

// BenchmarkLinearUnitSeed times the first layer of the small case's
// stacked sweep (32 samples, 4 latent directions, 32 outputs): the tangent
// JVP of the identity seeds and Reverse2's second-order weight term, with
// the seed block unmarked and marked graph.Block.Unit.
func BenchmarkLinearUnitSeed(b *testing.B) {
	const nb, m, n = 32, 4, 32
	R := nb * m
	fill := func(rows, size int) graph.Block {
		d := make([]float64, rows*size)
		for i := range d {
			d[i] = float64(i%7)/4 - 0.75
		}
		return graph.MakeBlock(d, rows, size)
	}
	id := identitySeeds(R, m)
	for _, unit := range []bool{false, true} {
		b.Run(fmt.Sprintf("unit=%v", unit), func(b *testing.B) {
			op := LinearOp()
			if _, err := op.Init([]graph.Shape{{m}, {n, m}, {n}}); err != nil {
				b.Fatal(err)
			}
			var tmp []float64
			st := graph.NewState(&tmp)
			st.Samples = nb
			t := graph.MakeBlock(id, R, m)
			t.Unit = unit
			in := []graph.Block{fill(nb, m), fill(1, n*m), fill(1, n)}
			inT := []graph.Block{t, {Rows: R, Size: n * m, Stride: n * m}, {Rows: R, Size: n, Stride: n}}
			inW := make([]graph.Block, 3) // no first-order cotangents
			inV := []graph.Block{{}, fill(1, n*m), fill(1, n)}
			out, w := fill(R, n), fill(R, n)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				op.JVP(st, out, in, inT)
				op.Reverse2(st, inW, inV, in, inT, w, graph.Block{})
			}
		})
	}
}
