package hyperdual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Erf returns the error function of x. The derivatives are (2/√π)·e^(−a²)
// and −2a·(2/√π)·e^(−a²).
//
// Special cases are:
//
//	Erf(±0) = ±0; f′ = 2/√π, f″ = ∓0
//	Erf(±Inf) = ±1; f′ = 0, f″ = ∓0
//	Erf(NaN) = NaN
func Erf(x Number) Number {
	return x.chain(realfn.Erf(x.Real))
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
	return x.chain(realfn.Erfc(x.Real))
}
