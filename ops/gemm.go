package ops

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/blasimpl"
	"gonum.org/v1/gonum/floats"
)

// gemmKernel is ONNX Gemm, Y = α·op(A)·op(B) + β·C, with op a transpose
// when transA or transB is set and C broadcast to Y. It is also PyTorch's
// Linear (A the input, B the weight out × in, transB set, C the bias), for
// which A may have any number of leading dimensions: A of shape [..., K]
// gives Y of shape [..., N].
type gemmKernel struct {
	transA, transB bool
	alpha, beta    float64
	batched        bool // A is [..., K] rather than a matrix

	m, n, k int
	bias    []int
}

// Gemm returns ONNX's Gemm op: Y = α·op(A)·op(B) + β·C for matrices A and B
// and an optional C that broadcasts to Y (its inputs are A, B and, if given,
// C). PyTorch's nn.Linear exports as Gemm with transB set.
//
// Gemm is bilinear in (A, B) and has no kinks.
func Gemm(transA, transB bool, alpha, beta float64) graph.Op {
	return newBilinear(&gemmKernel{transA: transA, transB: transB, alpha: alpha, beta: beta})
}

// LinearOp returns PyTorch's nn.Linear as an op: Y = X·Wᵀ + b for X of shape
// [..., in], the weight W of shape [out, in] and an optional bias b of shape
// [out] (the inputs are X, W and, if given, b). Y has shape [..., out].
func LinearOp() graph.Op {
	return newBilinear(&gemmKernel{transB: true, alpha: 1, beta: 1, batched: true})
}

func (g *gemmKernel) Type() string { return "Gemm" }

func (g *gemmKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if len(in) != 2 && len(in) != 3 {
		return nil, fmt.Errorf("has %d inputs, want 2 or 3", len(in))
	}
	a, b := in[0], in[1]
	var out graph.Shape
	if g.batched {
		if len(a) < 1 || len(b) != 2 {
			return nil, fmt.Errorf("input shape %v and weight shape %v: want [..., in] and [out, in]", a, b)
		}
		g.k = a[len(a)-1]
		g.m = a.Size() / max(g.k, 1)
		if g.k == 0 {
			g.m = 0
			for _, d := range a[:len(a)-1] {
				g.m = max(g.m, 1) * d
			}
		}
		if b[1] != g.k {
			return nil, fmt.Errorf("input shape %v and weight shape %v: want the weight's second dimension %d", a, b, g.k)
		}
		g.n = b[0]
		out = append(a[:len(a)-1].Clone(), g.n)
	} else {
		if len(a) != 2 || len(b) != 2 {
			return nil, fmt.Errorf("input shapes %v (A) and %v (B): want matrices", a, b)
		}
		g.m, g.k = a[0], a[1]
		if g.transA {
			g.m, g.k = a[1], a[0]
		}
		kb, n := b[0], b[1]
		if g.transB {
			kb, n = b[1], b[0]
		}
		if kb != g.k {
			return nil, fmt.Errorf("op(A) is %d×%d and op(B) is %d×%d: inner dimensions differ", g.m, g.k, kb, n)
		}
		g.n = n
		out = graph.Shape{g.m, g.n}
	}
	if len(in) == 3 {
		c := in[2]
		if bc, err := Broadcast(c, out); err != nil || !bc.Equal(out) {
			return nil, fmt.Errorf("input C of shape %v does not broadcast to the output shape %v", c, out)
		}
		g.bias = BroadcastIndex(c, out)
	}
	return out, nil
}

func (g *gemmKernel) Cost() float64 { return 2 * float64(g.m) * float64(g.n) * float64(g.k) }

func (g *gemmKernel) Bias() ([]int, int, float64) { return g.bias, 1, g.beta }

// lda and ldb are the row strides of A and B as stored.
func (g *gemmKernel) lda() int {
	if g.transA {
		return g.m
	}
	return g.k
}

func (g *gemmKernel) ldb() int {
	if g.transB {
		return g.k
	}
	return g.n
}

func beta(acc bool) float64 {
	if acc {
		return 1
	}
	return 0
}

// Apply computes every row's product; when B is one row shared by all and
// A is not transposed, the rows of A stack into one product.
func (g *gemmKernel) Apply(_ *graph.State, out, a, b graph.Block, acc bool) {
	R := out.Rows
	if b.Rows == 1 && !g.transA && a.Rows == R && a.Contiguous() && out.Contiguous() {
		blasimpl.GemmAcc(false, g.transB, R*g.m, g.n, g.k, g.alpha, a.Data, g.k, b.Data, g.ldb(), beta(acc), out.Data, g.n)
		return
	}
	for r := 0; r < R; r++ {
		blasimpl.GemmAcc(g.transA, g.transB, g.m, g.n, g.k, g.alpha,
			a.Row(pairRow(r, R, a.Rows)), g.lda(), b.Row(pairRow(r, R, b.Rows)), g.ldb(), beta(acc), out.Row(r), g.n)
	}
}

// TransposeA adds α·W·op(B)ᵀ (or its transpose, for transA) to aC.
func (g *gemmKernel) TransposeA(_ *graph.State, aC, w, b graph.Block) {
	g.transposeA(aC, w, b, 1)
}

