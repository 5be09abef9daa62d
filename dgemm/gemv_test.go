package dgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemvRef is Gemv's documented arithmetic written out, one entry at a
// time: the four partial sums of a dot product, or the axpys in row order.
func gemvRef(trans bool, m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	if !trans {
		for i := 0; i < m; i++ {
			var p [4]float64
			for j := 0; j < n; j++ {
				l := j % 4
				if j >= n&^3 {
					l = 0
				}
				p[l] += a[i*lda+j] * x[j]
			}
			d := alpha * ((p[0] + p[1]) + (p[2] + p[3]))
			switch beta {
			case 0:
				y[i] = d
			case 1:
				y[i] += d
			default:
				y[i] = d + beta*y[i]
			}
		}
		return
	}
	for j := 0; j < n; j++ {
		v := y[j]
		switch beta {
		case 0:
			v = 0
		case 1:
		default:
			v *= beta
		}
		for i := 0; i < m; i++ {
			s := alpha * x[i]
			p := s * a[i*lda+j]
			v += p
		}
		y[j] = v
	}
}

// TestGemv checks Gemv bit for bit against gemvRef and against gonum's
// Dgemv within two error bounds of a sum (another order of the same sums), for both transposes,
// shapes from empty to above parMinFlops (so that they split), padded
// rows, the scalars 0, 1 and others, and 1, 2, 3 and 5 threads, which must
// all give the same bits. beta = 0 must overwrite a NaN in y, and alpha =
// 0 must not read a NaN in A.
func TestGemv(t *testing.T) {
	rnd := rand.New(rand.NewPCG(21, 22))
	shapes := [][2]int{{0, 5}, {5, 0}, {1, 1}, {3, 7}, {4, 4}, {17, 33}, {64, 130}, {9, 1031}, {128, 8200}, {1100, 1000}}
	for _, s := range shapes {
		for _, tr := range []bool{false, true} {
			for _, pad := range []int{0, 3} {
				for _, sc := range [][2]float64{{1, 0}, {-0.5, 1}, {1.25, 0.75}, {0, 0.5}} {
					m, n, alpha, beta := s[0], s[1], sc[0], sc[1]
					lda := max(1, n+pad)
					a := randSlice(rnd, m, n, lda, sentinel)
					lx, ly := n, m
					if tr {
						lx, ly = m, n
					}
					x, y0 := randSlice(rnd, 1, lx, max(1, lx), 0), randSlice(rnd, 1, ly, max(1, ly), 0)
					if beta == 0 && ly > 0 {
						y0[ly/2] = math.NaN()
					}
					if alpha == 0 && m*n > 0 {
						a[0] = math.NaN()
					}
					name := fmt.Sprintf("trans=%v %d×%d lda=%d α=%g β=%g", tr, m, n, lda, alpha, beta)
					want := append([]float64(nil), y0...)
					if alpha == 0 {
						for j := range want {
							want[j] *= beta
							if beta == 0 {
								want[j] = 0
							}
						}
					} else {
						gemvRef(tr, m, n, alpha, a, lda, x, beta, want)
					}
					for _, th := range []int{1, 2, 3, 5} {
						restore := withThreads(th)
						got := append([]float64(nil), y0...)
						Gemv(tr, m, n, alpha, a, lda, x, beta, got)
						restore()
						for j := range got {
							if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
								t.Fatalf("%s, %d threads: y[%d] = %v, want %v", name, th, j, got[j], want[j])
							}
						}
					}
					if alpha == 0 || m == 0 || n == 0 {
						continue
					}
					g := append([]float64(nil), y0...)
					if beta == 0 {
						clear(g)
					}
					tA := blas.NoTrans
					if tr {
						tA = blas.Trans
					}
					gonum.Implementation{}.Dgemv(tA, m, n, alpha, a, lda, x, 1, beta, g, 1)
					for j := range g {
						// As in gemmCase.check: each order is within γ_{k+3}·s of the exact sum.
						abs := math.Abs(beta * y0[j])
						if beta == 0 {
							abs = 0
						}
						for k := 0; k < lx; k++ {
							if tr {
								abs += math.Abs(alpha * x[k] * a[k*lda+j])
							} else {
								abs += math.Abs(alpha * x[k] * a[j*lda+k])
							}
						}
						if math.Abs(g[j]-want[j]) > 2*gamma(lx+3)*abs*(1+gamma(lx+2)) {
							t.Fatalf("%s: y[%d] = %v, gonum %v", name, j, want[j], g[j])
						}
					}
				}
			}
		}
	}
}

