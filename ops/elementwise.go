package ops

import (
	"math"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// The element-wise functions, each defined once as a scalar function over
// hyper-dual numbers. Values, derivatives and the conventions at kinks follow
// PyTorch 1.13 (torch.nn.functional), first and second order.

// Tanh returns the element-wise tanh op.
func Tanh() graph.Op { return newUnary("Tanh", 20, hyperdual.Tanh) }

// Sigmoid returns the element-wise logistic op 1/(1+e⁻ˣ).
func Sigmoid() graph.Op { return newUnary("Sigmoid", 20, hyperdual.Sigmoid) }

// Sin returns the element-wise sine op.
func Sin() graph.Op { return newUnary("Sin", 20, hyperdual.Sin) }

// Identity returns the identity op, ONNX Identity.
func Identity() graph.Op {
	return newUnary("Identity", 0, func(x hyperdual.Number) hyperdual.Number { return x })
}

// Softplus returns the element-wise op log(1+eˣ), exact at every x.
//
// One deliberate difference from torch.nn.functional.softplus, which returns
// x itself above its threshold 20: the two differ there by
// log(1+e⁻ˣ) < e⁻²⁰ < 2.1e-9 in value and by σ(−x) < 2.1e-9 in the first
// derivative.
func Softplus() graph.Op { return newUnary("Softplus", 30, hyperdual.Softplus) }

// Relu returns the element-wise op max(x, 0).
//
// Special cases are:
//
//	relu(x) = +0 with zero derivative parts for x ≤ 0, so relu′(0) = relu″(0) = 0 (PyTorch)
//	relu(NaN) = NaN
func Relu() graph.Op { return newUnary("Relu", 1, relu) }

func relu(x hyperdual.Number) hyperdual.Number {
	if x.Real > 0 || math.IsNaN(x.Real) {
		return x
	}
	return hyperdual.Number{}
}

// Elu returns the element-wise op x for x > 0 and α(eˣ−1) otherwise.
//
// Special cases are:
//
//	elu′(0) = α: PyTorch's backward takes the exponential branch at 0
//	elu″(0) = 0: PyTorch 1.13's double backward differentiates the
//	  backward formula's x > 0 test, not the exponential, at x = 0
//	elu(NaN) = NaN
func Elu(alpha float64) graph.Op {
	return newUnary("Elu", 20, func(x hyperdual.Number) hyperdual.Number {
		if x.Real > 0 {
			return x
		}
		y := hyperdual.Scale(alpha, hyperdual.Expm1(x))
		if x.Real == 0 {
			y.E12 = alpha * x.E12 // first-order part only: elu″(0) = 0
		}
		return y
	})
}

// Silu returns the element-wise op x·σ(x).
func Silu() graph.Op {
	return newUnary("Silu", 25, func(x hyperdual.Number) hyperdual.Number { return hyperdual.Mul(x, hyperdual.Sigmoid(x)) })
}

// Gelu returns the element-wise op x·Φ(x), Φ the standard normal
// distribution function (PyTorch's approximate="none"). Φ is evaluated as
// ½·erfc(−x/√2), which equals ½(1 + erf(x/√2)) but keeps full relative
// accuracy in the negative tail.
func Gelu() graph.Op { return newUnary("Gelu", 30, gelu) }

func gelu(x hyperdual.Number) hyperdual.Number {
	cdf := hyperdual.Scale(0.5, hyperdual.Erfc(hyperdual.Scale(-1/math.Sqrt2, x)))
	return hyperdual.Mul(x, cdf)
}
