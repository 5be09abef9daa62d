package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/dgemm"
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/blasimpl"
	"gonum.org/v1/gonum/mat"
)

// engines are benchmarked in this order; the report reads the names.
var engines = []struct {
	name string
	kind cossim.Kind
}{
	{"forward", cossim.KindForward},
	{"adjoint", cossim.KindAdjoint},
	{"looped", cossim.KindLooped},
}

// tooSlow lists combinations that cannot run in reasonable time: the looped
// engine makes (m+n)·P scalar passes, about 2·10⁸ for the large case and
// 2.6·10⁸ for mnist, each through a network pair of hundreds of thousands
// (mnist: 1.5 million) parameters; cossim.LoopedTime estimates 178 hours
// and 5,452 hours per op.
var tooSlow = map[string]string{
	"large/looped": "looped makes (m+n)·P = 800·271,632 scalar passes over a 271k-parameter network: days per op",
	"mnist/looped": "looped makes (m+n)·P = 804·322,784 scalar passes, each through the VAE decoder and the 1.2M-parameter MNIST CNN: months per op",
}

// BenchmarkCossim computes s and the full ∂s/∂θ_D for one latent.
func BenchmarkCossim(b *testing.B) {
	for _, c := range Cases {
		for _, e := range engines {
			b.Run(c.Name+"/"+e.name, func(b *testing.B) {
				if why, ok := tooSlow[c.Name+"/"+e.name]; ok {
					b.Skip(why)
				}
				p, z := c.Problem()
				opt := cossim.Options{Wrt: cossim.WrtD}
				eng, err := cossim.New(p, opt, e.kind)
				if err != nil {
					b.Skip(err) // the forward engine's memory budget
				}
				res := cossim.NewResult(p, opt.Wrt)
				if err := eng.Eval(res, z); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := eng.Eval(res, z); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(p.D.NumParams()), "params")
			})
		}
	}
}

