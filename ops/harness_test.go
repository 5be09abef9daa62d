package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
	"github.com/dualgrad/dualgrad/internal/blasimpl"
	"gonum.org/v1/gonum/diff/fd"
)

// An opCase is one row of the table that TestOps runs over every op. Each
// op family's test file appends its rows in an init function, so adding an
// op means adding its file and its rows.
type opCase struct {
	name string
	op   func() graph.Op
	in   []graph.Shape
	// shared marks inputs that are parameters or constants: one value row
	// shared by every sample. Others have one row per sample.
	shared []bool
	// gen fills input j's values for sample s; nil means uniform in
	// (−1, 1). Rows avoid kinks unless the case is about them.
	gen func(rng *rand.Rand, j, s int, x []float64)
	// fdTol is the finite-difference tolerance, relative to the largest
	// entry; 0 means 1e-6. Kink cases set it negative to skip the fd check
	// (their derivative is a convention, checked against PyTorch).
	fdTol float64
	// noTangent marks inputs whose tangent is always zero (integer-valued
	// constants such as indices).
	noTangent []bool
}

var opCases []opCase

const (
	harnessSamples = 4 // value rows, more than harnessDirs (see TestOps)
	harnessDirs    = 3 // tangent rows per sample
)

type harness struct {
	t      *testing.T
	c      opCase
	op     graph.Op
	out    graph.Shape
	st     *graph.State
	tmp    []float64
	x      []graph.Block // values
	rng    *rand.Rand
	nb, R  int
	outVal graph.Block
}

func newHarness(t *testing.T, c opCase) *harness {
	h := &harness{t: t, c: c, op: c.op(), rng: rand.New(rand.NewPCG(1, uint64(len(c.name)))), nb: harnessSamples, R: harnessSamples * harnessDirs}
	out, err := h.op.Init(c.in)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	h.out = out
	h.st = graph.NewState(&h.tmp)
	h.st.Samples = h.nb
	h.x = make([]graph.Block, len(c.in))
	for j, s := range c.in {
		rows := h.nb
		if h.isShared(j) {
			rows = 1
		}
		d := make([]float64, rows*s.Size())
		for r := 0; r < rows; r++ {
			row := d[r*s.Size() : (r+1)*s.Size()]
			if c.gen != nil {
				c.gen(h.rng, j, r, row)
			} else {
				for e := range row {
					row[e] = 2*h.rng.Float64() - 1
				}
			}
		}
		h.x[j] = graph.MakeBlock(d, rows, s.Size())
	}
	h.outVal = graph.MakeBlock(make([]float64, h.nb*out.Size()), h.nb, out.Size())
	h.op.Forward(h.st, h.outVal, h.x)
	return h
}

func (h *harness) isShared(j int) bool { return h.c.shared != nil && h.c.shared[j] }
func (h *harness) hasTan(j int) bool   { return h.c.noTangent == nil || !h.c.noTangent[j] }

// random returns a block of rows random rows of size n.
func (h *harness) random(rows, n int) graph.Block {
	d := make([]float64, rows*n)
	for i := range d {
		d[i] = 2*h.rng.Float64() - 1
	}
	return graph.MakeBlock(d, rows, n)
}

func (h *harness) tangents() []graph.Block {
	t := make([]graph.Block, len(h.c.in))
	for j, s := range h.c.in {
		if h.hasTan(j) {
			t[j] = h.random(h.R, s.Size())
		} else {
			t[j] = graph.Block{Rows: h.R, Size: s.Size(), Stride: s.Size()}
		}
	}
	return t
}

func dotRows(a, b graph.Block) float64 {
	s := 0.0
	for r := 0; r < a.Rows; r++ {
		x, y := a.Row(r), b.Row(r)
		for e := range x {
			s += x[e] * y[e]
		}
	}
	return s
}

func maxAbs(b graph.Block) float64 {
	m := 0.0
	for r := 0; r < b.Rows; r++ {
		for _, v := range b.Row(r) {
			m = math.Max(m, math.Abs(v))
		}
	}
	return m
}

