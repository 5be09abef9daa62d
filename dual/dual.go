package dual

import "math"

// Number is the dual number Real + Eps·ε.
type Number struct {
	Real, Eps float64
}

// Var returns x + 1ε, an independent variable seeded for differentiation.
func Var(x float64) Number { return Number{Real: x, Eps: 1} }

// Const returns x + 0ε, a constant.
func Const(x float64) Number { return Number{Real: x} }

// chain returns f(x) given f(x.Real) = f and f′(x.Real) = d1. A derivative
// term whose tangent factor is exactly zero contributes exactly zero, so an
// infinite derivative never turns an absent tangent into NaN.
func chain(x Number, f, d1 float64) Number {
	return Number{Real: f, Eps: tangent(d1, x.Eps)}
}

// tangent returns d·t, except that it is 0 when t is ±0 and d is not finite.
func tangent(d, t float64) float64 {
	if t == 0 && (math.IsInf(d, 0) || math.IsNaN(d)) {
		return 0
	}
	return d * t
}

// ratio returns t/d, except that it is 0 when t is ±0 and d is 0 or NaN.
func ratio(t, d float64) float64 {
	if t == 0 && (d == 0 || math.IsNaN(d)) {
		return 0
	}
	return t / d
}
