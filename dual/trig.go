package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Sin returns the sine of x. The derivative is cos(a).
//
// Special cases are:
//
//	Sin(±0) = ±0; f′ = 1
//	Sin(±Inf) = NaN; f′ = NaN
//	Sin(NaN) = NaN
func Sin(x Number) Number {
	return x.chain(realfn.Sin(x.Real))
}

// Cos returns the cosine of x. The derivative is −sin(a).
//
// Special cases are:
//
//	Cos(±0) = 1; f′ = ∓0
//	Cos(±Inf) = NaN; f′ = NaN
//	Cos(NaN) = NaN
func Cos(x Number) Number {
	return x.chain(realfn.Cos(x.Real))
}

// Tan returns the tangent of x. The derivative is 1 + tan²(a).
//
// Special cases are:
//
//	Tan(±0) = ±0; f′ = 1
//	Tan(±Inf) = NaN; f′ = NaN
//	Tan(NaN) = NaN
func Tan(x Number) Number {
	return x.chain(realfn.Tan(x.Real))
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
	return x.chain(realfn.Asin(x.Real))
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
	return x.chain(realfn.Acos(x.Real))
}

// Atan returns the arctangent of x. The derivative is 1/(1+a²).
//
// Special cases are:
//
//	Atan(±0) = ±0; f′ = 1
//	Atan(±Inf) = ±π/2; f′ = 0
//	Atan(NaN) = NaN
func Atan(x Number) Number {
	return x.chain(realfn.Atan(x.Real))
}

// Atan2 returns the arctangent of y/x, using the signs of the two to
// determine the quadrant. For y = c+dε and x = a+bε with h = math.Hypot(a, c)
// the partials with respect to (y, x) are a/h² and −c/h², applied as
// (a/h)·(d/h) and −(c/h)·(b/h) without forming a²+c², so they stay finite
// where it would overflow (where h itself overflows, a and c are scaled down
// by 4 first).
//
// Special cases are:
//
//	Atan2(y, x) at y.Real = x.Real = ±0: the real part is math.Atan2's; partials NaN (the origin is a branch point)
//	Atan2(y, x) where x.Real or y.Real is ±Inf and neither is NaN: the real part is math.Atan2's; partials 0
//	Atan2(y, x) where x.Real or y.Real is NaN: NaN, partials NaN
func Atan2(y, x Number) Number {
	g, _, p := realfn.Atan2(y.Real, x.Real)
	return chain2(y, x, g, p)
}
