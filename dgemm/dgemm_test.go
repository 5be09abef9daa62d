package dgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// forEachKernel runs f as a subtest for every kernel of this build, with
// that kernel active, skipping those the CPU cannot run.
func forEachKernel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, k := range kernels {
		t.Run(k.name, func(t *testing.T) {
			if !k.ok {
				t.Skipf("kernel %s needs %s, which this CPU lacks", k.name, k.needs)
			}
			defer setKernel(k)()
			f(t)
		})
	}
}

// setKernel makes k active and returns a function restoring the kernel
// before.
func setKernel(k *kernel) (restore func()) {
	old := active
	active = k
	return func() { active = old }
}

// withThreads sets the thread count and returns a function restoring it.
func withThreads(n int) (restore func()) {
	old := int(threads.Load())
	SetThreads(n)
	return func() { SetThreads(old) }
}

// gemmCase is one call's arguments, with op(A) m × k and op(B) k × n.
type gemmCase struct {
	tA, tB        bool
	m, n, k       int
	alpha, beta   float64
	a, b, c       []float64
	lda, ldb, ldc int
}

// sentinel fills the gaps between rows, which must stay untouched.
const sentinel = -12345.678

// newCase makes a case with leading dimensions padded by up to pad and
// uniform entries in [-1, 1); the padding of C holds sentinel.
func newCase(rnd *rand.Rand, tA, tB bool, m, n, k, pad int, alpha, beta float64) *gemmCase {
	g := &gemmCase{tA: tA, tB: tB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	g.lda = max(1, ac) + rnd.IntN(pad+1)
	g.ldb = max(1, bc) + rnd.IntN(pad+1)
	g.ldc = max(1, n) + rnd.IntN(pad+1)
	g.a = randSlice(rnd, ar, ac, g.lda, 0)
	g.b = randSlice(rnd, br, bc, g.ldb, 0)
	g.c = randSlice(rnd, m, n, g.ldc, sentinel)
	return g
}

// randSlice returns a rows × cols matrix with stride ld; entries outside
// the matrix are fill.
func randSlice(rnd *rand.Rand, rows, cols, ld int, fill float64) []float64 {
	s := make([]float64, rows*ld)
	for i := range s {
		if i%ld < cols {
			s[i] = 2*rnd.Float64() - 1
		} else {
			s[i] = fill
		}
	}
	return s
}

func (g *gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d alpha=%v beta=%v lda=%d ldb=%d ldc=%d",
		g.tA, g.tB, g.m, g.n, g.k, g.alpha, g.beta, g.lda, g.ldb, g.ldc)
}

func (g *gemmCase) opA(i, p int) float64 {
	if g.tA {
		return g.a[p*g.lda+i]
	}
	return g.a[i*g.lda+p]
}

