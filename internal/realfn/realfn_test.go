package realfn

import (
	"math"
	"math/big"
	"testing"
)

const prec = 256

// bigExp returns eˣ to about 2⁻²⁰⁰ relative: x is halved k times into
// [−1/2, 1/2], the Taylor series is summed to 60 terms, and the result is
// squared k times. It is the independent oracle for both kernels.
func bigExp(x *big.Float) *big.Float {
	r := new(big.Float).SetPrec(prec).Set(x)
	k := 0
	half := big.NewFloat(0.5)
	for r.Cmp(half) > 0 || r.Cmp(new(big.Float).Neg(half)) < 0 {
		r.Quo(r, big.NewFloat(2))
		k++
	}
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n <= 60; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(n)))
		sum.Add(sum, term)
	}
	for ; k > 0; k-- {
		sum.Mul(sum, sum)
	}
	return sum
}

func relErr(got float64, want *big.Float) float64 {
	w, _ := want.Float64()
	if w == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-w) / math.Abs(w)
}

func TestLogistic(t *testing.T) {
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	for _, a := range []float64{-700, -40, -5, -0.5, -1e-9, 0, 1e-9, 0.5, 5, 40, 700} {
		s, sc := Logistic(a)
		// σ(a) = 1/(1+e⁻ᵃ) and 1−σ(a) = 1/(1+eᵃ), in 256-bit arithmetic.
		e := bigExp(new(big.Float).SetPrec(prec).SetFloat64(-a))
		want := new(big.Float).SetPrec(prec).Quo(one, new(big.Float).SetPrec(prec).Add(one, e))
		e = bigExp(new(big.Float).SetPrec(prec).SetFloat64(a))
		wantC := new(big.Float).SetPrec(prec).Quo(one, new(big.Float).SetPrec(prec).Add(one, e))
		// A few ulps: one exp and one division each.
		if r := relErr(s, want); r > 4e-16 {
			t.Errorf("Logistic(%g): σ = %g, relative error %.2g", a, s, r)
		}
		if r := relErr(sc, wantC); r > 4e-16 {
			t.Errorf("Logistic(%g): 1−σ = %g, relative error %.2g", a, sc, r)
		}
	}
}

// TestGauss: the FMA correction keeps Gauss within a few ulps of e^(−a²)
// where the naive math.Exp(-a*a) is off by up to a²·2⁻⁵³ (≈ 8e-14 at 27).
func TestGauss(t *testing.T) {
	for _, a := range []float64{0, 0.1, 1, 3.7, 10.3, 25.9, 27.2} {
		ba := new(big.Float).SetPrec(prec).SetFloat64(a)
		want := bigExp(new(big.Float).SetPrec(prec).Neg(new(big.Float).SetPrec(prec).Mul(ba, ba)))
		if r := relErr(Gauss(a), want); r > 4e-16 {
			t.Errorf("Gauss(%g) = %g, relative error %.2g", a, Gauss(a), r)
		}
	}
	if Gauss(1e200) != 0 || Gauss(math.Inf(-1)) != 0 {
		t.Error("Gauss of a huge argument is not 0")
	}
}

func TestHypot(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	same := func(a, b float64) bool { // to one ulp
		return a == b || math.Abs(a-b) <= 2.3e-16*math.Abs(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	for _, tt := range []struct{ a, c, h, u, v float64 }{
		{3, -4, 5, 0.6, -0.8},
		{0, 0, 0, 0, 0},            // the kink
		{-inf, 2, inf, -1, 0},      // one infinite argument
		{inf, -inf, inf, nan, nan}, // direction undefined
		{1.5e308, 1.5e308, inf, math.Sqrt2 / 2, math.Sqrt2 / 2}, // only h overflows
		{nan, 1, nan, nan, nan},
	} {
		g, _, _ := Hypot(tt.a, tt.c)
		h, u, v := g.F, g.Fx, g.Fy
		if !same(h, tt.h) || !same(u, tt.u) || !same(v, tt.v) {
			t.Errorf("Hypot(%g, %g) = (%g, %g, %g), want (%g, %g, %g)", tt.a, tt.c, h, u, v, tt.h, tt.u, tt.v)
		}
	}
}
