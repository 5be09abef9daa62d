package dual

import "math"

// Sinh returns the hyperbolic sine of x. The derivative is cosh(a), evaluated
// like Exp's ε part where math.Cosh overflows, so the ε part stays finite
// wherever cosh(a)·b is representable.
//
// Special cases are:
//
//	Sinh(±0) = ±0; f′ = 1
//	Sinh(±Inf) = ±Inf; f′ = +Inf
//	Sinh(x) = ±Inf with a finite ε part where math.Cosh(a) overflows but cosh(a)·b, for a normal b, does not
//	Sinh(NaN) = NaN
func Sinh(x Number) Number {
	a := x.Real
	return Number{math.Sinh(a), hypTangent(a, math.Cosh(a), 1, x.Eps)}
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
	a := x.Real
	return Number{math.Cosh(a), hypTangent(a, math.Sinh(a), math.Copysign(1, a), x.Eps)}
}

// hypTangent returns d·t for d = cosh a (s = 1) or d = sinh a (s = sign a).
// Where d overflows (from |a| ≈ 709.44 on amd64, whose math.Exp overflows
// early, and 710.48 elsewhere), |d| = e^|a|/2 to full precision, and the
// product is formed as (h·s·t/2)·h with h = e^(|a|/2), which overflows only
// if the result does.
func hypTangent(a, d, s, t float64) float64 {
	if math.Abs(d) <= math.MaxFloat64 || t == 0 {
		return tangent(d, t)
	}
	h := math.Exp(math.Abs(a) / 2)
	return h * (s * t / 2) * h
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
