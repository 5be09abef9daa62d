// Package blasimpl is dualgrad's one route to BLAS: it tells the matrix
// code which BLAS blas64 routes to, and multiplies row-major slices.
//
// Gemm and GemmAcc take one of two routes:
//
//   - By default, while blas64 is still gonum's native implementation (the
//     program installed nothing with blas64.Use), they call package dgemm,
//     the packed, cache-blocked DGEMM with assembly micro-kernels, which is
//     an order of magnitude faster than gonum's native Dgemm on large
//     products and does not allocate.
//   - Once another implementation is installed with blas64.Use, such as
//     OpenBLAS under the openblas build tag (docs/openblas.md) or
//     dgemm.Implementation itself, they call blas64.Gemm, so that the
//     installed library does the whole product with its own threading.
//
// Native reports which: layers and the adjoint engine use it to decide
// whether to hand whole products to blas64 or to tile them themselves.
package blasimpl

import (
	"sync/atomic"

	"github.com/dualgrad/dualgrad/dgemm"
	"github.com/dualgrad/dualgrad/internal/vec"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats"
)

// CountMACs runs f and returns the multiply-adds of the products that
// Gemm and GemmAcc were asked for meanwhile, on any goroutine: the sum of
// M·N·K, whichever route each took. Calls must not overlap. Benchmarks
// count one untimed step with it to report the rate of a pass's products
// against the machine's; outside it, counting costs one load per product.
func CountMACs(f func()) int64 {
	tally.Store(0)
	tallying.Store(true)
	defer tallying.Store(false)
	f()
	return tally.Load()
}

var (
	tallying atomic.Bool
	tally    atomic.Int64
)

// Native reports whether blas64 routes to gonum's own pure-Go BLAS, that
// is, whether nothing was installed with blas64.Use. Gemm then calls dgemm.
func Native() bool {
	_, ok := blas64.Implementation().(gonumblas.Implementation)
	return ok
}

// Gemm sets C = op(A)·op(B) for row-major C (M × N), where op(A) is M × K
// and op(B) is K × N; transA and transB select transposes, and lda, ldb
// and ldc are the row strides of A, B and C as stored. C is overwritten
// without being read.
func Gemm(transA, transB bool, M, N, K int, A []float64, lda int, B []float64, ldb int, C []float64, ldc int) {
	GemmAcc(transA, transB, M, N, K, 1, A, lda, B, ldb, 0, C, ldc)
}

