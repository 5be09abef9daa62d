package blasimpl

import (
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

type wrapped struct{ gonumblas.Implementation }

func TestNative(t *testing.T) {
	if !Native() {
		t.Fatal("default blas64 is not reported as native")
	}
	blas64.Use(wrapped{})
	defer blas64.Use(gonumblas.Implementation{})
	if Native() {
		t.Fatal("a wrapped implementation is reported as native")
	}
}

// TestGemm checks all four transpose combinations against mat.Dense.Mul,
// with strides wider than the matrices.
func TestGemm(t *testing.T) {
	const M, N, K, pad = 3, 4, 5, 2
	fill := func(r, c int, seed float64) *mat.Dense {
		d := mat.NewDense(r, c+pad, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c+pad; j++ {
				d.Set(i, j, seed+float64(7*i-3*j)/11)
			}
		}
		return d.Slice(0, r, 0, c).(*mat.Dense)
	}
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		A, B := fill(M, K, 0.5), fill(K, N, -1.25)
		if tr[0] {
			A = fill(K, M, 0.5)
		}
		if tr[1] {
			B = fill(N, K, -1.25)
		}
		var opA, opB mat.Matrix = A, B
		if tr[0] {
			opA = A.T()
		}
		if tr[1] {
			opB = B.T()
		}
		var want mat.Dense
		want.Mul(opA, opB)
		C := fill(M, N, 9) // overwritten
		ra, rb, rc := A.RawMatrix(), B.RawMatrix(), C.RawMatrix()
		Gemm(tr[0], tr[1], M, N, K, ra.Data, ra.Stride, rb.Data, rb.Stride, rc.Data, rc.Stride)
		if !mat.EqualApprox(C, &want, 1e-14) {
			t.Errorf("trans %v: got %v, want %v", tr, mat.Formatted(C), mat.Formatted(&want))
		}
	}
}

// counting is a BLAS that counts its Dgemm calls.
type counting struct {
	gonumblas.Implementation
	calls *int
}

func (c counting) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, cc []float64, ldc int) {
	*c.calls++
	c.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cc, ldc)
}

// TestRoutes checks that GemmAcc goes to dgemm by default and to an
// installed blas64 otherwise, with the same result either way.
func TestRoutes(t *testing.T) {
	const M, N, K = 30, 41, 52
	A, B := make([]float64, M*K), make([]float64, K*N)
	for i := range A {
		A[i] = float64(i%17) / 7
	}
	for i := range B {
		B[i] = float64(i%13) / 5
	}
	c0 := make([]float64, M*N)
	for i := range c0 {
		c0[i] = float64(i % 3)
	}
	run := func() []float64 {
		C := append([]float64(nil), c0...)
		GemmAcc(false, false, M, N, K, -2, A, K, B, N, 0.5, C, N)
		return C
	}
	calls := 0
	viaDgemm := run()
	blas64.Use(counting{calls: &calls})
	viaBLAS := run()
	blas64.Use(gonumblas.Implementation{})
	if calls != 1 {
		t.Fatalf("installed BLAS got %d Dgemm calls, want 1", calls)
	}
	// Each entry sums 52 products of magnitude at most 2·(16/7)·(12/5) and
	// 0.5·2, under 572 in all; two summation orders of such a sum differ
	// by at most 2·γ₅₅·572 < 7.1e-12 (Higham, §3.1).
	const tol = 7.1e-12
	for i := range viaDgemm {
		if d := viaDgemm[i] - viaBLAS[i]; d > tol || d < -tol {
			t.Fatalf("C[%d]: dgemm %v, blas64 %v", i, viaDgemm[i], viaBLAS[i])
		}
	}
}
