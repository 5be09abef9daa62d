// Package hyperdual implements hyper-dual numbers a + bε₁ + cε₂ + dε₁ε₂ with
// ε₁² = ε₂² = 0 and ε₁ε₂ ≠ 0, which carry a value, two first derivatives and
// a mixed second derivative through a computation exactly: there is no step
// size and no truncation error, only floating-point rounding.
//
// For a twice-differentiable f, every unary function in this package computes
//
//	f(a + bε₁ + cε₂ + dε₁ε₂) = f(a) + f′(a)(bε₁ + cε₂ + dε₁ε₂) + f″(a)·b·c·ε₁ε₂,
//
// the Taylor series of f at a, which stops after the ε₁ε₂ term. Seeding the
// variable x as Var(x) = x + ε₁ + ε₂ makes the E1 and E2 parts of a result
// the derivative and its E12 part the second derivative; seeding x_i with ε₁
// and x_j with ε₂ gives the mixed partial ∂²f/∂x_i∂x_j. Derivative2,
// Gradient and Hessian do this for user code written against this package.
// Binary functions apply the two-variable Taylor series in the same way.
//
// # Real parts
//
// The real part of every result equals the corresponding function of package
// math applied to the real parts, bit for bit, wherever math has that function.
//
// # Zero tangents
//
// A derivative term whose tangent factor (b, c, d or the product b·c) is
// exactly zero contributes exactly zero, even where the derivative is
// infinite or NaN. Constants therefore never poison a computation with NaN
// from 0·∞: Sqrt(0) = 0 with zero derivative parts, while Sqrt(0+ε₁) has
// E1 = +Inf and E2 = E12 = 0. Where the derivative is finite the term is the
// IEEE product, so a signed zero keeps its sign. Outside a function's domain,
// where the real part is NaN, nonzero tangents give NaN derivative parts.
//
// # Kinks
//
// Non-differentiable points follow PyTorch's conventions: Abs′(0) = Abs″(0) = 0;
// Max and Min compare real parts only, and at a tie they split the derivative
// evenly, ½ to each argument; Hypot at the origin has derivatives 0, like Abs
// and torch.linalg.vector_norm.
//
// # Special cases
//
// Special-case tables give the real part and, where the derivatives are not
// the finite values of the formula, f′(a) and f″(a). The ε parts follow from
// these by the expansion above and the zero-tangent rule.
package hyperdual

import "math"

// Number is the hyper-dual number Real + E1·ε₁ + E2·ε₂ + E12·ε₁ε₂. The zero
// value is the constant 0.
type Number struct {
	Real, E1, E2, E12 float64
}

// Var returns x + ε₁ + ε₂, an independent variable seeded so that the E1 and
// E2 parts of a result are its first derivative and the E12 part its second.
func Var(x float64) Number { return Number{Real: x, E1: 1, E2: 1} }

// Const returns x with zero derivative parts, a constant.
func Const(x float64) Number { return Number{Real: x} }

// minNormal is the smallest positive normal float64.
const minNormal = 0x1p-1022

// chain returns f(x) given f(x.Real) = f, f′(x.Real) = d1 and f″(x.Real) = d2.
func chain(x Number, f, d1, d2 float64) Number {
	return Number{
		Real: f,
		E1:   tangent(d1, x.E1),
		E2:   tangent(d1, x.E2),
		E12:  tangent(d1, x.E12) + mixed(d2, x.E1, x.E2),
	}
}

// chainRatio returns f(x) given f(x.Real) = f, f′(x.Real) = d1 and the ratio
// k = f″/f′² at x.Real. Writing the second-order term as k·(f′b)·(f′c) keeps
// it right wherever f′, k and the first-order parts are representable, even
// where f″ or b·c are not: for asinh at 1e200, f″ = −1e-400 underflows but
// k = −1. It suits functions whose f′ has no zeros.
func chainRatio(x Number, f, d1, k float64) Number {
	e1, e2 := tangent(d1, x.E1), tangent(d1, x.E2)
	return Number{f, e1, e2, tangent(d1, x.E12) + mixed(k, e1, e2)}
}

// chain2 returns f(x, y) given the value f and the partial derivatives fx, fy,
// fxx, fxy and fyy at (x.Real, y.Real). The two cross terms are added as one
// pair so that swapping the ε₁ and ε₂ seeds swaps E1 and E2 and leaves E12
// identical bit for bit.
func chain2(x, y Number, f, fx, fy, fxx, fxy, fyy float64) Number {
	return Number{
		Real: f,
		E1:   tangent(fx, x.E1) + tangent(fy, y.E1),
		E2:   tangent(fx, x.E2) + tangent(fy, y.E2),
		E12: tangent(fx, x.E12) + tangent(fy, y.E12) +
			mixed(fxx, x.E1, x.E2) +
			(mixed(fxy, x.E1, y.E2) + mixed(fxy, x.E2, y.E1)) +
			mixed(fyy, y.E1, y.E2),
	}
}

// tangent returns d·t, except that it is 0 when t is ±0 and d is not finite.
func tangent(d, t float64) float64 {
	p := d * t
	if p != p && t == 0 {
		return 0
	}
	return p
}

// mixed returns d·b·c, the second-order term of the expansion. It is 0 when b
// or c is ±0, whatever d is, and it does not overflow or underflow in b·c
// when the whole product is representable.
func mixed(d, b, c float64) float64 {
	bc := b * c
	// A biased exponent in [1, 2046] means bc is normal and finite.
	if math.Float64bits(bc)>>52&0x7ff-1 < 0x7fe {
		return d * bc
	}
	return mixedSlow(d, b, c)
}

func mixedSlow(d, b, c float64) float64 {
	switch {
	case b == 0 || c == 0:
		if r := d * (b * c); r == r {
			return r
		}
		return 0
	case math.IsNaN(b) || math.IsNaN(c) || math.IsInf(b, 0) || math.IsInf(c, 0):
		return d * (b * c)
	}
	// b·c left the normal range: multiply the fractions and scale once.
	// fb·fc is in [¼, 1), so d·(fb·fc) overflows only if the result does.
	fb, eb := math.Frexp(b)
	fc, ec := math.Frexp(c)
	return math.Ldexp(d*(fb*fc), eb+ec)
}
