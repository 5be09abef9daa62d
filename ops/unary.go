package ops

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
	"github.com/dualgrad/dualgrad/internal/realfn"
	"github.com/dualgrad/dualgrad/internal/vec"
)

// unaryOp is an element-wise function σ, defined once as a scalar function
// over hyper-dual numbers: σ, σ′ and σ″ for every pass come from one
// evaluation per element, and the oracle is the function itself. Forward
// records σ′ and σ″ of every element of every sample (buffers 0 and 1).
type unaryOp struct {
	name string
	f    func(hyperdual.Number) hyperdual.Number
	// k, if set, is the realfn kernel of which f is the hyper-dual chain
	// rule: Forward reads σ, σ′ and σ″ off its jet (realfn.Unit), the same
	// bits without a hyper-dual evaluation.
	k func(float64) (realfn.Jet, realfn.Mode)
	// units, if set, sets σ, σ′ and σ″ of a whole run of elements with the
	// bits of f (of realfn.Unit(k) where k is set), vectorized or without
	// the hyper-dual evaluation.
	units func(y, d1, d2, x []float64)
	// flat marks a σ whose σ″ is zero everywhere (piecewise linear, the
	// kinks included by convention). The passes drop its σ″ terms: every
	// one would add ±0, or NaN where ẋ or w is infinite, a term that
	// PyTorch's double backward of such an op (zeros) does not have. With a
	// units function, Forward records no σ″ at all (units gets a nil d2).
	flat bool
	// selects marks a flat σ whose σ′ = 0 means σ is constant there: σ′ ⊙ w
	// is then +0 whatever w, a select as in PyTorch's backward (relu's
	// threshold_backward, clamp's and hardsigmoid's torch.where), not a
	// product, which would give NaN for an infinite or NaN w. A flat σ
	// whose PyTorch backward multiplies (abs by sgn x, leaky relu by its
	// slope) does not select.
	selects bool
	cost    float64
	size    int
}

// newUnary returns the element-wise op of f. cost is the flops of one
// element's value, for the cost model.
func newUnary(name string, cost float64, f func(hyperdual.Number) hyperdual.Number) graph.Op {
	return &unaryOp{name: name, f: f, cost: cost}
}

// newUnaryKernel is newUnary for an f that is x.chain(k(x.Real)) in
// package hyperdual, k a realfn kernel.
func newUnaryKernel(name string, cost float64, f func(hyperdual.Number) hyperdual.Number, k func(float64) (realfn.Jet, realfn.Mode)) graph.Op {
	return &unaryOp{name: name, f: f, k: k, cost: cost}
}

var _ graph.FreshWriter = (*unaryOp)(nil)

// newUnaryUnits is newUnaryKernel with units, which sets σ, σ′ and σ″ of
// every element of x, with the bits of f's hyper-dual evaluation (of
// realfn.Unit(k(x)) where there is a k: vec.TanhUnits, say).
func newUnaryUnits(name string, cost float64, f func(hyperdual.Number) hyperdual.Number, k func(float64) (realfn.Jet, realfn.Mode),
	units func(y, d1, d2, x []float64)) graph.Op {
	return &unaryOp{name: name, f: f, k: k, units: units, cost: cost}
}

// flat marks the element-wise op op, built by one of the constructors
// above, as piecewise linear: σ″ ≡ 0, the kinks included by convention. A
// units function of a flat op gets a nil d2.
func flat(op graph.Op) graph.Op {
	op.(*unaryOp).flat = true
	return op
}

// selecting marks the element-wise op op as flat and as selecting (see
// unaryOp.selects).
func selecting(op graph.Op) graph.Op {
	o := flat(op).(*unaryOp)
	o.selects = true
	return o
}

