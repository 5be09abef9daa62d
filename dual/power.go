package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Sqrt returns the square root of x. The derivative is 1/(2√a).
//
// Special cases are:
//
//	Sqrt(+Inf) = +Inf; f′ = 0
//	Sqrt(±0) = ±0; f′ = +Inf (the one-sided limit, also for −0)
//	Sqrt(x) = NaN; f′ = NaN for x < 0
//	Sqrt(NaN) = NaN
func Sqrt(x Number) Number {
	return x.chain(realfn.Sqrt(x.Real))
}

// Cbrt returns the cube root of x. The derivative is 1/(3∛a²).
//
// Special cases are:
//
//	Cbrt(±0) = ±0; f′ = +Inf
//	Cbrt(±Inf) = ±Inf; f′ = 0
//	Cbrt(NaN) = NaN
func Cbrt(x Number) Number {
	return x.chain(realfn.Cbrt(x.Real))
}

// PowReal returns x**p for a constant real exponent p. The derivative is
// p·a**(p−1), evaluated without clamping small bases, so PowReal(1e-16+ε, 3)
// has ε part 3e-32, and for a negative base wherever math.Pow(a, p) is
// defined, that is for integer p.
//
// Special cases are:
//
//	PowReal(x, ±0) = 1 with a zero ε part, for any x including NaN (PyTorch)
//	PowReal(x, 1) = x for any x including NaN
//	PowReal(±0, p) = math.Pow(±0, p); f′ = p·math.Pow(±0, p−1), 0 for p > 1 and infinite for p < 1, p ≠ 0
//	PowReal(x, ±Inf) = math.Pow(a, ±Inf); f′ = 0 where that is 0, infinite or NaN otherwise
//	PowReal(x, p) = NaN; f′ = NaN for finite a < 0 and non-integer p
func PowReal(x Number, p float64) Number {
	return x.chain(realfn.PowReal(x.Real, p))
}

// Pow returns x**y. For x = a+bε and y = c+dε the ε part is
// c·a**(c−1)·b + a**c·log(a)·d. The partial with respect to y comes from
// exp(y·log x) and is used only where that is defined: its term vanishes when
// d = 0, so a constant exponent gives exactly PowReal(x, c), and a negative
// base with a constant integer exponent works: Pow(−2+ε, 2) = 4−4ε.
//
// Special cases are:
//
//	Pow(x, y) = PowReal(x, y.Real) when y has a zero tangent
//	Pow(±0, y): the partial a**c·log a is 0 for c ≥ 0 (PyTorch's convention)
//	Pow(x, y): the partial with respect to y is 0 where a**c is 0 (locally constant in c)
//	Pow(x, y): the partial with respect to y is NaN for a < 0
func Pow(x, y Number) Number {
	if y.Eps == 0 {
		return PowReal(x, y.Real)
	}
	g, _, p := realfn.Pow(x.Real, y.Real)
	return chain2(x, y, g, p)
}

// Hypot returns √(x²+y²) without overflow or underflow. For x = a+bε and
// y = c+dε with h = math.Hypot(a, c) the partials are a/h and c/h, which stay
// finite where a² would overflow.
//
// Special cases are:
//
//	Hypot(±0, ±0) = 0 with both partials 0 (a kink: like Abs and PyTorch's vector_norm; torch.hypot's own gradient is NaN there)
//	Hypot(±Inf, q) = +Inf; ∂/∂x = ±1, ∂/∂y = 0, for q finite or NaN
//	Hypot(±Inf, ±Inf) = +Inf; partials NaN
//	Hypot(NaN, q) = NaN, partials NaN, for q not ±Inf
func Hypot(x, y Number) Number {
	g, _, p := realfn.Hypot(x.Real, y.Real)
	return chain2(x, y, g, p)
}
