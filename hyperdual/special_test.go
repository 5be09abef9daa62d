package hyperdual

import (
	"math"
	"testing"
)

// TestGaussianTail checks Erf′ and Erfc′ far in the tail, where the
// rounding error of a² alone would cost a relative a²·2⁻⁵³ ≈ 1e-13. The
// reference splits a = p + q with p = a rounded to 2⁻¹⁰, so that p² is exact
// and e^(−a²) = e^(−p²)·e^(−2pq)·e^(−q²) loses only a few ulps.
func TestGaussianTail(t *testing.T) {
	for _, a := range []float64{-25.3, 17.77, 20.000001, 26.1} {
		p := math.Round(a*1024) / 1024
		q := a - p
		g := math.Exp(-p*p) * math.Exp(-2*p*q) * math.Exp(-q*q)
		d1 := 2 / math.Sqrt(math.Pi) * g
		x := Number{a, 1, 0, 0}
		if got := Erf(x).E1; math.Abs(got-d1) > 1e-15*d1 {
			t.Errorf("Erf′(%v) = %v, want %v (rel err %.2g)", a, got, d1, math.Abs(got-d1)/d1)
		}
		if got := Erfc(x).E1; math.Abs(got+d1) > 1e-15*d1 {
			t.Errorf("Erfc′(%v) = %v, want %v (rel err %.2g)", a, got, -d1, math.Abs(got+d1)/d1)
		}
	}
}

// TestErfSpecialCases pins Erf and Erfc at signed zeros, infinities and far
// in the tails, in all four parts: erf′ = (2/√π)e^(−a²), erf″ = −2a·erf′.
func TestErfSpecialCases(t *testing.T) {
	c := 2 / math.SqrtPi
	// 26² and 25.5² are exact, so exp(−a²) is a correctly rounded oracle.
	g26, g255 := c*math.Exp(-676), -c*math.Exp(-650.25)
	checkSpecial(t, []special{
		{"Erf(−0+2ε₁+3ε₂)", Erf(Number{negZero, 2, 3, 0}), Number{negZero, 2 * c, 3 * c, 0}, 0},
		{"Erfc(0+2ε₁+3ε₂)", Erfc(Number{0, 2, 3, 0}), Number{1, -2 * c, -3 * c, 0}, 0},
		{"Erf(+Inf+ε₁+ε₂)", Erf(Var(inf)), Number{1, 0, 0, 0}, 0},
		{"Erfc(−Inf+ε₁+ε₂)", Erfc(Var(-inf)), Number{2, 0, 0, 0}, 0},
		{"Erf(26+ε₁+ε₂)", Erf(Var(26)), Number{1, g26, g26, -52 * g26}, 1e-15},
		{"Erfc(−25.5+3ε₁+ε₂)", Erfc(Number{-25.5, 3, 1, 0}), Number{2, 3 * g255, g255, 153 * g255}, 1e-15},
		{"Erf(30+ε₁+ε₂)", Erf(Var(30)), Number{1, 0, 0, 0}, 0},
		{"Erf(1e200+ε₁+ε₂)", Erf(Var(1e200)), Number{1, 0, 0, 0}, 0},
	})
}
