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
	out, err := broadcast(in[0], in[1])
	if err != nil {
		return nil, err
	}
	k.ia, k.ib = broadcastIndex(in[0], out), broadcastIndex(in[1], out)
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
