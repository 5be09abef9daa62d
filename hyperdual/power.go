package hyperdual

import (
	"math"

	"github.com/dualgrad/dualgrad/internal/realfn"
)

// Sqrt returns the square root of x. The derivatives are 1/(2√a) and
// −1/(4a√a).
//
// Special cases are:
//
//	Sqrt(+Inf) = +Inf; f′ = 0, f″ = −0
//	Sqrt(±0) = ±0; f′ = +Inf, f″ = −Inf (the one-sided limits, also for −0)
//	Sqrt(x) = NaN; f′ = f″ = NaN for x < 0
//	Sqrt(NaN) = NaN
func Sqrt(x Number) Number {
	a := x.Real
	s := math.Sqrt(a)
	if a == 0 {
		return chainRatio(x, s, math.Inf(1), math.Inf(-1))
	}
	// f″/f′² = −1/√a.
	return chainRatio(x, s, 0.5/s, -1/s)
}

// Cbrt returns the cube root of x. The derivatives are 1/(3∛a²) and
// −2/(9a∛a²).
//
// Special cases are:
//
//	Cbrt(±0) = ±0; f′ = +Inf, f″ = ∓Inf (the one-sided limits)
//	Cbrt(±Inf) = ±Inf; f′ = 0, f″ = ∓0
//	Cbrt(NaN) = NaN
func Cbrt(x Number) Number {
	a := x.Real
	r := math.Cbrt(a)
	// f″/f′² = −2/∛a, which is ∓Inf at ±0.
	return chainRatio(x, r, 1/(3*r*r), -2/r)
}

// PowReal returns x**p for a constant real exponent p. The derivatives are
// p·a**(p−1) and p(p−1)·a**(p−2), evaluated without clamping small bases, so
// PowReal(0+ε₁+ε₂, 2) = 0+0ε₁+0ε₂+2ε₁ε₂, and for a negative base wherever
// math.Pow(a, p) is defined, that is for integer p.
//
// Special cases are:
//
//	PowReal(x, ±0) = 1 with zero derivative parts, for any x including NaN (PyTorch)
//	PowReal(x, 1) = x for any x including NaN
//	PowReal(±0, p) = math.Pow(±0, p); f′ = p·0**(p−1) and f″ = p(p−1)·0**(p−2), each 0 or infinite except f″ = 2 for p = 2
//	PowReal(x, ±Inf) = math.Pow(a, ±Inf); f′ = f″ = 0 where that is 0, infinite or NaN otherwise
//	PowReal(x, p) = NaN; f′ = f″ = NaN for finite a < 0 and non-integer p
func PowReal(x Number, p float64) Number {
	a := x.Real
	f := math.Pow(a, p)
	switch p {
	case 0:
		return Number{Real: f}
	case 1:
		return x
	}
	if m := math.Abs(f); m >= minNormal && m <= math.MaxFloat64 && !math.IsInf(p, 0) {
		// a ≠ 0 and a**p is normal: two divisions are cheaper than two
		// more calls of math.Pow and lose at most a few ulps.
		// f″/f′² = (p−1)/(p·a**p).
		return chainRatio(x, f, p*(f/a), (p-1)/(p*f))
	}
	// tangent, not a plain product: where a**(p−k) is 0 the derivative is 0
	// even for infinite p, since a**p is then constant near a.
	d1 := tangent(p, math.Pow(a, p-1))
	d2 := tangent(p*(p-1), math.Pow(a, p-2))
	return chain(x, f, d1, d2)
}

// Pow returns x**y. The partial derivatives with respect to y, a**c·log a
// and its relatives, come from exp(y·log x) and are used only where that is
// defined: their terms vanish when y's tangents are zero, so a constant
// exponent gives exactly PowReal(x, c), and a negative base with a constant
// integer exponent works: Pow(−2+ε₁+ε₂, 2) = 4−4ε₁−4ε₂+2ε₁ε₂.
//
// Special cases are:
//
//	Pow(x, y) = PowReal(x, y.Real) when y has zero tangents
//	Pow(±0, y): the partials a**c·log a and a**c·log²a are 0 for c ≥ 0 (PyTorch's convention)
//	Pow(x, y): the partials with respect to y are 0 where a**c is 0 (locally constant in c)
//	Pow(x, y): the partials with respect to y are NaN for a < 0
func Pow(x, y Number) Number {
	a, c := x.Real, y.Real
	if y.E1 == 0 && y.E2 == 0 && y.E12 == 0 {
		return PowReal(x, c)
	}
	f := math.Pow(a, c)
	l := math.Log(a)
	// g = a**(c−1) and g2 = a**(c−2), by division where a**c is normal.
	var g, g2 float64
	if m := math.Abs(f); m >= minNormal && m <= math.MaxFloat64 && !math.IsInf(c, 0) {
		g = f / a
		g2 = g / a
	} else {
		g, g2 = math.Pow(a, c-1), math.Pow(a, c-2)
	}
	var fx, fxx, fy, fyy float64
	// ∂²/∂x∂y = a**(c−1)·(1 + c·log a); tangent makes it 0 where a**(c−1)
	// is 0, for example at a = 0 with c > 1.
	fxy := tangent(1+c*l, g)
	switch c {
	case 0:
		// a**0 = 1 for every a: ∂/∂x and ∂²/∂x² are 0.
	case 1:
		fx = 1
	default:
		fx = tangent(c, g)
		fxx = tangent(c*(c-1), g2)
	}
	if !(a == 0 && c >= 0) {
		fy = tangent(l, f)
		fyy = tangent(l*l, f)
	}
	return chain2(x, y, f, fx, fy, fxx, fxy, fyy)
}

// Hypot returns √(x²+y²) without overflow or underflow. With h = Hypot(a, c)
// and unit direction (u, v) = (a/h, c/h) the partials are u, v and v²/h,
// −uv/h, u²/h, which stay finite where a² would overflow.
//
// Special cases are:
//
//	Hypot(±0, ±0) = 0 with all partials 0 (a kink: like Abs and PyTorch's vector_norm)
//	Hypot(±Inf, q) = +Inf; ∂/∂x = ±1, other partials 0, for q finite or NaN
//	Hypot(±Inf, ±Inf) = +Inf; first partials NaN, second partials 0
//	Hypot(NaN, q) = NaN, partials NaN, for q not ±Inf
func Hypot(x, y Number) Number {
	h, u, v := realfn.Hypot(x.Real, y.Real)
	var fxx, fxy, fyy float64
	if h != 0 && !math.IsInf(h, 1) {
		// Where h overflows or an argument is infinite, these O(1/h)
		// second partials are 0.
		fxx, fxy, fyy = v*v/h, -u*v/h, u*u/h
	}
	return chain2(x, y, h, u, v, fxx, fxy, fyy)
}