func (g *gemmCase) opB(p, j int) float64 {
	if g.tB {
		return g.b[j*g.ldb+p]
	}
	return g.b[p*g.ldb+j]
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// run returns C after Gemm on a copy of g's C.
func (g *gemmCase) run() []float64 {
	c := append([]float64(nil), g.c...)
	Gemm(g.tA, g.tB, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, c, g.ldc)
	return c
}

// reference returns C after gonum's Dgemm on a copy of g's C.
func (g *gemmCase) reference() []float64 {
	c := append([]float64(nil), g.c...)
	gonum.Implementation{}.Dgemm(trans(g.tA), trans(g.tB), g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, c, g.ldc)
	return c
}

// gamma is Higham's γ_n = n·u/(1 − n·u), u = 2⁻⁵³ (Accuracy and Stability
// of Numerical Algorithms, 2nd ed., §3.1).
func gamma(n int) float64 {
	const u = 0x1p-53
	return float64(n) * u / (1 - float64(n)*u)
}

// check compares got with gonum's result for g, entry by entry, against a
// rigorous round-off bound, and checks that the padding of C is untouched.
//
// Both computations evaluate c = β·c₀ + α·Σₚ aₚbₚ with every term reaching
// the result through at most k+3 roundings: one for each product (none
// under FMA), one for α (and gonum's α·aₚ), one for β·c₀, and at most k
// additions along any path, however the sum is split into blocks. By
// Higham's Lemma 3.3 and §3.5 each result is then within γ_{k+3}·s of c,
// where s = |α|·Σₚ|aₚ||bₚ| + |β||c₀|, so the two differ by at most
// 2·γ_{k+3}·s. s is itself computed in floating point, with relative error
// at most γ_{k+2}, hence the last factor. Entries are O(1), so underflow
// does not enter.
func (g *gemmCase) check(t *testing.T, got []float64) {
	t.Helper()
	if g.alpha == 0 || g.k == 0 {
		g.checkScaled(t, got)
		return
	}
	want := g.reference()
	bound := g.absSum()
	f := 2 * gamma(g.k+3) * (1 + gamma(g.k+2))
	bad := 0
	for i := 0; i < g.m; i++ {
		for j := 0; j < g.n; j++ {
			x, y := got[i*g.ldc+j], want[i*g.ldc+j]
			if b := f * bound[i*g.n+j]; !(math.Abs(x-y) <= b) {
				if bad++; bad <= 3 {
					t.Errorf("%v: C[%d,%d] = %v, gonum %v, |diff| %.3g > bound %.3g", g, i, j, x, y, math.Abs(x-y), b)
				}
			}
		}
	}
	g.checkPadding(t, got)
}

// absSum returns s = |α|·|op(A)|·|op(B)| + |β|·|C₀|, m × n with stride n,
// leaving out β·C₀ for β = 0, where C₀ may be NaN and is not used.
func (g *gemmCase) absSum() []float64 {
	s := make([]float64, g.m*g.n)
	if g.beta != 0 {
		for i := 0; i < g.m; i++ {
			for j := 0; j < g.n; j++ {
				s[i*g.n+j] = math.Abs(g.beta * g.c[i*g.ldc+j])
			}
		}
	}
	absB := make([]float64, g.k*g.n)
	for p := 0; p < g.k; p++ {
		for j := 0; j < g.n; j++ {
			absB[p*g.n+j] = math.Abs(g.opB(p, j))
		}
	}
	for i := 0; i < g.m; i++ {
		si := s[i*g.n : (i+1)*g.n]
		for p := 0; p < g.k; p++ {
			ap := math.Abs(g.alpha * g.opA(i, p))
			for j, b := range absB[p*g.n : (p+1)*g.n] {
				si[j] += ap * b
			}
		}
	}
	return s
}

// checkScaled checks C = β·C₀ exactly, for α = 0 or k = 0, where A and B
// must not be read: β·C₀ is one rounding, as in Gemm, or C₀ or 0 exactly.
func (g *gemmCase) checkScaled(t *testing.T, got []float64) {
	t.Helper()
	for i := 0; i < g.m; i++ {
		for j := 0; j < g.n; j++ {
			want := g.beta * g.c[i*g.ldc+j]
			switch g.beta {
			case 0:
				want = 0
			case 1:
				want = g.c[i*g.ldc+j]
			}
			if x := got[i*g.ldc+j]; math.Float64bits(x) != math.Float64bits(want) && !(x == 0 && want == 0) {
				t.Fatalf("%v: C[%d,%d] = %v, want β·C = %v", g, i, j, x, want)
			}
		}
	}
	g.checkPadding(t, got)
}

func (g *gemmCase) checkPadding(t *testing.T, got []float64) {
	t.Helper()
	for i, v := range got {
		if i%g.ldc >= g.n && v != sentinel {
			t.Fatalf("%v: padding of C at row %d, column %d changed to %v", g, i/g.ldc, i%g.ldc, v)
		}
	}
}

// scalars are the alphas and betas tried: the special values of BLAS and
// two arbitrary ones.
var scalars = []float64{0, 1, -1, 0.7071, -2.5}

var transposes = [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}}

// sweepSizes lists the m and n swept: every size to 70, which passes three
// tiles of every kernel (at most 24 wide) and so meets each edge case, or
// under the race detector a subset with every remainder modulo 4, 6, 8 and
// 24 and more than one tile.
func sweepSizes() []int {
	if raceEnabled || testing.Short() {
		return []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 14, 17, 19, 22, 23, 24, 25, 28, 31, 34, 45, 47, 49, 53, 70}
	}
	s := make([]int, 71)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestSweepMN runs every m and n of sweepSizes with k of 1, 5 or 17, all