// TestGemvPanics checks Gemv's messages for bad arguments and that edge
// cases that fit do not panic.
func TestGemvPanics(t *testing.T) {
	s := make([]float64, 100)
	for _, c := range []struct {
		trans   bool
		m, n    int
		a, x, y []float64
		lda     int
		want    string
	}{
		{false, -1, 2, s, s, s, 2, mLT0},
		{false, 2, -1, s, s, s, 2, nLT0},
		{false, 2, 3, s, s, s, 2, badLdA},
		{false, 2, 0, s, s, s, 0, badLdA},
		{false, 2, 3, s[:5], s, s, 3, shortA},
		{true, 2, 3, s[:5], s, s, 3, shortA},
		{false, 2, 3, s, s[:2], s, 3, shortX},
		{true, 2, 3, s, s[:1], s, 3, shortX},
		{false, 2, 3, s, s, s[:1], 3, shortY},
		{true, 2, 3, s, s, s[:2], 3, shortY},
		{false, 0, 3, nil, nil, nil, 3, ""},
		{true, 3, 0, nil, nil, nil, 1, ""},
		{false, 3, 0, nil, nil, s[:3], 1, ""},
		{false, 2, 3, s[:6], s[:3], s[:2], 3, ""},
		{true, 2, 3, s[:6], s[:2], s[:3], 3, ""},
	} {
		got := recovered(func() { Gemv(c.trans, c.m, c.n, 1, c.a, c.lda, c.x, 0, append([]float64(nil), c.y...)) })
		if got != c.want {
			t.Errorf("Gemv(%v, %d, %d, lda %d, len a %d, x %d, y %d): panic %q, want %q", c.trans, c.m, c.n, c.lda, len(c.a), len(c.x), len(c.y), got, c.want)
		}
	}
}

// TestGemvAllocs checks that Gemv does not allocate once warm, split or
// not, on one and two threads.
func TestGemvAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random")
	}
	rnd := rand.New(rand.NewPCG(23, 24))
	for _, s := range [][2]int{{16, 16}, {128, 9216}} {
		a := randSlice(rnd, s[0], s[1], s[1], 0)
		x, y := randSlice(rnd, 1, 9216, 9216, 0), make([]float64, 9216)
		for _, tr := range []bool{false, true} {
			for _, th := range []int{1, 2} {
				restore := withThreads(th)
				Gemv(tr, s[0], s[1], 1, a, s[1], x, 0.5, y)
				n := testing.AllocsPerRun(10, func() { Gemv(tr, s[0], s[1], 1, a, s[1], x, 0.5, y) })
				restore()
				if n != 0 {
					t.Errorf("%d×%d trans=%v on %d threads: %v allocations per call", s[0], s[1], tr, th, n)
				}
			}
		}
	}
}

// BenchmarkGemv times the mnist case's one-row products with fc1's weight
// (128 × 9216, 9 MiB: x·Wᵀ is the dot products, x·W the axpys) on one
// thread and on Threads, against gonum's Dgemv.
func BenchmarkGemv(b *testing.B) {
	const m, n = 128, 9216
	rnd := rand.New(rand.NewPCG(25, 26))
	a := randSlice(rnd, m, n, n, 0)
	x, y := randSlice(rnd, 1, n, n, 0), make([]float64, n)
	for _, tr := range []bool{false, true} {
		for _, th := range []int{1, Threads()} {
			b.Run(fmt.Sprintf("trans=%v/threads=%d", tr, th), func(b *testing.B) {
				defer withThreads(th)()
				b.SetBytes(8 * m * n)
				for b.Loop() {
					Gemv(tr, m, n, 1, a, n, x, 0, y)
				}
			})
		}
		tA := blas.NoTrans
		if tr {
			tA = blas.Trans
		}
		b.Run(fmt.Sprintf("trans=%v/gonum", tr), func(b *testing.B) {
			b.SetBytes(8 * m * n)
			for b.Loop() {
				gonum.Implementation{}.Dgemv(tA, m, n, 1, a, n, x, 1, 0, y, 1)
			}
		})
	}
}