// forwardAt returns f at the values x + h·t for tangent row k (sample k/dirs).
func (h *harness) forwardAt(k int, t []graph.Block, step float64) []float64 {
	s := k / harnessDirs
	in := make([]graph.Block, len(h.x))
	for j, x := range h.x {
		row := append([]float64(nil), x.Row(pairRow(s, h.nb, x.Rows))...)
		if !t[j].Zero() {
			for e, v := range t[j].Row(k) {
				row[e] += step * v
			}
		}
		in[j] = graph.MakeBlock(row, 1, len(row))
	}
	var tmp []float64
	st := graph.NewState(&tmp)
	st.Samples = 1
	out := graph.MakeBlock(make([]float64, h.out.Size()), 1, h.out.Size())
	h.op.Forward(st, out, in)
	return out.Data
}

func TestOps(t *testing.T) {
	// Both of eachGroup's ways through the element-wise ops' rows: a call
	// for each sample, and (with more samples than directions) a call for
	// each direction's rows of every sample.
	defer func(g int) { groupMax = g }(groupMax)
	for _, gm := range []int{0, 1 << 30} {
		groupMax = gm
		for _, c := range opCases {
			t.Run(fmt.Sprintf("%s/groupMax=%d", c.name, gm), func(t *testing.T) {
				h := newHarness(t, c)
				h.checkHyperValue()
				h.checkJVP()
				h.checkAdjoint()
				h.checkSecondOrder()
				h.checkFresh()
				h.checkUnit()
				h.checkAllocs()
			})
		}
	}
}

// checkHyperValue compares Forward with the real part of Hyper.
func (h *harness) checkHyperValue() {
	for s := 0; s < h.nb; s++ {
		hy := h.hyper(s, nil, nil)
		want := h.outVal.Row(s)
		for e, v := range hy {
			if !close(v.Real, want[e], 1e-14, maxAbs(h.outVal)) {
				h.t.Errorf("sample %d element %d: Hyper real %v, Forward %v", s, e, v.Real, want[e])
				return
			}
		}
	}
}

// hyper evaluates Hyper at sample s with ε₁ seeded by t1 row k1 and ε₂ by
// t2 row k2 (nil for none).
func (h *harness) hyper(s int, t1, t2 func(j int) []float64) []hyperdual.Number {
	in := make([][]hyperdual.Number, len(h.x))
	for j, x := range h.x {
		row := x.Row(pairRow(s, h.nb, x.Rows))
		in[j] = make([]hyperdual.Number, len(row))
		for e, v := range row {
			in[j][e].Real = v
		}
		if t1 != nil {
			if a := t1(j); a != nil {
				for e := range a {
					in[j][e].E1 = a[e]
				}
			}
		}
		if t2 != nil {
			if b := t2(j); b != nil {
				for e := range b {
					in[j][e].E2 = b[e]
				}
			}
		}
	}
	var tmp []float64
	st := graph.NewState(&tmp)
	st.Samples = 1
	out := make([]hyperdual.Number, h.out.Size())
	h.op.Hyper(st, out, in)
	return out
}

func close(a, b, rel, scale float64) bool {
	return math.Abs(a-b) <= rel*math.Max(scale, 1e-300) || a == b
}

// checkJVP compares JVP with central differences (gonum diff/fd) and with
// the ε₁ part of Hyper.
func (h *harness) checkJVP() {
	t := h.tangents()
	out := graph.MakeBlock(make([]float64, h.R*h.out.Size()), h.R, h.out.Size())
	h.op.JVP(h.st, out, h.x, t)
	w := h.random(h.R, h.out.Size())
	tol := h.c.fdTol
	if tol == 0 {
		tol = 1e-6
	}
	for k := 0; k < h.R; k++ {
		hy := h.hyper(k/harnessDirs, func(j int) []float64 {
			if t[j].Zero() {
				return nil
			}
			return t[j].Row(k)
		}, nil)
		row := out.Row(k)
		scale := maxAbs(out)
		for e, v := range hy {
			if !close(v.E1, row[e], 1e-13, scale) {
				h.t.Errorf("JVP row %d element %d: %v, Hyper ε₁ part %v", k, e, row[e], v.E1)
				return
			}
		}
		if tol < 0 {
			continue
		}
		wk := w.Row(k)
		f := func(step float64) float64 {
			y := h.forwardAt(k, t, step)
			s := 0.0
			for e := range y {
				s += wk[e] * y[e]
			}
			return s
		}
		want := fd.Derivative(f, 0, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		got := 0.0
		for e := range row {
			got += wk[e] * row[e]
		}
		if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
			h.t.Errorf("JVP row %d: ⟨w, Jt⟩ = %v, central difference %v", k, got, want)
		}
	}
}

