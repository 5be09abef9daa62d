package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
)

func init() {
	// ties: every value is drawn from a few levels, so that maxima tie.
	ties := func(rng *rand.Rand, _, _ int, x []float64) {
		for e := range x {
			x[e] = float64(rng.IntN(3)) - 1
		}
	}
	// large: ±700 plus a small spread, so that max-subtraction matters.
	large := func(rng *rand.Rand, _, _ int, x []float64) {
		for e := range x {
			x[e] = 2 * (rng.Float64() - 0.5)
			if rng.IntN(2) == 0 {
				x[e] += 700
			} else {
				x[e] -= 700
			}
		}
	}
	for _, c := range []struct {
		name   string
		op     func() graph.Op
		in     graph.Shape
		shared bool
		gen    func(*rand.Rand, int, int, []float64)
		fdTol  float64
	}{
		{"ReduceSum/axis1", func() graph.Op { return ReduceSum([]int{1}, false) }, graph.Shape{2, 3, 4}, false, nil, 0},
		{"ReduceSum/neg-axes-keep", func() graph.Op { return ReduceSum([]int{-1, 0}, true) }, graph.Shape{3, 2, 4}, false, nil, 0},
		{"ReduceSum/all", func() graph.Op { return ReduceSum(nil, false) }, graph.Shape{2, 3}, false, nil, 0},
		{"ReduceSum/param", func() graph.Op { return ReduceSum([]int{0}, true) }, graph.Shape{3, 2}, true, nil, 0},
		{"ReduceMean/keep", func() graph.Op { return ReduceMean([]int{1, 2}, true) }, graph.Shape{2, 3, 4}, false, nil, 0},
		{"ReduceMean/last", func() graph.Op { return ReduceMean([]int{-1}, true) }, graph.Shape{1, 4, 5}, false, nil, 0},
		{"ReduceMean/all-param", func() graph.Op { return ReduceMean(nil, true) }, graph.Shape{2, 3}, true, nil, 0},
		{"ReduceMax/axis1", func() graph.Op { return ReduceMax([]int{1}, false) }, graph.Shape{2, 3, 4}, false, nil, 0},
		{"ReduceMax/keep", func() graph.Op { return ReduceMax([]int{0, -1}, true) }, graph.Shape{2, 3, 4}, false, nil, 0},
		{"ReduceMax/all", func() graph.Op { return ReduceMax(nil, false) }, graph.Shape{3, 4}, false, nil, 0},
		{"ReduceMax/ties", func() graph.Op { return ReduceMax([]int{-1}, false) }, graph.Shape{2, 3, 5}, false, ties, -1},
		{"ReduceMax/ties-param", func() graph.Op { return ReduceMax([]int{0}, true) }, graph.Shape{4, 3}, true, ties, -1},
		{"Softmax/axis1", func() graph.Op { return Softmax(1) }, graph.Shape{2, 3, 4}, false, nil, 0},
		{"Softmax/last", func() graph.Op { return Softmax(-1) }, graph.Shape{3, 5}, false, nil, 0},
		{"Softmax/axis0-param", func() graph.Op { return Softmax(0) }, graph.Shape{4, 2}, true, nil, 0},
		{"Softmax/large", func() graph.Op { return Softmax(-1) }, graph.Shape{2, 6}, false, large, 0},
		{"Softmax/ties", func() graph.Op { return Softmax(1) }, graph.Shape{1, 4, 3}, false, ties, 0},
		{"LogSoftmax/axis1", func() graph.Op { return LogSoftmax(1) }, graph.Shape{2, 3, 4}, false, nil, 0},
		{"LogSoftmax/last", func() graph.Op { return LogSoftmax(-1) }, graph.Shape{3, 5}, false, nil, 0},
		{"LogSoftmax/axis0-param", func() graph.Op { return LogSoftmax(-2) }, graph.Shape{4, 2}, true, nil, 0},
		{"LogSoftmax/large", func() graph.Op { return LogSoftmax(1) }, graph.Shape{2, 6}, false, large, 0},
	} {
		opCases = append(opCases, opCase{name: c.name, op: c.op, in: []graph.Shape{c.in}, shared: []bool{c.shared}, gen: c.gen, fdTol: c.fdTol})
	}

	reduce := func(f func([]int, bool) graph.Op) func(*fixtureCase) (graph.Op, error) {
		return func(c *fixtureCase) (graph.Op, error) {
			var axes []int
			keep := 1 // the ONNX default
			if _, err := c.attr("axes", &axes); err != nil {
				return nil, err
			}
			if _, err := c.attr("keepdims", &keep); err != nil {
				return nil, err
			}
			return f(axes, keep != 0), nil
		}
	}
	fixtureBuilders["ReduceSum"] = reduce(ReduceSum)
	fixtureBuilders["ReduceMean"] = reduce(ReduceMean)
	fixtureBuilders["ReduceMax"] = reduce(ReduceMax)
	softmax := func(f func(int) graph.Op) func(*fixtureCase) (graph.Op, error) {
		return func(c *fixtureCase) (graph.Op, error) {
			axis := -1 // the ONNX default from opset 13
			if _, err := c.attr("axis", &axis); err != nil {
				return nil, err
			}
			return f(axis), nil
		}
	}
	fixtureBuilders["Softmax"] = softmax(Softmax)
	fixtureBuilders["LogSoftmax"] = softmax(LogSoftmax)
}

// TestReduceMaxTiesAndNaN checks that a tie's value is the maximum bit for
// bit and its derivative an even split, and that a NaN makes the slice's
// value and every element's derivative NaN, as torch.amax's backward does.
func TestReduceMaxTiesAndNaN(t *testing.T) {
	op := ReduceMax([]int{-1}, false)
	if _, err := op.Init([]graph.Shape{{2, 4}}); err != nil {
		t.Fatal(err)
	}
	var tmp []float64
	st := graph.NewState(&tmp)
	st.Samples = 1
	x := graph.MakeBlock([]float64{0.1, 0.1, -1, 0.1, 2, math.NaN(), 3, 1}, 1, 8)
	y := graph.MakeBlock(make([]float64, 2), 1, 2)
	op.Forward(st, y, []graph.Block{x})
	if y.Data[0] != 0.1 || !math.IsNaN(y.Data[1]) {
		t.Errorf("values %v, want [0.1 NaN]", y.Data)
	}
	c := graph.MakeBlock(make([]float64, 8), 1, 8)
	op.VJP(st, []graph.Block{c}, []graph.Block{x}, graph.MakeBlock([]float64{3, 1}, 1, 2))
	for e, want := range []float64{1, 1, 0, 1} {
		if c.Data[e] != want {
			t.Errorf("VJP element %d: %v, want %v", e, c.Data[e], want)
		}
	}
	for e := 4; e < 8; e++ {
		if !math.IsNaN(c.Data[e]) {
			t.Errorf("VJP element %d: %v, want NaN", e, c.Data[e])
		}
	}
}