// BenchmarkCossimSumGrad computes the gradient of Σᵢ sᵢ with respect to θ_D
// with the adjoint engine's single cotangent.
func BenchmarkCossimSumGrad(b *testing.B) {
	for _, c := range Cases {
		b.Run(c.Name, func(b *testing.B) {
			p, z := c.Problem()
			eng, err := cossim.NewAdjoint(p, cossim.Options{Wrt: cossim.WrtD})
			if err != nil {
				b.Fatal(err)
			}
			grad := make([]float64, p.D.NumParams())
			if _, err := eng.SumGrad(grad, nil, z, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := eng.SumGrad(grad, nil, z, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BatchSize is the number of latents in BenchmarkCossimBatch, as in
// bench/torch_bench.py's batch64.
const BatchSize = 64

// batchLatents returns c's BatchSize × m latents: row 0 is c's latent and
// the others are standard normal from a fixed seed, like torch_bench.py's.
func batchLatents(c Case, z []float64) *mat.Dense {
	rng := rand.New(rand.NewPCG(2, uint64(c.M)))
	Z := mat.NewDense(BatchSize, c.M, nil)
	Z.SetRow(0, z)
	for r := 1; r < BatchSize; r++ {
		Z.SetRow(r, Latent(rng, c.M))
	}
	return Z
}

// BenchmarkCossimBatch computes, for BatchSize latents, s and the gradient
// of Σ_b Σᵢ sᵢ(z_b) with respect to θ_D through one cossim.Batch with
// GOMAXPROCS workers, as torch_bench.py's batch64 does: one SumGradInto,
// which writes each latent's s beside the gradient from the same sweep.
// In the openblas build OpenBLAS runs one thread meanwhile (batchBLAS).
func BenchmarkCossimBatch(b *testing.B) {
	for _, c := range Cases {
		b.Run(c.Name, func(b *testing.B) {
			defer batchBLAS()()
			p, z := c.Problem()
			Z := batchLatents(c, z)
			bt, err := cossim.NewBatch(p, cossim.Options{}, cossim.KindAdjoint, 0)
			if err != nil {
				b.Fatal(err)
			}
			S := mat.NewDense(BatchSize, c.M, nil)
			grad := make([]float64, p.D.NumParams())
			step := func() {
				if _, err := bt.SumGradInto(S, grad, nil, Z, nil); err != nil {
					b.Fatal(err)
				}
			}
			step() // warm-up: SumGrad's per-worker buffers
			settle(step)
			macs := blasimpl.CountMACs(step)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
			}
			b.ReportMetric(float64(bt.Workers()), "workers")
			reportRate(b, macs)
		})
	}
}

func ExampleCases() {
	for _, c := range Cases {
		p, _ := c.Problem()
		fmt.Printf("%-6s m=%-2d P_D=%d P_Φ=%d\n", c.Name, c.M, p.D.NumParams(), p.Phi.NumParams())
	}
	// Output:
	// toy    m=2  P_D=12 P_Φ=5
	// small  m=4  P_D=688 P_Φ=577
	// medium m=8  P_D=8896 P_Φ=4225
	// large  m=16 P_D=271632 P_Φ=201217
	// mnist  m=20 P_D=322784 P_Φ=1199882
}

// TestMNISTCase checks the mnist case's networks: the shapes PyTorch's
// modules have, and the adjoint engine's Jacobians against central
// differences on three entries (first, middle, last) of every parameter
// tensor, to 1e−6 of max(their largest entry, 1e−2).
func TestMNISTCase(t *testing.T) {
	var c Case
	for _, k := range Cases {
		if k.Name == "mnist" {
			c = k
		}
	}
	p, z := c.Problem()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if !p.D.OutputShape().Equal(graph.Shape{784}) || !p.Phi.InputShape().Equal(graph.Shape{1, 1, 28, 28}) ||
		!p.Phi.OutputShape().Equal(graph.Shape{1, 10}) || p.PhiOutput != 3 || len(z) != 20 {
		t.Fatalf("D %v → %v, Φ %v → %v, PhiOutput %d, m %d", p.D.InputShape(), p.D.OutputShape(),
			p.Phi.InputShape(), p.Phi.OutputShape(), p.PhiOutput, len(z))
	}
	var names []string
	for _, q := range append(p.D.Params(), p.Phi.Params()...) {
		names = append(names, fmt.Sprint(q.Name, q.Shape))
	}
	want := "[fc3.weight[400, 20] fc3.bias[400] fc4.weight[784, 400] fc4.bias[784] " +
		"conv1.weight[32, 1, 3, 3] conv1.bias[32] conv2.weight[64, 32, 3, 3] conv2.bias[64] " +
		"fc1.weight[128, 9216] fc1.bias[128] fc2.weight[10, 128] fc2.bias[10]]"
	if got := fmt.Sprint(names); got != want {
		t.Errorf("parameters\n%s\nwant\n%s", got, want)
	}
	eng, err := cossim.NewAdjoint(p, cossim.Options{Wrt: cossim.WrtBoth})
	if err != nil {
		t.Fatal(err)
	}
	res := cossim.NewResult(p, cossim.WrtBoth)
	if err := eng.Eval(res, z); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		wrt cossim.Wrt
		g   *graph.Graph
		jac *mat.Dense
	}{{cossim.WrtD, p.D, res.GradD}, {cossim.WrtPhi, p.Phi, res.GradPhi}} {
		var cols []int
		for _, q := range w.g.Params() {
			n := q.Shape.Size()
			cols = append(cols, q.Offset, q.Offset+n/2, q.Offset+n-1)
		}
		fd := mat.NewDense(p.M(), len(cols), nil)
		if err := cossim.FiniteDifferenceColumns(fd, p, cossim.Options{}, z, w.wrt, cols); err != nil {
			t.Fatal(err)
		}
		diff, scale := 0.0, 1e-2
		for i := 0; i < p.M(); i++ {
			for k, col := range cols {
				diff = math.Max(diff, math.Abs(fd.At(i, k)-w.jac.At(i, col)))
				scale = math.Max(scale, math.Abs(fd.At(i, k)))
			}
		}
		if diff > 1e-6*scale {
			t.Errorf("%v: the Jacobian differs from central differences by %.3g (scale %.3g)", w.wrt, diff, scale)
		}
	}
}

// BenchmarkCossimBatchJac computes, for BatchSize latents, s and the full
// ∂s/∂θ_D of each, streamed one latent at a time through one cossim.Batch
// (the stacked adjoint sweep), as torch_bench.py's batch64_jac does; with
// OpenBLAS at one thread in the openblas build, as BenchmarkCossimBatch.
func BenchmarkCossimBatchJac(b *testing.B) {
	for _, c := range Cases {
		if c.Name != "medium" && c.Name != "mnist" {
			continue // torch_bench.py's batch64_jac cases
		}
		b.Run(c.Name, func(b *testing.B) {
			defer batchBLAS()()
			p, z := c.Problem()
			Z := batchLatents(c, z)
			bt, err := cossim.NewBatch(p, cossim.Options{Wrt: cossim.WrtD}, cossim.KindAdjoint, 0)
			if err != nil {
				b.Fatal(err)
			}
			emit := func(int, *cossim.Result) error { return nil }
			step := func() {
				if err := bt.Stream(Z, emit); err != nil {
					b.Fatal(err)
				}
			}
			step()
			settle(step)
			macs := blasimpl.CountMACs(step)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
			}
			reportRate(b, macs)
		})
	}
}

// BenchmarkKernelRate times one 256 × 256 × 256 product on one thread
// through blasimpl, the route of the engines' products (dgemm, or OpenBLAS
// at one thread in the openblas build): the rate the kernels reach on a
// product large enough to run at full speed, against which reportRate's
// figures are read.
func BenchmarkKernelRate(b *testing.B) {
	defer batchBLAS()()
	dgemm.SetThreads(1)
	defer dgemm.SetThreads(0) // the default, which no other benchmark changes
	const n = 256
	rng := rand.New(rand.NewPCG(1, 2))
	A, B, C := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	for i := range A {
		A[i], B[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	blasimpl.Gemm(false, false, n, n, n, A, n, B, n, C, n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		blasimpl.Gemm(false, false, n, n, n, A, n, B, n, C, n)
	}
	reportRate(b, n*n*n)
}

// reportRate reports the products' rate of a timed loop whose every op asks
// for macs multiply-adds (blasimpl.CountMACs of one untimed op): 2·macs
// flops per op over the loop's wall time, on all the workers together.
// Set against BenchmarkKernelRate's times the workers, it tells how close
// an op's products run to what the kernels can do.
func reportRate(b *testing.B, macs int64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(2*float64(macs)*float64(b.N)/s/1e9, "GFLOP/s")
	}
}

// settle collects the garbage of a benchmark's set-up and then runs step
// until one run makes no allocation, for at most 8 s, before the timed
// loop. The large cases allocate hundreds of megabytes of workspace first,
// and a collection empties the runtime's central cache of the records a
// parked goroutine waits on (a product split over threads waits for its
// parts); the per-core caches then take some runs to balance again, and
// until they do a run allocates a few of those records, which would show as
// allocations per iteration where an iteration runs only once or twice.
func settle(step func()) {
	runtime.GC()
	var ms runtime.MemStats
	for deadline := time.Now().Add(8 * time.Second); ; {
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		step()
		runtime.ReadMemStats(&ms)
		if ms.Mallocs == before || time.Now().After(deadline) {
			return
		}
	}
}