// checkAdjoint checks ⟨w, J t⟩ = ⟨Jᵀw, t⟩, with one cotangent row per
// tangent row and, for shared inputs, with one cotangent row for all: that
// sums over the rows, so it pairs with a tangent equal in every row.
func (h *harness) checkAdjoint() {
	for _, reduce := range []bool{false, true} {
		t := h.tangents()
		inC := make([]graph.Block, len(h.c.in))
		for j, s := range h.c.in {
			rows := h.R
			if reduce && h.isShared(j) {
				rows = 1
				if !t[j].Zero() {
					for r := 1; r < h.R; r++ {
						copy(t[j].Row(r), t[j].Row(0))
					}
				}
			}
			inC[j] = graph.MakeBlock(make([]float64, rows*s.Size()), rows, s.Size())
		}
		out := graph.MakeBlock(make([]float64, h.R*h.out.Size()), h.R, h.out.Size())
		h.op.JVP(h.st, out, h.x, t)
		w := h.random(h.R, h.out.Size())
		lhs := dotRows(w, out)
		h.op.VJP(h.st, inC, h.x, w)
		rhs := 0.0
		for j := range inC {
			if !t[j].Zero() {
				rhs += dotRows(inC[j], graph.MakeBlock(t[j].Data, inC[j].Rows, t[j].Size))
			}
		}
		if !close(lhs, rhs, 1e-12, math.Abs(lhs)+1) {
			h.t.Errorf("adjoint (one-row cotangents for shared inputs: %v): ⟨w, Jt⟩ = %v, ⟨Jᵀw, t⟩ = %v", reduce, lhs, rhs)
		}
	}
}