// WriteA writes α·W·op(B)ᵀ into aC when each row of aC pairs with one
// row of the product, not a sum of several.
func (g *gemmKernel) WriteA(aC, w, b graph.Block) bool {
	if aC.Rows != max(w.Rows, b.Rows, aC.Rows) {
		return false
	}
	g.transposeA(aC, w, b, 0)
	return true
}

// transposeA is TransposeA with aC scaled by beta first (0 or 1).
func (g *gemmKernel) transposeA(aC, w, b graph.Block, beta float64) {
	R := max(w.Rows, b.Rows, aC.Rows)
	if b.Rows == 1 && !g.transA && aC.Rows == R && aC.Contiguous() && w.Contiguous() {
		blasimpl.GemmAcc(false, !g.transB, R*g.m, g.k, g.n, g.alpha, w.Data, g.n, b.Data, g.ldb(), beta, aC.Data, g.k)
		return
	}
	for r := 0; r < R; r++ {
		wr, br, cr := w.Row(pairRow(r, R, w.Rows)), b.Row(pairRow(r, R, b.Rows)), aC.Row(pairRow(r, R, aC.Rows))
		if g.transA { // A stored K × M: ∂A = α·op(B)·Wᵀ
			blasimpl.GemmAcc(g.transB, true, g.k, g.m, g.n, g.alpha, br, g.ldb(), wr, g.n, beta, cr, g.m)
		} else {
			blasimpl.GemmAcc(false, !g.transB, g.m, g.k, g.n, g.alpha, wr, g.n, br, g.ldb(), beta, cr, g.k)
		}
	}
}

// TransposeB adds α·op(A)ᵀ·W (or its transpose, for transB) to bC; when bC
// is one row and A is not transposed, the rows stack into one product that
// also sums over them.
func (g *gemmKernel) TransposeB(_ *graph.State, bC, a, w graph.Block) {
	R := max(w.Rows, a.Rows, bC.Rows)
	if bC.Rows == 1 && !g.transA && a.Rows == R && a.Contiguous() && w.Contiguous() {
		if g.transB { // ∂B = α·Wᵀ·A, N × K
			blasimpl.GemmAcc(true, false, g.n, g.k, R*g.m, g.alpha, w.Data, g.n, a.Data, g.k, 1, bC.Data, g.k)
		} else {
			blasimpl.GemmAcc(true, false, g.k, g.n, R*g.m, g.alpha, a.Data, g.k, w.Data, g.n, 1, bC.Data, g.n)
		}
		return
	}
	for r := 0; r < R; r++ {
		ar, wr, cr := a.Row(pairRow(r, R, a.Rows)), w.Row(pairRow(r, R, w.Rows)), bC.Row(pairRow(r, R, bC.Rows))
		if g.transB {
			blasimpl.GemmAcc(true, g.transA, g.n, g.k, g.m, g.alpha, wr, g.n, ar, g.lda(), 1, cr, g.k)
		} else {
			blasimpl.GemmAcc(!g.transA, false, g.k, g.n, g.m, g.alpha, ar, g.lda(), wr, g.n, 1, cr, g.n)
		}
	}
}

// WriteB2 writes B's cotangent from two terms in one pass when A is one
// vector per row (M = 1, as for Linear) and every row of bC pairs with a
// single row of each term (a Jacobian's rows, not a sum over rows): each
// row of bC is then two rank-one updates, made while the row is in cache.
func (g *gemmKernel) WriteB2(bC, a1, w1, a2, w2 graph.Block) bool {
	R := bC.Rows
	if g.m != 1 || g.transA || R == 0 {
		return false
	}
	for _, t := range [...][2]graph.Block{{a1, w1}, {a2, w2}} {
		if !t[0].Zero() && !t[1].Zero() && (max(t[0].Rows, t[1].Rows) != R || R%t[0].Rows != 0 || R%t[1].Rows != 0) {
			return false
		}
	}
	one, two := !a1.Zero() && !w1.Zero(), !a2.Zero() && !w2.Zero()
	for r := 0; r < R; r++ {
		c := bC.Row(r)
		var x1, y1, x2, y2 []float64
		if one {
			x1, y1 = a1.Row(pairRow(r, R, a1.Rows)), w1.Row(pairRow(r, R, w1.Rows))
		}
		if two {
			x2, y2 = a2.Row(pairRow(r, R, a2.Rows)), w2.Row(pairRow(r, R, w2.Rows))
		}
		// ∂B = α·aᵀw: row i of B stored N × K (transB) is α·w[i]·a, row k
		// of B stored K × N is α·a[k]·w.
		rows, n := g.k, g.n
		if g.transB {
			x1, y1, x2, y2 = y1, x1, y2, x2
			rows, n = g.n, g.k
		}
		for i := 0; i < rows; i++ {
			ci := c[i*n : (i+1)*n]
			switch {
			case one:
				floats.ScaleTo(ci, g.alpha*x1[i], y1)
			default:
				clear(ci)
			}
			if two {
				floats.AddScaled(ci, g.alpha*x2[i], y2)
			}
		}
	}
	return true
}
