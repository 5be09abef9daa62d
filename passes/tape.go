// Package passes carries blocks of rows through any graph of package graph:
// values, tangents (forward mode, many directions at once), cotangents
// (reverse mode) and the second-order reverse sweep that the engines of
// package cossim build on. It never names an op: every step is a call of
// the graph.Op contract, so a new op needs no change here.
package passes

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
)

// Tape holds, for one graph, every node's values, tangents and cotangents
// and the ops' per-node state, reused across calls so that steady state
// makes no allocations. A Tape is not safe for concurrent use; use one per
// goroutine.
//
// The steps are called in order: Forward for the values of nb samples;
// then, on those values, any of Tangent, Reverse and Reverse2.
type Tape struct {
	g  *graph.Graph
	nb int

	val    [][]float64 // nb × size per op node; leaves alias their data
	valR   []int       // rows of val: nb, or 1 for parameters and constants
	tan    [][]float64
	tanR   int
	hasTan []bool // the node's tangent is not structurally zero
	w, v   [][]float64
	wR, vR int
	hasW   []bool // the flags of cotW or cotW2, whichever set w last
	needV  []bool // cotV's flags

	// The cotangent flags of Reverse's w, Reverse2's propagated w and
	// Reverse2's v, each kept for the request that set them.
	cotW, cotW2, cotV cotFlags
	liveParams        []int // the live parameter nodes
	// freshIn marks, per op node, the inputs whose cotangents Reverse2 lets
	// the op overwrite (graph.FreshWriter): parameters, op results and the
	// input that feed that one input of that one op and nothing else.
	// freshSink marks those parameters, by index, and freshNode those
	// other nodes, whose cotangents Reverse2 therefore does not clear.
	freshIn   []uint64
	freshSink []bool
	freshNode []bool

	sizes []int  // each node's number of elements
	live  []bool // the output depends on the node
	st    []*graph.State
	tmp   []float64

	// implicit is set by TangentIdentity with one sample: the input's
	// identity tangent is never formed whole, only in chunks of rows for
	// the ops that read it.
	implicit bool
	idBuf    []float64
	idRows   int // the input's tangent holds the identity seed of this many rows
	// NoInputCotangent, if set, skips the input's cotangents in Reverse2,
	// for callers that do not need them (D's sweep): with an identity
	// tangent they would be m × m.
	NoInputCotangent bool

	// argument blocks, reused
	bIn, bT, bW, bV, bV2 []graph.Block
}

// NewTape returns a tape for g, which must be valid.
func NewTape(g *graph.Graph) *Tape {
	n := g.Len()
	t := &Tape{
		g: g, val: make([][]float64, n), valR: make([]int, n), tan: make([][]float64, n),
		hasTan: make([]bool, n), w: make([][]float64, n), v: make([][]float64, n),
		live: make([]bool, n),
		st:   make([]*graph.State, n), sizes: make([]int, n),
	}
	for i := range t.sizes {
		t.sizes[i] = g.Shape(i).Size()
	}
	for i := range t.st {
		t.st[i] = graph.NewState(&t.tmp)
	}
	t.live[g.OutputNode()] = true
	for i := n - 1; i >= 0; i-- {
		if t.live[i] {
			for _, j := range g.Inputs(i) {
				t.live[j] = true
			}
		}
	}
	for i := 0; i < n; i++ {
		switch g.Kind(i) {
		case graph.KindInput:
			t.hasTan[i] = true
		case graph.KindOp:
			for _, j := range g.Inputs(i) {
				t.hasTan[i] = t.hasTan[i] || t.hasTan[j]
			}
		}
	}
	maxIn := 0
	for i := 0; i < n; i++ {
		maxIn = max(maxIn, len(g.Inputs(i)))
		if t.live[i] && g.Kind(i) == graph.KindParam {
			t.liveParams = append(t.liveParams, i)
		}
	}
	t.freshIn, t.freshSink, t.freshNode = freshInputs(g, t.live)
	for _, c := range []*cotFlags{&t.cotW, &t.cotW2, &t.cotV} {
		c.has, c.wanted, c.sinks = make([]bool, n), make([]bool, len(t.liveParams)), make([]graph.Block, len(g.Params()))
	}
	t.hasW, t.needV = t.cotW.has, t.cotV.has
	t.bIn, t.bT = make([]graph.Block, maxIn), make([]graph.Block, maxIn)
	t.bW, t.bV, t.bV2 = make([]graph.Block, maxIn), make([]graph.Block, maxIn), make([]graph.Block, maxIn)
	return t
}

