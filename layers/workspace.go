package layers

import (
	"github.com/dualgrad/dualgrad/internal/blasimpl"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Workspace holds the buffers of the passes Forward, Tangent and Hyper. The
// zero value is ready to use. A pass sizes the buffers it needs on first use
// and reuses them while the shapes stay the same, so that repeated passes
// make no allocations. What a pass returns is owned by the workspace and is
// overwritten by the next pass of the same kind. Each kind of pass has its
// own buffers, so one Workspace can serve all three on the same network.
// A Workspace is not safe for concurrent use. Passes run on the calling
// goroutine; for parallelism, run passes with separate workspaces
// concurrently.
type Workspace struct {
	fwd []float64 // Forward: the outputs of every layer, concatenated

	tan    []float64 // Tangent: per layer, the rows × (1+k) block [value | tangents]
	tanY   []float64
	tanOut mat.Dense

	hyp    []hyperLayer // Hyper: layer l's output
	shapes []hyperShape
	hypOut HyperBlock
	hypE   [3]mat.Dense // the headers of hypOut's blocks

	// Headers of gonum views onto the buffers, set with SetRawMatrix so
	// that taking a view never allocates.
	w, dst, src mat.Dense
	dstV        mat.VecDense
	srcV        mat.VecDense
}

// resize returns s resliced to length n, reallocating only if its capacity
// is too small. The contents are not cleared.
func resize(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}

// view sets d to the r × c block that starts at data[0] with the given row
// stride, and returns it. r and c must be positive.
func view(d *mat.Dense, data []float64, r, c, stride int) *mat.Dense {
	d.SetRawMatrix(blas64.General{Rows: r, Cols: c, Stride: stride, Data: data[:(r-1)*stride+c]})
	return d
}

// gemm writes dst = w·src, where dst is w.Out() × c with row stride ds and
// src is w.In() × c with row stride ss. It does nothing if c is zero.
//
// The product runs serially, in tiles of at most three 64×64 output blocks:
// gonum's Dgemm splits a product of four or more blocks among goroutines that
// it starts, and so allocates, on every call. Passes on different
// workspaces can run concurrently instead, for example one per sample.
// Under another BLAS installed with blas64.Use (OpenBLAS, see
// docs/openblas.md), the product is one call, so that its own threading
// and blocking apply.
func (ws *Workspace) gemm(w *mat.Dense, dst []float64, ds int, src []float64, ss int, c int) {
	if c == 0 {
		return
	}
	const block, maxBlocks = 64, 3
	wr := w.RawMatrix()
	if !blasimpl.Native() {
		view(&ws.dst, dst, wr.Rows, c, ds).Mul(w, view(&ws.src, src, wr.Cols, c, ss))
		return
	}
	r, k := wr.Rows, wr.Cols
	rows := min(r, maxBlocks*block)
	cols := block * max(1, maxBlocks/((rows+block-1)/block))
	for i := 0; i < r; i += rows {
		ri := min(rows, r-i)
		wi := view(&ws.w, wr.Data[i*wr.Stride:], ri, k, wr.Stride)
		for j := 0; j < c; j += cols {
			cj := min(cols, c-j)
			view(&ws.dst, dst[i*ds+j:], ri, cj, ds).Mul(wi, view(&ws.src, src[j:], k, cj, ss))
		}
	}
}

// gemv writes dst = w·src.
func (ws *Workspace) gemv(w *mat.Dense, dst, src []float64) {
	ws.dstV.SetRawVector(blas64.Vector{N: len(dst), Inc: 1, Data: dst})
	ws.srcV.SetRawVector(blas64.Vector{N: len(src), Inc: 1, Data: src})
	ws.dstV.MulVec(w, &ws.srcV)
}
