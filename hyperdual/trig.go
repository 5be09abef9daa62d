package hyperdual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Sin returns the sine of x. The derivatives are cos a and −sin a.
//
// Special cases are:
//
//	Sin(±0) = ±0; f′ = 1, f″ = ∓0
//	Sin(±Inf) = NaN; f′ = f″ = NaN
//	Sin(NaN) = NaN
func Sin(x Number) Number {
	return x.chain(realfn.Sin(x.Real))
}

// Cos returns the cosine of x. The derivatives are −sin a and −cos a.
//
// Special cases are:
//
//	Cos(±0) = 1; f′ = ∓0, f″ = −1
//	Cos(±Inf) = NaN; f′ = f″ = NaN
//	Cos(NaN) = NaN
func Cos(x Number) Number {
	return x.chain(realfn.Cos(x.Real))
}

// Tan returns the tangent of x. The derivatives are 1 + tan²a and
// 2·tan a·(1 + tan²a).
//
// Special cases are:
//
//	Tan(±0) = ±0; f′ = 1, f″ = ±0
//	Tan(±Inf) = NaN; f′ = f″ = NaN
//	Tan(NaN) = NaN
func Tan(x Number) Number {
	return x.chain(realfn.Tan(x.Real))
}

// Asin returns the arcsine of x. The derivatives are 1/√(1−a²) and
// a/(1−a²)^(3/2), with 1−a² evaluated as (1−a)(1+a) to avoid cancellation
// near ±1.
//
// Special cases are:
//
//	Asin(±0) = ±0; f′ = 1, f″ = ±0
//	Asin(±1) = ±π/2; f′ = +Inf, f″ = ±Inf
//	Asin(x) = NaN; f′ = f″ = NaN for |x| > 1
//	Asin(NaN) = NaN
func Asin(x Number) Number {
	return x.chain(realfn.Asin(x.Real))
}

// Acos returns the arccosine of x. The derivatives are −1/√(1−a²) and
// −a/(1−a²)^(3/2), evaluated like Asin's.
//
// Special cases are:
//
//	Acos(1) = 0; f′ = −Inf, f″ = −Inf
//	Acos(−1) = π; f′ = −Inf, f″ = +Inf
//	Acos(x) = NaN; f′ = f″ = NaN for |x| > 1
//	Acos(NaN) = NaN
func Acos(x Number) Number {
	return x.chain(realfn.Acos(x.Real))
}

// Atan returns the arctangent of x. The derivatives are 1/(1+a²) and
// −2a/(1+a²)².
//
// Special cases are:
//
//	Atan(±0) = ±0; f′ = 1, f″ = ∓0
//	Atan(±Inf) = ±π/2; f′ = f″ = 0
//	Atan(NaN) = NaN
func Atan(x Number) Number {
	return x.chain(realfn.Atan(x.Real))
}

// Atan2 returns the arctangent of y/x, using the signs of the two to
// determine the quadrant. With r = Hypot(x, y) and (u, v) = (x/r, y/r) the
// partials with respect to (y, x) are u/r, −v/r and −2uv/r², (v²−u²)/r²,
// 2uv/r², applied to the tangents divided by r without forming r², so they
// stay finite where it would overflow (where r itself overflows, x and y are
// scaled down by 4 first).
//
// Special cases are:
//
//	Atan2(y, x) at y.Real = x.Real = ±0: the real part is math.Atan2's; partials NaN (the origin is a branch point)
//	Atan2(y, x) where x.Real or y.Real is ±Inf and neither is NaN: the real part is math.Atan2's; partials 0
//	Atan2(y, x) where x.Real or y.Real is NaN: NaN, partials NaN
func Atan2(y, x Number) Number {
	g, h, p := realfn.Atan2(y.Real, x.Real)
	return chain2(y, x, g, h, p)
}
