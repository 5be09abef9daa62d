// Package layers evaluates small fully connected networks and carries many
// derivative directions through them at once as matrix blocks, so that a
// linear layer is one GEMM for every direction together.
package layers

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Layer is the affine map y = σ(W·x + b).
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

// Network is a sequence of layers applied in order.
type Network struct {
	Layers []Layer
}

// In returns the network's input width.
func (n *Network) In() int { return n.Layers[0].In() }

// Out returns the network's output width.
func (n *Network) Out() int { return n.Layers[len(n.Layers)-1].Out() }

// NumParams returns the number of parameters, weights and biases together.
func (n *Network) NumParams() int {
	p := 0
	for i := range n.Layers {
		p += n.Layers[i].NumParams()
	}
	return p
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

// Params writes the flat parameter vector into dst, allocating it if dst is
// nil, and returns it. It panics if dst is not nil and its length is not
// NumParams.
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

// SetParams copies the flat parameter vector p into the network. It panics
// if len(p) is not NumParams.
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
