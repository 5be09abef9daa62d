package hyperdual

import "github.com/dualgrad/dualgrad/internal/realfn"

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
	return x.chain(realfn.Sqrt(x.Real))
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
	return x.chain(realfn.Cbrt(x.Real))
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
	return x.chain(realfn.PowReal(x.Real, p))
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
	if y.E1 == 0 && y.E2 == 0 && y.E12 == 0 {
		return PowReal(x, y.Real)
	}
	g, h, p := realfn.Pow(x.Real, y.Real)
	return chain2(x, y, g, h, p)
}

// Hypot returns √(x²+y²) without overflow or underflow. With h = Hypot(a, c)
// and unit direction (u, v) = (a/h, c/h) the partials are u, v and v²/h,
// −uv/h, u²/h, which stay finite where a² would overflow.
//
// Special cases are:
//
//	Hypot(±0, ±0) = 0 with all partials 0 (a kink: like Abs and PyTorch's vector_norm; torch.hypot's own gradient is NaN there)
//	Hypot(±Inf, q) = +Inf; ∂/∂x = ±1, other partials 0, for q finite or NaN
//	Hypot(±Inf, ±Inf) = +Inf; first partials NaN, second partials 0
//	Hypot(NaN, q) = NaN, partials NaN, for q not ±Inf
func Hypot(x, y Number) Number {
	g, h, p := realfn.Hypot(x.Real, y.Real)
	return chain2(x, y, g, h, p)
}
