package layers

import (
	"math"

	"github.com/dualgrad/dualgrad/hyperdual"
)

// Activation is an element-wise nonlinearity. Each is defined once, as a
// scalar function over hyperdual.Number, and σ, σ′ and σ″ all come from that
// one evaluation. Conventions follow torch.nn.functional.
type Activation int

// The activations. The zero value is Identity.
const (
	Identity Activation = iota // x
	Tanh                       // tanh x
	Sigmoid                    // 1/(1+e⁻ˣ)
	Softplus                   // log(1+eˣ)
	ReLU                       // max(x, 0), with relu′(0) = 0
	ELU                        // x for x > 0, eˣ−1 otherwise (α = 1)
	SiLU                       // x·σ(x)
	GELU                       // x·½(1 + erf(x/√2)), the exact form
	Sin                        // sin x
	numActivations
)

var activations = [numActivations]struct {
	name string
	f    func(hyperdual.Number) hyperdual.Number
}{
	Identity: {"identity", func(x hyperdual.Number) hyperdual.Number { return x }},
	Tanh:     {"tanh", hyperdual.Tanh},
	Sigmoid:  {"sigmoid", hyperdual.Sigmoid},
	Softplus: {"softplus", hyperdual.Softplus},
	ReLU: {"relu", func(x hyperdual.Number) hyperdual.Number {
		if x.Real > 0 {
			return x
		}
		return hyperdual.Number{}
	}},
	// PyTorch evaluates the exponential branch at 0, so elu″(0) = 1.
	ELU: {"elu", func(x hyperdual.Number) hyperdual.Number {
		if x.Real > 0 {
			return x
		}
		return hyperdual.Expm1(x)
	}},
	SiLU: {"silu", func(x hyperdual.Number) hyperdual.Number {
		return hyperdual.Mul(x, hyperdual.Sigmoid(x))
	}},
	GELU: {"gelu", func(x hyperdual.Number) hyperdual.Number {
		phi := hyperdual.Erf(hyperdual.Scale(1/math.Sqrt2, x))
		phi.Real++
		return hyperdual.Mul(x, hyperdual.Scale(0.5, phi))
	}},
	Sin: {"sin", hyperdual.Sin},
}

// String returns the activation's name as used in the JSON format.
func (a Activation) String() string {
	if a < 0 || a >= numActivations {
		return "Activation(?)"
	}
	return activations[a].name
}

// ParseActivation returns the activation with the given JSON name.
func ParseActivation(name string) (Activation, bool) {
	for a := Activation(0); a < numActivations; a++ {
		if activations[a].name == name {
			return a, true
		}
	}
	return 0, false
}

// Hyper applies the activation to a hyper-dual number.
func (a Activation) Hyper(x hyperdual.Number) hyperdual.Number {
	return activations[a].f(x)
}

// Eval returns σ(x), σ′(x) and σ″(x) from one hyper-dual evaluation.
func (a Activation) Eval(x float64) (s, d1, d2 float64) {
	y := activations[a].f(hyperdual.Number{Real: x, E1: 1, E2: 1})
	return y.Real, y.E1, y.E12
}
