package layers

import (
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/hyperdual"
)

// Activation is an element-wise nonlinearity σ applied after a layer's affine
// map. Each is defined once, as a scalar function over hyperdual.Number, so σ,
// σ′ and σ″ all come from that one evaluation and adding an activation means
// writing one function. Values, derivatives and the conventions at kinks
// follow torch.nn.functional, so results agree with PyTorch.
//
// One deliberate difference: Softplus is the exact log(1+eˣ) at every x,
// while torch.nn.functional.softplus returns x itself above its default
// threshold 20. The two differ there by log(1+e⁻ˣ) < e⁻²⁰ < 2.1e-9 in value
// and by σ(−x) < 2.1e-9 in the first derivative.
type Activation int

// The activations. The zero value is Identity.
const (
	Identity Activation = iota // x
	Tanh                       // tanh x
	Sigmoid                    // 1/(1+e⁻ˣ)
	Softplus                   // log(1+eˣ), exactly (see Activation)
	ReLU                       // max(x, 0), with relu′(0) = 0
	ELU                        // x for x > 0, eˣ−1 for x ≤ 0 (α = 1)
	SiLU                       // x·σ(x)
	GELU                       // x·Φ(x) = x·½(1 + erf(x/√2)), the exact form
	Sin                        // sin x
	numActivations
)

var activations = [numActivations]struct {
	name string
	f    func(hyperdual.Number) hyperdual.Number
}{
	Identity: {"identity", identity},
	Tanh:     {"tanh", hyperdual.Tanh},
	Sigmoid:  {"sigmoid", hyperdual.Sigmoid},
	Softplus: {"softplus", hyperdual.Softplus},
	ReLU:     {"relu", relu},
	ELU:      {"elu", elu},
	SiLU:     {"silu", silu},
	GELU:     {"gelu", gelu},
	Sin:      {"sin", hyperdual.Sin},
}

func identity(x hyperdual.Number) hyperdual.Number { return x }

// relu returns max(x, 0).
//
// Special cases are:
//
//	relu(x) = x for x > 0
//	relu(x) = +0 with zero derivative parts for x ≤ 0, so relu′(0) = relu″(0) = 0 (PyTorch)
//	relu(NaN) = NaN
func relu(x hyperdual.Number) hyperdual.Number {
	if x.Real > 0 || math.IsNaN(x.Real) {
		return x
	}
	return hyperdual.Number{}
}

// elu returns x for x > 0 and eˣ−1 otherwise.
//
// Special cases are:
//
//	elu(±0) = ±0 with elu′(0) = elu″(0) = 1: PyTorch takes the exponential branch at 0
//	elu(NaN) = NaN
func elu(x hyperdual.Number) hyperdual.Number {
	if x.Real > 0 {
		return x
	}
	return hyperdual.Expm1(x)
}

// silu returns x·σ(x).
func silu(x hyperdual.Number) hyperdual.Number {
	return hyperdual.Mul(x, hyperdual.Sigmoid(x))
}

// gelu returns x·Φ(x) with Φ the standard normal distribution function. Φ is
// evaluated as ½·erfc(−x/√2), which equals PyTorch's ½(1 + erf(x/√2)) but
// keeps full relative accuracy in the negative tail, where 1 + erf cancels.
func gelu(x hyperdual.Number) hyperdual.Number {
	cdf := hyperdual.Scale(0.5, hyperdual.Erfc(hyperdual.Scale(-1/math.Sqrt2, x)))
	return hyperdual.Mul(x, cdf)
}

// String returns the activation's name as used in the JSON format, for
// example "tanh".
func (a Activation) String() string {
	if !a.valid() {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activations[a].name
}

func (a Activation) valid() bool { return 0 <= a && a < numActivations }

// ParseActivation returns the activation with the given JSON name: one of
// identity, tanh, sigmoid, softplus, relu, elu, silu, gelu and sin. Names are
// case-sensitive.
func ParseActivation(name string) (Activation, bool) {
	for a := Activation(0); a < numActivations; a++ {
		if activations[a].name == name {
			return a, true
		}
	}
	return 0, false
}

// MarshalText implements encoding.TextMarshaler with the activation's name.
// It fails for a value that is not one of the defined constants.
func (a Activation) MarshalText() ([]byte, error) {
	if !a.valid() {
		return nil, fmt.Errorf("layers: invalid activation %d", int(a))
	}
	return []byte(activations[a].name), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, accepting the names
// that ParseActivation accepts.
func (a *Activation) UnmarshalText(text []byte) error {
	v, ok := ParseActivation(string(text))
	if !ok {
		return fmt.Errorf("layers: unknown activation %q (want %s)", text, activationNames)
	}
	*a = v
	return nil
}

// activationNames lists the valid names for error messages.
var activationNames = func() string {
	s := ""
	for a := Activation(0); a < numActivations; a++ {
		switch {
		case a == numActivations-1:
			s += " or "
		case a > 0:
			s += ", "
		}
		s += activations[a].name
	}
	return s
}()

// Hyper applies the activation to a hyper-dual number:
// σ(x) + σ′(x)(bε₁ + cε₂ + dε₁ε₂) + σ″(x)·b·c·ε₁ε₂ for x + bε₁ + cε₂ + dε₁ε₂.
// It panics if a is not one of the defined constants.
func (a Activation) Hyper(x hyperdual.Number) hyperdual.Number {
	return activations[a].f(x)
}

// Eval returns σ(x), σ′(x) and σ″(x) from one hyper-dual evaluation. It panics
// if a is not one of the defined constants.
func (a Activation) Eval(x float64) (s, d1, d2 float64) {
	y := activations[a].f(hyperdual.Number{Real: x, E1: 1, E2: 1})
	return y.Real, y.E1, y.E12
}
