package blasimpl

import (
	"math"
	"sync"
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

// TestSmall checks the direct small-product path against gonum's Dgemm
// for every transpose pair, alpha and beta including 0, shapes on both
// sides of smallFlops, and NaN in C with beta = 0 and in A with alpha = 0.
func TestSmall(t *testing.T) {
	impl := gonumblas.Implementation{}
	for _, sh := range [][3]int{{1, 1, 1}, {2, 3, 4}, {8, 8, 8}, {7, 9, 8}, {1, 512, 1}, {3, 1, 7}} {
		M, N, K := sh[0], sh[1], sh[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, ab := range [][2]float64{{1, 0}, {-1.5, 1}, {0, 2}, {0.5, -1}} {
				ar, ac := M, K
				if tr[0] {
					ar, ac = K, M
				}
				br, bc := K, N
				if tr[1] {
					br, bc = N, K
				}
				A := make([]float64, ar*(ac+1))
				B := make([]float64, br*(bc+2))
				for i := range A {
					A[i] = float64(i%7) - 2.5
				}
				for i := range B {
					B[i] = 0.25*float64(i%5) - 0.5
				}
				C := make([]float64, M*N)
				want := make([]float64, M*N)
				for i := range C {
					C[i], want[i] = float64(i), float64(i)
				}
				ta, tb := blas.NoTrans, blas.NoTrans
				if tr[0] {
					ta = blas.Trans
				}
				if tr[1] {
					tb = blas.Trans
				}
				impl.Dgemm(ta, tb, M, N, K, ab[0], A, ac+1, B, bc+2, ab[1], want, N)
				small(tr[0], tr[1], M, N, K, ab[0], A, ac+1, B, bc+2, ab[1], C, N)
				for i := range C {
					if d := C[i] - want[i]; d > 1e-13 || d < -1e-13 {
						t.Fatalf("%v %v alpha, beta %v: C[%d] = %v, gonum %v", sh, tr, ab, i, C[i], want[i])
					}
				}
			}
		}
	}
	nan := []float64{0, 1, 2, 3}
	C := []float64{nan[0] / nan[0]} // NaN
	small(false, false, 1, 1, 1, 1, []float64{2}, 1, []float64{3}, 1, 0, C, 1)
	if C[0] != 6 {
		t.Errorf("beta = 0 with NaN in C: %v, want 6", C[0])
	}
	C = []float64{1}
	small(false, false, 1, 1, 1, 0, []float64{nan[0] / nan[0]}, 1, []float64{3}, 1, 2, C, 1)
	if C[0] != 2 {
		t.Errorf("alpha = 0 with NaN in A: %v, want 2", C[0])
	}
}

// TestRowTimes checks the one-row path against gonum's Dgemm, both
// layouts of B, alpha and beta including 0 and 1, and a NaN in C with
// beta = 0.
func TestRowTimes(t *testing.T) {
	impl := gonumblas.Implementation{}
	const N, K, pad = 37, 300, 3
	a := make([]float64, K)
	for i := range a {
		a[i] = float64(i%9) - 4
	}
	for _, transB := range []bool{false, true} {
		br, bc := K, N
		tb := blas.NoTrans
		if transB {
			br, bc, tb = N, K, blas.Trans
		}
		B := make([]float64, br*(bc+pad))
		for i := range B {
			B[i] = 0.125*float64(i%13) - 0.75
		}
		for _, ab := range [][2]float64{{1, 0}, {2.5, 1}, {-1, 0.5}, {0, 3}} {
			c, want := make([]float64, N), make([]float64, N)
			for j := range c {
				c[j], want[j] = float64(j), float64(j)
			}
			c[0] = math.NaN()
			want[0] = math.NaN()
			impl.Dgemm(blas.NoTrans, tb, 1, N, K, ab[0], a, K, B, bc+pad, ab[1], want, N)
			GemmAcc(false, transB, 1, N, K, ab[0], a, K, B, bc+pad, ab[1], c, N)
			for j := range c {
				if ab[1] != 0 && j == 0 {
					continue // NaN·beta stays NaN in both
				}
				if math.Abs(c[j]-want[j]) > 1e-12*(1+math.Abs(want[j])) {
					t.Fatalf("transB %v alpha, beta %v: c[%d] = %v, gonum %v", transB, ab, j, c[j], want[j])
				}
			}
		}
	}
}

// TestOuter checks the rank-one path (K = 1) against gonum's Dgemm for
// both layouts of A and several alpha and beta, with NaN in C where β = 0
// (vec's TestOuterRows checks that route's bits).
func TestOuter(t *testing.T) {
	impl := gonumblas.Implementation{}
	const M, N = 9, 41
	for _, transA := range []bool{false, true} {
		lda := 3 // K = 1 stored with a wider stride
		A := make([]float64, M*lda)
		if transA {
			lda = M + 2
			A = make([]float64, lda)
		}
		for i := range A {
			A[i] = float64(i%5) - 1.5
		}
		b := make([]float64, N)
		for j := range b {
			b[j] = 0.25 * float64(j%7)
		}
		ta := blas.NoTrans
		if transA {
			ta = blas.Trans
		}
		for _, ab := range [][2]float64{{1, 0}, {-2, 1}, {0.5, 0.25}, {0, 2}} {
			c, want := make([]float64, M*N), make([]float64, M*N)
			for i := range c {
				c[i], want[i] = float64(i%11), float64(i%11)
			}
			if ab[1] == 0 { // β = 0 writes C without reading it: NaN there must not survive
				for i := range c {
					c[i] = math.NaN()
				}
			}
			impl.Dgemm(ta, blas.NoTrans, M, N, 1, ab[0], A, lda, b, N, ab[1], want, N)
			GemmAcc(transA, false, M, N, 1, ab[0], A, lda, b, N, ab[1], c, N)
			for i := range c {
				if math.Abs(c[i]-want[i]) > 1e-14*(1+math.Abs(want[i])) {
					t.Fatalf("transA %v alpha, beta %v: C[%d] = %v, gonum %v", transA, ab, i, c[i], want[i])
				}
			}
		}
	}
}

// TestColTimes checks the one-column path (N = 1) against gonum's Dgemm
// for every transpose pair, row counts on both sides of its groups of
// four, strides wider than the operands, alpha and beta including 0, a NaN
// in C with beta = 0 and in A with alpha = 0; and that its entries are the
// sums in k order, bit for bit.
func TestColTimes(t *testing.T) {
	impl := gonumblas.Implementation{}
	const K, pad = 33, 2
	for _, M := range []int{1, 4, 7, 32} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			ar, ac := M, K
			if tr[0] {
				ar, ac = K, M
			}
			br, bc := K, 1
			if tr[1] {
				br, bc = 1, K
			}
			A, B := make([]float64, ar*(ac+pad)), make([]float64, br*(bc+pad))
			for i := range A {
				A[i] = float64(i%7)/3 - 1
			}
			for i := range B {
				B[i] = 0.125*float64(i%11) - 0.5
			}
			ta, tb := blas.NoTrans, blas.NoTrans
			if tr[0] {
				ta = blas.Trans
			}
			if tr[1] {
				tb = blas.Trans
			}
			for _, ab := range [][2]float64{{1, 0}, {-1.5, 1}, {0, 2}, {0.5, -1}} {
				const ldc = 3
				C, want := make([]float64, M*ldc), make([]float64, M*ldc)
				for i := range C {
					C[i], want[i] = float64(i), float64(i)
				}
				if ab[1] == 0 {
					C[0] = math.NaN()
				}
				impl.Dgemm(ta, tb, M, 1, K, ab[0], A, ac+pad, B, bc+pad, ab[1], want, ldc)
				GemmAcc(tr[0], tr[1], M, 1, K, ab[0], A, ac+pad, B, bc+pad, ab[1], C, ldc)
				for i := range C {
					if d := C[i] - want[i]; d > 1e-13 || d < -1e-13 {
						t.Fatalf("M %d %v alpha, beta %v: C[%d] = %v, gonum %v", M, tr, ab, i, C[i], want[i])
					}
				}
				if ab[0] != 1 || ab[1] != 0 || M == 1 && !tr[0] { // one row goes to rowTimes
					continue
				}
				for i := 0; i < M; i++ { // the sum in k order
					s := 0.0
					for k := 0; k < K; k++ {
						pa, pb := i*(ac+pad)+k, k*(bc+pad)
						if tr[0] {
							pa = k*(ac+pad) + i
						}
						if tr[1] {
							pb = k
						}
						a, b := A[pa], B[pb]
						s += a * b
					}
					if math.Float64bits(C[i*ldc]) != math.Float64bits(s) {
						t.Fatalf("M %d %v: C[%d] = %v, the sum in k order %v", M, tr, i, C[i*ldc], s)
					}
				}
			}
		}
	}
	C := []float64{1, 1, 1, 1, 1}
	A := []float64{math.NaN(), 1, 1, 1, 1}
	GemmAcc(false, true, 5, 1, 1, 0, A, 1, []float64{3}, 1, 2, C, 1)
	for i, v := range C {
		if v != 2 {
			t.Errorf("alpha = 0 with NaN in A: C[%d] = %v, want 2", i, v)
		}
	}
}

