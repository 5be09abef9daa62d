package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Sinh returns the hyperbolic sine of x. The derivative is cosh(a), evaluated
// like Exp's ε part, as e^(|a|/2)·(e^(|a|/2)·b)/2, where math.Cosh overflows,
// so the ε part stays finite wherever cosh(a)·b is representable.
//
// Special cases are:
//
//	Sinh(±0) = ±0; f′ = 1
//	Sinh(±Inf) = ±Inf; f′ = +Inf
//	Sinh(x) = ±Inf with a finite ε part where math.Cosh(a) overflows but cosh(a)·b, for a normal b, does not
//	Sinh(NaN) = NaN
func Sinh(x Number) Number {
	return x.chain(realfn.Sinh(x.Real))
}

// Cosh returns the hyperbolic cosine of x. The derivative is sinh(a),
// evaluated like Sinh's where it overflows.
//
// Special cases are:
//
//	Cosh(±0) = 1; f′ = ±0
//	Cosh(±Inf) = +Inf; f′ = ±Inf
//	Cosh(x) = +Inf with a finite ε part where math.Sinh(a) overflows but sinh(a)·b, for a normal b, does not
//	Cosh(NaN) = NaN
func Cosh(x Number) Number {
	return x.chain(realfn.Cosh(x.Real))
}

// Tanh returns the hyperbolic tangent of x. The derivative is sech²(a),
// evaluated as 4e/(1+e)² with e = e^(−2|a|), which keeps full relative
// precision where 1 − tanh²(a) would cancel, and goes to 0 rather than
// overflowing for large |a|.
//
// Special cases are:
//
//	Tanh(±0) = ±0; f′ = 1
//	Tanh(±Inf) = ±1; f′ = 0
//	Tanh(NaN) = NaN
func Tanh(x Number) Number {
	return x.chain(realfn.Tanh(x.Real))
}

// Asinh returns the inverse hyperbolic sine of x. The derivative is
// 1/√(1+a²), evaluated as 1/math.Hypot(1, a) so it does not overflow.
//
// Special cases are:
//
//	Asinh(±0) = ±0; f′ = 1
//	Asinh(±Inf) = ±Inf; f′ = 0
//	Asinh(NaN) = NaN
func Asinh(x Number) Number {
	return x.chain(realfn.Asinh(x.Real))
}

// Acosh returns the inverse hyperbolic cosine of x. The derivative is
// 1/√(a²−1), evaluated as 1/(√(a−1)·√(a+1)) so it neither cancels near 1
// nor overflows.
//
// Special cases are:
//
//	Acosh(+Inf) = +Inf; f′ = 0
//	Acosh(1) = 0; f′ = +Inf
//	Acosh(x) = NaN; f′ = NaN for x < 1
//	Acosh(NaN) = NaN
func Acosh(x Number) Number {
	return x.chain(realfn.Acosh(x.Real))
}

// Atanh returns the inverse hyperbolic tangent of x. The derivative is
// 1/((1−a)(1+a)).
//
// Special cases are:
//
//	Atanh(±0) = ±0; f′ = 1
//	Atanh(±1) = ±Inf; f′ = +Inf
//	Atanh(x) = NaN; f′ = NaN for |x| > 1
//	Atanh(NaN) = NaN
func Atanh(x Number) Number {
	return x.chain(realfn.Atanh(x.Real))
}
