package layers

import (
	"fmt"

	"github.com/dualgrad/dualgrad/dual"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// The scalar passes carry one dual or hyper-dual number per neuron, hence one
// derivative direction (or one pair) per call. They are deliberately plain:
// they define what the vectorized passes compute and are their oracles.

// EvalDual evaluates the network on dual numbers: x has length In and the
// result, written to dst (allocated if nil, otherwise of length Out), holds
// the outputs with their tangents. If params is nil the network's own
// parameters are used as constants; otherwise params has length NumParams,
// in the order ParamOffset describes, and is used instead, so that a tangent
// can be seeded on a parameter. Activations are evaluated through their
// hyper-dual definition with a zero ε₂ part. EvalDual allocates scratch
// space; ScalarWorkspace.EvalDual does not.
//
// dst must not overlap x. EvalDual panics if a length is wrong.
func (n *Network) EvalDual(dst, x, params []dual.Number) []dual.Number {
	var w ScalarWorkspace
	return w.EvalDual(n, dst, x, params)
}

// EvalHyper is EvalDual for hyper-dual numbers: the ε₁, ε₂ and ε₁ε₂ parts of
// the outputs carry the derivatives along the seeds of x and params, for
// example ∂y/∂xᵢ, ∂y/∂θₚ and ∂²y/∂xᵢ∂θₚ when x carries E1 = eᵢ and params
// carries E2 = eₚ. EvalHyper allocates scratch space;
// ScalarWorkspace.EvalHyper does not.
func (n *Network) EvalHyper(dst, x, params []hyperdual.Number) []hyperdual.Number {
	var w ScalarWorkspace
	return w.EvalHyper(n, dst, x, params)
}

// ScalarWorkspace is scratch space for the scalar passes. After a first call
// with a given network, its methods make no allocations when dst is not nil.
// The zero value is ready to use. A ScalarWorkspace must not be used
// concurrently.
type ScalarWorkspace struct {
	d [2][]dual.Number
	h [2][]hyperdual.Number
}

// grow returns buf resized to length k, reusing its storage if possible.
func grow[T any](buf []T, k int) []T {
	if cap(buf) < k {
		return make([]T, k)
	}
	return buf[:k]
}

func checkScalarArgs(n *Network, dstLen int, dstNil bool, xLen, pLen int, pNil bool) {
	if xLen != n.In() {
		panic(fmt.Sprintf("layers: input has length %d, want %d", xLen, n.In()))
	}
	if !dstNil && dstLen != n.Out() {
		panic(fmt.Sprintf("layers: output has length %d, want %d", dstLen, n.Out()))
	}
	if !pNil && pLen != n.NumParams() {
		panic(fmt.Sprintf("layers: parameter vector has length %d, want %d", pLen, n.NumParams()))
	}
}

// EvalDual is Network.EvalDual using w's scratch space.
func (w *ScalarWorkspace) EvalDual(n *Network, dst, x, params []dual.Number) []dual.Number {
	checkScalarArgs(n, len(dst), dst == nil, len(x), len(params), params == nil)
	in := x
	off := 0
	for l := range n.Layers {
		lay := &n.Layers[l]
		r, c := lay.W.Dims()
		var out []dual.Number
		if l == len(n.Layers)-1 {
			if dst == nil {
				dst = make([]dual.Number, r)
			}
			out = dst
		} else {
			w.d[l%2] = grow(w.d[l%2], r)
			out = w.d[l%2]
		}
		for i := range r {
			var a dual.Number
			if params == nil {
				for j, wij := range lay.W.RawRowView(i) {
					a = dual.Add(a, dual.Scale(wij, in[j]))
				}
				a = dual.Add(a, dual.Number{Real: lay.B[i]})
			} else {
				row := params[off+i*c : off+(i+1)*c]
				for j := range row {
					a = dual.Add(a, dual.Mul(row[j], in[j]))
				}
				a = dual.Add(a, params[off+r*c+i])
			}
			h := lay.Act.Hyper(hyperdual.Number{Real: a.Real, E1: a.Eps})
			out[i] = dual.Number{Real: h.Real, Eps: h.E1}
		}
		in = out
		off += r*c + r
	}
	return dst
}

// EvalHyper is Network.EvalHyper using w's scratch space.
func (w *ScalarWorkspace) EvalHyper(n *Network, dst, x, params []hyperdual.Number) []hyperdual.Number {
	checkScalarArgs(n, len(dst), dst == nil, len(x), len(params), params == nil)
	in := x
	off := 0
	for l := range n.Layers {
		lay := &n.Layers[l]
		r, c := lay.W.Dims()
		var out []hyperdual.Number
		if l == len(n.Layers)-1 {
			if dst == nil {
				dst = make([]hyperdual.Number, r)
			}
			out = dst
		} else {
			w.h[l%2] = grow(w.h[l%2], r)
			out = w.h[l%2]
		}
		for i := range r {
			var a hyperdual.Number
			if params == nil {
				for j, wij := range lay.W.RawRowView(i) {
					a = hyperdual.Add(a, hyperdual.Scale(wij, in[j]))
				}
				a = hyperdual.Add(a, hyperdual.Number{Real: lay.B[i]})
			} else {
				row := params[off+i*c : off+(i+1)*c]
				for j := range row {
					a = hyperdual.Add(a, hyperdual.Mul(row[j], in[j]))
				}
				a = hyperdual.Add(a, params[off+r*c+i])
			}
			out[i] = lay.Act.Hyper(a)
		}
		in = out
		off += r*c + r
	}
	return dst
}
