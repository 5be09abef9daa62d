package ops

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
	"github.com/dualgrad/dualgrad/internal/vec"
)

// A bilinearKernel is what a bilinear op f(a, b) defines: matrix products
// and convolutions, linear in each operand. Its first derivative is
// f(ȧ, b) + f(a, ḃ), its second f(ȧ₁, ḃ₂) + f(ȧ₂, ḃ₁), and each pass derives
// from Apply and the two transposes. Operands and outputs follow the row
// pairing of package graph; the fast case, one operand a single row (a
// weight), is one matrix product over all rows of the other.
//
// State buffers 0–15 are the kernel's; the adapter uses 16 and up (Hyper
// 16–19, the folded rows of a Unit seed's term 20).
type bilinearKernel interface {
	Type() string
	Init(in []graph.Shape) (graph.Shape, error)
	Cost() float64
	// Apply writes f(a, b) into out, or adds it if acc.
	Apply(st *graph.State, out, a, b graph.Block, acc bool)
	// TransposeA adds ∂⟨w, f(a, b)⟩/∂a = f(·, b)ᵀw to aC, and TransposeB
	// adds ∂⟨w, f(a, b)⟩/∂b = f(a, ·)ᵀw to bC. The three blocks of each
	// pair by the largest row count among them: w may have fewer rows than
	// the other operand (one cotangent row per sample against many tangent
	// rows, in the forward-over-reverse sweep) and the destination fewer
	// than both (a parameter's gradient summed over rows).
	TransposeA(st *graph.State, aC, w, b graph.Block)
	TransposeB(st *graph.State, bC, a, w graph.Block)
}

// A writer2 is a bilinear kernel that can write B's cotangent from two
// terms in one pass, bC = f(a1, ·)ᵀw1 + f(a2, ·)ᵀw2 (a zero a or w drops its
// term), overwriting bC. It reports false, having written nothing, for
// row pairings it does not handle.
type writer2 interface {
	WriteB2(bC, a1, w1, a2, w2 graph.Block) bool
}

// A writerA is a bilinear kernel that can write A's cotangent,
// aC = f(·, b)ᵀw, overwriting aC. It reports false, having written
// nothing, for row pairings it does not handle.
type writerA interface {
	WriteA(aC, w, b graph.Block) bool
}

// A biaser is a bilinear kernel with an optional third input, a bias c
// added as β·c[idx[e/span]] to output element e (a convolution's
// per-channel bias, one per span of positions; Gemm's C, span 1): linear,
// so it has no second-order terms.
type biaser interface {
	Bias() (idx []int, span int, beta float64)
}

type bilinearOp struct{ k bilinearKernel }

var (
	_ graph.FreshWriter = bilinearOp{}
	_ writerA           = (*gemmKernel)(nil)
	_ writer2           = (*gemmKernel)(nil)
)

// newBilinear returns the op of a bilinear kernel.
func newBilinear(k bilinearKernel) graph.Op { return bilinearOp{k} }

func (o bilinearOp) Type() string                               { return o.k.Type() }
func (o bilinearOp) Init(in []graph.Shape) (graph.Shape, error) { return o.k.Init(in) }
func (o bilinearOp) Cost() float64                              { return o.k.Cost() }
func (o bilinearOp) Nonlinear() bool                            { return true }

func (o bilinearOp) Forward(st *graph.State, out graph.Block, in []graph.Block) {
	o.k.Apply(st, out, in[0], in[1], false)
	if len(in) > 2 {
		o.addBias(out, in[2])
	}
}

// addBias adds β·c, broadcast, to every row of out.
func (o bilinearOp) addBias(out, c graph.Block) {
	idx, span, beta := o.k.(biaser).Bias()
	if cs, ok := biasRows(idx, span, beta, c, out.Rows); ok {
		// A bias of the output's own shape: one add per element (β = 1),
		// its one row repeated or a row for each.
		vec.AddRows(out.Data, out.Stride, c.Data, cs, len(idx), out.Rows)
		return
	}
	for r := 0; r < out.Rows; r++ {
		yr, cr := out.Row(r), c.Row(pairRow(r, out.Rows, c.Rows))
		if span == 1 {
			for e, i := range idx {
				yr[e] += beta * cr[i]
			}
			continue
		}
		for q, i := range idx {
			b := beta * cr[i]
			for e := range yr[q*span : (q+1)*span] {
				yr[q*span+e] += b
			}
		}
	}
}

var _ graph.Scratcher = bilinearOp{}

// ScratchFloats is the kernel's, for kernels that take Scratch buffers.
func (o bilinearOp) ScratchFloats() int {
	if s, ok := o.k.(graph.Scratcher); ok {
		return s.ScratchFloats()
	}
	return 0
}

// biasRows reports whether a bias c broadcasts to R rows of the output
// element for element with β = 1 (idx the identity, span 1), where β·c is
// c itself, and returns the stride of c's rows paired with them: 0 for one
// row repeated, c's own where it has R.
func biasRows(idx []int, span int, beta float64, c graph.Block, R int) (int, bool) {
	if span != 1 || beta != 1 || c.Rows != 1 && c.Rows != R {
		return 0, false
	}
	for e, i := range idx {
		if i != e {
			return 0, false
		}
	}
	if c.Rows == 1 {
		return 0, true
	}
	return c.Stride, true
}

