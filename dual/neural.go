package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Sigmoid returns the logistic function σ(x) = 1/(1+e⁻ˣ). The derivative is
// σ(a)·σ(−a), with both factors computed without cancellation, so it keeps
// full relative precision in both tails and never overflows.
//
// Special cases are:
//
//	Sigmoid(±0) = 0.5; f′ = 0.25
//	Sigmoid(+Inf) = 1; f′ = 0
//	Sigmoid(−Inf) = 0; f′ = 0
//	Sigmoid(NaN) = NaN
func Sigmoid(x Number) Number {
	return x.chain(realfn.Sigmoid(x.Real))
}

// Softplus returns log(1+eˣ), evaluated as max(a, 0) + log1p(e^−|a|) so it
// neither overflows for large a nor loses precision for very negative a. The
// derivative is σ(a).
//
// Special cases are:
//
//	Softplus(±0) = ln 2; f′ = 0.5
//	Softplus(+Inf) = +Inf; f′ = 1
//	Softplus(−Inf) = 0; f′ = 0
//	Softplus(NaN) = NaN
func Softplus(x Number) Number {
	return x.chain(realfn.Softplus(x.Real))
}
