package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
	"github.com/dualgrad/dualgrad/passes"
)

func init() {
	// bn draws variances (input 4) in (0.2, 1.2), the rest in (−1, 1).
	bn := func(rng *rand.Rand, j, _ int, x []float64) {
		for e := range x {
			x[e] = 2*rng.Float64() - 1
			if j == 4 {
				x[e] = 0.2 + rng.Float64()
			}
		}
	}
	for _, c := range []struct {
		name      string
		op        func() graph.Op
		in        []graph.Shape
		shared    []bool
		noTangent []bool
	}{
		{"BatchNorm/NCHW", func() graph.Op { return BatchNorm(1e-5) }, []graph.Shape{{2, 3, 4}, {3}, {3}, {3}, {3}}, []bool{false, true, true, true, true}, nil},
		{"BatchNorm/NC-const-stats", func() graph.Op { return BatchNorm(0.1) }, []graph.Shape{{1, 3}, {3}, {3}, {3}, {3}}, []bool{false, true, true, true, true}, []bool{false, false, false, true, true}},
		{"BatchNorm/4d-per-sample-scale", func() graph.Op { return BatchNorm(1e-3) }, []graph.Shape{{1, 2, 2, 3}, {2}, {2}, {2}, {2}}, []bool{true, false, true, false, true}, nil},
		{"LayerNorm/last", func() graph.Op { return LayerNorm(-1, 1e-5) }, []graph.Shape{{2, 5}, {5}, {5}}, []bool{false, true, true}, nil},
		{"LayerNorm/axis1-broadcast", func() graph.Op { return LayerNorm(1, 1e-5) }, []graph.Shape{{2, 3, 4}, {3, 4}, {4}}, []bool{false, true, true}, nil},
		{"LayerNorm/no-bias", func() graph.Op { return LayerNorm(-2, 0.5) }, []graph.Shape{{3, 2, 4}, {2, 4}}, []bool{false, true}, nil},
		{"LayerNorm/all-per-sample-scale", func() graph.Op { return LayerNorm(0, 1e-2) }, []graph.Shape{{2, 3}, {1, 3}, {2, 1}}, []bool{false, false, true}, nil},
		{"LayerNorm/shared-x", func() graph.Op { return LayerNorm(-1, 1e-5) }, []graph.Shape{{2, 4}, {4}, {4}}, []bool{true, false, false}, nil},
		{"InstanceNorm/NCL", func() graph.Op { return InstanceNorm(1e-5) }, []graph.Shape{{2, 3, 4}, {3}, {3}}, []bool{false, true, true}, nil},
		{"InstanceNorm/NCHW", func() graph.Op { return InstanceNorm(1e-3) }, []graph.Shape{{1, 2, 2, 3}, {2}, {2}}, []bool{false, true, true}, nil},
		{"InstanceNorm/groupnorm-const-affine", func() graph.Op { return InstanceNorm(1e-5) }, []graph.Shape{{1, 2, 6}, {2}, {2}}, []bool{false, true, true}, []bool{false, true, true}},
		{"InstanceNorm/per-sample-scale", func() graph.Op { return InstanceNorm(0.1) }, []graph.Shape{{1, 2, 3}, {2}, {2}}, []bool{false, false, true}, nil},
	} {
		oc := opCase{name: c.name, op: c.op, in: c.in, shared: c.shared, noTangent: c.noTangent}
		if c.name[:9] == "BatchNorm" {
			oc.gen = bn
		}
		opCases = append(opCases, oc)
	}

	eps := func(c *fixtureCase) (float64, error) {
		e := 1e-5 // the ONNX default
		_, err := c.attr("epsilon", &e)
		return e, err
	}
	fixtureBuilders["BatchNormalization"] = func(c *fixtureCase) (graph.Op, error) {
		e, err := eps(c)
		return BatchNorm(e), err
	}
	fixtureBuilders["LayerNormalization"] = func(c *fixtureCase) (graph.Op, error) {
		e, err := eps(c)
		axis := -1
		if _, err2 := c.attr("axis", &axis); err == nil {
			err = err2
		}
		return LayerNorm(axis, e), err
	}
	fixtureBuilders["InstanceNormalization"] = func(c *fixtureCase) (graph.Op, error) {
		e, err := eps(c)
		return InstanceNorm(e), err
	}
}

