package dual

import "math"

// Erf returns the error function of x. The derivative is 2/√π·exp(−a²).
//
// Special cases are:
//
//	Erf(±0) = ±0; f′ = 2/√π
//	Erf(±Inf) = ±1; f′ = 0
//	Erf(NaN) = NaN
func Erf(x Number) Number {
	return chain(x, math.Erf(x.Real), gauss(x.Real))
}

// Erfc returns the complementary error function of x. The derivative is
// −2/√π·exp(−a²).
//
// Special cases are:
//
//	Erfc(±0) = 1; f′ = −2/√π
//	Erfc(+Inf) = 0; f′ = −0
//	Erfc(−Inf) = 2; f′ = −0
//	Erfc(NaN) = NaN
func Erfc(x Number) Number {
	return chain(x, math.Erfc(x.Real), -gauss(x.Real))
}

// gauss returns 2/√π·exp(−a²). The square is split exactly into hi + lo
// with an FMA, so the result keeps full relative precision even where a²
// is large and its rounding error would be magnified by exp.
func gauss(a float64) float64 {
	hi := a * a
	if math.IsInf(hi, 1) {
		return 0
	}
	lo := math.FMA(a, a, -hi)
	// exp(−hi−lo) = exp(−hi)·(1 − lo) to within lo², and |lo| ≤ 2⁻⁵³·hi.
	return 2 / math.SqrtPi * math.Exp(-hi) * (1 - lo)
}
