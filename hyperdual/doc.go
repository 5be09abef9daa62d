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