// transposes.
func TestSweepMN(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(1, 2))
		sizes := sweepSizes()
		n := 0
		for _, tr := range transposes {
			for _, m := range sizes {
				for _, nn := range sizes {
					// k cycles so that each k meets every remainder of
					// m and n modulo the tile (4, 6 or 8 rows).
					k := []int{1, 5, 17}[n%3]
					alpha, beta := scalars[1+n%4], scalars[n%5]
					n++
					g := newCase(rnd, tr[0], tr[1], m, nn, k, 3, alpha, beta)
					g.check(t, g.run())
					if t.Failed() {
						return
					}
				}
			}
		}
	})
}

// TestSweepK runs every k to 70, with all alphas and betas, for a few
// shapes that have edge tiles in both directions for every kernel.
func TestSweepK(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(3, 4))
		for _, tr := range transposes {
			shapes := [][2]int{{1, 1}, {9, 25}, {13, 7}, {24, 48}}
			if raceEnabled || testing.Short() {
				shapes = shapes[1:3]
			}
			for _, mn := range shapes {
				for k := 0; k <= 70; k++ {
					// Every beta each k, alphas rotating: all 25 pairs
					// every 5 k.
					for i, beta := range scalars {
						alpha := scalars[(i+k)%5]
						g := newCase(rnd, tr[0], tr[1], mn[0], mn[1], k, 2, alpha, beta)
						g.check(t, g.run())
						if t.Failed() {
							return
						}
					}
				}
			}
		}
	})
}

// TestBlocks runs shapes that cross the kc, mc and nc blocks of every
// kernel (at most 384, 192 and 1024), single and multi-threaded.
func TestBlocks(t *testing.T) {
	shapes := [][3]int{{193, 337, 385}, {390, 50, 800}, {7, 1100, 260}, {130, 1030, 30}}
	if raceEnabled || testing.Short() {
		// Thin versions that still cross the blocks of the AVX-512
		// kernel: 193 > mc = 192, 337 > nc = 336 and 385 > kc = 384.
		shapes = [][3]int{{193, 26, 385}, {9, 337, 390}}
	}
	forEachKernel(t, func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(5, 6))
		for i, s := range shapes {
			for _, th := range []int{1, 2} {
				tr := transposes[(i+th)%4]
				restore := withThreads(th)
				g := newCase(rnd, tr[0], tr[1], s[0], s[1], s[2], 3, scalars[1+i%4], scalars[i%5])
				g.check(t, g.run())
				restore()
			}
		}
	})
}

// TestThreadsBitIdentical checks that the result does not depend on the
// number of threads, to the bit.
func TestThreadsBitIdentical(t *testing.T) {
	shapes := [][3]int{{300, 310, 420}, {256, 17, 784}, {17, 784, 256}, {21, 128, 1000}, {61, 1500, 9}}
	forEachKernel(t, func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(7, 8))
		for i, s := range shapes {
			tr := transposes[i%4]
			g := newCase(rnd, tr[0], tr[1], s[0], s[1], s[2], 2, -1.5, scalars[i%5])
			var want []float64
			for _, th := range []int{1, 2, 3, 8} {
				restore := withThreads(th)
				got := g.run()
				restore()
				if want == nil {
					want = got
					continue
				}
				for j := range got {
					if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
						t.Fatalf("%v: %d threads: C[%d] = %v, 1 thread %v", g, th, j, got[j], want[j])
					}
				}
			}
		}
	})
}

// TestDirect checks that reading A and B in place gives the bits of
// packing them, for kernels that can: the operations are the same.
func TestDirect(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		if !active.direct {
			t.Skipf("kernel %s packs always", active.name)
		}
		defer func() { directOverride = 0 }()
		rnd := rand.New(rand.NewPCG(17, 18))
		sizes := []int{1, 7, 8, 9, 23, 24, 25, 50, 70}
		for i, tr := range transposes {
			for _, m := range sizes {
				for _, n := range sizes {
					k := sizes[(m+n+i)%len(sizes)]
					g := newCase(rnd, tr[0], tr[1], m, n, k, 2, -0.75, scalars[(m+n)%5])
					directOverride = -1
					packed := g.run()
					directOverride = 1
					direct := g.run()
					for j := range packed {
						if math.Float64bits(packed[j]) != math.Float64bits(direct[j]) {
							t.Fatalf("%v: C[%d] = %v packed, %v in place", g, j, packed[j], direct[j])
						}
					}
					g.check(t, direct)
				}
			}
		}
	})
}

