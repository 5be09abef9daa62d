package dgemm

import "github.com/dualgrad/dualgrad/internal/vec"

// Gemv sets y = alpha·op(A)·x + beta·y, where A is m × n, row-major with
// row stride lda, and op(A) is A (x of length n, y of length m) or, with
// trans, Aᵀ (x of m, y of n). These are the one-row products of a sweep
// for a single latent, x·Wᵀ and x·W, which a blocked Gemm would serve by
// packing all of W for one row; Gemv streams A once.
//
// Each entry of y is computed the same way whatever the number of threads
// (large products are split over y only):
//
//	op(A) = A:  y_i = alpha·d_i + beta·y_i, d_i = A_i·x summed as
//	            vec.SumSqDot sums (four partial sums);
//	op(A) = Aᵀ: y_j = beta·y_j, then y_j += (alpha·x_i)·A_ij for i in
//	            order, each product rounded before it is added (the bits
//	            of a loop of axpys).
//
// With beta = 0, y is overwritten without being read; with alpha = 0 or an
// empty x, A and x are not read. It panics, with gonum's messages, if m
// or n is negative, lda is less than max(1, n), or a, x or y is too short.
func Gemv(trans bool, m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if lda < max(1, n) {
		panic(badLdA)
	}
	lx, ly := n, m
	if trans {
		lx, ly = m, n
	}
	if ly == 0 {
		return
	}
	if len(y) < ly {
		panic(shortY)
	}
	if lx > 0 && len(x) < lx {
		panic(shortX)
	}
	if m > 0 && n > 0 && len(a) < (m-1)*lda+n {
		panic(shortA)
	}
	if alpha == 0 || lx == 0 {
		scale(1, ly, beta, y, ly)
		return
	}
	t := 1 // parts: as many as Threads allows, gemvMinPart entries each at least
	if m*n >= parMinFlops {
		t = max(1, min(Threads(), ly/gemvMinPart))
	}
	if t == 1 {
		// On the caller, without the pool: a pooled problem's Put can
		// allocate after a collection has emptied the pool, and one-row
		// products are most of a looped sweep's calls.
		gemvRange(trans, m, n, alpha, a, lda, x, beta, y, 0, ly)
		return
	}
	p := problems.Get().(*problem)
	p.gemv, p.transA = true, trans
	p.m, p.n = m, n
	p.alpha, p.beta = alpha, beta
	p.a, p.lda, p.b, p.c = a, lda, x, y
	p.splitGemv(ly, t)
	p.runParts()
}

// gemvMinPart is the fewest entries of y a part of a split Gemv gets, and
// gemvCols the entries of y that an Aᵀ·x part updates per pass over its
// rows of A: 4 KiB, which stay in L1 while up to gemvRows rows of A stream
// past.
const (
	gemvMinPart = 64
	gemvCols    = 512
	gemvRows    = 64
)

// splitGemv cuts y (ly entries) into t parts at multiples of 8.
func (p *problem) splitGemv(ly, t int) {
	p.pn, p.pm = 1, t
	p.rowCut[0] = 0
	for q := 1; q < t; q++ {
		p.rowCut[q] = ly / 8 * q / t * 8
	}
	p.rowCut[t] = ly
}

// gemvRange computes the entries [lo, hi) of Gemv's y.
func gemvRange(trans bool, m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64, lo, hi int) {
	var buf [gemvRows]float64
	if !trans { // y_i = alpha·A_i·x + beta·y_i
		for i0 := lo; i0 < hi; i0 += gemvRows {
			nb := min(gemvRows, hi-i0)
			d := buf[:nb]
			vec.DotRows(d, a[i0*lda:], lda, x, n, nb)
			yb := y[i0 : i0+nb]
			switch beta {
			case 0:
				for i, v := range d {
					yb[i] = alpha * v
				}
			case 1:
				for i, v := range d {
					yb[i] += alpha * v
				}
			default:
				for i, v := range d {
					yb[i] = alpha*v + beta*yb[i]
				}
			}
		}
		return
	}
	scale(1, hi-lo, beta, y[lo:hi], hi-lo)
	for jc := lo; jc < hi; jc += gemvCols {
		w := min(gemvCols, hi-jc)
		for i0 := 0; i0 < m; i0 += gemvRows {
			nb := min(gemvRows, m-i0)
			s := buf[:nb]
			for r := range s {
				s[r] = alpha * x[i0+r]
			}
			vec.AxpyRows(y[jc:jc+w], s, a[i0*lda+jc:], lda, w, nb)
		}
	}
}
