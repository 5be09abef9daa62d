package ops

import (
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
	"github.com/dualgrad/dualgrad/internal/realfn"
	"github.com/dualgrad/dualgrad/internal/vec"
)

// The element-wise functions, each defined once as a scalar function over
// hyper-dual numbers. Values, derivatives and the conventions at kinks follow
// PyTorch 1.13 (torch.nn.functional), first order as its backward and second
// order as its double backward; testdata/elementwise.json holds PyTorch's
// numbers at random points and at every kink (tools/torchref/ops_elementwise.py).

// Tanh returns the element-wise hyperbolic tangent, ONNX Tanh. Its values
// are math.Tanh's, bit for bit, and σ′ and σ″ come from the same
// exponential (realfn.Tanh), four lanes at a time on machines with AVX2
// and FMA and eight with AVX-512F too (vec.TanhUnits, the same bits).
func Tanh() graph.Op {
	return newUnaryUnits("Tanh", 20, hyperdual.Tanh, realfn.Tanh, vec.TanhUnits)
}

// Sigmoid returns the element-wise logistic op 1/(1+e⁻ˣ), ONNX Sigmoid.
func Sigmoid() graph.Op { return newUnaryKernel("Sigmoid", 20, hyperdual.Sigmoid, realfn.Sigmoid) }

// Sin returns the element-wise sine, ONNX Sin.
func Sin() graph.Op { return newUnaryKernel("Sin", 20, hyperdual.Sin, realfn.Sin) }

// Softplus returns the element-wise op log(1+eˣ), ONNX Softplus, exact at
// every x.
//
// One deliberate difference from torch.nn.functional.softplus, which returns
// x itself above its threshold 20: the two differ there by
// log(1+e⁻ˣ) < e⁻²⁰ < 2.1e-9 in value and by σ(−x) < 2.1e-9 in the first
// derivative.
func Softplus() graph.Op { return newUnaryKernel("Softplus", 30, hyperdual.Softplus, realfn.Softplus) }

// Relu returns the element-wise op max(x, 0), ONNX Relu.
//
// Special cases are:
//
//	relu(x) = +0 with zero derivative parts for x ≤ 0, so relu′(0) = relu″(0) = 0 (PyTorch)
//	relu(NaN) = NaN
//	relu″ ≡ 0: the second-order passes have no σ″ term, as PyTorch's double
//	  backward (zeros) has none, so an overflowing ẋ·w gives no NaN
//	relu′ ⊙ w = +0 where x ≤ 0 whatever w, ±Inf and NaN included: a select,
//	  as PyTorch's threshold_backward (and its forward-mode rule) is
func Relu() graph.Op { return selecting(newUnaryUnits("Relu", 1, relu, nil, reluUnits)) }

// reluUnits is relu at unit seeds: x and 1 where x > 0 or x is NaN, +0 and
// 0 elsewhere (vec.Relu), and σ″ = 0 where d2 is given.
func reluUnits(y, d1, d2, x []float64) {
	vec.Relu(y, d1, x)
	clear(d2)
}

func relu(x hyperdual.Number) hyperdual.Number {
	if x.Real > 0 || math.IsNaN(x.Real) {
		return x
	}
	return hyperdual.Number{}
}

// Elu returns ONNX Elu, the element-wise op x for x > 0 and α(eˣ−1)
// otherwise (attribute alpha, ONNX default 1).
//
// Special cases are:
//
//	elu′(0) = α: PyTorch's backward takes the exponential branch at 0
//	elu″(0) = 0: PyTorch 1.13's double backward masks the exponential with x < 0
//	elu(NaN) = NaN
func Elu(alpha float64) graph.Op {
	return newUnary("Elu", 20, func(x hyperdual.Number) hyperdual.Number { return elu(x, alpha, 1) })
}

// elu returns x for x > 0 and α(e^(κx)−1) otherwise, with the first-order
// part only at x = 0 (PyTorch's elu″(0) = 0); Celu uses κ = 1/α.
func elu(x hyperdual.Number, alpha, kappa float64) hyperdual.Number {
	if x.Real > 0 {
		return x
	}
	y := hyperdual.Scale(alpha, hyperdual.Expm1(hyperdual.Scale(kappa, x)))
	if x.Real == 0 {
		y.E12 = alpha * kappa * x.E12 // first-order part only: elu″(0) = 0
	}
	return y
}

// Silu returns the element-wise op x·σ(x), PyTorch's nn.SiLU.
func Silu() graph.Op {
	return newUnary("Silu", 25, func(x hyperdual.Number) hyperdual.Number { return hyperdual.Mul(x, hyperdual.Sigmoid(x)) })
}