// checkSecondOrder compares JVP2 and Reverse2's second-order term with the
// ε₁ε₂ part of Hyper, and Reverse2's first-order terms with VJP.
func (h *harness) checkSecondOrder() {
	t1, t2 := h.tangents(), h.tangents()
	size := h.out.Size()
	j2 := graph.MakeBlock(make([]float64, h.R*size), h.R, size)
	h.op.JVP2(h.st, j2, h.x, t1, t2)
	scale := maxAbs(j2)
	for k := 0; k < h.R; k++ {
		hy := h.hyper(k/harnessDirs, rowOf(t1, k), rowOf(t2, k))
		for _, v := range hy {
			scale = math.Max(scale, math.Abs(v.E12))
		}
		for e, v := range hy {
			if !close(v.E12, j2.Row(k)[e], 1e-12, scale) {
				h.t.Errorf("JVP2 row %d element %d: %v, Hyper ε₁ε₂ part %v", k, e, j2.Row(k)[e], v.E12)
				return
			}
		}
	}
	// Reverse2 with v = 0: inV gets f″[t1, ·]ᵀw, so ⟨inV, t2⟩ = ⟨w, f″[t1, t2]⟩.
	w := h.random(h.R, size)
	inW := make([]graph.Block, len(h.c.in))
	inV := make([]graph.Block, len(h.c.in))
	for j, s := range h.c.in {
		inW[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
		inV[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
	}
	h.op.Reverse2(h.st, inW, inV, h.x, t1, w, graph.Block{})
	got := 0.0
	for j := range inV {
		if !t2[j].Zero() {
			got += dotRows(inV[j], t2[j])
		}
	}
	want := dotRows(w, j2)
	if !close(got, want, 1e-12, math.Abs(want)+1) {
		h.t.Errorf("Reverse2 second-order: ⟨f″[t1,·]ᵀw, t2⟩ = %v, ⟨w, f″[t1,t2]⟩ = %v", got, want)
	}
	// The same with w one row per sample, as the forward-over-reverse sweep
	// has it: each row of w pairs with its sample's tangent rows.
	ws := h.random(h.nb, size)
	for j, s := range h.c.in {
		inW[j] = graph.Block{}
		inV[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
	}
	h.op.Reverse2(h.st, inW, inV, h.x, t1, ws, graph.Block{})
	got, want = 0, 0
	for j := range inV {
		if !t2[j].Zero() {
			got += dotRows(inV[j], t2[j])
		}
	}
	for k := 0; k < h.R; k++ {
		wk, jk := ws.Row(k/harnessDirs), j2.Row(k)
		for e := range wk {
			want += wk[e] * jk[e]
		}
	}
	if !close(got, want, 1e-12, math.Abs(want)+1) {
		h.t.Errorf("Reverse2 second-order, w per sample: ⟨f″[t1,·]ᵀw, t2⟩ = %v, ⟨w, f″[t1,t2]⟩ = %v", got, want)
	}
	for j, s := range h.c.in {
		inW[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
		inV[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
	}
	h.op.Reverse2(h.st, inW, inV, h.x, t1, w, graph.Block{})
	// Its w-part is VJP.
	inC := make([]graph.Block, len(h.c.in))
	for j, s := range h.c.in {
		inC[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
	}
	h.op.VJP(h.st, inC, h.x, w)
	for j := range inC {
		for i, v := range inC[j].Data {
			if !close(v, inW[j].Data[i], 1e-14, maxAbs(inC[j])) {
				h.t.Errorf("Reverse2 w-part input %d element %d: %v, VJP %v", j, i, inW[j].Data[i], v)
				return
			}
		}
	}
}

// checkFresh checks an op's Reverse2Fresh against Reverse2: with the
// inputs that the mask marks fresh filled with NaN (first and second
// cotangents) and the others with the same data for both, it must leave
// what Reverse2 leaves, exactly: with one row per tangent row (a
// Jacobian's sink) and with one row in all (a sum's), with either of v and
// w zero, with and without tangents, for every input alone and all at
// once.
func (h *harness) checkFresh() {
	fw, ok := h.op.(graph.FreshWriter)
	if !ok {
		return
	}
	n := len(h.c.in)
	size := h.out.Size()
	blocks := func(rows int, fresh uint64, fill float64) ([]graph.Block, []graph.Block) {
		inW, inV := make([]graph.Block, n), make([]graph.Block, n)
		for j, s := range h.c.in {
			inW[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
			inV[j] = graph.MakeBlock(make([]float64, rows*s.Size()), rows, s.Size())
			for _, b := range []graph.Block{inW[j], inV[j]} {
				for i := range b.Data {
					b.Data[i] = 0.25 * float64(i%7) // earlier contributions
					if fresh&(1<<j) != 0 {
						b.Data[i] = fill
					}
				}
			}
		}
		return inW, inV
	}
	w, v := h.random(h.R, size), h.random(h.R, size)
	masks := []uint64{1<<n - 1}
	for j := 0; j < n && n > 1; j++ {
		masks = append(masks, 1<<j)
	}
	for _, t := range [][]graph.Block{h.tangents(), make([]graph.Block, n)} {
		for _, rows := range []int{h.R, 1} {
			for _, c := range []struct {
				name string
				w, v graph.Block
			}{{"w and v", w, v}, {"v only", graph.Block{}, v}, {"w only", w, graph.Block{}}} {
				for _, mask := range masks {
					wantW, wantV := blocks(rows, mask, 0)
					h.op.Reverse2(h.st, wantW, wantV, h.x, t, c.w, c.v)
					gotW, gotV := blocks(rows, mask, math.NaN())
					fw.Reverse2Fresh(h.st, gotW, gotV, h.x, t, c.w, c.v, mask)
					for j := range gotV {
						for k, pair := range [2][2]graph.Block{{gotW[j], wantW[j]}, {gotV[j], wantV[j]}} {
							for i, x := range pair[0].Data {
								if x != pair[1].Data[i] {
									h.t.Errorf("Reverse2Fresh, mask %b, %d sink rows, %s, tangents %v: input %d %s element %d is %v, Reverse2 gives %v",
										mask, rows, c.name, !t[0].Zero(), j, [2]string{"inW", "inV"}[k], i, x, pair[1].Data[i])
									return
								}
							}
						}
					}
				}
			}
		}
	}
}

func rowOf(t []graph.Block, k int) func(j int) []float64 {
	return func(j int) []float64 {
		if t[j].Zero() {
			return nil
		}
		return t[j].Row(k)
	}
}

// checkUnit checks the graph.Block.Unit shortcut. With input j's tangent
// the identity seeds of every sample (a pass's first layer after
// TangentIdentity) and the other tangents zero, marking the block may
// change the work but not the results: JVP bit for bit (a product of unit
// rows has one nonzero term per element, so it is exact in any order),
// Reverse2 with v = 0 to 1e-13 (a summed sink's folded term adds in
// another order). A bilinear op whose other operand is shared must do
// fewer multiply-adds marked.
func (h *harness) checkUnit() {
	const maxSeed = 1 << 18 // floats of identity seed: leaves out large images
	for j, s := range h.c.in {
		m := s.Size()
		R := h.nb * m
		if !h.hasTan(j) || h.isShared(j) || m == 0 || R*m > maxSeed {
			continue
		}
		id := identitySeeds(R, m)
		size := h.out.Size()
		w := h.random(R, size)
		run := func(unit bool) (graph.Block, []graph.Block, int64) {
			t := make([]graph.Block, len(h.c.in))
			inW := make([]graph.Block, len(h.c.in)) // zero: no first-order cotangents
			inV := make([]graph.Block, len(h.c.in))
			for k, sk := range h.c.in {
				t[k] = graph.Block{Rows: R, Size: sk.Size(), Stride: sk.Size()}
				rows := R // per tangent row, or summed for a shared input
				if h.isShared(k) {
					rows = 1
				}
				inV[k] = graph.MakeBlock(make([]float64, rows*sk.Size()), rows, sk.Size())
			}
			t[j] = graph.MakeBlock(id, R, m)
			t[j].Unit = unit
			jvp := graph.MakeBlock(make([]float64, R*size), R, size)
			macs := blasimpl.CountMACs(func() {
				h.op.JVP(h.st, jvp, h.x, t)
				h.op.Reverse2(h.st, inW, inV, h.x, t, w, graph.Block{})
			})
			return jvp, inV, macs
		}
		jvp0, inV0, macs0 := run(false)
		jvp1, inV1, macs1 := run(true)
		for e, v := range jvp0.Data {
			if jvp1.Data[e] != v && !(v != v && jvp1.Data[e] != jvp1.Data[e]) {
				h.t.Errorf("input %d Unit: JVP element %d is %v, %v unmarked", j, e, jvp1.Data[e], v)
				return
			}
		}
		for k := range inV0 {
			scale := maxAbs(inV0[k])
			for e, v := range inV0[k].Data {
				if !close(inV1[k].Data[e], v, 1e-13, scale) {
					h.t.Errorf("input %d Unit: Reverse2's cotangent of input %d, element %d, is %v, %v unmarked", j, k, e, inV1[k].Data[e], v)
					return
				}
			}
		}
		if _, bil := h.op.(bilinearOp); bil && j < 2 && h.isShared(1-j) && macs1 >= macs0 {
			h.t.Errorf("input %d Unit: %d multiply-adds marked, %d unmarked; want fewer", j, macs1, macs0)
		}
	}
}

// identitySeeds returns the identity seeds of R/m samples: R rows of m, row r
// the unit vector e_{r mod m}.
func identitySeeds(R, m int) []float64 {
	id := make([]float64, R*m)
	for r := 0; r < R; r++ {
		id[r*m+r%m] = 1
	}
	return id
}

// checkAllocs checks that every pass method makes no allocations once the
// state has its buffers.
func (h *harness) checkAllocs() {
	t := h.tangents()
	size := h.out.Size()
	out := graph.MakeBlock(make([]float64, h.R*size), h.R, size)
	w := h.random(h.R, size)
	inC := make([]graph.Block, len(h.c.in))
	inV := make([]graph.Block, len(h.c.in))
	for j, s := range h.c.in {
		inC[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
		inV[j] = graph.MakeBlock(make([]float64, h.R*s.Size()), h.R, s.Size())
	}
	run := func() {
		h.op.Forward(h.st, h.outVal, h.x)
		h.op.JVP(h.st, out, h.x, t)
		h.op.VJP(h.st, inC, h.x, w)
		h.op.Reverse2(h.st, inC, inV, h.x, t, w, w)
		h.op.JVP2(h.st, out, h.x, t, t)
	}
	if raceEnabled {
		h.t.Skip("the race detector's sync.Pool drops items at random, so allocations are measured without -race")
	}
	run()
	if n := testing.AllocsPerRun(5, run); n != 0 {
		h.t.Errorf("%v allocations per run of the passes, want 0", n)
	}
}
