package dual

import "math"

// Sin returns the sine of x. The derivative is cos(a).
//
// Special cases are:
//
//	Sin(±0) = ±0; f′ = 1
//	Sin(±Inf) = NaN; f′ = NaN
//	Sin(NaN) = NaN
func Sin(x Number) Number {
	return chain(x, math.Sin(x.Real), math.Cos(x.Real))
}

// Cos returns the cosine of x. The derivative is −sin(a).
//
// Special cases are:
//
//	Cos(±0) = 1; f′ = ∓0
//	Cos(±Inf) = NaN; f′ = NaN
//	Cos(NaN) = NaN
func Cos(x Number) Number {
	return chain(x, math.Cos(x.Real), -math.Sin(x.Real))
}

// Tan returns the tangent of x. The derivative is 1 + tan²(a).
//
// Special cases are:
//
//	Tan(±0) = ±0; f′ = 1
//	Tan(±Inf) = NaN; f′ = NaN
//	Tan(NaN) = NaN
func Tan(x Number) Number {
	t := math.Tan(x.Real)
	return chain(x, t, 1+t*t)
}

// Asin returns the arcsine of x. The derivative is 1/√((1−a)(1+a)), which
// keeps full precision near ±1 where 1−a² would cancel.
//
// Special cases are:
//
//	Asin(±0) = ±0; f′ = 1
//	Asin(±1) = ±π/2; f′ = +Inf
//	Asin(x) = NaN; f′ = NaN for |x| > 1
//	Asin(NaN) = NaN
func Asin(x Number) Number {
	a := x.Real
	return chain(x, math.Asin(a), 1/math.Sqrt((1-a)*(1+a)))
}

// Acos returns the arccosine of x. The derivative is −1/√((1−a)(1+a)).
//
// Special cases are:
//
//	Acos(1) = 0; f′ = −Inf
//	Acos(−1) = π; f′ = −Inf
//	Acos(x) = NaN; f′ = NaN for |x| > 1
//	Acos(NaN) = NaN
func Acos(x Number) Number {
	a := x.Real
	return chain(x, math.Acos(a), -1/math.Sqrt((1-a)*(1+a)))
}

// Atan returns the arctangent of x. The derivative is 1/(1+a²).
//
// Special cases are:
//
//	Atan(±0) = ±0; f′ = 1
//	Atan(±Inf) = ±π/2; f′ = 0
//	Atan(NaN) = NaN
func Atan(x Number) Number {
	a := x.Real
	return chain(x, math.Atan(a), 1/(1+a*a))
}

// Atan2 returns the arctangent of y/x, using the signs of the two to
// determine the quadrant. For y = c+dε and x = a+bε with h = math.Hypot(a, c)
// the partials with respect to (y, x) are a/h² and −c/h², evaluated as
// (a/h)/h and −(c/h)/h without forming a²+c², so they stay finite where it
// would overflow.
//
// Special cases are:
//
//	Atan2(y, x) at y.Real = x.Real = ±0: the real part is math.Atan2's; partials NaN (the origin is a branch point)
//	Atan2(y, x) where x.Real or y.Real is ±Inf and neither is NaN: the real part is math.Atan2's; partials 0
//	Atan2(y, x) where x.Real or y.Real is NaN: NaN, partials NaN
func Atan2(y, x Number) Number {
	a, c := x.Real, y.Real
	f := math.Atan2(c, a)
	h := math.Hypot(a, c)
	if !math.IsInf(h, 1) || math.IsNaN(a) || math.IsNaN(c) {
		// At the origin 0/0 makes both partials NaN: atan2 is
		// discontinuous there.
		return Number{f, tangent(a/h/h, y.Eps) + tangent(-c/h/h, x.Eps)}
	}
	if math.IsInf(a, 0) || math.IsInf(c, 0) {
		// The partials decay as 1/h.
		return Number{f, 0}
	}
	// Finite arguments whose modulus overflows: scale both down by 4,
	// exactly, and divide the tangents by h before the unit direction
	// multiplies them, since 1/h² alone would be subnormal.
	a, c = a/4, c/4
	h = math.Hypot(a, c)
	u, v := a/h, c/h
	return Number{f, (tangent(u, ratio(y.Eps, h)) - tangent(v, ratio(x.Eps, h))) / 4}
}
