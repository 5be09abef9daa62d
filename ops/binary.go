package ops

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// binaryOp is an element-wise function f(a, b) of two tensors with NumPy
// broadcasting, defined once as a scalar function over hyper-dual numbers.
// Forward records, per output element and sample, the partials f_a, f_b,
// f_aa, f_ab and f_bb (buffers 0–4), from three hyper-dual evaluations.
type binaryOp struct {
	name   string
	f      func(a, b hyperdual.Number) hyperdual.Number
	cost   float64
	ia, ib []int // per output element, the element of a and of b
	size   int
}

// newBinary returns the broadcasting element-wise op of f.
func newBinary(name string, cost float64, f func(a, b hyperdual.Number) hyperdual.Number) graph.Op {
	return &binaryOp{name: name, f: f, cost: cost}
}

func (o *binaryOp) Type() string { return o.name }

func (o *binaryOp) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	out, err := Broadcast(in[0], in[1])
	if err != nil {
		return nil, err
	}
	o.ia, o.ib = BroadcastIndex(in[0], out), BroadcastIndex(in[1], out)
	o.size = out.Size()
	return out, nil
}

func (o *binaryOp) Cost() float64   { return o.cost * float64(o.size) }
func (o *binaryOp) Nonlinear() bool { return true }

// partials returns the five partial-derivative rows of sample s.
func (o *binaryOp) partials(st *graph.State, s int) (fa, fb, faa, fab, fbb []float64) {
	n := st.Samples * o.size
	lo, hi := s*o.size, (s+1)*o.size
	return st.Floats(0, n)[lo:hi], st.Floats(1, n)[lo:hi], st.Floats(2, n)[lo:hi], st.Floats(3, n)[lo:hi], st.Floats(4, n)[lo:hi]
}

func (o *binaryOp) Forward(st *graph.State, out graph.Block, in []graph.Block) {
	a, b := in[0], in[1]
	for r := 0; r < out.Rows; r++ {
		ar, br, yr := a.Row(pairRow(r, out.Rows, a.Rows)), b.Row(pairRow(r, out.Rows, b.Rows)), out.Row(r)
		fa, fb, faa, fab, fbb := o.partials(st, r)
		for e := range yr {
			x, y := ar[o.ia[e]], br[o.ib[e]]
			va := o.f(hyperdual.Number{Real: x, E1: 1, E2: 1}, hyperdual.Number{Real: y})
			vb := o.f(hyperdual.Number{Real: x}, hyperdual.Number{Real: y, E1: 1, E2: 1})
			vab := o.f(hyperdual.Number{Real: x, E1: 1}, hyperdual.Number{Real: y, E2: 1})
			yr[e], fa[e], faa[e], fb[e], fbb[e], fab[e] = va.Real, va.E1, va.E12, vb.E1, vb.E12, vab.E12
		}
	}
}

func (o *binaryOp) JVP(st *graph.State, out graph.Block, _, inT []graph.Block) {
	ta, tb := inT[0], inT[1]
	for r := 0; r < out.Rows; r++ {
		fa, fb, _, _, _ := o.partials(st, pairRow(r, out.Rows, st.Samples))
		yr := out.Row(r)
		clear(yr)
		if !ta.Zero() {
			t := ta.Row(r)
			for e := range yr {
				yr[e] += fa[e] * t[o.ia[e]]
			}
		}
		if !tb.Zero() {
			t := tb.Row(r)
			for e := range yr {
				yr[e] += fb[e] * t[o.ib[e]]
			}
		}
	}
}

// scatter adds d ⊙ w, read at every output element, into dst at the
// input elements idx, for every row of w and its paired row of dst.
func (o *binaryOp) scatter(st *graph.State, dst, w graph.Block, idx []int, which int) {
	for r := 0; r < w.Rows; r++ {
		fa, fb, _, _, _ := o.partials(st, pairRow(r, w.Rows, st.Samples))
		d := fa
		if which == 1 {
			d = fb
		}
		wr, cr := w.Row(r), dst.Row(pairRow(r, w.Rows, dst.Rows))
		for e, i := range idx {
			cr[i] += d[e] * wr[e]
		}
	}
}

