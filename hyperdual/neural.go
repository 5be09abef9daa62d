package hyperdual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Sigmoid returns the logistic function σ(x) = 1/(1+e⁻ˣ). It never overflows:
// σ and 1−σ are each evaluated from e^(−|a|) ≤ 1. The derivatives are
// σ(1−σ) and σ(1−σ)(1−2σ), with 1−2σ = −tanh(a/2) near 0, where the
// difference of σ and 1−σ would cancel.
//
// Special cases are:
//
//	Sigmoid(±0) = 0.5; f′ = 0.25, f″ = ∓0
//	Sigmoid(+Inf) = 1; f′ = 0, f″ = −0
//	Sigmoid(−Inf) = 0; f′ = 0, f″ = 0
//	Sigmoid(NaN) = NaN
func Sigmoid(x Number) Number {
	return x.chain(realfn.Sigmoid(x.Real))
}

// Softplus returns log(1+eˣ), evaluated as a + log1p(e⁻ᵃ) for a > 0 so that
// it never overflows and keeps full precision in both tails. The derivatives
// are σ(a) and σ(a)(1−σ(a)).
//
// Special cases are:
//
//	Softplus(±0) = ln 2; f′ = 0.5, f″ = 0.25
//	Softplus(+Inf) = +Inf; f′ = 1, f″ = 0
//	Softplus(−Inf) = 0; f′ = 0, f″ = 0
//	Softplus(NaN) = NaN
func Softplus(x Number) Number {
	return x.chain(realfn.Softplus(x.Real))
}
