package hyperdual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Sinh returns the hyperbolic sine of x. The derivatives are cosh a and
// sinh a; where they overflow they are evaluated like Exp's, with
// cosh a = |sinh a| = e^|a|/2, so the derivative parts stay finite whenever
// they are representable.
//
// Special cases are:
//
//	Sinh(±0) = ±0; f′ = 1, f″ = ±0
//	Sinh(±Inf) = ±Inf; f′ = +Inf, f″ = ±Inf
//	Sinh(x) = ±Inf with finite derivative parts where math.Cosh(a) overflows but math.Exp(|a|/2) does not, for small enough tangents
//	Sinh(NaN) = NaN
func Sinh(x Number) Number {
	return x.chain(realfn.Sinh(x.Real))
}

// Cosh returns the hyperbolic cosine of x. The derivatives are sinh a and
// cosh a, evaluated like Sinh's where they overflow.
//
// Special cases are:
//
//	Cosh(±0) = 1; f′ = ±0, f″ = 1
//	Cosh(±Inf) = +Inf; f′ = ±Inf, f″ = +Inf
//	Cosh(x) = +Inf with finite derivative parts where math.Cosh(a) overflows but math.Exp(|a|/2) does not, for small enough tangents
//	Cosh(NaN) = NaN
func Cosh(x Number) Number {
	return x.chain(realfn.Cosh(x.Real))
}

// Tanh returns the hyperbolic tangent of x. The derivatives are sech²a and
// −2·tanh a·sech²a, with sech²a = 4e/(1+e)² for e = e^(−2|a|), which keeps
// full relative precision where 1 − tanh²a would cancel and goes to 0
// without overflow for large |a|.
//
// Special cases are:
//
//	Tanh(±0) = ±0; f′ = 1, f″ = ∓0
//	Tanh(±Inf) = ±1; f′ = 0, f″ = ∓0
//	Tanh(NaN) = NaN
func Tanh(x Number) Number {
	return x.chain(realfn.Tanh(x.Real))
}

// Asinh returns the inverse hyperbolic sine of x. The derivatives are
// 1/√(1+a²) and −a/(1+a²)^(3/2), with √(1+a²) evaluated as math.Hypot(1, a)
// so that neither overflows.
//
// Special cases are:
//
//	Asinh(±0) = ±0; f′ = 1, f″ = ∓0
//	Asinh(±Inf) = ±Inf; f′ = f″ = 0
//	Asinh(NaN) = NaN
func Asinh(x Number) Number {
	return x.chain(realfn.Asinh(x.Real))
}

// Acosh returns the inverse hyperbolic cosine of x. The derivatives are
// 1/√(a²−1) and −a/(a²−1)^(3/2), with √(a²−1) evaluated as √(a−1)·√(a+1) so
// that it neither cancels near 1 nor overflows.
//
// Special cases are:
//
//	Acosh(1) = 0; f′ = +Inf, f″ = −Inf
//	Acosh(+Inf) = +Inf; f′ = f″ = 0
//	Acosh(x) = NaN; f′ = f″ = NaN for x < 1
//	Acosh(NaN) = NaN
func Acosh(x Number) Number {
	return x.chain(realfn.Acosh(x.Real))
}

// Atanh returns the inverse hyperbolic tangent of x. The derivatives are
// 1/(1−a²) and 2a/(1−a²)², with 1−a² evaluated as (1−a)(1+a).
//
// Special cases are:
//
//	Atanh(±0) = ±0; f′ = 1, f″ = ±0
//	Atanh(±1) = ±Inf; f′ = +Inf, f″ = ±Inf
//	Atanh(x) = NaN; f′ = f″ = NaN for |x| > 1
//	Atanh(NaN) = NaN
func Atanh(x Number) Number {
	return x.chain(realfn.Atanh(x.Real))
}
