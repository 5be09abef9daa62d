package ops

import (
	"github.com/dualgrad/dualgrad/graph"
)

func init() {
	for _, c := range []struct {
		name string
		op   func() graph.Op
	}{
		{"Tanh", Tanh}, {"Sigmoid", Sigmoid}, {"Sin", Sin}, {"Softplus", Softplus}, {"Relu", Relu},
		{"Elu", func() graph.Op { return Elu(1) }}, {"Silu", Silu}, {"Gelu", Gelu}, {"Identity", Identity},
	} {
		opCases = append(opCases, opCase{name: c.name, op: c.op, in: []graph.Shape{{2, 3}}})
	}
}
