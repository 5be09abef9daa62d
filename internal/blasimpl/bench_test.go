package blasimpl

import (
	"fmt"
	"testing"
)

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

// BenchmarkOuter times the rank-one route (K = 1) at the shape of the small
// case's Φ reverse (32 latents against its one-output layer of 32), with
// β = 0 (every row in one OuterRows call) and β = 1 (a row at a time).
func BenchmarkOuter(b *testing.B) {
	const M, N = 32, 32
	A, B, C := make([]float64, M), make([]float64, N), make([]float64, M*N)
	for i := range A {
		A[i] = float64(i%7) - 3
	}
	for j := range B {
		B[j] = 0.25 * float64(j%5)
	}
	for _, beta := range []float64{0, 1} {
		b.Run(fmt.Sprintf("32x32x1/beta=%v", beta), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				GemmAcc(false, false, M, N, 1, 1, A, 1, B, N, beta, C, N)
			}
		})
	}
}
