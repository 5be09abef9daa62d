package hyperdual

import "math"

// Erf returns the error function of x. The derivatives are (2/√π)·e^(−a²)
// and −2a·(2/√π)·e^(−a²).
//
// Special cases are:
//
//	Erf(±0) = ±0; f′ = 2/√π, f″ = ∓0
//	Erf(±Inf) = ±1; f′ = 0, f″ = ∓0
//	Erf(NaN) = NaN
func Erf(x Number) Number {
	a := x.Real
	d1 := 2 / math.SqrtPi * gauss(a)
	return chain(x, math.Erf(a), d1, -2*a*d1)
}

// Erfc returns the complementary error function 1 − erf(x), accurate where
// erf(x) is close to 1. The derivatives are −(2/√π)·e^(−a²) and
// 2a·(2/√π)·e^(−a²).
//
// Special cases are:
//
//	Erfc(±0) = 1; f′ = −2/√π, f″ = ±0
//	Erfc(+Inf) = 0; f′ = −0, f″ = +0
//	Erfc(−Inf) = 2; f′ = −0, f″ = −0
//	Erfc(NaN) = NaN
func Erfc(x Number) Number {
	a := x.Real
	d1 := -2 / math.SqrtPi * gauss(a)
	return chain(x, math.Erfc(a), d1, -2*a*d1)
}

// gauss returns e^(−a²). The rounding error of a² would cost a relative
// a²·2⁻⁵³ in the result, so the low part lo = a² − fl(a²), recovered exactly
// with a fused multiply-add, is folded back in as e^(−lo) ≈ 1 − lo.
func gauss(a float64) float64 {
	hi := a * a
	g := math.Exp(-hi)
	if g == 0 {
		return 0
	}
	lo := math.FMA(a, a, -hi)
	return g * (1 - lo)
}