// TestLayerNormOpset13 checks that layer norm as PyTorch exports it below
// opset 17 (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add; Pow
// by 2 written here as Mul and Sqrt as a local element-wise op) gives
// LayerNorm's values and first and second derivatives through the tape.
func TestLayerNormOpset13(t *testing.T) {
	const eps = 1e-5
	shape := graph.Shape{2, 3, 5}
	rng := rand.New(rand.NewPCG(3, 4))
	vals := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = 2*rng.Float64() - 1
		}
		return v
	}
	gamma, beta := vals(5), vals(5)
	build := func(composite bool) *graph.Graph {
		g := graph.New()
		x := g.Input("x", shape...)
		gm := g.Param("weight", graph.Shape{5}, gamma)
		bt := g.Param("bias", graph.Shape{5}, beta)
		var y graph.Node
		if composite {
			mean := g.Apply(ReduceMean([]int{-1}, true), "", x)
			d := g.Apply(Sub(), "", x, mean)
			vr := g.Apply(ReduceMean([]int{-1}, true), "", g.Apply(Mul(), "", d, d))
			sd := g.Apply(newUnary("Sqrt", 10, hyperdual.Sqrt), "", g.Apply(Add(), "", vr, g.Const("eps", graph.Shape{}, []float64{eps})))
			y = g.Apply(Add(), "", g.Apply(Mul(), "", g.Apply(Div(), "", d, sd), gm), bt)
		} else {
			y = g.Apply(LayerNorm(-1, eps), "", x, gm, bt)
		}
		if err := g.SetOutput(y); err != nil {
			t.Fatal(err)
		}
		return g
	}
	const nb, dirs = 2, 3
	n := shape.Size()
	x := graph.MakeBlock(vals(nb*n), nb, n)
	seed := graph.MakeBlock(vals(nb*dirs*n), nb*dirs, n)
	w0 := graph.MakeBlock(vals(nb*dirs*n), nb*dirs, n)
	v0 := graph.MakeBlock(vals(nb*dirs*n), nb*dirs, n)
	type result struct{ y, tan, w, v, pw, pv []float64 }
	run := func(g *graph.Graph) result {
		tp := passes.NewTape(g)
		tp.Forward(x)
		tp.Tangent(seed)
		sinks := make([][]float64, 2)
		for i := range sinks {
			sinks[i] = make([]float64, 5)
		}
		sink := func(p int) graph.Block { return graph.MakeBlock(sinks[p], 1, 5) }
		tp.Reverse(w0, sink)
		var res result
		res.y = append(res.y, tp.Output().Data...)
		res.tan = append(res.tan, tp.Tan(g.OutputNode()).Data...)
		res.w = append(res.w, tp.W(g.InputNode()).Data...)
		res.pw = append(append(res.pw, sinks[0]...), sinks[1]...)
		tp.Reverse2(w0, v0, true, nb*dirs, sink)
		res.v = append(res.v, tp.V(g.InputNode()).Data...)
		res.pv = append(append(res.pv, sinks[0]...), sinks[1]...)
		return res
	}
	a, b := run(build(true)), run(build(false))
	for _, c := range []struct {
		what string
		x, y []float64
	}{{"value", a.y, b.y}, {"tangent", a.tan, b.tan}, {"input cotangent", a.w, b.w}, {"parameter gradient", a.pw, b.pw},
		{"input second-order cotangent", a.v, b.v}, {"parameter second-order cotangent", a.pv, b.pv}} {
		scale := 0.0
		for _, v := range c.y {
			scale = math.Max(scale, math.Abs(v))
		}
		for i := range c.x {
			if math.Abs(c.x[i]-c.y[i]) > 1e-12*scale {
				t.Errorf("%s element %d: composite %v, LayerNorm %v", c.what, i, c.x[i], c.y[i])
				break
			}
		}
	}
}