// biasVJP adds β·w, summed over broadcast elements in their order, to cC.
func (o bilinearOp) biasVJP(cC, w graph.Block) {
	idx, span, beta := o.k.(biaser).Bias()
	if cs, ok := biasRows(idx, span, beta, cC, w.Rows); ok {
		// Rows summed in order into cC's one row, or added row for row.
		vec.AddRows(cC.Data, cs, w.Data, w.Stride, len(idx), w.Rows)
		return
	}
	for r := 0; r < w.Rows; r++ {
		wr, cr := w.Row(r), cC.Row(pairRow(r, w.Rows, cC.Rows))
		if span == 1 {
			for e, i := range idx {
				cr[i] += beta * wr[e]
			}
			continue
		}
		for q, i := range idx {
			s := cr[i]
			for _, v := range wr[q*span : (q+1)*span] {
				s += beta * v
			}
			cr[i] = s
		}
	}
}

func (o bilinearOp) JVP(st *graph.State, out graph.Block, in, inT []graph.Block) {
	acc := false
	if !inT[0].Zero() {
		if !o.applyUnit(st, out, inT[0], in[1], true) {
			o.k.Apply(st, out, inT[0], in[1], false)
		}
		acc = true
	}
	if !inT[1].Zero() {
		if acc || !o.applyUnit(st, out, inT[1], in[0], false) {
			o.k.Apply(st, out, in[0], inT[1], acc)
		}
		acc = true
	}
	if !acc {
		out.Clear()
	}
	if len(inT) > 2 && !inT[2].Zero() {
		o.addBias(out, inT[2])
	}
}

func (o bilinearOp) VJP(st *graph.State, inC, in []graph.Block, w graph.Block) {
	if !inC[0].Zero() {
		o.k.TransposeA(st, inC[0], w, in[1])
	}
	if !inC[1].Zero() {
		o.k.TransposeB(st, inC[1], in[0], w)
	}
	if len(inC) > 2 && !inC[2].Zero() {
		o.biasVJP(inC[2], w)
	}
}

func (o bilinearOp) Reverse2(st *graph.State, inW, inV, in, inT []graph.Block, w, v graph.Block) {
	if !w.Zero() {
		o.VJP(st, inW, in, w)
	}
	if !v.Zero() {
		o.VJP(st, inV, in, v)
	}
	if w.Zero() {
		return
	}
	if !inV[0].Zero() && !inT[1].Zero() {
		if u, wf, ok := o.foldUnit(st, inV[0], inT[1], w); ok {
			o.k.TransposeA(st, inV[0], wf, u)
		} else {
			o.k.TransposeA(st, inV[0], w, inT[1])
		}
	}
	if !inV[1].Zero() && !inT[0].Zero() {
		if u, wf, ok := o.foldUnit(st, inV[1], inT[0], w); ok {
			o.k.TransposeB(st, inV[1], u, wf)
		} else {
			o.k.TransposeB(st, inV[1], inT[0], w)
		}
	}
}

// unitSeeds reports whether u is a graph.Block.Unit block of more than one
// seed, and returns the rows of one.
func unitSeeds(u graph.Block) (graph.Block, bool) {
	m := u.Size
	if !u.Unit || m == 0 || u.Rows <= m || u.Rows%m != 0 {
		return graph.Block{}, false
	}
	return graph.Block{Data: u.Data[:(m-1)*u.Stride+m], Rows: m, Size: m, Stride: u.Stride}, true
}

// applyUnit writes f(u, b) (first) or f(b, u) into out when u is a
// graph.Block.Unit block of several seeds and b one row: row r of the
// product depends on u's row r alone, so it is the product of one seed,
// repeated. It reports false, having written nothing, otherwise.
func (o bilinearOp) applyUnit(st *graph.State, out, u, b graph.Block, first bool) bool {
	one, ok := unitSeeds(u)
	if !ok || b.Rows != 1 || u.Rows != out.Rows || !out.Contiguous() {
		return false
	}
	m, n := one.Rows, out.Size
	head := graph.MakeBlock(out.Data, m, n)
	if first {
		o.k.Apply(st, head, one, b, false)
	} else {
		o.k.Apply(st, head, b, one, false)
	}
	for done := m * n; done < out.Rows*n; done *= 2 { // doubling copies
		copy(out.Data[done:out.Rows*n], out.Data[:done])
	}
	return true
}

