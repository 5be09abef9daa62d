// Package dual implements dual numbers a + bε with ε² = 0 and ε ≠ 0, which
// carry a value and one directional derivative through a computation exactly:
// there is no step size and no truncation error, only floating-point rounding.
//
// For a differentiable f, every function in this package computes
//
//	f(a + bε) = f(a) + f′(a)·bε,
//
// because the Taylor series of f at a stops after its linear term when ε² = 0.
// Seeding b = 1 on one input (see Var) makes the ε part of the result the
// derivative with respect to that input; Derivative and Gradient do this for
// user code written against this package.
//
// # Real parts
//
// The real part of every result equals the corresponding function of package
// math applied to the real parts, bit for bit, wherever math has that function.
//
// # Zero tangents
//
// A derivative term whose tangent factor b is exactly zero contributes exactly
// zero, even where f′(a) is infinite or NaN. Constants therefore never poison
// a computation with NaN from 0·∞: Sqrt(0+0ε) = 0+0ε, while Sqrt(0+1ε) =
// 0+Infε. When f′(a) is finite the term is the IEEE product f′(a)·b, so a
// signed zero keeps its sign. Outside the domain of a unary function, where
// package math returns NaN, a nonzero tangent gives a NaN ε part.
//
// # Kinks
//
// Non-differentiable points follow PyTorch's conventions: Abs′(0) = 0; Max
// and Min compare real parts only, and at a tie they split the derivative
// evenly, ½ to each argument; Hypot at the origin has derivative 0, like Abs
// and torch.linalg.vector_norm.
//
// # Special cases
//
// Special-case tables give the real part and, where the derivative is not the
// finite value of the formula, f′(a). The ε part follows from these as f′(a)·b
// and the zero-tangent rule.
package dual