// freshInputs finds the inputs of FreshWriter ops whose cotangents only
// that input of that op feeds (see Tape.freshIn). The output is never
// fresh: Reverse2 seeds it.
func freshInputs(g *graph.Graph, live []bool) (in []uint64, sink, node []bool) {
	uses := make([]int, g.Len())
	for i := 0; i < g.Len(); i++ {
		if live[i] && g.Kind(i) == graph.KindOp {
			for _, j := range g.Inputs(i) {
				uses[j]++
			}
		}
	}
	in, sink, node = make([]uint64, g.Len()), make([]bool, len(g.Params())), make([]bool, g.Len())
	for i := 0; i < g.Len(); i++ {
		if !live[i] || g.Kind(i) != graph.KindOp {
			continue
		}
		if _, ok := g.Op(i).(graph.FreshWriter); !ok {
			continue
		}
		for k, j := range g.Inputs(i) {
			if k >= 64 || uses[j] != 1 || j == g.OutputNode() || g.Kind(j) == graph.KindConst {
				continue
			}
			in[i] |= 1 << k
			if g.Kind(j) == graph.KindParam {
				sink[g.ParamIndex(j)] = true
			} else {
				node[j] = true
			}
		}
	}
	return in, sink, node
}

// Graph returns the tape's graph.
func (t *Tape) Graph() *graph.Graph { return t.g }

// Samples returns the number of samples of the last Forward.
func (t *Tape) Samples() int { return t.nb }

func resize(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}

func (t *Tape) size(i int) int { return t.sizes[i] }

// Forward computes the values of every node for the samples x, one row
// each, of the input's size.
func (t *Tape) Forward(x graph.Block) {
	g := t.g
	in := g.InputNode()
	if x.Size != t.size(in) || x.Rows < 1 {
		panic(fmt.Sprintf("passes: Forward input block %d×%d, want rows of %d", x.Rows, x.Size, t.size(in)))
	}
	nb := x.Rows
	t.nb = nb
	for i := 0; i < g.Len(); i++ {
		if !t.live[i] {
			continue
		}
		size := t.size(i)
		switch g.Kind(i) {
		case graph.KindParam, graph.KindConst:
			t.val[i], t.valR[i] = g.Data(i), 1
			continue
		case graph.KindInput:
			t.val[i], t.valR[i] = resize(t.val[i], nb*size), nb
			for r := 0; r < nb; r++ {
				copy(t.val[i][r*size:], x.Row(r))
			}
			continue
		}
		t.val[i], t.valR[i] = resize(t.val[i], nb*size), nb
		ins := g.Inputs(i)
		for k, j := range ins {
			t.bIn[k] = t.Value(j)
		}
		st := t.st[i]
		st.Samples = nb
		g.Op(i).Forward(st, t.Value(i), t.bIn[:len(ins)])
	}
}

// Value returns node i's values: one row per sample, or one row for a
// parameter or constant.
func (t *Tape) Value(i int) graph.Block {
	return block(t.val[i], t.valR[i], t.size(i))
}

// Output returns the output node's values.
func (t *Tape) Output() graph.Block { return t.Value(t.g.OutputNode()) }

// Tangent carries the tangent rows seed of the input (rows a multiple of
// the samples; row r belongs to sample r/(rows/samples)) through the graph.
func (t *Tape) Tangent(seed graph.Block) {
	g := t.g
	in := g.InputNode()
	if seed.Size != t.size(in) || seed.Rows%t.nb != 0 || seed.Rows == 0 {
		panic(fmt.Sprintf("passes: Tangent seed %d×%d for %d samples of size %d", seed.Rows, seed.Size, t.nb, t.size(in)))
	}
	t.implicit = false
	t.idRows = 0
	t.tanR = seed.Rows
	size := t.size(in)
	t.tan[in] = resize(t.tan[in], seed.Rows*size)
	for r := 0; r < seed.Rows; r++ {
		copy(t.tan[in][r*size:], seed.Row(r))
	}
	t.tangent()
}