// Gelu returns the element-wise op x·Φ(x), Φ the standard normal
// distribution function: ONNX Gelu and PyTorch's gelu with approximate
// "none" (GeluTanh is approximate "tanh"). Φ is evaluated as
// ½·erfc(−x/√2), which equals ½(1 + erf(x/√2)) but keeps full relative
// accuracy in the negative tail.
func Gelu() graph.Op { return newUnary("Gelu", 30, gelu) }

func gelu(x hyperdual.Number) hyperdual.Number {
	cdf := hyperdual.Scale(0.5, hyperdual.Erfc(hyperdual.Scale(-1/math.Sqrt2, x)))
	return hyperdual.Mul(x, cdf)
}

// ewChain returns f(x) given f(a) = v, f′(a) = d1 and f″(a) = d2 at
// a = x.Real. As in package hyperdual, a zero tangent contributes zero even
// where d1 or d2 is infinite.
func ewChain(x hyperdual.Number, v, d1, d2 float64) hyperdual.Number {
	t := func(d, b float64) float64 {
		if b == 0 {
			return 0
		}
		return d * b
	}
	m := 0.0
	if x.E1 != 0 && x.E2 != 0 {
		m = d2 * (x.E1 * x.E2)
	}
	return hyperdual.Number{Real: v, E1: t(d1, x.E1), E2: t(d1, x.E2), E12: t(d1, x.E12) + m}
}

// ewChecked is an op whose attributes failed their check: Init reports it.
type ewChecked struct {
	graph.Op
	err error
}

func (o ewChecked) Init([]graph.Shape) (graph.Shape, error) { return nil, o.err }

// ewCheck returns op, or an op whose Init returns the error if the
// attributes are invalid.
func ewCheck(op graph.Op, format string, bad bool, args ...any) graph.Op {
	if bad {
		return ewChecked{op, fmt.Errorf(format, args...)}
	}
	return op
}

// LeakyRelu returns ONNX LeakyRelu, the element-wise op x for x > 0 and αx
// otherwise (attribute alpha, ONNX default 0.01, PyTorch's negative_slope).
//
// Special cases are:
//
//	leakyrelu′(0) = α: PyTorch's backward is x > 0 ? 1 : α
//	leakyrelu″ ≡ 0, leakyrelu″(0) included: no σ″ terms (PyTorch's double
//	  backward is zeros)
//	leakyrelu(NaN) = NaN; leakyrelu′(NaN) = α
func LeakyRelu(alpha float64) graph.Op {
	return flat(newUnary("LeakyRelu", 2, func(x hyperdual.Number) hyperdual.Number {
		if x.Real > 0 {
			return x
		}
		return hyperdual.Scale(alpha, x)
	}))
}

// The constants of SELU, as in PyTorch and ONNX's defaults.
const (
	seluAlpha = 1.6732632423543772848170429916717
	seluScale = 1.0507009873554804934193349852946
)

// Selu returns ONNX Selu with its default attributes, the element-wise op
// λx for x > 0 and λα(eˣ−1) otherwise, with PyTorch's float64 constants
// α ≈ 1.6733 and λ ≈ 1.0507 (ONNX's alpha and gamma defaults are them
// rounded to float32).
//
// Special cases are:
//
//	selu′(0) = λα: PyTorch's backward takes the exponential branch at 0
//	selu″(0) = 0: PyTorch 1.13's double backward masks with x < 0, as Elu's
func Selu() graph.Op {
	return newUnary("Selu", 20, func(x hyperdual.Number) hyperdual.Number {
		return hyperdual.Scale(seluScale, elu(x, seluAlpha, 1))
	})
}

// Celu returns ONNX Celu, the element-wise op max(0, x) + min(0, α(e^(x/α)−1))
// (attribute alpha, ONNX default 1). α = 0 is an error of Init.
//
// Special cases are:
//
//	celu′(0) = 1: PyTorch's backward takes the exponential branch at 0
//	celu″(0) = 0: PyTorch 1.13's double backward masks with x < 0, as Elu's
func Celu(alpha float64) graph.Op {
	return ewCheck(newUnary("Celu", 20, func(x hyperdual.Number) hyperdual.Number {
		return elu(x, alpha, 1/alpha)
	}), "alpha %v, want a finite nonzero number", alpha == 0 || math.IsNaN(alpha) || math.IsInf(alpha, 0), alpha)
}

