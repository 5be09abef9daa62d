package ops

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// unaryOp is an element-wise function σ, defined once as a scalar function
// over hyper-dual numbers: σ, σ′ and σ″ for every pass come from one
// evaluation per element, and the oracle is the function itself. Forward
// records σ′ and σ″ of every element of every sample (buffers 0 and 1).
type unaryOp struct {
	name string
	f    func(hyperdual.Number) hyperdual.Number
	cost float64
	size int
}

// newUnary returns the element-wise op of f. cost is the flops of one
// element's value, for the cost model.
func newUnary(name string, cost float64, f func(hyperdual.Number) hyperdual.Number) graph.Op {
	return &unaryOp{name: name, f: f, cost: cost}
}

func (o *unaryOp) Type() string { return o.name }

func (o *unaryOp) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	o.size = in[0].Size()
	return in[0].Clone(), nil
}

func (o *unaryOp) Cost() float64   { return o.cost * float64(o.size) }
func (o *unaryOp) Nonlinear() bool { return true }

// eval returns σ(x), σ′(x) and σ″(x) from one hyper-dual evaluation.
func (o *unaryOp) eval(x float64) (s, d1, d2 float64) {
	y := o.f(hyperdual.Number{Real: x, E1: 1, E2: 1})
	return y.Real, y.E1, y.E12
}

func (o *unaryOp) Forward(st *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	d1 := st.Floats(0, out.Rows*o.size)
	d2 := st.Floats(1, out.Rows*o.size)
	for r := 0; r < out.Rows; r++ {
		xr, yr := x.Row(pairRow(r, out.Rows, x.Rows)), out.Row(r)
		a, b := d1[r*o.size:(r+1)*o.size], d2[r*o.size:(r+1)*o.size]
		for e, v := range xr {
			yr[e], a[e], b[e] = o.eval(v)
		}
	}
}

// derivs returns σ′ and σ″ of the sample that row r of a block of R rows
// belongs to.
func (o *unaryOp) derivs(st *graph.State, r, R int) (d1, d2 []float64) {
	s := pairRow(r, R, st.Samples)
	all1, all2 := st.Floats(0, st.Samples*o.size), st.Floats(1, st.Samples*o.size)
	return all1[s*o.size : (s+1)*o.size], all2[s*o.size : (s+1)*o.size]
}

func (o *unaryOp) JVP(st *graph.State, out graph.Block, _, inT []graph.Block) {
	t := inT[0]
	if t.Zero() {
		out.Clear()
		return
	}
	for r := 0; r < out.Rows; r++ {
		d1, _ := o.derivs(st, r, out.Rows)
		tr, yr := t.Row(r), out.Row(r)
		for e := range yr {
			yr[e] = d1[e] * tr[e]
		}
	}
}

// addScaled adds d ⊙ w to dst for every row of w, into the paired rows of
// dst, with d the σ′ of each row's sample.
func (o *unaryOp) addScaled(st *graph.State, dst, w graph.Block, second bool) {
	for r := 0; r < w.Rows; r++ {
		d1, d2 := o.derivs(st, r, w.Rows)
		d := d1
		if second {
			d = d2
		}
		wr, cr := w.Row(r), dst.Row(pairRow(r, w.Rows, dst.Rows))
		for e := range cr {
			cr[e] += d[e] * wr[e]
		}
	}
}

func (o *unaryOp) VJP(st *graph.State, inC, _ []graph.Block, w graph.Block) {
	if !inC[0].Zero() {
		o.addScaled(st, inC[0], w, false)
	}
}

func (o *unaryOp) Reverse2(st *graph.State, inW, inV, _, inT []graph.Block, w, v graph.Block) {
	if !inW[0].Zero() && !w.Zero() {
		o.addScaled(st, inW[0], w, false)
	}
	dst := inV[0]
	if dst.Zero() {
		return
	}
	if !v.Zero() {
		o.addScaled(st, dst, v, false)
	}
	t := inT[0]
	if w.Zero() || t.Zero() {
		return
	}
	// σ″ ⊙ ẋ ⊙ w over the rows of the larger of the two.
	R := max(t.Rows, w.Rows)
	for r := 0; r < R; r++ {
		_, d2 := o.derivs(st, r, R)
		tr, wr := t.Row(pairRow(r, R, t.Rows)), w.Row(pairRow(r, R, w.Rows))
		cr := dst.Row(pairRow(r, R, dst.Rows))
		for e := range cr {
			cr[e] += d2[e] * tr[e] * wr[e]
		}
	}
}

func (o *unaryOp) JVP2(st *graph.State, out graph.Block, _, inT1, inT2 []graph.Block) {
	a, b := inT1[0], inT2[0]
	if a.Zero() || b.Zero() {
		return
	}
	for r := 0; r < out.Rows; r++ {
		_, d2 := o.derivs(st, r, out.Rows)
		ar, br, yr := a.Row(r), b.Row(r), out.Row(r)
		for e := range yr {
			yr[e] += d2[e] * ar[e] * br[e]
		}
	}
}

func (o *unaryOp) Hyper(_ *graph.State, out []hyperdual.Number, in [][]hyperdual.Number) {
	for e, v := range in[0] {
		out[e] = o.f(v)
	}
}
