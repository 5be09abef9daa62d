package ops

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/blasimpl"
)

// matmulKernel is NumPy's matmul: a batch of M×K by K×N products, the
// batch dimensions broadcast. aOff and bOff give, per output batch element,
// the offset of its A and B matrices.
type matmulKernel struct {
	m, n, k    int
	batch      int
	aOff, bOff []int
	// stack: B has one matrix for the whole batch and A one per batch
	// element, so a block of A rows over one B is a single (rows·batch·M)×K
	// matrix.
	stack bool
}

// MatMul returns ONNX MatMul, NumPy's matmul: for A of shape [..., M, K] and
// B of shape [..., K, N], the products of the trailing matrices, with the
// leading (batch) dimensions broadcast, of shape [..., M, N]. A 1-D A of
// shape [K] is the row [1, K] and a 1-D B the column [K, 1], and the
// inserted dimension is removed from the output. Its inputs are A and B.
//
// MatMul is bilinear in (A, B) and has no kinks. When B is one matrix shared
// by every row (a weight, for example A [..., K] × B [K, N], how PyTorch
// exports nn.Linear on batched input), every pass is a single matrix product
// over all rows of A.
func MatMul() graph.Op { return newBilinear(&matmulKernel{}) }

func (g *matmulKernel) Type() string { return "MatMul" }

func (g *matmulKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	a, b := in[0], in[1]
	if len(a) == 0 || len(b) == 0 {
		return nil, fmt.Errorf("input shapes %v (A) and %v (B): scalars have no matrix product", a, b)
	}
	var aBatch, bBatch graph.Shape
	ka, kb := a[len(a)-1], b[0]
	g.m, g.n = 1, 1
	if len(a) > 1 {
		g.m, aBatch = a[len(a)-2], a[:len(a)-2]
	}
	if len(b) > 1 {
		kb, g.n, bBatch = b[len(b)-2], b[len(b)-1], b[:len(b)-2]
	}
	if ka != kb {
		return nil, fmt.Errorf("input shapes %v (A) and %v (B): inner dimensions %d and %d differ", a, b, ka, kb)
	}
	g.k = ka
	batch, err := Broadcast(aBatch, bBatch)
	if err != nil {
		return nil, fmt.Errorf("input shapes %v (A) and %v (B): batch dimensions do not broadcast", a, b)
	}
	g.batch = batch.Size()
	ia, ib := BroadcastIndex(aBatch, batch), BroadcastIndex(bBatch, batch)
	g.aOff, g.bOff = make([]int, g.batch), make([]int, g.batch)
	for i := range ia {
		g.aOff[i], g.bOff[i] = ia[i]*g.m*g.k, ib[i]*g.k*g.n
	}
	g.stack = bBatch.Size() == 1 && identityIndex(ia)
	out := batch.Clone()
	if len(a) > 1 {
		out = append(out, g.m)
	}
	if len(b) > 1 {
		out = append(out, g.n)
	}
	return out, nil
}

func (g *matmulKernel) Cost() float64 {
	return 2 * float64(g.batch) * float64(g.m) * float64(g.n) * float64(g.k)
}

// stacked reports whether a block x of A-shaped rows (A, or its
// cotangent) and a block y of output-shaped rows, of R rows each, form one
// product with a shared B.
func (g *matmulKernel) stacked(bRows int, x, y graph.Block) bool {
	return g.stack && bRows == 1 && x.Rows == y.Rows && x.Contiguous() && y.Contiguous()
}

func (g *matmulKernel) Apply(_ *graph.State, out, a, b graph.Block, acc bool) {
	R := out.Rows
	if g.stacked(b.Rows, a, out) {
		blasimpl.GemmAcc(false, false, R*g.batch*g.m, g.n, g.k, 1, a.Data, g.k, b.Data, g.n, beta(acc), out.Data, g.n)
		return
	}
	mn := g.m * g.n
	for r := 0; r < R; r++ {
		ar, br, yr := a.Row(pairRow(r, R, a.Rows)), b.Row(pairRow(r, R, b.Rows)), out.Row(r)
		for i := 0; i < g.batch; i++ {
			blasimpl.GemmAcc(false, false, g.m, g.n, g.k, 1, ar[g.aOff[i]:], g.k, br[g.bOff[i]:], g.n, beta(acc), yr[i*mn:], g.n)
		}
	}
}

// TransposeA adds W·Bᵀ to aC, per batch element; over a broadcast batch
// dimension of A the products sum.
func (g *matmulKernel) TransposeA(_ *graph.State, aC, w, b graph.Block) {
	R := max(w.Rows, b.Rows, aC.Rows)
	if R == w.Rows && g.stacked(b.Rows, aC, w) {
		blasimpl.GemmAcc(false, true, R*g.batch*g.m, g.k, g.n, 1, w.Data, g.n, b.Data, g.n, 1, aC.Data, g.k)
		return
	}
	mn := g.m * g.n
	for r := 0; r < R; r++ {
		wr, br, cr := w.Row(pairRow(r, R, w.Rows)), b.Row(pairRow(r, R, b.Rows)), aC.Row(pairRow(r, R, aC.Rows))
		for i := 0; i < g.batch; i++ {
			blasimpl.GemmAcc(false, true, g.m, g.k, g.n, 1, wr[i*mn:], g.n, br[g.bOff[i]:], g.n, 1, cr[g.aOff[i]:], g.k)
		}
	}
}

// TransposeB adds Aᵀ·W to bC, per batch element; when B is one shared
// matrix with one cotangent row, the rows and the batch stack into one
// product that also sums over them.
func (g *matmulKernel) TransposeB(_ *graph.State, bC, a, w graph.Block) {
	R := max(w.Rows, a.Rows, bC.Rows)
	if R == w.Rows && g.stacked(bC.Rows, a, w) {
		blasimpl.GemmAcc(true, false, g.k, g.n, R*g.batch*g.m, 1, a.Data, g.k, w.Data, g.n, 1, bC.Data, g.n)
		return
	}
	mn := g.m * g.n
	for r := 0; r < R; r++ {
		ar, wr, cr := a.Row(pairRow(r, R, a.Rows)), w.Row(pairRow(r, R, w.Rows)), bC.Row(pairRow(r, R, bC.Rows))
		for i := 0; i < g.batch; i++ {
			blasimpl.GemmAcc(true, false, g.k, g.n, g.m, 1, ar[g.aOff[i]:], g.k, wr[i*mn:], g.n, 1, cr[g.bOff[i]:], g.n)
		}
	}
}
