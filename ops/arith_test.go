package ops

import (
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/graph"
)

func init() {
	away := func(rng *rand.Rand, j, s int, x []float64) { // divisors away from 0
		for e := range x {
			x[e] = 2*rng.Float64() - 1
			if j == 1 {
				x[e] = 0.5 + rng.Float64()
			}
		}
	}
	for _, c := range []struct {
		name   string
		op     func() graph.Op
		in     []graph.Shape
		shared []bool
	}{
		{"Add/same", Add, []graph.Shape{{2, 3}, {2, 3}}, nil},
		{"Add/broadcast", Add, []graph.Shape{{2, 1, 3}, {4, 1}}, nil},
		{"Add/bias", Add, []graph.Shape{{2, 3}, {3}}, []bool{false, true}},
		{"Sub/broadcast", Sub, []graph.Shape{{3}, {2, 3}}, []bool{true, false}},
		{"Mul/broadcast", Mul, []graph.Shape{{2, 1, 3}, {4, 1}}, nil},
		{"Mul/param", Mul, []graph.Shape{{2, 3}, {1, 3}}, []bool{false, true}},
		{"Div/broadcast", Div, []graph.Shape{{2, 3}, {3}}, []bool{false, true}},
	} {
		oc := opCase{name: c.name, op: c.op, in: c.in, shared: c.shared}
		if c.name[:3] == "Div" {
			oc.gen = away
		}
		opCases = append(opCases, oc)
	}
}