// TangentIdentity is Tangent with the identity seed of every sample: m
// rows per sample, row b·m + i the unit direction eᵢ, m the input's size.
// With one sample the m × m seed is never formed: the ops that read the
// input get it in chunks of rows, so memory grows with m times the
// widths, not with m².
func (t *Tape) TangentIdentity() {
	in := t.g.InputNode()
	m := t.size(in)
	R := t.nb * m
	t.tanR = R
	if t.nb > 1 || R*m <= explicitIdentity {
		// Small seeds are cheaper formed (once: they are not overwritten).
		t.implicit = false
		if t.idRows != R {
			t.tan[in] = resize(t.tan[in], R*m)
			clear(t.tan[in])
			for r := 0; r < R; r++ {
				t.tan[in][r*m+r%m] = 1
			}
			t.idRows = R
		}
	} else {
		t.implicit = true
		t.idRows = 0
	}
	t.tangent()
}

// tangent runs the tangent pass from the input's tangent rows.
func (t *Tape) tangent() {
	g := t.g
	in := g.InputNode()
	R := t.tanR
	for i := 0; i < g.Len(); i++ {
		if !t.live[i] || !t.hasTan[i] || i == in {
			continue
		}
		size := t.size(i)
		t.tan[i] = resize(t.tan[i], R*size)
		ins := g.Inputs(i)
		if t.implicit && t.readsInput(i) {
			t.jvpChunked(i)
			continue
		}
		for k, j := range ins {
			t.bIn[k], t.bT[k] = t.Value(j), t.Tan(j)
		}
		g.Op(i).JVP(t.st[i], t.Tan(i), t.bIn[:len(ins)], t.bT[:len(ins)])
	}
}

func (t *Tape) readsInput(i int) bool {
	for _, j := range t.g.Inputs(i) {
		if j == t.g.InputNode() {
			return true
		}
	}
	return false
}

// idChunk fills rows r0..r0+n of the identity seed into a scratch block.
func (t *Tape) idChunk(r0, n int) graph.Block {
	m := t.size(t.g.InputNode())
	t.idBuf = resize(t.idBuf, n*m)
	clear(t.idBuf)
	for k := 0; k < n; k++ {
		t.idBuf[k*m+(r0+k)%m] = 1
	}
	return graph.MakeBlock(t.idBuf, n, m)
}

// chunkRows is the number of identity rows formed at a time: about 8 MiB.
func (t *Tape) chunkRows() int {
	m := t.size(t.g.InputNode())
	return max(1, min(t.tanR, identityChunk/max(m, 1)))
}

// rows returns rows r0..r0+n of b (a zero block stays zero).
func rows(b graph.Block, r0, n int) graph.Block {
	if b.Zero() {
		return graph.Block{Rows: n, Size: b.Size, Stride: b.Stride}
	}
	return graph.Block{Data: b.Data[r0*b.Stride:], Rows: n, Size: b.Size, Stride: b.Stride}
}

// jvpChunked runs node i's JVP in chunks of rows, with the input's
// identity tangent formed a chunk at a time. Rows are independent
// directions, and with one sample every row pairs with the same values.
func (t *Tape) jvpChunked(i int) {
	g := t.g
	in := g.InputNode()
	ins := g.Inputs(i)
	c := t.chunkRows()
	out := t.Tan(i)
	for r0 := 0; r0 < t.tanR; r0 += c {
		n := min(c, t.tanR-r0)
		for k, j := range ins {
			t.bIn[k] = t.Value(j)
			if j == in {
				t.bT[k] = t.idChunk(r0, n)
			} else {
				t.bT[k] = rows(t.Tan(j), r0, n)
			}
		}
		g.Op(i).JVP(t.st[i], rows(out, r0, n), t.bIn[:len(ins)], t.bT[:len(ins)])
	}
}

// Tan returns node i's tangent rows from the last Tangent, or a zero block
// if its tangent is structurally zero.
//
// After TangentIdentity with one sample, the input's own tangent is formed
// here on first request (m × m): the passes themselves never ask for it.
// A seed that TangentIdentity formed whole is marked graph.Block.Unit.
func (t *Tape) Tan(i int) graph.Block {
	if !t.hasTan[i] {
		return graph.Block{Rows: t.tanR, Size: t.size(i), Stride: t.size(i)}
	}
	if t.implicit && i == t.g.InputNode() {
		id := t.idChunk(0, t.tanR)
		t.tan[i] = append(t.tan[i][:0], id.Data...)
	}
	b := block(t.tan[i], t.tanR, t.size(i))
	b.Unit = t.idRows == t.tanR && t.idRows > 0 && i == t.g.InputNode()
	return b
}

// ParamSink gives the block that a parameter's cotangent accumulates into,
// by index into the graph's Params, or a zero block if it is not wanted.
// The passes clear the blocks they are given before accumulating.
type ParamSink func(p int) graph.Block

