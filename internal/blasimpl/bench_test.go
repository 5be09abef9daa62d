package blasimpl

import "testing"

func BenchmarkSkinny(b *testing.B) {
	for _, sh := range []struct {
		name    string
		M, N, K int
		tB      bool
	}{{"1x128x9216T", 1, 128, 9216, true}, {"1x400x20T", 1, 400, 20, true}, {"1x784x400T", 1, 784, 400, true}, {"20x128x9216T", 20, 128, 9216, true}} {
		A := make([]float64, sh.M*sh.K)
		B := make([]float64, sh.N*sh.K)
		C := make([]float64, sh.M*sh.N)
		for i := range A {
			A[i] = 1
		}
		for i := range B {
			B[i] = 0.5
		}
		b.Run(sh.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				GemmAcc(false, sh.tB, sh.M, sh.N, sh.K, 1, A, sh.K, B, sh.K, 0, C, sh.N)
			}
			b.ReportMetric(2*float64(sh.M*sh.N*sh.K)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