// TestCountMACs checks that CountMACs counts M·N·K of every product on
// every route (outer, one row, one column, small, dgemm), on any
// goroutine, and nothing outside it.
func TestCountMACs(t *testing.T) {
	shapes := [][3]int{{7, 5, 1}, {1, 9, 6}, {8, 1, 11}, {4, 5, 6}, {40, 33, 29}, {0, 5, 3}}
	want := int64(0)
	for _, s := range shapes {
		want += int64(s[0] * s[1] * s[2])
	}
	run := func() {
		for _, s := range shapes {
			M, N, K := s[0], s[1], s[2]
			A, B, C := make([]float64, max(1, M*K)), make([]float64, max(1, K*N)), make([]float64, max(1, M*N))
			Gemm(false, false, M, N, K, A, K, B, N, C, N)
		}
	}
	run() // not counted
	var wg sync.WaitGroup
	got := CountMACs(func() {
		for range 3 {
			wg.Add(1)
			go func() { defer wg.Done(); run() }()
		}
		wg.Wait()
	})
	if got != 3*want {
		t.Errorf("CountMACs = %d, want %d (3 goroutines of %d)", got, 3*want, want)
	}
	run()
	if got := CountMACs(func() {}); got != 0 {
		t.Errorf("CountMACs of nothing = %d, want 0", got)
	}
}