// seeded returns the output node if seed, copied into its cotangent row by
// row, overwrites all of it, so that it need not be cleared first, or −1.
func (t *Tape) seeded(seed graph.Block) int {
	if out := t.g.OutputNode(); seed.Size == t.size(out) {
		return out
	}
	return -1
}

// noSink wants no parameter's cotangent.
func noSink(int) graph.Block { return graph.Block{} }

// Reverse sweeps the cotangent rows seed of the output (rows a multiple of
// the samples) back through the graph. Afterwards W(i) holds every live
// node's cotangent, the input's among them, and each parameter's cotangent
// has been accumulated into params(p), whose rows must divide seed's.
//
// A cotangent that one FreshWriter input feeds is written by that op, not
// cleared and added to: VJP is Reverse2's recurrence for v with no
// tangents and no w, so the op's Reverse2Fresh gives it.
func (t *Tape) Reverse(seed graph.Block, params ParamSink) {
	g := t.g
	R := seed.Rows
	t.wR = R
	out := g.OutputNode()
	t.hasW = t.prepareCot(&t.cotW, t.w, R, params, t.seeded(seed), true, func(i int) bool { return true })
	copyRows(t.W(out), seed)
	for i := g.Len() - 1; i >= 0; i-- {
		if !t.hasW[i] || g.Kind(i) != graph.KindOp {
			continue
		}
		ins := g.Inputs(i)
		for k, j := range ins {
			t.bIn[k], t.bW[k] = t.Value(j), t.cot(&t.cotW, t.w, t.wR, j)
			t.bT[k], t.bV[k] = graph.Block{}, graph.Block{}
		}
		n := len(ins)
		if mask := t.freshMask(i, t.bV[:n], t.bW[:n]); mask != 0 {
			g.Op(i).(graph.FreshWriter).Reverse2Fresh(t.st[i], t.bV[:n], t.bW[:n], t.bIn[:n], t.bT[:n], graph.Block{}, t.W(i), mask)
			continue
		}
		g.Op(i).VJP(t.st[i], t.bW[:n], t.bIn[:n], t.W(i))
	}
}

// cotFlags are the cotangent flags of one kind of request, and the
// request they were computed for: which live parameters' sinks were
// non-zero, and NoInputCotangent. The flags follow every node's inputs, so
// recomputing them on every call would cost a walk of the graph's edges,
// with a sink call per parameter node; a request like the last costs a
// comparison per live parameter instead.
type cotFlags struct {
	valid   bool
	noInput bool
	wanted  []bool        // by position in Tape.liveParams
	has     []bool        // by node: the node carries a cotangent
	sinks   []graph.Block // by parameter index: this call's sinks
}

// prepareCot marks which nodes carry a cotangent in bufs (live nodes that
// depend on the input or on a wanted parameter, and for which want holds),
// sizes their buffers to R rows and clears them, but for node seeded,
// which the caller overwrites whole, and clears the wanted parameters'
// sinks. With fresh, the cotangents that one FreshWriter input feeds are
// left as they are: Reverse2 has the op overwrite them. It returns the
// flags, c's, which stay valid until c's next request.
func (t *Tape) prepareCot(c *cotFlags, bufs [][]float64, R int, params ParamSink, seeded int, fresh bool, want func(int) bool) []bool {
	g := t.g
	same := c.valid && c.noInput == t.NoInputCotangent
	for k, i := range t.liveParams {
		p := g.ParamIndex(i)
		b := params(p)
		c.sinks[p] = b
		if c.wanted[k] != !b.Zero() {
			c.wanted[k], same = !b.Zero(), false
		}
	}
	has := c.has
	if !same {
		t.cotFlags(c, want)
	}
	for i, h := range has {
		if !h {
			continue
		}
		if g.Kind(i) == graph.KindParam {
			if p := g.ParamIndex(i); !fresh || !t.freshSink[p] {
				c.sinks[p].Clear()
			}
			continue
		}
		bufs[i] = resize(bufs[i], R*t.size(i))
		if i != seeded && !(fresh && t.freshNode[i]) {
			clear(bufs[i])
		}
	}
	return has
}

