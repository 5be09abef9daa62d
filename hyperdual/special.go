package hyperdual

import (
	"math"

	"github.com/dualgrad/dualgrad/internal/realfn"
)

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
	d1 := 2 / math.SqrtPi * realfn.Gauss(a)
	return chain(x, math.Erf(a), d1, -2*gaussSlope(a)*d1)
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
	d1 := -2 / math.SqrtPi * realfn.Gauss(a)
	return chain(x, math.Erfc(a), d1, -2*gaussSlope(a)*d1)
}

// gaussSlope returns a, the factor of f″ = −2a·f′, replaced by ±1 at ±Inf:
// there f′ = 0, and a itself would make f″ NaN rather than ∓0.
func gaussSlope(a float64) float64 {
	if math.IsInf(a, 0) {
		return math.Copysign(1, a)
	}
	return a
}
