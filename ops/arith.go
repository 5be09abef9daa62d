package ops

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// addKernel is a·x + b·y with NumPy broadcasting: Add (b = 1) and Sub
// (b = −1). It is linear, so its one definition serves every pass.
type addKernel struct {
	name   string
	ca, cb float64
	ia, ib []int
	size   int
}

// Add returns ONNX Add, x + y with NumPy broadcasting.
func Add() graph.Op { return newLinear(&addKernel{name: "Add", ca: 1, cb: 1}) }

// Sub returns ONNX Sub, x − y with NumPy broadcasting.
func Sub() graph.Op { return newLinear(&addKernel{name: "Sub", ca: 1, cb: -1}) }

func (k *addKernel) Type() string { return k.name }

func (k *addKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	out, err := Broadcast(in[0], in[1])
	if err != nil {
		return nil, err
	}
	k.ia, k.ib = BroadcastIndex(in[0], out), BroadcastIndex(in[1], out)
	k.size = out.Size()
	return out, nil
}

func (k *addKernel) Cost() float64 { return float64(k.size) }

func (k *addKernel) Apply(_ *graph.State, out graph.Block, in []graph.Block) {
	for r := 0; r < out.Rows; r++ {
		y := out.Row(r)
		clear(y)
		for j, c := range [2]float64{k.ca, k.cb} {
			x := in[j]
			if x.Zero() {
				continue
			}
			xr, idx := x.Row(pairRow(r, out.Rows, x.Rows)), k.ia
			if j == 1 {
				idx = k.ib
			}
			for e, i := range idx {
				y[e] += c * xr[i]
			}
		}
	}
}

func (k *addKernel) Transpose(_ *graph.State, inC []graph.Block, w graph.Block) {
	for j, c := range [2]float64{k.ca, k.cb} {
		dst := inC[j]
		if dst.Zero() {
			continue
		}
		idx := k.ia
		if j == 1 {
			idx = k.ib
		}
		for r := 0; r < w.Rows; r++ {
			wr, cr := w.Row(r), dst.Row(pairRow(r, w.Rows, dst.Rows))
			for e, i := range idx {
				cr[i] += c * wr[e]
			}
		}
	}
}

// Mul returns ONNX Mul, x·y element-wise with NumPy broadcasting.
func Mul() graph.Op { return newBinary("Mul", 1, hyperdual.Mul) }

// Div returns ONNX Div, x/y element-wise with NumPy broadcasting.
//
// Special cases are those of hyperdual.Div: a zero divisor gives ±Inf or
// NaN, which the engines report as a non-finite result.
func Div() graph.Op { return newBinary("Div", 4, hyperdual.Div) }

// scaleKernel is c·x: Identity (c = 1) and Neg (c = −1), linear so that the
// passes skip their second order.
type scaleKernel struct {
	name string
	c    float64
	size int
}

// Identity returns ONNX Identity, x itself.
func Identity() graph.Op { return newLinear(&scaleKernel{name: "Identity", c: 1}) }

// Neg returns ONNX Neg, −x. Special cases are: Neg(±0) = ∓0, Neg(NaN) = NaN.
func Neg() graph.Op { return newLinear(&scaleKernel{name: "Neg", c: -1}) }

func (k *scaleKernel) Type() string { return k.name }

func (k *scaleKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	k.size = in[0].Size()
	return in[0].Clone(), nil
}

func (k *scaleKernel) Cost() float64 { return float64(k.size) }

func (k *scaleKernel) Apply(_ *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	for r := 0; r < out.Rows; r++ {
		y := out.Row(r)
		if x.Zero() {
			clear(y)
			continue
		}
		for e, v := range x.Row(pairRow(r, out.Rows, x.Rows)) {
			y[e] = k.c * v
		}
	}
}

func (k *scaleKernel) Transpose(_ *graph.State, inC []graph.Block, w graph.Block) {
	dst := inC[0]
	if dst.Zero() {
		return
	}
	for r := 0; r < w.Rows; r++ {
		wr, cr := w.Row(r), dst.Row(pairRow(r, w.Rows, dst.Rows))
		for e, v := range wr {
			cr[e] += k.c * v
		}
	}
}