// cotFlags computes c's flags for the sinks in c.wanted.
func (t *Tape) cotFlags(c *cotFlags, want func(int) bool) {
	g := t.g
	has := c.has
	clear(has)
	for k, i := range t.liveParams {
		has[i] = c.wanted[k]
	}
	for i := 0; i < g.Len(); i++ {
		if !t.live[i] {
			continue
		}
		switch g.Kind(i) {
		case graph.KindInput:
			has[i] = want(i)
		case graph.KindOp:
			for _, j := range g.Inputs(i) {
				has[i] = has[i] || has[j]
			}
			has[i] = has[i] && want(i)
		}
	}
	if t.NoInputCotangent {
		has[g.InputNode()] = false // after the dependencies have been followed
	}
	c.noInput, c.valid = t.NoInputCotangent, true
}

// cot returns node j's cotangent block in bufs, a parameter's sink from c,
// or a zero block.
func (t *Tape) cot(c *cotFlags, bufs [][]float64, R, j int) graph.Block {
	if !c.has[j] {
		return graph.Block{}
	}
	if t.g.Kind(j) == graph.KindParam {
		return c.sinks[t.g.ParamIndex(j)]
	}
	return block(bufs[j], R, t.size(j))
}

// W returns node i's cotangent from the last Reverse (or, with propagate,
// Reverse2), or a zero block.
func (t *Tape) W(i int) graph.Block {
	if !t.hasW[i] || t.g.Kind(i) == graph.KindParam {
		return graph.Block{}
	}
	return block(t.w[i], t.wR, t.size(i))
}

// V returns node i's second cotangent from the last Reverse2, or a zero
// block.
func (t *Tape) V(i int) graph.Block {
	if !t.needV[i] || t.g.Kind(i) == graph.KindParam {
		return graph.Block{}
	}
	return block(t.v[i], t.vR, t.size(i))
}

// Reverse2 is the reverse sweep of the tangent pass, which is also the
// tangent of the reverse sweep; package cossim uses it both ways. Each op
// maps the pair of output cotangents (w, v) to its inputs as
//
//	w_j += f_jᵀ·w,   v_j += f_jᵀ·v + f″[ẋ, ·]ᵀ·w,
//
// with ẋ the tangents of the last Tangent.
//
// Reverse-over-forward (propagate true): w is the cotangent of the tangent
// rows, seeded with w0 at the output (rows pairing with the tangent rows),
// and v the cotangent of the values, seeded with v0 (zero means zero).
// Forward-over-reverse (propagate false): w is the cotangent that the last
// Reverse left, and v its tangent in the direction of the tangent rows,
// seeded with v0 at the output. Either way V(input) and the parameter sinks
// params(p) hold v's share at the leaves. v0's rows set v's rows, and the
// sinks' rows must divide them.
func (t *Tape) Reverse2(w0, v0 graph.Block, propagate bool, vRows int, params ParamSink) {
	g := t.g
	out := g.OutputNode()
	if propagate {
		t.wR = w0.Rows
		t.hasW = t.prepareCot(&t.cotW2, t.w, w0.Rows, noSink, t.seeded(w0), true, func(i int) bool { return t.hasTan[i] })
		copyRows(t.W(out), w0)
	}
	t.vR = vRows
	seeded := -1
	if !v0.Zero() {
		seeded = t.seeded(v0)
	}
	// The cotangents and sinks that one FreshWriter input feeds are left as
	// they are: the op writes them whole (reverse2 passes it the fresh
	// mask), or, if it does not run, skipFresh clears them.
	t.needV = t.prepareCot(&t.cotV, t.v, vRows, params, seeded, true, func(int) bool { return true })
	if !v0.Zero() {
		copyRows(t.V(out), v0)
	}
	for i := g.Len() - 1; i >= 0; i-- {
		if g.Kind(i) != graph.KindOp {
			continue
		}
		if !t.needV[i] && !(propagate && t.hasW[i]) {
			t.skipFresh(i, propagate)
			continue
		}
		ins := g.Inputs(i)
		for k, j := range ins {
			t.bIn[k] = t.Value(j)
			if t.implicit && j == g.InputNode() {
				t.bT[k] = graph.Block{} // reverse2Chunked forms it in chunks
			} else {
				t.bT[k] = t.Tan(j)
			}
			t.bV[k] = t.cot(&t.cotV, t.v, t.vR, j)
			if propagate {
				t.bW[k] = t.W(j)
			} else {
				t.bW[k] = graph.Block{}
			}
		}
		var vi graph.Block
		if t.needV[i] {
			vi = t.V(i)
		}
		if t.implicit && t.readsInput(i) {
			t.reverse2Chunked(i, vi)
			continue
		}
		t.reverse2(i, t.bW[:len(ins)], t.bV[:len(ins)], t.bIn[:len(ins)], t.bT[:len(ins)], t.W(i), vi)
	}
}

