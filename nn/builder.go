package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/graph"
)

// Builder builds one graph layer by layer. Its methods record the first
// error and make later calls no-ops (see the package doc). A Builder is not
// safe for concurrent use.
type Builder struct {
	*state
	prefix string // the scope, "" or ending in "."
}

// state is what a builder and its scopes share.
type state struct {
	g       *graph.Graph
	rng     *rand.Rand
	err     error
	buffers map[string]int // full name → constant node
}

// NewBuilder returns a builder of an empty graph whose parameters are drawn
// from rng. A nil rng means a PCG source seeded (0, 0).
func NewBuilder(rng *rand.Rand) *Builder {
	if rng == nil {
		rng = rand.New(rand.NewPCG(0, 0))
	}
	return &Builder{state: &state{g: graph.New(), rng: rng, buffers: map[string]int{}}}
}

// Error reports a problem with one layer.
type Error struct {
	Layer string // the layer's full name, or "" for a layer without parameters
	Kind  string // the PyTorch module or function, for example "Conv2d"
	Err   error
}

// Error names the layer and its kind.
func (e *Error) Error() string {
	if e.Layer == "" {
		return fmt.Sprintf("nn: %s: %v", e.Kind, e.Err)
	}
	return fmt.Sprintf("nn: %s %s: %v", e.Kind, graph.Quote(e.Layer), e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Graph returns the graph being built. Nodes added to it directly (with
// graph.Graph.Apply, Param or Const) may be mixed with the builder's.
func (b *Builder) Graph() *graph.Graph { return b.g }

// Err returns the first error recorded while building, if any.
func (b *Builder) Err() error {
	if b.err != nil {
		return b.err
	}
	return b.g.Err()
}

// Build makes out the graph's output and returns the graph, or nil and the
// first error recorded while building.
func (b *Builder) Build(out graph.Node) (*graph.Graph, error) {
	if err := b.Err(); err != nil {
		return nil, err
	}
	if out.Graph() != b.g {
		b.fail("Build", "", errors.New("output is not a node of this builder's graph"))
		return nil, b.err
	}
	if err := b.g.SetOutput(out); err != nil {
		b.err = &Error{Kind: "Build", Err: err}
		return nil, b.err
	}
	return b.g, nil
}

// Scope returns a builder of the same graph whose layer names are prefixed
// by prefix and a dot, as the names of a submodule's parameters are in
// PyTorch: b.Scope("layer1").Scope("0").Conv2d("conv1", …) declares
// "layer1.0.conv1.weight". It shares the first error with b.
func (b *Builder) Scope(prefix string) *Builder {
	return &Builder{state: b.state, prefix: b.prefix + prefix + "."}
}

// Seq applies the layers to x in turn and returns the last result, as
// nn.Sequential's forward does. Method values fit directly (b.Relu,
// b.Tanh); layers with arguments are closures:
//
//	h := b.Seq(x,
//		func(h graph.Node) graph.Node { return b.Linear("fc1", h, 400) },
//		b.Relu,
//	)
func (b *Builder) Seq(x graph.Node, layers ...func(graph.Node) graph.Node) graph.Node {
	for _, f := range layers {
		x = f(x)
	}
	return x
}

// Input declares the graph's one input with the given shape, PyTorch's
// batch dimension included where the layers want one: Input("x", 1, 1, 28,
// 28) for one MNIST image, Input("z", 20) for a latent vector.
func (b *Builder) Input(name string, shape ...int) graph.Node {
	return b.do("Input", name, nil, func() graph.Node {
		return b.g.Input(b.name(name), shape...)
	})
}

// Parameter declares a parameter tensor named name (in the builder's
// scope), as an nn.Parameter attribute, with the given shape and initial
// values data (copied; nil means zeros).
func (b *Builder) Parameter(name string, shape []int, data []float64) graph.Node {
	return b.do("Parameter", name, nil, func() graph.Node {
		if name == "" {
			return b.fail("Parameter", name, errors.New("needs a name"))
		}
		return b.g.Param(b.name(name), graph.Shape(shape), data)
	})
}

// Buffer returns the live values of the constant named name (in the
// builder's scope), such as a batch norm's "bn1.running_mean" and
// "bn1.running_var", so that they can be set as a state_dict's buffers are
// loaded; nil if there is none. Engines read them at every call.
func (b *Builder) Buffer(name string) []float64 {
	i, ok := b.buffers[b.name(name)]
	if !ok {
		return nil
	}
	return b.g.Data(i)
}

// name returns the full name of a layer named n in b's scope.
func (b *Builder) name(n string) string {
	if n == "" {
		return ""
	}
	return b.prefix + n
}

// bad returns an invalid node of b's graph, which has an error.
func (b *Builder) bad() graph.Node { return b.g.Const("", nil, nil) }

// fail records err for the layer of kind kind named name (in b's scope),
// unless an error is recorded already, and returns an invalid node.
func (b *Builder) fail(kind, name string, err error) graph.Node {
	if b.err == nil {
		b.err = &Error{Layer: b.name(name), Kind: kind, Err: err}
		b.g.Fail(b.err)
	}
	return b.bad()
}

// failf is fail with a formatted message.
func (b *Builder) failf(kind, name, format string, args ...any) graph.Node {
	return b.fail(kind, name, fmt.Errorf(format, args...))
}

// do runs the layer f of kind kind named name on the inputs xs: it checks
// that there is no error yet and that the inputs are nodes of b's graph,
// and records an error that the graph reports during f as the layer's.
func (b *Builder) do(kind, name string, xs []graph.Node, f func() graph.Node) graph.Node {
	if b.Err() != nil {
		return b.bad()
	}
	for j, x := range xs {
		if x.Graph() != b.g || x.ID() < 0 {
			return b.failf(kind, name, "input %d is not a node of this builder's graph", j)
		}
	}
	n := f()
	if b.err == nil && b.g.Err() != nil {
		b.err = &Error{Layer: b.name(name), Kind: kind, Err: b.g.Err()}
	}
	if b.err != nil {
		return b.bad()
	}
	return n
}

// uniform returns n values uniform in [−bound, bound) from b's source.
func (b *Builder) uniform(n int, bound float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = bound * (2*b.rng.Float64() - 1)
	}
	return v
}

// fill returns n copies of c.
func fill(n int, c float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = c
	}
	return v
}

// kaimingBound is the bound of PyTorch's default weight and bias init,
// 1/√fan_in, or 0 for an empty fan-in.
func kaimingBound(fanIn int) float64 {
	if fanIn <= 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(fanIn))
}

// param declares a parameter of the layer named layer: layer.suffix.
func (b *Builder) param(layer, suffix string, shape graph.Shape, data []float64) graph.Node {
	return b.g.Param(b.name(layer)+"."+suffix, shape, data)
}

// buffer declares a constant of the layer named layer, layer.suffix, and
// records it for Buffer.
func (b *Builder) buffer(layer, suffix string, shape graph.Shape, data []float64) graph.Node {
	name := b.name(layer) + "." + suffix
	n := b.g.Const(name, shape, data)
	if n.ID() >= 0 {
		b.buffers[name] = n.ID()
	}
	return n
}
