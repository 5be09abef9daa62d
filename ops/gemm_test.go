package ops

import "github.com/dualgrad/dualgrad/graph"

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
