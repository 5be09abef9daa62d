package layers

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/ops"
)

// Graph returns the network as a graph of ops (package graph), the form
// every engine runs on. The input is a vector [In()], the output a vector
// [Out()]. Layer l (from 0) is the op Linear followed by its activation, with
// the parameters named
//
//	layers.l.weight   shape [out, in]
//	layers.l.bias     shape [out]
//
// as a PyTorch module holding the layers in a ModuleList named layers would
// name them, declared in that order, so the graph's parameter vector is
// the network's (ParamOffset). The graph's parameters share storage with
// the layers' weights and biases: updates through Network.SetParams, the
// matrices or the graph are seen by both. (A weight matrix that is a strided
// view of a larger one is copied instead; Validate-checked networks built
// by New or ReadJSON are never strided.) An invalid network gives a graph
// whose Err reports why.
func (n *Network) Graph() *graph.Graph {
	if err := n.Validate(); err != nil {
		return errGraph(err)
	}
	g := graph.New()
	h := g.Input("z", n.In())
	for l := range n.Layers {
		lay := &n.Layers[l]
		r, c := lay.W.Dims()
		raw := lay.W.RawMatrix()
		var w graph.Node
		if raw.Stride == c {
			w = g.ParamAlias(fmt.Sprintf("layers.%d.weight", l), graph.Shape{r, c}, raw.Data[:r*c])
		} else {
			w = g.Param(fmt.Sprintf("layers.%d.weight", l), graph.Shape{r, c}, denseData(lay))
		}
		b := g.ParamAlias(fmt.Sprintf("layers.%d.bias", l), graph.Shape{r}, lay.B)
		h = g.Apply(ops.LinearOp(), fmt.Sprintf("layers.%d", l), h, w, b)
		if lay.Act != Identity {
			h = g.Apply(lay.Act.op(), fmt.Sprintf("layers.%d.%s", l, lay.Act), h)
		}
	}
	g.SetOutput(h)
	return g
}

func denseData(l *Layer) []float64 {
	r, c := l.W.Dims()
	d := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		d = append(d, l.W.RawRowView(i)...)
	}
	return d
}

// errGraph returns a graph that reports err.
func errGraph(err error) *graph.Graph {
	g := graph.New()
	g.Fail(err)
	return g
}
