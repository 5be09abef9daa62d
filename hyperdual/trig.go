package hyperdual

import "math"

// Sin returns the sine of x. The derivatives are cos a and −sin a.
//
// Special cases are:
//
//	Sin(±0) = ±0; f′ = 1, f″ = ∓0
//	Sin(±Inf) = NaN; f′ = f″ = NaN
//	Sin(NaN) = NaN
func Sin(x Number) Number {
	s, c := math.Sincos(x.Real)
	return chain(x, s, c, -s)
}

// Cos returns the cosine of x. The derivatives are −sin a and −cos a.
//
// Special cases are:
//
//	Cos(±0) = 1; f′ = ∓0, f″ = −1
//	Cos(±Inf) = NaN; f′ = f″ = NaN
//	Cos(NaN) = NaN
func Cos(x Number) Number {
	s, c := math.Sincos(x.Real)
	return chain(x, c, -s, -c)
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
	t := math.Tan(x.Real)
	d1 := 1 + t*t
	return chain(x, t, d1, 2*t*d1)
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
	a := x.Real
	w := (1 - a) * (1 + a)
	d1 := 1 / math.Sqrt(w)
	// f″/f′² = a/√(1−a²).
	return chainRatio(x, math.Asin(a), d1, a*d1)
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
	a := x.Real
	w := (1 - a) * (1 + a)
	d1 := -1 / math.Sqrt(w)
	// f″/f′² = −a/√(1−a²).
	return chainRatio(x, math.Acos(a), d1, a*d1)
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
	a := x.Real
	// f″/f′² = −2a, representable where f″ = −2a/(1+a²)² underflows.
	return chainRatio(x, math.Atan(a), 1/(1+a*a), -2*a)
}

// Atan2 returns the arctangent of y/x, using the signs of the two to
// determine the quadrant. With r = Hypot(x, y) and (u, v) = (x/r, y/r) the
// partials with respect to (y, x) are u/r, −v/r and −2uv/r², (v²−u²)/r²,
// 2uv/r², evaluated without forming r², so they stay finite where it would
// overflow.
//
// Special cases are:
//
//	Atan2(y, x) at y.Real = x.Real = ±0: the real part is math.Atan2's; partials NaN (the origin is a branch point)
//	Atan2(y, x) where x.Real or y.Real is ±Inf and neither is NaN: the real part is math.Atan2's; partials 0
//	Atan2(y, x) where x.Real or y.Real is NaN: NaN, partials NaN
func Atan2(y, x Number) Number {
	b, a := y.Real, x.Real
	f := math.Atan2(b, a)
	if a != a || b != b {
		// Checked first: math.Hypot(±Inf, NaN) = +Inf would otherwise give
		// the zero partials of the infinite case to a NaN real part.
		nan := math.NaN()
		return chain2(y, x, f, nan, nan, nan, nan, nan)
	}
	r := math.Hypot(a, b)
	if math.IsInf(r, 1) {
		if math.IsInf(a, 0) || math.IsInf(b, 0) {
			// The partials decay as 1/r.
			return chain2(y, x, f, 0, 0, 0, 0, 0)
		}
		// Finite arguments whose modulus overflows: scale both down.
		a, b = a/4, b/4
		r = math.Hypot(a, b)
		u, v := a/r, b/r
		fy, fx := u/r/4, -v/r/4
		return chain2(y, x, f, fy, fx, 0, 0, 0)
	}
	// The partials are homogeneous of degree −1 and −2 in r, so they are
	// applied to tangents divided by r: the second partials underflow or
	// overflow with 1/r² where the parts do not.
	u, v := a/r, b/r
	uv := u * v
	return chain2(shrink(y, r), shrink(x, r), f, u, -v, -2*uv, (v-u)*(v+u), 2*uv)
}

// shrink returns the tangents of x divided by r, with a zero tangent staying
// zero even for r = 0.
func shrink(x Number, r float64) Number {
	return Number{x.Real, ratio(x.E1, r), ratio(x.E2, r), ratio(x.E12, r)}
}

// ratio returns t/r, except that it is 0 when t is ±0 and t/r is NaN.
func ratio(t, r float64) float64 {
	q := t / r
	if q != q && t == 0 {
		return 0
	}
	return q
}