// HardSigmoid returns ONNX HardSigmoid, the element-wise op
// max(0, min(1, αx + β)) (attributes alpha and beta, ONNX defaults 0.2 and
// 0.5). PyTorch's nn.Hardsigmoid is α = 1/6, β = ½, and exports as such.
//
// Special cases are:
//
//	hardsigmoid′ = 0 where αx + β is 0 or 1: PyTorch's backward passes the
//	  gradient strictly inside (−3 < x < 3 for nn.Hardsigmoid)
//	hardsigmoid″ ≡ 0: no σ″ terms (PyTorch 1.13 has no double backward for it)
//	hardsigmoid(NaN) = NaN with derivative 0
//	hardsigmoid′ ⊙ w = +0 outside whatever w, ±Inf and NaN included: a
//	  select, as PyTorch's hardsigmoid_backward is
//
// PyTorch 1.13's CPU backward multiplies by the float32 constant 1/6
// (0.16666667163…) even in float64; this op uses α exactly.
func HardSigmoid(alpha, beta float64) graph.Op {
	return selecting(newUnary("HardSigmoid", 4, func(x hyperdual.Number) hyperdual.Number {
		// The conversion forbids fusing into an FMA, so that the kinks are
		// where αx + β rounds to 0 and 1 (exactly ±3 for α = 1/6, β = ½).
		y := float64(alpha*x.Real) + beta
		switch {
		case y > 0 && y < 1:
			return hyperdual.Number{Real: y, E1: alpha * x.E1, E2: alpha * x.E2, E12: alpha * x.E12}
		case y <= 0:
			return hyperdual.Number{}
		case y >= 1:
			return hyperdual.Const(1)
		}
		return hyperdual.Const(y)
	}))
}

// HardSwish returns ONNX HardSwish, the element-wise op x·max(0, min(1,
// x/6 + ½)), PyTorch's nn.Hardswish.
//
// Special cases are:
//
//	hardswish′(−3) = −½ and hardswish′(3) = 3/2: PyTorch's backward uses
//	  x/3 + ½ on −3 ≤ x ≤ 3, both ends included
//	hardswish″(±3) = 0: PyTorch's double backward uses 1/3 strictly inside
func HardSwish() graph.Op {
	return newUnary("HardSwish", 5, func(x hyperdual.Number) hyperdual.Number {
		a := x.Real
		switch {
		case a < -3:
			return hyperdual.Number{}
		case a > 3:
			return x
		}
		d2 := 1.0 / 3
		if a == -3 || a == 3 {
			d2 = 0
		}
		return ewChain(x, a*(a+3)/6, a/3+0.5, d2)
	})
}

// Softsign returns ONNX Softsign, the element-wise op x/(1+|x|).
//
// Special cases are:
//
//	softsign″(0) = 0: −2·sign(x)/(1+|x|)³ with PyTorch's sign(0) = 0
func Softsign() graph.Op {
	return newUnary("Softsign", 4, func(x hyperdual.Number) hyperdual.Number {
		a := x.Real
		s := 1 + math.Abs(a)
		sg := 0.0
		switch {
		case a > 0:
			sg = 1
		case a < 0:
			sg = -1
		}
		return ewChain(x, a/s, 1/(s*s), -2*sg/(s*s*s))
	})
}

// Exp returns the element-wise op eˣ, ONNX Exp.
func Exp() graph.Op { return newUnaryKernel("Exp", 20, hyperdual.Exp, realfn.Exp) }

// Log returns the element-wise natural logarithm, ONNX Log.
//
// Special cases are:
//
//	log(±0) = −Inf; log′(±0) = ±Inf, log″(±0) = −Inf (PyTorch: 1/x and −1/x²)
//	log(x) = NaN for x < 0, with PyTorch's finite log′ = 1/x and log″ = −1/x²
func Log() graph.Op {
	return newUnary("Log", 20, func(x hyperdual.Number) hyperdual.Number {
		a := x.Real
		if a > 0 {
			return hyperdual.Log(x)
		}
		return ewChain(x, math.Log(a), 1/a, -1/(a*a))
	})
}

// Sqrt returns the element-wise square root, ONNX Sqrt.
//
// Special cases are:
//
//	sqrt′(±0) = ±Inf and sqrt″(±0) = ∓Inf: PyTorch's 1/(2√x) and −1/(4√x³) at √±0 = ±0
//	sqrt(x) = NaN with NaN derivatives for x < 0
func Sqrt() graph.Op {
	return newUnary("Sqrt", 10, func(x hyperdual.Number) hyperdual.Number {
		if s := x.Real; s == 0 {
			return ewChain(x, s, 0.5/s, -0.25/(s*s*s))
		}
		return hyperdual.Sqrt(x)
	})
}

