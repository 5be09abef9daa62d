package layers

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Tangent carries k tangent directions through n at once. Given the input x
// and an In × k seed block S, it returns the output y = n(x) and the Out × k
// tangent block J·S, where J = ∂n/∂x at x. With the identity seed it returns
// the full Jacobian in one pass.
//
// Every neuron carries a row [value | k tangents], so each linear layer is
// one GEMM over the block of these rows and each activation scales the
// tangent part of row r by σ′(a_r). No loop runs over the directions.
//
// y and the tangent block are owned by w and overwritten by the next Tangent
// with w. Tangent panics if len(x) is not n.In() or seed is not n.In() × k
// with k ≥ 1.
func (n *Network) Tangent(w *Workspace, x []float64, seed mat.Matrix) (y []float64, dy *mat.Dense) {
	in := n.In()
	r, k := seed.Dims()
	if len(x) != in || r != in || k < 1 {
		panic(fmt.Sprintf("layers: Tangent input %d and seed %d×%d do not match input width %d", len(x), r, k, in))
	}
	c := 1 + k
	size := in
	for i := range n.Layers {
		size += n.Layers[i].Out()
	}
	w.tan = resize(w.tan, size*c)

	h := w.tan[:in*c]
	for j, v := range x {
		h[j*c] = v
	}
	view(&w.dst, h[1:], in, k, c).Copy(seed)

	off := in * c
	for i := range n.Layers {
		l := &n.Layers[i]
		a := w.tan[off : off+l.Out()*c]
		off += l.Out() * c
		w.gemm(l.W, a, c, h, c, c)
		for r := range l.B {
			a[r*c] += l.B[r]
		}
		if l.Act != Identity {
			for r := range l.B {
				row := a[r*c : (r+1)*c]
				s, d1, _ := l.Act.Eval(row[0])
				row[0] = s
				for j := 1; j < c; j++ {
					row[j] *= d1
				}
			}
		}
		h = a
	}

	out := n.Out()
	w.tanY = resize(w.tanY, out)
	for r := range w.tanY {
		w.tanY[r] = h[r*c]
	}
	return w.tanY, view(&w.tanOut, h[1:], out, k, c)
}
