package layers

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/ops"
)

// Activation is an element-wise nonlinearity σ applied after a layer's affine
// map: a name for one of the element-wise ops of package ops, where each is
// defined once, with its PyTorch conventions at kinks (see ops.Relu,
// ops.Elu, ops.Softplus).
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

// activations maps each activation to its op in package ops, where it is
// defined, once, for every engine.
var activations = [numActivations]struct {
	name string
	op   func() graph.Op
}{
	Identity: {"identity", ops.Identity},
	Tanh:     {"tanh", ops.Tanh},
	Sigmoid:  {"sigmoid", ops.Sigmoid},
	Softplus: {"softplus", ops.Softplus},
	ReLU:     {"relu", ops.Relu},
	ELU:      {"elu", func() graph.Op { return ops.Elu(1) }},
	SiLU:     {"silu", ops.Silu},
	GELU:     {"gelu", ops.Gelu},
	Sin:      {"sin", ops.Sin},
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

// op returns the activation's op. It panics if a is not one of the defined
// constants.
func (a Activation) op() graph.Op {
	if !a.valid() {
		panic(fmt.Sprintf("layers: invalid activation %d", int(a)))
	}
	return activations[a].op()
}