// reverse2 calls node i's Reverse2, or its Reverse2Fresh for the inputs
// whose cotangents prepareCot left uncleared.
func (t *Tape) reverse2(i int, inW, inV, in, inT []graph.Block, w, v graph.Block) {
	op := t.g.Op(i)
	if mask := t.freshMask(i, inW, inV); mask != 0 {
		op.(graph.FreshWriter).Reverse2Fresh(t.st[i], inW, inV, in, inT, w, v, mask)
		return
	}
	op.Reverse2(t.st[i], inW, inV, in, inT, w, v)
}

// freshMask returns node i's fresh inputs that have a cotangent in inW or
// inV.
func (t *Tape) freshMask(i int, inW, inV []graph.Block) uint64 {
	m := t.freshIn[i]
	for k := range inV {
		if m&(1<<k) != 0 && inV[k].Zero() && inW[k].Zero() {
			m &^= 1 << k
		}
	}
	return m
}

// skipFresh clears the uncleared cotangents of op i's fresh inputs, for an
// op that Reverse2 does not run. It cannot happen in the v pass, where an
// input's cotangent implies the op's, but a propagated w can reach an
// input whose op has no tangent.
func (t *Tape) skipFresh(i int, propagate bool) {
	for k, j := range t.g.Inputs(i) {
		if t.freshIn[i]&(1<<k) == 0 {
			continue
		}
		t.cot(&t.cotV, t.v, t.vR, j).Clear()
		if propagate {
			t.W(j).Clear()
		}
	}
}

// reverse2Chunked is Reverse2 for a node that reads the input's implicit
// identity tangent (TangentIdentity with one sample), with the argument
// blocks already set but for the input's tangent. f″[ẋ, ·]ᵀw is linear in
// ẋ, so the terms of the other inputs' tangents and the first-order terms
// go in one call, and those of the input's tangent in chunks of rows.
func (t *Tape) reverse2Chunked(i int, vi graph.Block) {
	g := t.g
	in := g.InputNode()
	ins := g.Inputs(i)
	n := len(ins)
	for k, j := range ins {
		if j == in {
			t.bT[k] = graph.Block{Rows: t.tanR, Size: t.size(in), Stride: t.size(in)}
		}
	}
	op := g.Op(i)
	w := t.W(i)
	t.reverse2(i, t.bW[:n], t.bV[:n], t.bIn[:n], t.bT[:n], w, vi) // the chunks below add to what it writes
	if w.Zero() || !op.Nonlinear() {
		return
	}
	v := t.bV2[:n] // the chunks' views of bV
	c := t.chunkRows()
	for r0 := 0; r0 < t.tanR; r0 += c {
		rn := min(c, t.tanR-r0)
		for k, j := range ins {
			t.bW[k] = graph.Block{}
			t.bT[k] = graph.Block{Rows: rn, Size: t.size(j), Stride: t.size(j)}
			if j == in {
				t.bT[k] = t.idChunk(r0, rn)
			}
			v[k] = t.bV[k]
			if !v[k].Zero() && v[k].Rows == t.tanR {
				v[k] = rows(v[k], r0, rn)
			}
		}
		op.Reverse2(t.st[i], t.bW[:n], v, t.bIn[:n], t.bT[:n], rows(w, r0, rn), graph.Block{})
	}
}

// identityChunk is the number of floats of identity seed formed at a time
// (8 MiB); explicitIdentity the size below which the seed is formed whole
// instead. Variables so that tests can force either route.
var (
	identityChunk    = 1 << 20
	explicitIdentity = 1 << 14
)

// copyRows copies the rows of src into dst (as many as dst has), in one
// copy when both are contiguous.
func copyRows(dst, src graph.Block) {
	if dst.Contiguous() && src.Contiguous() {
		copy(dst.Data[:dst.Rows*dst.Size], src.Data[:dst.Rows*src.Size])
		return
	}
	for r := 0; r < dst.Rows; r++ {
		copy(dst.Row(r), src.Row(r))
	}
}

// block is graph.MakeBlock for the tape's own buffers, which are sized to
// fit: small enough to inline, as the accessors that build every op's
// argument blocks are called once per edge per pass.
func block(data []float64, rows, size int) graph.Block {
	return graph.Block{Data: data[:rows*size], Rows: rows, Size: size, Stride: size}
}