// Pow returns ONNX Pow with a constant exponent p (a scalar constant second
// input), the element-wise op xᵖ, torch.pow(x, p). A non-finite p is an
// error of Init.
//
// Special cases are those of hyperdual.PowReal, which are PyTorch's
// pow backward and double backward, p·x^(p−1) and p(p−1)·x^(p−2):
//
//	pow(x, 0) = 1 with zero derivatives, for every x
//	pow′(0, p) = 0 for p > 1, +Inf for 0 < p < 1 (p = ½: +Inf, and pow″ = −Inf)
//	pow″(0, 2) = 2; pow″(0, p) = 0 for p > 2 and +Inf for 1 < p < 2
//	pow(x, p) = NaN with NaN derivatives for x < 0 and non-integer p
func Pow(p float64) graph.Op {
	return ewCheck(newUnary("Pow", 40, func(x hyperdual.Number) hyperdual.Number {
		return hyperdual.PowReal(x, p)
	}), "exponent %v, want a finite number", math.IsNaN(p) || math.IsInf(p, 0), p)
}

// PowTensor returns ONNX Pow of two tensors, xʸ element-wise with NumPy
// broadcasting, torch.pow(x, y). It is defined, with exact first and second
// partials, for x > 0; elsewhere it follows hyperdual.Pow.
//
// Special cases are:
//
//	pow(x, y) for x < 0: the partials through y are NaN (PyTorch: NaN)
//	pow(0, y) for y ≥ 0: the partials through y are 0 (PyTorch's convention);
//	  PyTorch 1.13's double backward of the y-gradient is NaN there
//	pow(x, 0): the mixed partial is 1/x; PyTorch's double backward drops it
//	  in ∂/∂y of the x-gradient (it zeroes that gradient where y = 0)
func PowTensor() graph.Op { return newBinary("Pow", 60, hyperdual.Pow) }

// Erf returns the element-wise error function, ONNX Erf.
func Erf() graph.Op { return newUnaryKernel("Erf", 20, hyperdual.Erf, realfn.Erf) }

// Abs returns the element-wise absolute value, ONNX Abs.
//
// Special cases are:
//
//	abs′(0) = abs″(0) = 0: PyTorch's backward is sign(x), with sign(0) = 0
//	abs″ ≡ 0: no σ″ terms (sign's derivative is zeros in PyTorch)
func Abs() graph.Op { return flat(newUnaryKernel("Abs", 1, hyperdual.Abs, realfn.Abs)) }

// Cos returns the element-wise cosine, ONNX Cos.
func Cos() graph.Op { return newUnaryKernel("Cos", 20, hyperdual.Cos, realfn.Cos) }

// Reciprocal returns the element-wise op 1/x, ONNX Reciprocal.
//
// Special cases are:
//
//	1/±0 = ±Inf; derivatives −Inf and ±Inf (PyTorch: −1/x² and 2/x³)
func Reciprocal() graph.Op { return newUnary("Reciprocal", 4, hyperdual.Inv) }

// Clip returns ONNX Clip with constant bounds, the element-wise op
// min(max(x, lo), hi), torch.clamp(x, lo, hi). Bounds may be infinite (no
// bound); a NaN bound is an error of Init. When lo > hi every element is hi,
// as in ONNX and PyTorch.
//
// Special cases are:
//
//	clip′(lo) = clip′(hi) = 1: PyTorch's backward passes the gradient on
//	  lo ≤ x ≤ hi, both bounds included
//	clip″ ≡ 0: no σ″ terms (PyTorch's double backward is zeros)
//	clip(NaN) = NaN with derivative 0
//	clip′ ⊙ w = +0 outside [lo, hi] whatever w, ±Inf and NaN included: a
//	  select, as PyTorch's clamp_backward (torch.where) is
func Clip(lo, hi float64) graph.Op {
	return ewCheck(selecting(newUnary("Clip", 2, func(x hyperdual.Number) hyperdual.Number {
		a := x.Real
		if a >= lo && a <= hi {
			return x
		}
		return hyperdual.Const(math.Min(math.Max(a, lo), hi))
	})), "bounds %v and %v, want numbers", math.IsNaN(lo) || math.IsNaN(hi), lo, hi)
}

// GeluTanh returns the element-wise op ½x(1 + tanh(√(2/π)(x + 0.044715x³))),
// PyTorch's gelu with approximate="tanh". It is evaluated as x·σ(2u), u the
// tanh's argument, which equals it but keeps full relative accuracy in the
// negative tail, where 1 + tanh(u) cancels (PyTorch there returns −0 from
// about x < −9, where the exact value is below 1e-30 in magnitude).
func GeluTanh() graph.Op {
	return newUnary("Gelu", 40, func(x hyperdual.Number) hyperdual.Number {
		const k = 2 * 0.7978845608028654 // 2·√(2/π)
		x3 := hyperdual.Mul(x, hyperdual.Mul(x, x))
		u := hyperdual.Scale(k, hyperdual.Add(x, hyperdual.Scale(0.044715, x3)))
		return hyperdual.Mul(x, hyperdual.Sigmoid(u))
	})
}