// foldUnit prepares a second-order term f(u, ·)ᵀw (or f(·, u)ᵀw) summed
// into dst's one row when u is a graph.Block.Unit block of several seeds:
// the term is linear in w and u repeats every m rows, so it equals the
// term of one seed against w's rows summed over the samples, in sample
// order. It returns that seed and the summed rows, or false.
func (o bilinearOp) foldUnit(st *graph.State, dst, u, w graph.Block) (graph.Block, graph.Block, bool) {
	one, ok := unitSeeds(u)
	if !ok || dst.Rows != 1 || w.Rows != u.Rows {
		return graph.Block{}, graph.Block{}, false
	}
	m, n := one.Rows, w.Size
	wf := st.Floats(20, m*n)
	vec.CopyRows(wf, n, w.Data, w.Stride, n, m)
	// Seed row i's rows of every later sample summed into its row, a call
	// per seed row (m of them) rather than per sample.
	for i := 0; i < m; i++ {
		vec.AddRows(wf[i*n:], 0, w.Data[(m+i)*w.Stride:], m*w.Stride, n, w.Rows/m-1)
	}
	return one, graph.MakeBlock(wf, m, n), true
}

// Reverse2Fresh writes the fresh inputs' cotangents. A kernel that is a
// writerA writes A's, each from its first term, to which the second is
// then added as in Reverse2; a writer2 writes B's second cotangent from
// both terms in one pass. Every other fresh block is cleared and added to
// as in Reverse2.
func (o bilinearOp) Reverse2Fresh(st *graph.State, inW, inV, in, inT []graph.Block, w, v graph.Block, fresh uint64) {
	var hidW, hidV [3]graph.Block // blocks written here, hidden from Reverse2 below
	if fresh&1 != 0 {
		wa, ok := o.k.(writerA)
		if a := inW[0]; !a.Zero() {
			switch {
			case w.Zero():
				a.Clear()
				hidW[0], inW[0] = a, graph.Block{}
			case ok && wa.WriteA(a, w, in[1]):
				hidW[0], inW[0] = a, graph.Block{}
			}
		}
		if a := inV[0]; !a.Zero() {
			second := !w.Zero() && !inT[1].Zero() // w·ḃ, after v·b
			switch {
			case v.Zero() && !second:
				a.Clear()
				hidV[0], inV[0] = a, graph.Block{}
			case ok && !v.Zero() && wa.WriteA(a, v, in[1]):
				if second {
					o.k.TransposeA(st, a, w, inT[1])
				}
				hidV[0], inV[0] = a, graph.Block{}
			case ok && v.Zero() && wa.WriteA(a, w, inT[1]):
				hidV[0], inV[0] = a, graph.Block{}
			}
		}
	}
	if fresh&2 != 0 && !inV[1].Zero() {
		var a2, w2 graph.Block // the second-order term's, if any
		if !w.Zero() && !inT[0].Zero() {
			a2, w2 = inT[0], w
		}
		if k, ok := o.k.(writer2); ok && k.WriteB2(inV[1], in[0], v, a2, w2) {
			hidV[1], inV[1] = inV[1], graph.Block{}
		}
	}
	for j := range inV { // the fresh blocks not written above
		if fresh&(1<<j) == 0 {
			continue
		}
		if !inW[j].Zero() {
			inW[j].Clear()
		}
		if !inV[j].Zero() {
			inV[j].Clear()
		}
	}
	o.Reverse2(st, inW, inV, in, inT, w, v)
	for j := range hidW {
		if !hidW[j].Zero() {
			inW[j] = hidW[j]
		}
		if !hidV[j].Zero() {
			inV[j] = hidV[j]
		}
	}
}

func (o bilinearOp) JVP2(st *graph.State, out graph.Block, _, inT1, inT2 []graph.Block) {
	if !inT1[0].Zero() && !inT2[1].Zero() {
		o.k.Apply(st, out, inT1[0], inT2[1], true)
	}
	if !inT2[0].Zero() && !inT1[1].Zero() {
		o.k.Apply(st, out, inT2[0], inT1[1], true)
	}
}

// Hyper expands f(a, b) over the parts: the ε₁ε₂ part is
// f(a₁₂, b) + f(a₁, b₂) + f(a₂, b₁) + f(a, b₁₂).
func (o bilinearOp) Hyper(st *graph.State, out []hyperdual.Number, in [][]hyperdual.Number) {
	a, b := in[0], in[1]
	ob := graph.MakeBlock(st.Floats(16, len(out)), 1, len(out))
	part := func(k int, x []hyperdual.Number, part int) graph.Block {
		buf := st.Floats(k, len(x))
		for e, v := range x {
			buf[e] = hyperPart(v, part)
		}
		return graph.MakeBlock(buf, 1, len(x))
	}
	// terms[p] lists the (a part, b part) pairs that make part p of f.
	terms := [4][][2]int{{{0, 0}}, {{1, 0}, {0, 1}}, {{2, 0}, {0, 2}}, {{3, 0}, {1, 2}, {2, 1}, {0, 3}}}
	for p, ts := range terms {
		for i, t := range ts {
			o.k.Apply(st, ob, part(17, a, t[0]), part(18, b, t[1]), i > 0)
		}
		if len(in) > 2 {
			o.addBias(ob, part(19, in[2], p))
		}
		for e, v := range ob.Data {
			setHyperPart(&out[e], p, v)
		}
	}
}
