package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/cossim"
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
// engine makes (m+n)·P scalar passes, about 2·10¹¹ for the large case.
var tooSlow = map[string]string{
	"large/looped": "looped makes (m+n)·P = 800·271,632 scalar passes over a 271k-parameter network: days per op",
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
// GOMAXPROCS workers: Eval for the values, then SumGrad, as
// torch_bench.py's batch64 does.
func BenchmarkCossimBatch(b *testing.B) {
	for _, c := range Cases {
		b.Run(c.Name, func(b *testing.B) {
			p, z := c.Problem()
			Z := batchLatents(c, z)
			opt := cossim.Options{Wrt: cossim.WrtNone} // values only; SumGrad does θ_D
			bt, err := cossim.NewBatch(p, opt, cossim.KindAdjoint, 0)
			if err != nil {
				b.Fatal(err)
			}
			res := make([]*cossim.Result, BatchSize)
			for i := range res {
				res[i] = cossim.NewResult(p, opt.Wrt)
			}
			grad := make([]float64, p.D.NumParams())
			step := func() {
				if err := bt.Eval(Z, res); err != nil {
					b.Fatal(err)
				}
				if _, err := bt.SumGrad(grad, nil, Z, nil); err != nil {
					b.Fatal(err)
				}
			}
			step() // warm-up: SumGrad's per-worker buffers
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
			}
			b.ReportMetric(float64(bt.Workers()), "workers")
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
}
