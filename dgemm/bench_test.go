package dgemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchImpls are the BLAS implementations BenchmarkDgemm compares;
// openblas_bench_test.go adds OpenBLAS under the openblas build tag.
var benchImpls = []struct {
	name string
	impl blas.Float64
}{
	{"dgemm", Implementation{}},
	{"gonum", gonum.Implementation{}},
}

// benchShape is one product m × n × k, C = A·B with nothing transposed.
type benchShape struct {
	name    string
	m, n, k int
}

// benchShapes are square products and the shapes dualgrad multiplies: the
// engines' skinny products and the im2col products of a small MNIST CNN,
// conv1 (32 filters of 3×3 over 26×26 outputs) and conv2 (64 filters of
// 3×3×32 over 24×24), alone and with a tangent batch of 21 as extra columns.
var benchShapes = []benchShape{
	{"sq16", 16, 16, 16},
	{"sq32", 32, 32, 32},
	{"sq64", 64, 64, 64},
	{"sq128", 128, 128, 128},
	{"sq256", 256, 256, 256},
	{"sq512", 512, 512, 512},
	{"sq1024", 1024, 1024, 1024},
	{"17x784x256", 17, 784, 256},
	{"256x17x784", 256, 17, 784},
	{"21x128x9216", 21, 128, 9216},
	{"96x1024x64", 96, 1024, 64},
	{"conv1", 32, 676, 9},
	{"conv1x21", 32, 676 * 21, 9},
	{"conv2", 64, 576, 288},
	{"conv2x21", 64, 576 * 21, 288},
}

// benchGemm times impl on s and reports GFLOP/s, 2·m·n·k per call.
func benchGemm(b *testing.B, impl blas.Float64, s benchShape) {
	rnd := rand.New(rand.NewPCG(1, 1))
	a := randSlice(rnd, s.m, s.k, s.k, 0)
	bm := randSlice(rnd, s.k, s.n, s.n, 0)
	c := randSlice(rnd, s.m, s.n, s.n, 0)
	impl.Dgemm(blas.NoTrans, blas.NoTrans, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n)
	b.ResetTimer()
	cpu0, start := cpuTime(), time.Now()
	for range b.N {
		impl.Dgemm(blas.NoTrans, blas.NoTrans, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n)
	}
	elapsed, cpu := time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds()
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
	b.ReportMetric(flops/elapsed/1e9, "GFLOP/s")
	// On a shared machine the CPU clock is the steadier measure of one
	// thread's speed: time spent descheduled does not count. With more
	// threads it measures work, not speed (and OpenBLAS's spin-waiting
	// counts as work).
	if cpu > 0 {
		b.ReportMetric(flops/cpu/1e9, "GFLOP/cpu-s")
	}
}

// BenchmarkDgemm compares the implementations on benchShapes. Run it with
// -cpu 1,2 for one and two threads.
func BenchmarkDgemm(b *testing.B) {
	for _, im := range benchImpls {
		for _, s := range benchShapes {
			b.Run(im.name+"/"+s.name, func(b *testing.B) { benchGemm(b, im.impl, s) })
		}
	}
}

// BenchmarkKernel compares this package's kernels on a few shapes.
func BenchmarkKernel(b *testing.B) {
	for _, k := range kernels {
		for _, s := range []benchShape{benchShapes[5], benchShapes[7], benchShapes[8], benchShapes[14]} {
			b.Run(fmt.Sprintf("%s/%s", k.name, s.name), func(b *testing.B) {
				if !k.ok {
					b.Skipf("kernel %s needs %s", k.name, k.needs)
				}
				defer setKernel(k)()
				benchGemm(b, Implementation{}, s)
			})
		}
	}
}

// BenchmarkSmallProducts times the products of one chunk of the small
// case's stacked sweep (32 latents, D 4→32→16, Φ 16→32→1), each at its
// transposes as the sweep calls it: the per-call overhead that dominates
// batches of small networks.
func BenchmarkSmallProducts(b *testing.B) {
	for _, s := range []struct {
		ta, tb  bool
		m, n, k int
	}{
		{false, true, 32, 32, 16}, {false, false, 32, 16, 32}, {true, false, 32, 4, 128},
		{true, false, 16, 32, 128}, {false, true, 128, 32, 4}, {false, true, 128, 16, 32},
		{false, false, 128, 32, 16},
	} {
		name := fmt.Sprintf("%s%s/%dx%dx%d", map[bool]string{false: "N", true: "T"}[s.ta], map[bool]string{false: "N", true: "T"}[s.tb], s.m, s.n, s.k)
		b.Run(name, func(b *testing.B) {
			lda, ldb := s.k, s.n
			if s.ta {
				lda = s.m
			}
			if s.tb {
				ldb = s.k
			}
			a, bm, c := make([]float64, s.m*s.k), make([]float64, s.k*s.n), make([]float64, s.m*s.n)
			for i := range a {
				a[i] = float64(i%7) - 3
			}
			for i := range bm {
				bm[i] = float64(i%5) - 2
			}
			Gemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n) // warm-up: the packing buffers
			b.ReportAllocs()
			for b.Loop() {
				Gemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
			}
		})
	}
}
