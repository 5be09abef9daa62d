package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Erf returns the error function of x. The derivative is 2/√π·exp(−a²).
//
// Special cases are:
//
//	Erf(±0) = ±0; f′ = 2/√π
//	Erf(±Inf) = ±1; f′ = 0
//	Erf(NaN) = NaN
func Erf(x Number) Number {
	return x.chain(realfn.Erf(x.Real))
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
	return x.chain(realfn.Erfc(x.Real))
}
