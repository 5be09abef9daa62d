package passes

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// Scalar evaluates a graph on hyper-dual numbers, one sample and one pair
// of directions at a time, through each op's Hyper: the oracle the block
// passes are tested against, and the looped engine's pass.
type Scalar struct {
	g    *graph.Graph
	val  [][]hyperdual.Number
	args [][]hyperdual.Number // an op's inputs, reused
	st   []*graph.State
	tmp  []float64
}

// NewScalar returns a scalar pass over g, which must be valid.
func NewScalar(g *graph.Graph) *Scalar {
	s := &Scalar{g: g, val: make([][]hyperdual.Number, g.Len()), st: make([]*graph.State, g.Len())}
	maxIn := 0
	for i := 0; i < g.Len(); i++ {
		maxIn = max(maxIn, len(g.Inputs(i)))
	}
	s.args = make([][]hyperdual.Number, maxIn)
	for i := range s.st {
		s.st[i] = graph.NewState(&s.tmp)
		s.st[i].Samples = 1
	}
	return s
}

// Eval evaluates the graph at the input x and returns the output, owned by
// s. Parameters and constants enter with their values as real parts;
// seed, if not nil, then sets the ε parts of parameter p's values dst.
func (s *Scalar) Eval(x []hyperdual.Number, seed func(p int, dst []hyperdual.Number)) []hyperdual.Number {
	g := s.g
	if len(x) != g.InputShape().Size() {
		panic(fmt.Sprintf("passes: Scalar input has %d elements, want %d", len(x), g.InputShape().Size()))
	}
	for i := 0; i < g.Len(); i++ {
		size := g.Shape(i).Size()
		if cap(s.val[i]) < size {
			s.val[i] = make([]hyperdual.Number, size)
		}
		v := s.val[i][:size]
		s.val[i] = v
		switch g.Kind(i) {
		case graph.KindInput:
			copy(v, x)
		case graph.KindParam, graph.KindConst:
			for e, d := range g.Data(i) {
				v[e] = hyperdual.Number{Real: d}
			}
			if seed != nil && g.Kind(i) == graph.KindParam {
				seed(g.ParamIndex(i), v)
			}
		default:
			ins := g.Inputs(i)
			in := s.args[:len(ins)]
			for k, j := range ins {
				in[k] = s.val[j]
			}
			g.Op(i).Hyper(s.st[i], v, in)
		}
	}
	return s.val[g.OutputNode()]
}

// HyperBlock carries rectangular hyper-dual blocks through a graph: with k₁
// directions in ε₁ and k₂ in ε₂, every node holds its value, an E1 block
// (k₁ rows), an E2 block (k₂ rows) and an E12 block (k₁·k₂ rows, row
// i·k₂ + p for the pair (i, p)). Each op maps them as
//
//	E1 = f′·E1,  E2 = f′·E2,  E12 = f′·E12 + f″[E1ᵢ, E2ₚ],
//
// from JVP and JVP2, for one sample. It is the forward engine's pass.
type HyperBlock struct {
	g         *graph.Graph
	k1, k2    int
	v, e1, e2 [][]float64
	e12       [][]float64
	x1, x2    [][]float64 // per input position, E1 and E2 expanded to k₁·k₂ rows
	st        []*graph.State
	tmp       []float64
	bIn, bT   []graph.Block
	bT1, bT2  []graph.Block
	paramCol  []int
	hasE1     []bool
}

// NewHyperBlock returns a block pass over g with k1 ε₁ and k2 ε₂
// directions. paramCol[p] is the ε₂ direction of parameter p's first
// element (its elements take the following ones), or −1 if p is not
// seeded.
func NewHyperBlock(g *graph.Graph, k1, k2 int, paramCol []int) *HyperBlock {
	n := g.Len()
	h := &HyperBlock{g: g, k1: k1, k2: k2, v: make([][]float64, n), e1: make([][]float64, n), e2: make([][]float64, n),
		e12: make([][]float64, n), st: make([]*graph.State, n), paramCol: paramCol, hasE1: make([]bool, n)}
	maxIn := 0
	for i := 0; i < n; i++ {
		maxIn = max(maxIn, len(g.Inputs(i)))
		h.st[i] = graph.NewState(&h.tmp)
		h.st[i].Samples = 1
	}
	h.x1, h.x2 = make([][]float64, maxIn), make([][]float64, maxIn)
	h.bIn, h.bT = make([]graph.Block, maxIn), make([]graph.Block, maxIn)
	h.bT1, h.bT2 = make([]graph.Block, maxIn), make([]graph.Block, maxIn)
	return h
}