// TestSwapped checks that a product C = α·A·Bᵀ + β·C computed as its
// transpose has the bits of the direct one, for β = 0 and 1 (the only ones
// swapped), several α, shapes on both sides of a tile and of kc (k = 800
// is two blocks), one and two threads, with NaN and Inf among the entries
// of A, B and C; and that swapPays chooses it for a batch of activations
// times a wide weight, not for a tall product or a few rows.
func TestSwapped(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		if !active.direct {
			t.Skipf("kernel %s packs always", active.name)
		}
		defer func() { swapOverride = 0; SetThreads(0) }()
		rnd := rand.New(rand.NewPCG(21, 22))
		for _, th := range []int{1, 2} {
			SetThreads(th)
			for _, s := range [][3]int{{1, 5, 3}, {16, 70, 9}, {32, 784, 256}, {25, 130, 800}, {40, 9, 70}, {33, 300, 17}} {
				m, n, k := s[0], s[1], s[2]
				for _, beta := range []float64{0, 1} {
					for _, alpha := range []float64{1, -2.5} {
						g := newCase(rnd, false, true, m, n, k, 3, alpha, beta)
						g.a[rnd.IntN(len(g.a))] = math.NaN()
						g.b[rnd.IntN(len(g.b))] = math.Inf(-1)
						g.c[rnd.IntN(m)*g.ldc] = math.Inf(1)
						swapOverride = -1
						plain := g.run()
						swapOverride = 1
						swap := g.run()
						for j := range plain {
							if math.Float64bits(plain[j]) != math.Float64bits(swap[j]) && !(plain[j] != plain[j] && swap[j] != swap[j]) {
								t.Fatalf("%v, %d threads: C[%d] = %v directly, %v transposed", g, th, j, plain[j], swap[j])
							}
						}
						g.checkPadding(t, swap)
					}
				}
			}
		}
		swapOverride = 0
		for _, c := range []struct {
			m, n, k int
			beta    float64
			want    bool
		}{
			{32, 784, 256, 0, true},      // a chunk's values times D's last weight
			{32, 128, 9216, 1, true},     // the mnist CNN's fc1
			{544, 784, 256, 0, false},    // the tangent rows: A is the larger
			{8, 784, 256, 0, false},      // too few rows for the kernels' vectors
			{16, 1 << 17, 256, 0, false}, // Cᵀ over swapMaxC
			{32, 784, 256, 0.5, false},
		} {
			if got := swapPays(active, c.m, c.n, c.k, c.beta); got != c.want {
				t.Errorf("swapPays(%d × %d × %d, β = %v) = %v, want %v", c.m, c.n, c.k, c.beta, got, c.want)
			}
		}
	})
}

// TestSpecialValues checks NaN and Inf handling against a naive triple loop
// in plain arithmetic, which propagates them as IEEE 754 says.
func TestSpecialValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	forEachKernel(t, func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(9, 10))
		for _, tr := range transposes {
			for _, s := range [][3]int{{5, 7, 3}, {19, 30, 40}, {33, 50, 9}} {
				m, n, k := s[0], s[1], s[2]

				// beta = 0 overwrites NaN and Inf in C.
				g := newCase(rnd, tr[0], tr[1], m, n, k, 1, 1.5, 0)
				for i := range g.c {
					if i%g.ldc < n {
						g.c[i] = []float64{nan, inf, -inf}[i%3]
					}
				}
				g.check(t, g.run())

				// alpha = 0 and k = 0 read neither A nor B.
				for _, beta := range scalars {
					g = newCase(rnd, tr[0], tr[1], m, n, k, 1, 0, beta)
					g.a[0], g.a[len(g.a)-1], g.b[1] = nan, inf, nan
					g.check(t, g.run())
					g0 := *g
					g0.k, g0.alpha = 0, 2
					g0.check(t, g0.run())
				}

				// NaN and Inf in A or B propagate, also through zeros.
				g = newCase(rnd, tr[0], tr[1], m, n, k, 1, -0.5, 0.25)
				g.a[0], g.b[len(g.b)-1] = nan, inf
				g.a[len(g.a)/2] = 0
				g.b[len(g.b)/3] = -inf
				g.checkNaive(t, g.run())
			}
		}
	})
}