// mulRows returns the row kernel of σ′ ⊙ w, adding with acc: selecting
// where the op selects.
func (o *unaryOp) mulRows(acc bool) func(dst []float64, ds int, x []float64, xs int, y []float64, ys, n, rows int) {
	switch {
	case o.selects && acc:
		return vec.AddSelMulRows
	case o.selects:
		return vec.SelMulRows
	case acc:
		return vec.AddMulRows
	}
	return vec.MulRows
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
	x, n := in[0], o.size
	d1 := st.Floats(0, out.Rows*n)
	var d2 []float64 // σ″, unless the op is flat and has a units function
	if !o.flat || o.units == nil {
		d2 = st.Floats(1, out.Rows*n)
	}
	if x.Rows == out.Rows && x.Contiguous() && out.Contiguous() {
		// One run over the whole block: the per-row slicing costs as much as
		// a cheap σ on the narrow layers of small networks.
		o.evalAll(out.Data[:len(d1)], d1, d2, x.Data[:len(d1)])
		return
	}
	for r := 0; r < out.Rows; r++ {
		var d2r []float64
		if d2 != nil {
			d2r = d2[r*n : (r+1)*n]
		}
		o.evalAll(out.Row(r), d1[r*n:(r+1)*n], d2r, x.Row(pairRow(r, out.Rows, x.Rows)))
	}
}

// evalAll sets y, d1 and d2 to σ, σ′ and σ″ of every element of x (d2 nil
// for a flat σ).
func (o *unaryOp) evalAll(y, d1, d2, x []float64) {
	if o.units != nil {
		o.units(y[:len(x)], d1[:len(x)], d2, x)
		return
	}
	f := o.f
	y, d1, d2 = y[:len(x)], d1[:len(x)], d2[:len(x)]
	if k := o.k; k != nil {
		for e, v := range x {
			var ok bool
			if y[e], d1[e], d2[e], ok = realfn.Unit(k(v)); !ok {
				y[e], d1[e], d2[e] = o.eval(v)
			}
		}
		return
	}
	for e, v := range x {
		z := f(hyperdual.Number{Real: v, E1: 1, E2: 1})
		y[e], d1[e], d2[e] = z.Real, z.E1, z.E12
	}
}

// recorded returns σ′ and σ″ of every sample, as Forward recorded them
// (σ″ nil for a flat σ). The derivative passes walk their rows sample by
// sample (the rows of one sample are contiguous), slicing each sample's σ′
// and σ″ once rather than once per row.
func (o *unaryOp) recorded(st *graph.State) (d1, d2 []float64) {
	n := st.Samples * o.size
	if o.flat {
		return st.Floats(0, n), nil
	}
	return st.Floats(0, n), st.Floats(1, n)
}

func (o *unaryOp) JVP(st *graph.State, out graph.Block, _, inT []graph.Block) {
	t := inT[0]
	if t.Zero() {
		out.Clear()
		return
	}
	all, _ := o.recorded(st)
	n, q := o.size, out.Rows/st.Samples
	mul := o.mulRows(false)
	R := out.Rows
	eachGroup(st.Samples, q, n, func(g rowGroup) {
		d, ds := g.rows(out, R)
		x, xs := g.of(all, n)
		y, ys := g.rows(t, R)
		mul(d, ds, x, xs, y, ys, n, g.count)
	})
}

// A rowGroup is a set of a pass's rows that one call of a row kernel takes:
// rows r0 + k·rstep for k < count, whose samples are s0 + k·sstep.
type rowGroup struct{ r0, rstep, s0, sstep, count int }

// eachGroup calls f over the rows of a pass with q rows of n elements to
// each of samples samples, in few calls of the vec kernels: one for all
// rows where each sample has one row; else, where a sample's rows are
// few and short (q < samples, q·n ≤ groupMax), one for each row j of
// every sample (rows j, j + q, …, with σ′ advancing a sample a row); else
// one for each sample, its rows contiguous and its σ′ repeated over them
// (stride 0). A call a row cost as much as the products on the narrow
// layers of small networks, and a call a sample still a quarter of the
// second-order sweep's element-wise time on small's 32 samples of 4 rows
// of 32; on medium's 8 rows of 64 the strided rows were slower than the
// calls they save. Every element gets the same operations whichever way,
// and a destination with one row a sample gets its sample's terms in row
// order either way, so the bits do not depend on it.
func eachGroup(samples, q, n int, f func(g rowGroup)) {
	switch {
	case q == 1:
		f(rowGroup{0, 1, 0, 1, samples})
	case q < samples && q*n <= groupMax:
		for j := 0; j < q; j++ {
			f(rowGroup{j, q, 0, 1, samples})
		}
	default:
		for s := 0; s < samples; s++ {
			f(rowGroup{s * q, 1, s, 0, q})
		}
	}
}

