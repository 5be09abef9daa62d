package bench

import (
	"testing"

	"github.com/dualgrad/dualgrad/cossim"
	"gonum.org/v1/gonum/mat"
)

func BenchmarkProfStacked(b *testing.B) {
	for _, c := range Cases {
		b.Run(c.Name, func(b *testing.B) {
			p, z := c.Problem()
			Z := batchLatents(c, z)
			a, err := cossim.NewAdjoint(p, cossim.Options{})
			if err != nil {
				b.Fatal(err)
			}
			S := mat.NewDense(BatchSize, c.M, nil)
			grad := make([]float64, p.D.NumParams())
			a.SumGradBatchInto(S, grad, nil, Z, nil)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a.SumGradBatchInto(S, grad, nil, Z, nil)
			}
		})
	}
}
