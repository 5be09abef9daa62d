// Package blasimpl tells dualgrad's matrix code which BLAS blas64 routes
// to, and calls it on row-major slices. Both layers and the adjoint engine
// avoid gonum's native Dgemm for large products, because it starts (and so
// allocates) goroutines on every call; under another implementation
// installed with blas64.Use, such as OpenBLAS, they hand it whole products.
package blasimpl

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

// Native reports whether blas64 routes to gonum's own pure-Go BLAS.
func Native() bool {
	_, ok := blas64.Implementation().(gonumblas.Implementation)
	return ok
}

// Gemm sets C = op(A)·op(B) through blas64 for row-major C (M × N), where
// op(A) is M × K and op(B) is K × N; transA and transB select transposes.
func Gemm(transA, transB bool, M, N, K int, A []float64, lda int, B []float64, ldb int, C []float64, ldc int) {
	ta, ar, ac := blas.NoTrans, M, K
	if transA {
		ta, ar, ac = blas.Trans, K, M
	}
	tb, br, bc := blas.NoTrans, K, N
	if transB {
		tb, br, bc = blas.Trans, N, K
	}
	blas64.Gemm(ta, tb, 1,
		blas64.General{Rows: ar, Cols: ac, Stride: lda, Data: A},
		blas64.General{Rows: br, Cols: bc, Stride: ldb, Data: B},
		0, blas64.General{Rows: M, Cols: N, Stride: ldc, Data: C})
}

// GemmAB sets C = α·op(A)·op(B) + β·C for row-major C (M × N), where op(A)
// is M × K and op(B) is K × N. With β = 0, C is overwritten. It does nothing
// if M or N is 0, and scales C by β if K is 0.
func GemmAB(transA, transB bool, M, N, K int, alpha float64, A []float64, lda int, B []float64, ldb int, beta float64, C []float64, ldc int) {
	if M == 0 || N == 0 {
		return
	}
	ta, ar, ac := blas.NoTrans, M, K
	if transA {
		ta, ar, ac = blas.Trans, K, M
	}
	tb, br, bc := blas.NoTrans, K, N
	if transB {
		tb, br, bc = blas.Trans, N, K
	}
	if K == 0 {
		for i := 0; i < M; i++ {
			row := C[i*ldc : i*ldc+N]
			for j := range row {
				if beta == 0 {
					row[j] = 0
				} else {
					row[j] *= beta
				}
			}
		}
		return
	}
	blas64.Gemm(ta, tb, alpha,
		blas64.General{Rows: ar, Cols: ac, Stride: max(lda, 1), Data: A},
		blas64.General{Rows: br, Cols: bc, Stride: max(ldb, 1), Data: B},
		beta, blas64.General{Rows: M, Cols: N, Stride: max(ldc, 1), Data: C})
}