// groupMax is the most elements of a sample's rows that eachGroup takes a
// row of every sample at a time (strides of at most 2 KiB, never the 4 KiB
// multiples at which stores and later loads alias). A variable for the
// tests, which take both ways.
var groupMax = 256

// rows returns b's rows in g and their stride, for b with a row for each
// of the pass's R rows or one for each sample (stride 0 where g's rows are
// one sample's).
func (g rowGroup) rows(b graph.Block, R int) ([]float64, int) {
	if b.Rows == R {
		return rowsAt(b, g.r0), g.rstep * b.Stride
	}
	return rowsAt(b, g.s0), g.sstep * b.Stride
}

// of returns the recorded σ′ or σ″ rows (n elements a sample) of g's rows,
// and their stride.
func (g rowGroup) of(all []float64, n int) ([]float64, int) { return all[g.s0*n:], g.sstep * n }

// bySampleRows reports whether each block has R rows, or one a sample, so
// that rowGroup.rows gives its rows.
func bySampleRows(R, samples int, bs ...graph.Block) bool {
	for _, b := range bs {
		if b.Rows != R && b.Rows != samples {
			return false
		}
	}
	return true
}

// rowsAt returns b's data from row r on.
func rowsAt(b graph.Block, r int) []float64 { return b.Data[r*b.Stride:] }

// addScaled adds σ′ ⊙ w to dst for every row of w, into the paired rows of
// dst, with the σ′ of each row's sample.
func (o *unaryOp) addScaled(st *graph.State, dst, w graph.Block) { o.scaled(st, dst, w, true) }

// writeScaled is addScaled that overwrites dst, where each row of dst
// pairs with one row of w; it reports false, having written nothing,
// elsewhere.
func (o *unaryOp) writeScaled(st *graph.State, dst, w graph.Block) bool {
	if dst.Rows != w.Rows {
		return false
	}
	o.scaled(st, dst, w, false)
	return true
}

// scaled adds (acc) or writes σ′ ⊙ w into the rows of dst paired with w's.
func (o *unaryOp) scaled(st *graph.State, dst, w graph.Block, acc bool) {
	all, _ := o.recorded(st)
	n, R := o.size, w.Rows
	q := R / st.Samples
	if dst.Rows == R || acc && dst.Rows == st.Samples {
		f := o.mulRows(acc)
		eachGroup(st.Samples, q, n, func(g rowGroup) {
			d, ds := g.rows(dst, R)
			x, xs := g.of(all, n)
			y, ys := g.rows(w, R)
			f(d, ds, x, xs, y, ys, n, g.count)
		})
		return
	}
	// dst sums several rows of w (acc, then): each of its rows gets them in
	// order.
	add := o.mulRows(true)
	for s := 0; s < st.Samples; s++ {
		d := all[s*n : (s+1)*n]
		for r := s * q; r < (s+1)*q; r++ {
			add(dst.Row(pairRow(r, R, dst.Rows)), 0, d, 0, w.Row(r), 0, n, 1)
		}
	}
}

func (o *unaryOp) VJP(st *graph.State, inC, _ []graph.Block, w graph.Block) {
	if !inC[0].Zero() {
		o.addScaled(st, inC[0], w)
	}
}

func (o *unaryOp) Reverse2(st *graph.State, inW, inV, _, inT []graph.Block, w, v graph.Block) {
	o.reverse2(st, inW[0], inV[0], inT[0], w, v, false)
}

// Reverse2Fresh writes each of w_x and v_x from its first term, σ′ ⊙ w or
// σ′ ⊙ v, where that term covers it row for row, and clears it otherwise.
func (o *unaryOp) Reverse2Fresh(st *graph.State, inW, inV, _, inT []graph.Block, w, v graph.Block, fresh uint64) {
	o.reverse2(st, inW[0], inV[0], inT[0], w, v, fresh&1 != 0)
}