// GemmAcc sets C = alpha·op(A)·op(B) + beta·C, with the shapes of Gemm.
// With beta = 0, C is overwritten without being read.
func GemmAcc(transA, transB bool, M, N, K int, alpha float64, A []float64, lda int, B []float64, ldb int, beta float64, C []float64, ldc int) {
	if M == 0 || N == 0 {
		return
	}
	if tallying.Load() {
		tally.Add(int64(M) * int64(N) * int64(K))
	}
	switch {
	case K == 1 && !transB:
		outer(transA, M, N, alpha, A, lda, B[:N], beta, C, ldc)
		return
	case M == 1 && !transA && K > 0:
		rowTimes(transB, N, K, alpha, A[:K], B, ldb, beta, C[:N])
		return
	case N == 1 && K > 0:
		colTimes(transA, transB, M, K, alpha, A, lda, B, ldb, beta, C, ldc)
		return
	case M*N*K <= smallFlops:
		small(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
		return
	}
	if Native() {
		dgemm.Gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
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
	blas64.Gemm(ta, tb, alpha,
		blas64.General{Rows: ar, Cols: ac, Stride: lda, Data: A},
		blas64.General{Rows: br, Cols: bc, Stride: ldb, Data: B},
		beta, blas64.General{Rows: M, Cols: N, Stride: ldc, Data: C})
}

// smallFlops is the largest M·N·K that small multiplies directly: below it
// packing and dispatch cost more than the product (the networks of the
// post's size make thousands of such products per evaluation).
const smallFlops = 512

// small sets C = alpha·op(A)·op(B) + beta·C with plain dot products, with
// the BLAS conventions: beta = 0 overwrites C, alpha = 0 reads neither A
// nor B.
func small(transA, transB bool, M, N, K int, alpha float64, A []float64, lda int, B []float64, ldb int, beta float64, C []float64, ldc int) {
	// The transpositions become strides once, out of the inner loop: op(A)
	// row i is A[i·ai + k·ak], op(B) column j is B[j·bj + k·bk]. The sums
	// run over k in the same order either way, so the bits do not depend on
	// the layout.
	ai, ak := lda, 1
	if transA {
		ai, ak = 1, lda
	}
	bj, bk := 1, ldb
	if transB {
		bj, bk = ldb, 1
	}
	for i := 0; i < M; i++ {
		c := C[i*ldc : i*ldc+N]
		j := 0
		if alpha != 0 {
			// Four outputs at a time, each its own sum in k order: four
			// independent chains of additions instead of one.
			for ; j+4 <= N; j += 4 {
				var s0, s1, s2, s3 float64
				for k, pa, pb := 0, i*ai, j*bj; k < K; k, pa, pb = k+1, pa+ak, pb+bk {
					a := A[pa]
					s0 += a * B[pb]
					s1 += a * B[pb+bj]
					s2 += a * B[pb+2*bj]
					s3 += a * B[pb+3*bj]
				}
				c4 := c[j : j+4 : j+4]
				for q, s := range [4]float64{s0, s1, s2, s3} {
					s *= alpha
					if beta != 0 {
						s += beta * c4[q]
					}
					c4[q] = s
				}
			}
		}
		for ; j < N; j++ {
			s := 0.0
			if alpha != 0 {
				for k, pa, pb := 0, i*ai, j*bj; k < K; k, pa, pb = k+1, pa+ak, pb+bk {
					s += A[pa] * B[pb]
				}
				s *= alpha
			}
			if beta != 0 {
				s += beta * c[j]
			}
			c[j] = s
		}
	}
}

// colTimes sets the column C = alpha·op(A)·op(B) + beta·C for N = 1, a
// matrix-vector product (a layer with one output, such as Φ's last): a
// packed product would pad its one column to a tile of 24 (measured 1.8 µs
// for 32 × 32, against 0.6 µs here). Each entry is one sum in k order, as
// in small, four rows at a time so that the four sums' additions overlap.
func colTimes(transA, transB bool, M, K int, alpha float64, A []float64, lda int, B []float64, ldb int, beta float64, C []float64, ldc int) {
	ai, ak := lda, 1
	if transA {
		ai, ak = 1, lda
	}
	bk := ldb // op(B) is K × 1: B's column 0, or with transB its row 0
	if transB {
		bk = 1
	}
	i := 0
	for ; i+4 <= M && alpha != 0; i += 4 {
		// The sums in locals, not an array (which the compiler keeps in
		// memory, making each addition wait on a store: 1.2–1.6 µs for
		// 32 × 32 against 0.6 µs).
		var s0, s1, s2, s3 float64
		if ak == 1 && bk == 1 { // rows of A and B's row: resliced, so no bounds checks
			pa := i * ai
			a0, a1, a2, a3, b := A[pa:pa+K], A[pa+ai:pa+ai+K], A[pa+2*ai:pa+2*ai+K], A[pa+3*ai:pa+3*ai+K], B[:K]
			for k, x := range b {
				s0 += a0[k] * x
				s1 += a1[k] * x
				s2 += a2[k] * x
				s3 += a3[k] * x
			}
		} else {
			for k, pa, pb := 0, i*ai, 0; k < K; k, pa, pb = k+1, pa+ak, pb+bk {
				b := B[pb]
				s0 += A[pa] * b
				s1 += A[pa+ai] * b
				s2 += A[pa+2*ai] * b
				s3 += A[pa+3*ai] * b
			}
		}
		for r, v := range [4]float64{s0, s1, s2, s3} {
			v *= alpha
			if beta != 0 {
				v += beta * C[(i+r)*ldc]
			}
			C[(i+r)*ldc] = v
		}
	}
	for ; i < M; i++ {
		v := 0.0
		if alpha != 0 {
			for k, pa, pb := 0, i*ai, 0; k < K; k, pa, pb = k+1, pa+ak, pb+bk {
				v += A[pa] * B[pb]
			}
			v *= alpha
		}
		if beta != 0 {
			v += beta * C[i*ldc]
		}
		C[i*ldc] = v
	}
}

// rowTimes sets the row c = alpha·a·op(B) + beta·c, a matrix-vector
// product that streams B once (dgemm.Gemv): as dot products with B's rows
// when op(B) is Bᵀ, as a sum of B's rows scaled by a's entries otherwise.
// Packing B for a one-row product, as a blocked GEMM does, would read it
// twice.
func rowTimes(transB bool, N, K int, alpha float64, a, B []float64, ldb int, beta float64, c []float64) {
	if transB { // B stored N × K: c = B·a
		dgemm.Gemv(false, N, K, alpha, B, ldb, a, beta, c)
		return
	}
	dgemm.Gemv(true, K, N, alpha, B, ldb, a, beta, c) // B stored K × N: c = Bᵀ·a
}

// outer sets C = alpha·a·bᵀ + beta·C for the column a of op(A) (K = 1) and
// the row b, one scaled row of b per row of C: the adjoint engine's
// per-direction Jacobian rows are such rank-one products, and a blocked
// GEMM would pack both operands for each.
func outer(transA bool, M, N int, alpha float64, A []float64, lda int, b []float64, beta float64, C []float64, ldc int) {
	if beta == 0 && alpha != 0 {
		// Every row at once, each entry 0 + (alpha·a)·b as below: Φ's last
		// layer (one output) makes such a product per reverse pass, and
		// the clear and axpy per row took 354 ns for 32 × 32.
		as := lda // A stored M × 1
		if transA {
			as = 1 // A stored 1 × M
		}
		vec.OuterRows(C, ldc, A, as, alpha, b, N, M)
		return
	}
	for i := 0; i < M; i++ {
		c := C[i*ldc : i*ldc+N]
		scale(beta, c)
		if alpha == 0 {
			continue
		}
		var a float64
		if transA { // A stored 1 × M
			a = A[i]
		} else { // A stored M × 1
			a = A[i*lda]
		}
		floats.AddScaled(c, alpha*a, b)
	}
}

// scale sets c = beta·c, overwriting c when beta is 0 as BLAS does, so that
// NaN in c does not survive.
func scale(beta float64, c []float64) {
	switch {
	case beta == 0:
		clear(c)
	case beta != 1:
		floats.Scale(beta, c)
	}
}