func (o *binaryOp) VJP(st *graph.State, inC, _ []graph.Block, w graph.Block) {
	if !inC[0].Zero() {
		o.scatter(st, inC[0], w, o.ia, 0)
	}
	if !inC[1].Zero() {
		o.scatter(st, inC[1], w, o.ib, 1)
	}
}

func (o *binaryOp) Reverse2(st *graph.State, inW, inV, _, inT []graph.Block, w, v graph.Block) {
	if !w.Zero() {
		o.VJP(st, inW, nil, w)
	}
	if !v.Zero() {
		o.VJP(st, inV, nil, v)
	}
	ta, tb := inT[0], inT[1]
	if w.Zero() || (ta.Zero() && tb.Zero()) || (inV[0].Zero() && inV[1].Zero()) {
		return
	}
	// (f″[ẋ])ᵀw: to a, (f_aa·ȧ + f_ab·ḃ)·w; to b, (f_ab·ȧ + f_bb·ḃ)·w.
	rows := w.Rows
	if !ta.Zero() {
		rows = max(rows, ta.Rows)
	}
	if !tb.Zero() {
		rows = max(rows, tb.Rows)
	}
	for r := 0; r < rows; r++ {
		_, _, faa, fab, fbb := o.partials(st, pairRow(r, rows, st.Samples))
		wr := w.Row(pairRow(r, rows, w.Rows))
		var ar, br []float64
		if !ta.Zero() {
			ar = ta.Row(pairRow(r, rows, ta.Rows))
		}
		if !tb.Zero() {
			br = tb.Row(pairRow(r, rows, tb.Rows))
		}
		var ca, cb []float64
		if !inV[0].Zero() {
			ca = inV[0].Row(pairRow(r, rows, inV[0].Rows))
		}
		if !inV[1].Zero() {
			cb = inV[1].Row(pairRow(r, rows, inV[1].Rows))
		}
		for e := range wr {
			var da, db float64
			if ar != nil {
				t := ar[o.ia[e]]
				da, db = faa[e]*t, fab[e]*t
			}
			if br != nil {
				t := br[o.ib[e]]
				da += fab[e] * t
				db += fbb[e] * t
			}
			if ca != nil {
				ca[o.ia[e]] += da * wr[e]
			}
			if cb != nil {
				cb[o.ib[e]] += db * wr[e]
			}
		}
	}
}

func (o *binaryOp) JVP2(st *graph.State, out graph.Block, _, inT1, inT2 []graph.Block) {
	a1, b1, a2, b2 := inT1[0], inT1[1], inT2[0], inT2[1]
	get := func(b graph.Block, r int) []float64 {
		if b.Zero() {
			return nil
		}
		return b.Row(r)
	}
	for r := 0; r < out.Rows; r++ {
		_, _, faa, fab, fbb := o.partials(st, pairRow(r, out.Rows, st.Samples))
		xa1, xb1, xa2, xb2 := get(a1, r), get(b1, r), get(a2, r), get(b2, r)
		yr := out.Row(r)
		for e := range yr {
			var p, q, s, t float64 // ȧ₁, ḃ₁, ȧ₂, ḃ₂ at this element
			if xa1 != nil {
				p = xa1[o.ia[e]]
			}
			if xb1 != nil {
				q = xb1[o.ib[e]]
			}
			if xa2 != nil {
				s = xa2[o.ia[e]]
			}
			if xb2 != nil {
				t = xb2[o.ib[e]]
			}
			yr[e] += faa[e]*p*s + fab[e]*(p*t+q*s) + fbb[e]*q*t
		}
	}
}

func (o *binaryOp) Hyper(_ *graph.State, out []hyperdual.Number, in [][]hyperdual.Number) {
	for e := range out {
		out[e] = o.f(in[0][o.ia[e]], in[1][o.ib[e]])
	}
}
