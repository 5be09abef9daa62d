package cossim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestNorm2: norm2's plain sum of squares and its scaled fallback both
// agree with the norm in 256-bit arithmetic to a few ulps, at the scales
// where the plain sum would overflow or underflow (1e±200), at the
// boundary of the fast path (squares summing to about 2⁻⁹⁰⁰), with
// subnormal entries, and for vectors of every length from 0 to 9 (the
// four partial sums and the tail).
func TestNorm2(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	exact := func(x []float64) float64 {
		s := new(big.Float).SetPrec(256)
		for _, v := range x {
			b := new(big.Float).SetPrec(256).SetFloat64(v)
			s.Add(s, b.Mul(b, b))
		}
		f, _ := s.Sqrt(s).Float64()
		return f
	}
	for _, scale := range []float64{1, 1e-200, 1e200, 0x1p-450, 0x1p-452, 1e-310, 1e150} {
		for n := 0; n <= 9; n++ {
			x := make([]float64, n)
			for k := range x {
				x[k] = (2*rng.Float64() - 1) * scale
			}
			got, want := norm2(x), exact(x)
			if math.Abs(got-want) > 4e-16*want && math.Abs(got-want) > 0x1p-1074 {
				t.Errorf("scale %g, n %d: norm2 %v, exact %v", scale, n, got, want)
			}
		}
	}
	if v := norm2([]float64{1, math.Inf(1)}); !math.IsInf(v, 1) {
		t.Errorf("norm2 with an infinity: %v", v)
	}
	if v := norm2([]float64{1, math.NaN()}); !math.IsNaN(v) {
		t.Errorf("norm2 with a NaN: %v", v)
	}
}
