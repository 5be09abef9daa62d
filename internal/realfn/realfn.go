// Package realfn holds the float64 kernels that package dual and package
// hyperdual share, so that each numerically delicate formula is written and
// tested once.
package realfn

import "math"

// Logistic returns σ(a) = 1/(1+e⁻ᵃ) and its complement 1−σ(a) = σ(−a), each
// computed from e^−|a| ≤ 1, so neither cancels nor overflows.
func Logistic(a float64) (s, sc float64) {
	if a >= 0 {
		e := math.Exp(-a)
		return 1 / (1 + e), e / (1 + e)
	}
	e := math.Exp(a)
	return e / (1 + e), 1 / (1 + e)
}

// Gauss returns e^(−a²). The rounding error of a² would cost a relative
// a²·2⁻⁵³ in the result, so the low part lo = a² − fl(a²), recovered exactly
// with a fused multiply-add, is folded back in as e^(−lo) ≈ 1 − lo (exact to
// within lo² ≤ 2⁻¹⁰⁶·a⁴).
func Gauss(a float64) float64 {
	hi := a * a
	g := math.Exp(-hi)
	if g == 0 {
		return 0
	}
	lo := math.FMA(a, a, -hi)
	return g * (1 - lo)
}

// Hypot returns h = √(a²+c²) and its partials u = ∂h/∂a, v = ∂h/∂c, which
// are the unit direction (a/h, c/h) where that is finite. At the origin, a
// kink, both are 0; with one infinite argument, ±1 for it and 0 for the
// other; with both infinite, NaN (the direction is undefined); where only
// h overflows, the direction of (a/2, c/2). NaN arguments give NaN partials.
func Hypot(a, c float64) (h, u, v float64) {
	h = math.Hypot(a, c)
	switch {
	case h == 0:
	case !math.IsInf(h, 1):
		u, v = a/h, c/h
	case math.IsInf(a, 0) && math.IsInf(c, 0):
		u, v = math.NaN(), math.NaN()
	case math.IsInf(a, 0):
		u = math.Copysign(1, a)
	case math.IsInf(c, 0):
		v = math.Copysign(1, c)
	default:
		h2 := math.Hypot(a/2, c/2)
		u, v = a/2/h2, c/2/h2
	}
	return h, u, v
}