// checkNaive compares got with a naive triple loop: NaN where it has NaN,
// the same infinity where it has one, and finite entries within the bound
// of check.
func (g *gemmCase) checkNaive(t *testing.T, got []float64) {
	t.Helper()
	for i := 0; i < g.m; i++ {
		for j := 0; j < g.n; j++ {
			var sum, s float64
			for p := 0; p < g.k; p++ {
				sum += g.opA(i, p) * g.opB(p, j)
				s += math.Abs(g.opA(i, p) * g.opB(p, j))
			}
			c0 := g.c[i*g.ldc+j]
			want := g.alpha*sum + g.beta*c0
			s = math.Abs(g.alpha)*s + math.Abs(g.beta*c0)
			x := got[i*g.ldc+j]
			switch {
			case math.IsNaN(want):
				if !math.IsNaN(x) {
					t.Fatalf("%v: C[%d,%d] = %v, want NaN", g, i, j, x)
				}
			case math.IsInf(want, 0):
				if x != want {
					t.Fatalf("%v: C[%d,%d] = %v, want %v", g, i, j, x, want)
				}
			default:
				if !(math.Abs(x-want) <= 2*gamma(g.k+3)*s*(1+gamma(g.k+2))) {
					t.Fatalf("%v: C[%d,%d] = %v, want %v", g, i, j, x, want)
				}
			}
		}
	}
	g.checkPadding(t, got)
}

// recovered returns the panic value of f as a string, or "" if none.
func recovered(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// TestPanics checks that bad arguments panic with gonum's message, and that
// good edge cases do not panic where gonum's do not.
func TestPanics(t *testing.T) {
	s := make([]float64, 100)
	type args struct {
		tA, tB        blas.Transpose
		m, n, k       int
		a, b, c       []float64
		lda, ldb, ldc int
	}
	N, T := blas.NoTrans, blas.Trans
	for i, x := range []args{
		{blas.Transpose('X'), N, 2, 2, 2, s, s, s, 2, 2, 2},
		{N, blas.Transpose(0), 2, 2, 2, s, s, s, 2, 2, 2},
		{N, N, -1, 2, 2, s, s, s, 2, 2, 2},
		{N, N, 2, -1, 2, s, s, s, 2, 2, 2},
		{N, N, 2, 2, -1, s, s, s, 2, 2, 2},
		{N, N, 2, 3, 4, s, s, s, 3, 3, 3}, // lda < k
		{T, N, 5, 3, 4, s, s, s, 4, 3, 3}, // lda < m
		{N, N, 2, 3, 4, s, s, s, 4, 2, 3}, // ldb < n
		{N, T, 2, 3, 4, s, s, s, 4, 3, 3}, // ldb < k
		{N, N, 2, 3, 4, s, s, s, 4, 3, 2}, // ldc < n
		{N, N, 0, 0, 0, nil, nil, nil, 0, 1, 1},
		{N, N, 0, 0, 0, nil, nil, nil, 1, 1, 1},
		{N, N, 0, 3, 4, nil, nil, nil, 4, 3, 3},
		{N, N, 2, 3, 0, nil, nil, s, 1, 3, 3},
		{N, N, 2, 3, 4, s[:7], s, s, 4, 3, 3},
		{T, N, 2, 3, 4, s[:7], s, s, 2, 3, 3},
		{N, N, 2, 3, 4, s, s[:11], s, 4, 3, 3},
		{N, T, 2, 3, 4, s, s[:11], s, 4, 4, 3},
		{N, N, 2, 3, 4, s, s, s[:5], 4, 3, 3},
		{N, N, 2, 3, 4, s, s, s[:6], 4, 3, 4},
		{T, T, 2, 3, 4, s, s, s, 2, 4, 3},
		{blas.ConjTrans, blas.ConjTrans, 2, 3, 4, s, s, s, 2, 4, 3},
	} {
		call := func(impl blas.Float64) func() {
			return func() {
				c := append([]float64(nil), x.c...)
				impl.Dgemm(x.tA, x.tB, x.m, x.n, x.k, 1, x.a, x.lda, x.b, x.ldb, 0, c, x.ldc)
			}
		}
		got, want := recovered(call(Implementation{})), recovered(call(gonum.Implementation{}))
		if got != want {
			t.Errorf("case %d (%+v): panic %q, gonum %q", i, x, got, want)
		}
	}
}

// TestBLAS64 checks the Implementation through gonum's mat.
func TestBLAS64(t *testing.T) {
	old := blas64.Implementation()
	blas64.Use(Implementation{})
	defer blas64.Use(old)
	rnd := rand.New(rand.NewPCG(11, 12))
	a := mat.NewDense(37, 29, randSlice(rnd, 37, 29, 29, 0))
	b := mat.NewDense(29, 41, randSlice(rnd, 29, 41, 41, 0))
	var got mat.Dense
	got.Mul(a, b)
	blas64.Use(gonum.Implementation{})
	var want mat.Dense
	want.Mul(a, b)
	if !mat.EqualApprox(&got, &want, 1e-13) {
		t.Error("mat.Dense.Mul through Implementation differs from gonum")
	}
}

// TestAllocs checks that calls do not allocate once warm, small and large,
// on one and two threads.
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random")
	}
	forEachKernel(t, func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(13, 14))
		for _, s := range [][3]int{{16, 16, 16}, {300, 300, 300}, {17, 784, 256}} {
			for _, th := range []int{1, 2} {
				restore := withThreads(th)
				g := newCase(rnd, false, true, s[0], s[1], s[2], 0, 1, 0.5)
				n := testing.AllocsPerRun(10, func() {
					Gemm(g.tA, g.tB, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc)
				})
				restore()
				if n != 0 {
					t.Errorf("%d×%d×%d on %d threads: %v allocations per call", s[0], s[1], s[2], th, n)
				}
			}
		}
	})
}

