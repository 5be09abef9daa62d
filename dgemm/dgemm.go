// Package dgemm is a packed, cache-blocked matrix multiplication (DGEMM) in
// the style of BLIS, in Go with amd64 assembly micro-kernels.
//
// Implementation satisfies gonum's blas.Float64 with gonum's own routines
// except Dgemm, so a program can route gonum's mat and blas64 through it:
//
//	blas64.Use(dgemm.Implementation{})
//
// Gemm is the same product on row-major slices with bool transposes, for
// callers that do not want blas64's global switch.
//
// The product C = alpha·op(A)·op(B) + beta·C runs in the usual five loops
// around a register micro-kernel: op(B) is copied ("packed") one KC × NC
// block at a time into column panels NR wide, op(A) one MC × KC block at a
// time into row panels MR tall, and the micro-kernel multiplies one row
// panel by one column panel into an MR × NR tile of C held in registers.
// The kernel and the block sizes are chosen once, at start-up, for the CPU:
// AVX-512F (8 × 24), AVX2 with FMA (6 × 8), or portable Go (4 × 4) on other
// CPUs and architectures and under the purego build tag. See docs/dgemm.md
// for the design and measurements.
//
// Large products are split over goroutines by output tiles only, never over
// the inner dimension, so results are bit-for-bit the same for any number of
// threads (see SetThreads). After warm-up, calls do not allocate.
package dgemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's native BLAS with Dgemm replaced by this
// package's. Its zero value is ready to use, from any number of goroutines.
type Implementation struct {
	gonum.Implementation
}

var _ blas.Float64 = Implementation{}

// Panic messages, the same as gonum's (gonum.org/v1/gonum/blas/gonum).
const (
	badTranspose = "blas: illegal transpose"
	mLT0         = "blas: m < 0"
	nLT0         = "blas: n < 0"
	kLT0         = "blas: k < 0"
	badLdA       = "blas: bad leading dimension of A"
	badLdB       = "blas: bad leading dimension of B"
	badLdC       = "blas: bad leading dimension of C"
	shortA       = "blas: insufficient length of a"
	shortB       = "blas: insufficient length of b"
	shortC       = "blas: insufficient length of c"
	shortX       = "blas: insufficient length of x"
	shortY       = "blas: insufficient length of y"
)

// Dgemm performs one of the matrix-matrix operations
//
//	C = alpha * A * B + beta * C
//	C = alpha * Aᵀ * B + beta * C
//	C = alpha * A * Bᵀ + beta * C
//	C = alpha * Aᵀ * Bᵀ + beta * C
//
// where A is an m×k or k×m dense matrix, B is an n×k or k×n dense matrix, C is
// an m×n matrix, and alpha and beta are scalars, all row-major as in gonum.
// tA and tB specify whether A or B are transposed (ConjTrans is Trans).
//
// It checks its arguments and panics as gonum's Dgemm does. Unlike gonum's,
// when alpha or k is zero it does not read A or B, so NaNs there do not
// reach C (as in the reference BLAS), and when beta is zero C is
// overwritten without being read.
func (Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	var aTrans, bTrans bool
	switch tA {
	default:
		panic(badTranspose)
	case blas.NoTrans:
	case blas.Trans, blas.ConjTrans:
		aTrans = true
	}
	switch tB {
	default:
		panic(badTranspose)
	case blas.NoTrans:
	case blas.Trans, blas.ConjTrans:
		bTrans = true
	}
	Gemm(aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Gemm sets C = alpha·op(A)·op(B) + beta·C for row-major C (m × n), where
// op(A) is m × k and op(B) is k × n: op(A) is A, stored m × k, or with
// transA Aᵀ for A stored k × m, and likewise op(B) with transB. The leading
// dimensions are the row strides, at least the stored column count (and 1).
//
// Gemm has the semantics and the panics of Implementation.Dgemm.
func Gemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	if transA {
		if lda < max(1, m) {
			panic(badLdA)
		}
	} else if lda < max(1, k) {
		panic(badLdA)
	}
	if transB {
		if ldb < max(1, k) {
			panic(badLdB)
		}
	} else if ldb < max(1, n) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	// As in gonum, the lengths are checked only for a non-empty C.
	if transA {
		if len(a) < (k-1)*lda+m {
			panic(shortA)
		}
	} else if len(a) < (m-1)*lda+k {
		panic(shortA)
	}
	if transB {
		if len(b) < (n-1)*ldb+k {
			panic(shortB)
		}
	} else if len(b) < (k-1)*ldb+n {
		panic(shortB)
	}
	if len(c) < (m-1)*ldc+n {
		panic(shortC)
	}

	if alpha == 0 || k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// scale sets C = beta·C, writing zeros without reading C if beta is zero.
func scale(m, n int, beta float64, c []float64, ldc int) {
	switch beta {
	case 1:
	case 0:
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	default:
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
	}
}
