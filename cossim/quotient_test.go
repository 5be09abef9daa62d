package cossim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/internal/vec"
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

// normCos is what cosines.eval computes for one column: the plain sums,
// then normCosSums.
func normCos(x, y []float64) (nrm, cos float64) {
	s, d := vec.SumSqDot(x, y)
	return normCosSums(x, y, s, d)
}

// TestNormCos checks normCos's norm and cosine x·y/|x| against 256-bit
// arithmetic, with y a unit vector as ĝ is, at scales where the plain sums
// hold and where they overflow or underflow (1e±200, 2⁻⁴⁵⁰ on either side
// of the 2⁻⁹⁰⁰ switch, subnormal 1e−310). The cosine's bound is a few
// roundings of Σ|xₖyₖ|/|x|, the condition of the sum.
func TestNormCos(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	bf := func(v float64) *big.Float { return new(big.Float).SetPrec(256).SetFloat64(v) }
	for _, scale := range []float64{1, 1e-200, 1e200, 0x1p-450, 0x1p-452, 1e-310, 1e150} {
		for n := 1; n <= 9; n++ {
			x, y := make([]float64, n), make([]float64, n)
			for k := range x {
				x[k] = (2*rng.Float64() - 1) * scale
				y[k] = 2*rng.Float64() - 1
			}
			yn := norm2(y)
			for k := range y {
				y[k] /= yn
			}
			ssq, dot, abs := bf(0), bf(0), bf(0)
			for k := range x {
				ssq.Add(ssq, bf(x[k]).Mul(bf(x[k]), bf(x[k])))
				p := bf(x[k]).Mul(bf(x[k]), bf(y[k]))
				dot.Add(dot, p)
				abs.Add(abs, p.Abs(p))
			}
			nrm := ssq.Sqrt(ssq)
			wantN, _ := nrm.Float64()
			wantC, _ := dot.Quo(dot, nrm).Float64()
			cond, _ := abs.Quo(abs, nrm).Float64()
			gotN, gotC := normCos(x, y)
			if math.Abs(gotN-wantN) > 4e-16*wantN && math.Abs(gotN-wantN) > 0x1p-1074 {
				t.Errorf("scale %g, n %d: norm %v, exact %v", scale, n, gotN, wantN)
			}
			if math.Abs(gotC-wantC) > 1e-15*cond {
				t.Errorf("scale %g, n %d: cosine %v, exact %v (condition %.3g)", scale, n, gotC, wantC, cond)
			}
		}
	}
	if v, _ := normCos([]float64{1, math.Inf(1)}, []float64{1, 0}); !math.IsInf(v, 1) {
		t.Errorf("normCos with an infinity: norm %v", v)
	}
	if v, _ := normCos([]float64{0, 0}, []float64{1, 0}); v != 0 {
		t.Errorf("normCos of zeros: norm %v", v)
	}
}
