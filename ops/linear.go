package ops

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// A linearKernel is what a linear op defines: a map that is linear in all
// its inputs together (reshapes, slicing, concatenation, pooling by
// averaging, additions), or linear once a selection is made from the
// values (max pooling). Its derivative is the map itself, so every pass
// derives from Apply and Transpose; the second-order terms are zero.
//
// State buffers 0–15 are the kernel's; the adapter uses 16 and up.
type linearKernel interface {
	Type() string
	Init(in []graph.Shape) (graph.Shape, error)
	Cost() float64
	// Apply writes Σ_j L_j·in[j] into out, skipping zero inputs (all zero
	// gives zero). Inputs pair with out's rows.
	Apply(st *graph.State, out graph.Block, in []graph.Block)
	// Transpose adds L_jᵀ·w to each non-zero inC[j], summing over the rows
	// of w that pair with each of inC[j]'s rows.
	Transpose(st *graph.State, inC []graph.Block, w graph.Block)
}

// A preparer records, from the input values, the selection that makes a
// piecewise-linear op linear (the argmax of each pooling window). It runs
// in Forward, one row per sample, before Apply unless it reports that it
// has written out's values itself (the maxima it found, say).
type preparer interface {
	Prepare(st *graph.State, out graph.Block, in []graph.Block) (wrote bool)
}

// An offsetter adds the constant part of an affine op (a pad value) to its
// Forward output; derivatives do not see it.
type offsetter interface {
	Offset(st *graph.State, out graph.Block)
}

// linearOp adapts a linearKernel to graph.Op.
type linearOp struct{ k linearKernel }

// newLinear returns the op of a linear kernel.
func newLinear(k linearKernel) graph.Op { return linearOp{k} }

func (o linearOp) Type() string                               { return o.k.Type() }
func (o linearOp) Init(in []graph.Shape) (graph.Shape, error) { return o.k.Init(in) }
func (o linearOp) Cost() float64                              { return o.k.Cost() }
func (o linearOp) Nonlinear() bool                            { return false }

func (o linearOp) Forward(st *graph.State, out graph.Block, in []graph.Block) {
	if p, ok := o.k.(preparer); !ok || !p.Prepare(st, out, in) {
		o.k.Apply(st, out, in)
	}
	if f, ok := o.k.(offsetter); ok {
		f.Offset(st, out)
	}
}

func (o linearOp) JVP(st *graph.State, out graph.Block, _, inT []graph.Block) {
	o.k.Apply(st, out, inT)
}

func (o linearOp) VJP(st *graph.State, inC, _ []graph.Block, w graph.Block) {
	o.k.Transpose(st, inC, w)
}

func (o linearOp) Reverse2(st *graph.State, inW, inV, _, _ []graph.Block, w, v graph.Block) {
	if !w.Zero() {
		o.k.Transpose(st, inW, w)
	}
	if !v.Zero() {
		o.k.Transpose(st, inV, v)
	}
}

func (o linearOp) JVP2(*graph.State, graph.Block, []graph.Block, []graph.Block, []graph.Block) {}

// Hyper applies the map to each of the four parts; the selection and the
// offset come from, and go to, the real part only.
func (o linearOp) Hyper(st *graph.State, out []hyperdual.Number, in [][]hyperdual.Number) {
	hyperParts(st, out, in, func(part int, ob graph.Block, ib []graph.Block) {
		if part == 0 {
			o.Forward(st, ob, ib)
			return
		}
		o.k.Apply(st, ob, ib)
	})
}

// hyperParts runs apply once for each part (Real, E1, E2, E12) of the
// hyper-dual numbers, on one-row float blocks that it gathers from in and
// scatters into out, in buffers 16 and up of st.
func hyperParts(st *graph.State, out []hyperdual.Number, in [][]hyperdual.Number, apply func(part int, out graph.Block, in []graph.Block)) {
	ib := st.Blocks(0, len(in))
	ob := graph.MakeBlock(st.Floats(16, len(out)), 1, len(out))
	for part := 0; part < 4; part++ {
		for j, x := range in {
			b := st.Floats(17+j, len(x))
			for e, v := range x {
				b[e] = hyperPart(v, part)
			}
			ib[j] = graph.MakeBlock(b, 1, len(x))
		}
		apply(part, ob, ib)
		for e, v := range ob.Data {
			setHyperPart(&out[e], part, v)
		}
	}
}

func hyperPart(v hyperdual.Number, part int) float64 {
	switch part {
	case 0:
		return v.Real
	case 1:
		return v.E1
	case 2:
		return v.E2
	}
	return v.E12
}

func setHyperPart(v *hyperdual.Number, part int, x float64) {
	switch part {
	case 0:
		v.Real = x
	case 1:
		v.E1 = x
	case 2:
		v.E2 = x
	default:
		v.E12 = x
	}
}

// pairRow returns the row of a block of rows rows that pairs with row r of
// a block of R rows (graph.Pair). Blocks of equal rows and single-row blocks
// (a parameter's) are the common cases of the inner loops, and need no
// division.
func pairRow(r, R, rows int) int {
	switch rows {
	case R:
		return r
	case 1:
		return 0
	}
	return r / (R / rows)
}