func (o *unaryOp) reverse2(st *graph.State, cw, dst, t, w, v graph.Block, fresh bool) {
	first := !cw.Zero() && !w.Zero()                           // w_x += σ′ ⊙ w
	second := !dst.Zero() && !w.Zero() && !t.Zero() && !o.flat // v_x += σ″ ⊙ ẋ ⊙ w
	vTerm := !dst.Zero() && !v.Zero()                          // v_x += σ′ ⊙ v, before the σ″ terms as always
	if fresh && !cw.Zero() {
		if first && o.writeScaled(st, cw, w) {
			first = false
		} else {
			cw.Clear()
		}
	}
	R := max(t.Rows, w.Rows)
	// v_x's two terms in one pass over it (vec.MulMul3Rows, the same
	// roundings), where the row kernels below take v's rows as well.
	fuse := second && vTerm && v.Rows == R && dst.Rows == R && bySampleRows(R, st.Samples, t, w) &&
		(!first || w.Rows != R || bySampleRows(R, st.Samples, cw))
	if fresh && !dst.Zero() && !fuse {
		if vTerm && o.writeScaled(st, dst, v) {
			vTerm = false
		} else {
			dst.Clear()
		}
	}
	if vTerm && !fuse {
		o.addScaled(st, dst, v)
	}
	if !second {
		if first {
			o.addScaled(st, cw, w)
		}
		return
	}
	if first && w.Rows != R {
		o.addScaled(st, cw, w)
		first = false
	}
	// Over the rows of the larger of ẋ and w, with w_x's terms in the same
	// pass when w has those rows, while w's row is in L1. w_x and v_x are
	// different blocks, so each still gets its terms in row order.
	all1, all2 := o.recorded(st)
	n := o.size
	q := R / st.Samples
	if bySampleRows(R, st.Samples, t, dst, w) && (!first || bySampleRows(R, st.Samples, cw)) {
		eachGroup(st.Samples, q, n, func(g rowGroup) {
			wr, ws := g.rows(w, R)
			d1, xs := g.of(all1, n)
			d2, _ := g.of(all2, n)
			if first {
				c, cs := g.rows(cw, R)
				vec.AddMulRows(c, cs, d1, xs, wr, ws, n, g.count)
			}
			d, ds := g.rows(dst, R)
			tr, ts := g.rows(t, R)
			if fuse {
				vr, vs := g.rows(v, R)
				vec.MulMul3Rows(d, ds, d1, d2, xs, vr, vs, tr, ts, wr, ws, n, g.count, !fresh)
				return
			}
			vec.AddMul3Rows(d, ds, d2, xs, tr, ts, wr, ws, n, g.count)
		})
		return
	}
	for s := 0; s < st.Samples; s++ {
		d1, d2 := all1[s*n:(s+1)*n], all2[s*n:(s+1)*n]
		for r := s * q; r < (s+1)*q; r++ {
			tr, wr := t.Row(pairRow(r, R, t.Rows)), w.Row(pairRow(r, R, w.Rows))
			if first {
				vec.AddMul(cw.Row(pairRow(r, R, cw.Rows))[:len(d1)], d1, wr)
			}
			vec.AddMul3(dst.Row(pairRow(r, R, dst.Rows))[:len(d2)], d2, tr, wr)
		}
	}
}

func (o *unaryOp) JVP2(st *graph.State, out graph.Block, _, inT1, inT2 []graph.Block) {
	a, b := inT1[0], inT2[0]
	if a.Zero() || b.Zero() || o.flat {
		return
	}
	_, all := o.recorded(st)
	n, q := o.size, out.Rows/st.Samples
	for s := 0; s < st.Samples; s++ {
		d := all[s*n : (s+1)*n]
		for r := s * q; r < (s+1)*q; r++ {
			vec.AddMul3(out.Row(r)[:len(d)], d, a.Row(r), b.Row(r))
		}
	}
}

func (o *unaryOp) Hyper(_ *graph.State, out []hyperdual.Number, in [][]hyperdual.Number) {
	for e, v := range in[0] {
		out[e] = o.f(v)
	}
}