// TestConcurrent runs products from many goroutines at once, each checked
// to the bit against the same product run alone.
func TestConcurrent(t *testing.T) {
	defer withThreads(2)()
	rnd := rand.New(rand.NewPCG(15, 16))
	var cases []*gemmCase
	var wants [][]float64
	for i := range 8 {
		tr := transposes[i%4]
		g := newCase(rnd, tr[0], tr[1], 60+i*9, 90-i*5, 70+i*3, 2, 1, 0.5)
		cases = append(cases, g)
		wants = append(wants, g.run())
	}
	var wg sync.WaitGroup
	for i, g := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				got := g.run()
				for j := range got {
					if math.Float64bits(got[j]) != math.Float64bits(wants[i][j]) {
						t.Errorf("%v: concurrent result differs at %d", g, j)
						return
					}
				}
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
}

// FuzzDgemm compares Gemm with gonum's Dgemm on shapes and scalars drawn
// from the input.
func FuzzDgemm(f *testing.F) {
	f.Add(uint8(0), uint8(1), uint8(1), uint8(1), uint8(0), uint64(1))
	f.Add(uint8(3), uint8(9), uint8(25), uint8(17), uint8(7), uint64(2))
	f.Add(uint8(1), uint8(8), uint8(24), uint8(64), uint8(12), uint64(3))
	f.Add(uint8(2), uint8(70), uint8(3), uint8(5), uint8(33), uint64(4))
	f.Add(uint8(0), uint8(0), uint8(5), uint8(5), uint8(0), uint64(5))
	f.Fuzz(func(t *testing.T, tr, m, n, k, sc uint8, seed uint64) {
		rnd := rand.New(rand.NewPCG(seed, 17))
		g := newCase(rnd, tr&1 != 0, tr&2 != 0, int(m%100), int(n%100), int(k%100), int(tr>>2)%5,
			scalars[int(sc)%5], scalars[int(sc/5)%5])
		g.check(t, g.run())
	})
}
