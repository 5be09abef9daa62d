package bench

import (
	"fmt"
	"testing"

	"github.com/dualgrad/dualgrad/cossim"
)

// engines are benchmarked in this order; the report reads the names.
var engines = []struct {
	name string
	kind cossim.Kind
}{
	{"forward", cossim.EngineForward},
	{"adjoint", cossim.EngineAdjoint},
	{"looped", cossim.EngineLooped},
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
