package layers

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Layer is the map x ↦ σ(W·x + b).
type Layer struct {
	W   *mat.Dense // out × in
	B   []float64  // out
	Act Activation // applied element-wise after the affine map
}

// In returns the layer's input width.
func (l *Layer) In() int { _, c := l.W.Dims(); return c }

// Out returns the layer's output width.
func (l *Layer) Out() int { r, _ := l.W.Dims(); return r }

// NumParams returns out·in + out.
func (l *Layer) NumParams() int { r, c := l.W.Dims(); return r*c + r }

// Network is a sequence of layers applied in order. Layer l's input width
// must equal layer l−1's output width; Validate checks this and the rest of
// a network's invariants, and the passes assume them.
type Network struct {
	Layers []Layer
}

// A LayerError reports an invalid field of one layer, found by Validate or
// while reading the JSON format.
type LayerError struct {
	Layer int    // index of the layer, from 0
	Field string // "weight" (Layer.W), "bias" (Layer.B), "activation" (Layer.Act), or "" for the whole layer
	Msg   string // what is wrong
}

// Error names the layer, counted from 0, and the field.
func (e *LayerError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("layers: layer %d: %s", e.Layer, e.Msg)
	}
	return fmt.Sprintf("layers: layer %d: %s: %s", e.Layer, e.Field, e.Msg)
}

func layerErrorf(l int, field, format string, args ...any) *LayerError {
	return &LayerError{Layer: l, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// errEmpty is returned for a network without layers.
var errEmpty = errors.New("layers: network has no layers")

// New returns a network of the given layers after checking it as Validate
// does. The network keeps the layers' matrices and bias slices, not copies.
func New(layers ...Layer) (*Network, error) {
	n := &Network{Layers: append([]Layer(nil), layers...)}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return n, nil
}

// Validate reports whether n is a usable network: it has at least one layer;
// every layer has a non-empty weight, a bias with one entry per weight row
// and a defined activation; all numbers are finite; and each layer's input
// width equals the previous layer's output width. A violation is reported
// as a *LayerError naming the first offending layer and field.
func (n *Network) Validate() error {
	if n == nil || len(n.Layers) == 0 {
		return errEmpty
	}
	for l := range n.Layers {
		prev := -1
		if l > 0 {
			prev = n.Layers[l-1].Out()
		}
		if err := checkLayer(l, &n.Layers[l], prev); err != nil {
			return err
		}
	}
	return nil
}

// checkLayer validates layer l, whose predecessor has prevOut outputs, or
// which is the first layer if prevOut < 0.
func checkLayer(l int, lay *Layer, prevOut int) error {
	if lay.W == nil || lay.W.IsEmpty() {
		return layerErrorf(l, "weight", "missing")
	}
	r, c := lay.W.Dims()
	if prevOut >= 0 && c != prevOut {
		return layerErrorf(l, "weight", "has %d columns, want %d to match layer %d's %d outputs", c, prevOut, l-1, prevOut)
	}
	for i := 0; i < r; i++ {
		for j, v := range lay.W.RawRowView(i) {
			if !finite(v) {
				return layerErrorf(l, "weight", "row %d, column %d is %v, want a finite number", i, j, v)
			}
		}
	}
	if len(lay.B) != r {
		return layerErrorf(l, "bias", "has length %d, want %d (the weight's row count)", len(lay.B), r)
	}
	for i, v := range lay.B {
		if !finite(v) {
			return layerErrorf(l, "bias", "element %d is %v, want a finite number", i, v)
		}
	}
	if !lay.Act.valid() {
		return layerErrorf(l, "activation", "invalid value %d", int(lay.Act))
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// In returns the network's input width. It panics if n has no layers.
func (n *Network) In() int { n.mustLayers("In"); return n.Layers[0].In() }

// Out returns the network's output width. It panics if n has no layers.
func (n *Network) Out() int { n.mustLayers("Out"); return n.Layers[len(n.Layers)-1].Out() }

// mustLayers panics, naming the method, if n is nil or has no layers: a
// programmer error, as in gonum, but with a message instead of a nil
// dereference.
func (n *Network) mustLayers(method string) {
	switch {
	case n == nil:
		panic("layers: " + method + " of a nil *Network")
	case len(n.Layers) == 0:
		panic("layers: " + method + " of a network without layers")
	}
}

// NumParams returns the number of parameters, weights and biases together.
// It panics if n is nil.
func (n *Network) NumParams() int {
	if n == nil {
		panic("layers: NumParams of a nil *Network")
	}
	return n.ParamOffset(len(n.Layers))
}

// ParamOffset returns the index of layer l's first parameter in the flat
// parameter vector. ParamOffset(len(n.Layers)) is NumParams.
//
// Parameters are flattened in PyTorch's parameters() order: layer by layer,
// the weight row-major, then the bias. Within layer l, W[i][j] is at
// ParamOffset(l) + i·in + j and b[i] at ParamOffset(l) + out·in + i.
func (n *Network) ParamOffset(l int) int {
	p := 0
	for i := 0; i < l; i++ {
		p += n.Layers[i].NumParams()
	}
	return p
}

// Params writes the flat parameter vector, in the order ParamOffset
// describes, into dst, allocating it if dst is nil, and returns it. It
// panics if dst is not nil and its length is not NumParams.
func (n *Network) Params(dst []float64) []float64 {
	np := n.NumParams()
	if dst == nil {
		dst = make([]float64, np)
	}
	if len(dst) != np {
		panic(fmt.Sprintf("layers: parameter vector has length %d, want %d", len(dst), np))
	}
	k := 0
	for i := range n.Layers {
		l := &n.Layers[i]
		r, c := l.W.Dims()
		for a := 0; a < r; a++ {
			k += copy(dst[k:k+c], l.W.RawRowView(a))
		}
		k += copy(dst[k:k+r], l.B)
	}
	return dst
}

// SetParams copies the flat parameter vector p, in the order ParamOffset
// describes, into the network's weights and biases. It panics if len(p) is
// not NumParams.
func (n *Network) SetParams(p []float64) {
	if len(p) != n.NumParams() {
		panic(fmt.Sprintf("layers: parameter vector has length %d, want %d", len(p), n.NumParams()))
	}
	k := 0
	for i := range n.Layers {
		l := &n.Layers[i]
		r, c := l.W.Dims()
		for a := 0; a < r; a++ {
			k += copy(l.W.RawRowView(a), p[k:k+c])
		}
		k += copy(l.B, p[k:k+r])
	}
}
