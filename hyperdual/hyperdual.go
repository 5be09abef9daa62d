// Package hyperdual implements hyper-dual numbers a + bε₁ + cε₂ + dε₁ε₂ with
// ε₁² = ε₂² = 0 and ε₁ε₂ ≠ 0, which carry a value, two first derivatives and
// a mixed second derivative through a computation exactly: there is no step
// size and no truncation error.
//
// For a twice-differentiable f, every function in this package computes
//
//	f(a + bε₁ + cε₂ + dε₁ε₂) = f(a) + f′(a)(bε₁ + cε₂ + dε₁ε₂) + f″(a)·b·c·ε₁ε₂.
package hyperdual

import "math"

// Number is the hyper-dual number Real + E1·ε₁ + E2·ε₂ + E12·ε₁ε₂.
type Number struct {
	Real, E1, E2, E12 float64
}

// chain returns f(x) given f(x.Real) = f, f′(x.Real) = d1 and f″(x.Real) = d2.
// A derivative term whose tangent factor is exactly zero contributes exactly
// zero, so an infinite derivative never turns an absent tangent into NaN.
func chain(x Number, f, d1, d2 float64) Number {
	return Number{
		Real: f,
		E1:   tangent(d1, x.E1),
		E2:   tangent(d1, x.E2),
		E12:  tangent(d1, x.E12) + tangent(d2, x.E1*x.E2),
	}
}

// tangent returns d·t, except that it is ±0 when t is ±0 even if d is not finite.
func tangent(d, t float64) float64 {
	if t == 0 && (math.IsInf(d, 0) || math.IsNaN(d)) {
		return 0
	}
	return d * t
}
