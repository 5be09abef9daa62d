package ops

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
)

// Broadcast returns the NumPy broadcast of the shapes: aligned at the
// innermost dimension, each pair of dimensions equal or one of them 1. The
// ONNX importer's constant folding uses it too, so that folded and
// evaluated ops broadcast alike.
func Broadcast(shapes ...graph.Shape) (graph.Shape, error) {
	n := 0
	for _, s := range shapes {
		n = max(n, len(s))
	}
	out := make(graph.Shape, n)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := n - len(s)
		for i, d := range s {
			switch o := out[off+i]; {
			case o == d || d == 1:
			case o == 1:
				out[off+i] = d
			default:
				return nil, fmt.Errorf("shapes %v do not broadcast: dimension %d is %d and %d", shapes, i-len(s), o, d)
			}
		}
	}
	return out, nil
}

// BroadcastIndex returns, for every element of out (row-major), the index
// of the element of in (broadcast to out) that it reads; in must broadcast
// to out.
func BroadcastIndex(in, out graph.Shape) []int {
	idx := make([]int, out.Size())
	// stride of each out dimension in in, 0 where in is broadcast.
	st := make([]int, len(out))
	s := 1
	for i := len(in) - 1; i >= 0; i-- {
		o := len(out) - len(in) + i
		if in[i] != 1 {
			st[o] = s
		}
		s *= in[i]
	}
	pos := make([]int, len(out))
	k := 0
	for e := range idx {
		idx[e] = k
		for d := len(out) - 1; d >= 0; d-- {
			pos[d]++
			k += st[d]
			if pos[d] < out[d] {
				break
			}
			k -= st[d] * out[d]
			pos[d] = 0
		}
	}
	return idx
}

// identityIndex reports whether idx is 0, 1, 2, …
func identityIndex(idx []int) bool {
	for e, v := range idx {
		if v != e {
			return false
		}
	}
	return true
}

// wantInputs checks the number of inputs.
func wantInputs(in []graph.Shape, n int) error {
	if len(in) != n {
		return fmt.Errorf("has %d inputs, want %d", len(in), n)
	}
	return nil
}
