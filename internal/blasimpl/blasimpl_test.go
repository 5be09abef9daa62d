package blasimpl

import (
	"testing"

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
