package dual

import "math"

// Sinh returns the hyperbolic sine of x. The derivative is cosh(a).
//
// Special cases are:
//
//	Sinh(±0) = ±0; f′ = 1
//	Sinh(±Inf) = ±Inf; f′ = +Inf
//	Sinh(NaN) = NaN
func Sinh(x Number) Number {
	return chain(x, math.Sinh(x.Real), math.Cosh(x.Real))
}

// Cosh returns the hyperbolic cosine of x. The derivative is sinh(a).
//
// Special cases are:
//
//	Cosh(±0) = 1; f′ = ±0
//	Cosh(±Inf) = +Inf; f′ = ±Inf
//	Cosh(NaN) = NaN
func Cosh(x Number) Number {
	return chain(x, math.Cosh(x.Real), math.Sinh(x.Real))
}

// Tanh returns the hyperbolic tangent of x. The derivative is sech²(a) =
// (1/cosh a)², which keeps full relative precision where 1 − tanh²(a)
// would cancel, and goes to 0 rather than overflowing for large |a|.
//
// Special cases are:
//
//	Tanh(±0) = ±0; f′ = 1
//	Tanh(±Inf) = ±1; f′ = 0
//	Tanh(NaN) = NaN
func Tanh(x Number) Number {
	s := 1 / math.Cosh(x.Real)
	return chain(x, math.Tanh(x.Real), s*s)
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
	return chain(x, math.Asinh(x.Real), 1/math.Hypot(1, x.Real))
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
	a := x.Real
	return chain(x, math.Acosh(a), 1/(math.Sqrt(a-1)*math.Sqrt(a+1)))
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
	a := x.Real
	d1 := math.NaN()
	if math.Abs(a) <= 1 {
		d1 = 1 / ((1 - a) * (1 + a))
	}
	return chain(x, math.Atanh(a), d1)
}