// Floats returns the number of floats the pass holds for g with k1 and k2
// directions, for the forward engine's memory budget.
func HyperBlockFloats(g *graph.Graph, k1, k2 int) int64 {
	var f, widest int64
	for i := 0; i < g.Len(); i++ {
		s := int64(g.Shape(i).Size())
		f += s * int64(1+k1+k2+k1*k2)
		if g.Kind(i) == graph.KindOp {
			widest = max(widest, s*int64(len(g.Inputs(i))))
		}
	}
	return f + 2*widest*int64(k1*k2)
}

// Eval runs the pass with the input's value x and its blocks e1 (k1 rows),
// e2 (k2 rows) and e12 (k1·k2 rows); a zero block means zero.
func (h *HyperBlock) Eval(x []float64, e1, e2, e12 graph.Block) {
	g := h.g
	k1, k2 := h.k1, h.k2
	for i := 0; i < g.Len(); i++ {
		size := g.Shape(i).Size()
		h.v[i] = resize(h.v[i], size)
		h.e1[i] = resize(h.e1[i], k1*size)
		h.e2[i] = resize(h.e2[i], k2*size)
		h.e12[i] = resize(h.e12[i], k1*k2*size)
		switch g.Kind(i) {
		case graph.KindInput:
			copy(h.v[i], x)
			copyOrClear(h.e1[i], e1, k1)
			copyOrClear(h.e2[i], e2, k2)
			copyOrClear(h.e12[i], e12, k1*k2)
			h.hasE1[i] = !e1.Zero()
			continue
		case graph.KindParam, graph.KindConst:
			copy(h.v[i], g.Data(i))
			clear(h.e1[i])
			clear(h.e2[i])
			clear(h.e12[i])
			if g.Kind(i) == graph.KindParam {
				if c := h.paramCol[g.ParamIndex(i)]; c >= 0 {
					for e := 0; e < size; e++ {
						h.e2[i][(c+e)*size+e] = 1
					}
				}
			}
			continue
		}
		ins := g.Inputs(i)
		op := g.Op(i)
		for k, j := range ins {
			h.bIn[k] = graph.MakeBlock(h.v[j], 1, g.Shape(j).Size())
		}
		in := h.bIn[:len(ins)]
		op.Forward(h.st[i], graph.MakeBlock(h.v[i], 1, size), in)
		for k, j := range ins {
			h.bT[k] = graph.MakeBlock(h.e1[j], k1, g.Shape(j).Size())
		}
		op.JVP(h.st[i], graph.MakeBlock(h.e1[i], k1, size), in, h.bT[:len(ins)])
		for k, j := range ins {
			h.bT[k] = graph.MakeBlock(h.e2[j], k2, g.Shape(j).Size())
		}
		op.JVP(h.st[i], graph.MakeBlock(h.e2[i], k2, size), in, h.bT[:len(ins)])
		for k, j := range ins {
			h.bT[k] = graph.MakeBlock(h.e12[j], k1*k2, g.Shape(j).Size())
		}
		out12 := graph.MakeBlock(h.e12[i], k1*k2, size)
		op.JVP(h.st[i], out12, in, h.bT[:len(ins)])
		if !op.Nonlinear() {
			continue
		}
		for k, j := range ins {
			s := g.Shape(j).Size()
			h.x1[k] = resize(h.x1[k], k1*k2*s)
			h.x2[k] = resize(h.x2[k], k1*k2*s)
			for r := 0; r < k1*k2; r++ {
				copy(h.x1[k][r*s:(r+1)*s], h.e1[j][(r/k2)*s:])
				copy(h.x2[k][r*s:(r+1)*s], h.e2[j][(r%k2)*s:])
			}
			h.bT1[k] = graph.MakeBlock(h.x1[k], k1*k2, s)
			h.bT2[k] = graph.MakeBlock(h.x2[k], k1*k2, s)
		}
		op.JVP2(h.st[i], out12, in, h.bT1[:len(ins)], h.bT2[:len(ins)])
	}
}

func copyOrClear(dst []float64, b graph.Block, rows int) {
	if b.Zero() {
		clear(dst)
		return
	}
	size := len(dst) / max(rows, 1)
	for r := 0; r < rows; r++ {
		copy(dst[r*size:(r+1)*size], b.Row(r))
	}
}

// Node returns node i's value and blocks from the last Eval.
func (h *HyperBlock) Node(i int) (v []float64, e1, e2, e12 graph.Block) {
	s := h.g.Shape(i).Size()
	return h.v[i], graph.MakeBlock(h.e1[i], h.k1, s), graph.MakeBlock(h.e2[i], h.k2, s), graph.MakeBlock(h.e12[i], h.k1*h.k2, s)
}
