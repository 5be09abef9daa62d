package realfn

import "math"

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

// Erf returns the jet of erf x at a: f′ = (2/√π)·e^(−a²), with e^(−a²) from
// Gauss, and f″ = −2a·f′.
func Erf(a float64) (Jet, Mode) {
	d1 := 2 / math.SqrtPi * Gauss(a)
	return Jet{math.Erf(a), d1, -2 * gaussSlope(a) * d1}, Mode{}
}

// Erfc returns the jet of erfc x = 1 − erf x at a: f′ = −(2/√π)·e^(−a²),
// f″ = −2a·f′.
func Erfc(a float64) (Jet, Mode) {
	d1 := -2 / math.SqrtPi * Gauss(a)
	return Jet{math.Erfc(a), d1, -2 * gaussSlope(a) * d1}, Mode{}
}

// gaussSlope returns a, the factor of f″ = −2a·f′, replaced by ±1 at ±Inf:
// there f′ = 0, and a itself would make f″ NaN rather than ∓0.
func gaussSlope(a float64) float64 {
	if math.IsInf(a, 0) {
		return math.Copysign(1, a)
	}
	return a
}
