package ops

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
)

func init() {
	for _, c := range []struct {
		name   string
		op     func() graph.Op
		in     []graph.Shape
		shared []bool
	}{
		{"Reshape/resolved", func() graph.Op { return Reshape([]int{3, 4}) }, []graph.Shape{{2, 6}}, nil},
		{"Reshape/infer-copy", func() graph.Op { return Reshape([]int{0, -1, 2}) }, []graph.Shape{{2, 3, 4}}, nil},
		{"Reshape/shared", func() graph.Op { return Reshape([]int{-1}) }, []graph.Shape{{2, 3}}, []bool{true}},
		{"Flatten/1", func() graph.Op { return Flatten(1) }, []graph.Shape{{2, 3, 2}}, nil},
		{"Flatten/0", func() graph.Op { return Flatten(0) }, []graph.Shape{{2, 3}}, nil},
		{"Flatten/-1", func() graph.Op { return Flatten(-1) }, []graph.Shape{{2, 3, 2}}, []bool{true}},
		{"Squeeze/axes", func() graph.Op { return Squeeze([]int{0, -1}) }, []graph.Shape{{1, 3, 1, 2, 1}}, nil},
		{"Squeeze/all", func() graph.Op { return Squeeze(nil) }, []graph.Shape{{1, 3, 1, 2}}, []bool{true}},
		{"Unsqueeze", func() graph.Op { return Unsqueeze([]int{0, -1, 2}) }, []graph.Shape{{3, 2}}, nil},
		{"Transpose/perm", func() graph.Op { return Transpose([]int{2, 0, 1}) }, []graph.Shape{{2, 3, 4}}, nil},
		{"Transpose/default", func() graph.Op { return Transpose(nil) }, []graph.Shape{{2, 3, 4}}, []bool{true}},
		{"Concat/3", func() graph.Op { return Concat(1) }, []graph.Shape{{2, 1, 3}, {2, 2, 3}, {2, 3, 3}}, []bool{false, true, false}},
		{"Concat/-1", func() graph.Op { return Concat(-1) }, []graph.Shape{{2, 2}, {2, 3}}, []bool{true, false}},
		{"Concat/1-input", func() graph.Op { return Concat(0) }, []graph.Shape{{3, 2}}, nil},
		{"Slice/basic", func() graph.Op { return Slice([]int{1, 0}, []int{3, 4}, []int{0, 2}, nil) }, []graph.Shape{{4, 3, 5}}, nil},
		{"Slice/steps", func() graph.Op {
			return Slice([]int{-1, 0}, []int{math.MinInt, math.MaxInt}, []int{1, -1}, []int{-2, 3})
		}, []graph.Shape{{2, 5, 7}}, nil},
		{"Slice/clamp", func() graph.Op { return Slice([]int{-100, 10}, []int{100, -100}, nil, []int{1, -1}) }, []graph.Shape{{3, 4}}, []bool{true}},
		{"Gather/axis0", func() graph.Op { return Gather(0, []int64{2, -1, 0, 0}, graph.Shape{2, 2}) }, []graph.Shape{{3, 4}}, nil},
		{"Gather/axis1-scalar", func() graph.Op { return Gather(1, []int64{-2}, graph.Shape{}) }, []graph.Shape{{2, 3, 2}}, nil},
		{"Gather/shared", func() graph.Op { return Gather(-1, []int64{1, 1, 0}, graph.Shape{3}) }, []graph.Shape{{2, 2}}, []bool{true}},
		{"Pad/constant", func() graph.Op { return Pad("constant", []int{1, 0, 2, 1}, 0.5) }, []graph.Shape{{2, 3}}, nil},
		{"Pad/crop", func() graph.Op { return Pad("constant", []int{0, -1, 1, 0, 2, -1}, -1) }, []graph.Shape{{2, 3, 4}}, []bool{true}},
		{"Expand/unidirectional", func() graph.Op { return Expand([]int{2, 3, 4}) }, []graph.Shape{{3, 1}}, nil},
		{"Expand/bidirectional", func() graph.Op { return Expand([]int{2, 1, 1}) }, []graph.Shape{{3, 4}}, []bool{true}},
	} {
		opCases = append(opCases, opCase{name: c.name, op: c.op, in: c.in, shared: c.shared})
	}

	ints := func(c *fixtureCase, name string) ([]int, error) {
		var v []int
		_, err := c.attr(name, &v)
		return v, err
	}
	one := func(c *fixtureCase, name string) (int, error) {
		var v int
		ok, err := c.attr(name, &v)
		if err == nil && !ok {
			err = fmt.Errorf("no attribute %s", name)
		}
		return v, err
	}
	withInts := func(name string, f func([]int) graph.Op) {
		fixtureBuilders[name] = func(c *fixtureCase) (graph.Op, error) {
			v, err := ints(c, "ints")
			return f(v), err
		}
	}
	withInt := func(name string, f func(int) graph.Op) {
		fixtureBuilders[name] = func(c *fixtureCase) (graph.Op, error) {
			v, err := one(c, "axis")
			return f(v), err
		}
	}
	withInts("Reshape", Reshape)
	withInts("Transpose", Transpose)
	withInts("Squeeze", Squeeze)
	withInts("Unsqueeze", Unsqueeze)
	withInts("Expand", Expand)
	withInt("Flatten", Flatten)
	withInt("Concat", Concat)
	fixtureBuilders["Slice"] = func(c *fixtureCase) (graph.Op, error) {
		var v [4][]int
		for i, name := range []string{"starts", "ends", "axes", "steps"} {
			var err error
			if v[i], err = ints(c, name); err != nil {
				return nil, err
			}
		}
		return Slice(v[0], v[1], v[2], v[3]), nil
	}
	fixtureBuilders["Gather"] = func(c *fixtureCase) (graph.Op, error) {
		axis, err := one(c, "axis")
		if err != nil {
			return nil, err
		}
		var idx []int64
		var shape []int
		if _, err := c.attr("indices", &idx); err != nil {
			return nil, err
		}
		if _, err := c.attr("indices_shape", &shape); err != nil {
			return nil, err
		}
		return Gather(axis, idx, graph.Shape(shape)), nil
	}
	fixtureBuilders["Pad"] = func(c *fixtureCase) (graph.Op, error) {
		pads, err := ints(c, "pads")
		if err != nil {
			return nil, err
		}
		var value float64
		if _, err := c.attr("value", &value); err != nil {
			return nil, err
		}
		return Pad("constant", pads, value), nil
	}
}

// TestShapeInit checks shape inference and the errors of Init.
func TestShapeInit(t *testing.T) {
	for _, c := range []struct {
		name string
		op   graph.Op
		in   []graph.Shape
		want graph.Shape // nil: an error
	}{
		{"Reshape/0-1", Reshape([]int{0, -1}), []graph.Shape{{2, 3, 4}}, graph.Shape{2, 12}},
		{"Reshape/scalar", Reshape([]int{}), []graph.Shape{{1, 1}}, graph.Shape{}},
		{"Reshape/two-1", Reshape([]int{-1, -1}), []graph.Shape{{2, 3}}, nil},
		{"Reshape/size", Reshape([]int{4, 2}), []graph.Shape{{2, 3}}, nil},
		{"Reshape/0-out-of-range", Reshape([]int{6, 0}), []graph.Shape{{6}}, nil},
		{"Reshape/-2", Reshape([]int{-2, -3}), []graph.Shape{{6}}, nil},
		{"Flatten/rank", Flatten(2), []graph.Shape{{2, 3}}, graph.Shape{6, 1}},
		{"Flatten/out-of-range", Flatten(3), []graph.Shape{{2, 3}}, nil},
		{"Squeeze/not-1", Squeeze([]int{0}), []graph.Shape{{2, 1}}, nil},
		{"Squeeze/twice", Squeeze([]int{1, -1}), []graph.Shape{{2, 1}}, nil},
		{"Squeeze/to-scalar", Squeeze(nil), []graph.Shape{{1, 1}}, graph.Shape{}},
		{"Unsqueeze/scalar", Unsqueeze([]int{0}), []graph.Shape{{}}, graph.Shape{1}},
		{"Unsqueeze/twice", Unsqueeze([]int{0, -3}), []graph.Shape{{2}}, nil},
		{"Unsqueeze/none", Unsqueeze(nil), []graph.Shape{{2}}, nil},
		{"Transpose/not-perm", Transpose([]int{0, 0}), []graph.Shape{{2, 2}}, nil},
		{"Transpose/rank", Transpose([]int{0}), []graph.Shape{{2, 2}}, nil},
		{"Concat/ranks", Concat(0), []graph.Shape{{2}, {2, 1}}, nil},
		{"Concat/dims", Concat(0), []graph.Shape{{2, 2}, {2, 1}}, nil},
		{"Concat/none", Concat(0), nil, nil},
		{"Slice/step0", Slice([]int{0}, []int{1}, nil, []int{0}), []graph.Shape{{2}}, nil},
		{"Slice/lengths", Slice([]int{0}, []int{1, 2}, nil, nil), []graph.Shape{{2, 2}}, nil},
		{"Slice/empty", Slice([]int{3}, []int{1}, nil, nil), []graph.Shape{{4}}, graph.Shape{0}},
		{"Slice/reverse-clamped-start", Slice([]int{-10}, []int{-20}, nil, []int{-1}), []graph.Shape{{5}}, graph.Shape{1}},
		{"Slice/reverse-all", Slice([]int{-1}, []int{math.MinInt}, nil, []int{-1}), []graph.Shape{{5}}, graph.Shape{5}},
		{"Gather/range", Gather(0, []int64{3}, graph.Shape{1}), []graph.Shape{{3}}, nil},
		{"Gather/range-negative", Gather(0, []int64{-4}, graph.Shape{1}), []graph.Shape{{3}}, nil},
		{"Gather/count", Gather(0, []int64{0, 1}, graph.Shape{3}), []graph.Shape{{3}}, nil},
		{"Gather/matrix", Gather(1, []int64{0, 1, 1, 0, 2, 2}, graph.Shape{2, 3}), []graph.Shape{{4, 3, 5}}, graph.Shape{4, 2, 3, 5}},
		{"Pad/reflect", Pad("reflect", []int{1, 1}, 0), []graph.Shape{{3}}, nil},
		{"Pad/edge", Pad("edge", []int{1, 1}, 0), []graph.Shape{{3}}, nil},
		{"Pad/count", Pad("constant", []int{1}, 0), []graph.Shape{{3}}, nil},
		{"Pad/over-crop", Pad("constant", []int{-2, -2}, 0), []graph.Shape{{3}}, nil},
		{"Pad/value", Pad("constant", []int{1, 1}, math.NaN()), []graph.Shape{{3}}, nil},
		{"Pad/default-mode", Pad("", []int{1, 1}, 0), []graph.Shape{{3}}, graph.Shape{5}},
		{"Expand/mismatch", Expand([]int{3}), []graph.Shape{{2}}, nil},
		{"Expand/negative", Expand([]int{-1}), []graph.Shape{{2}}, nil},
	} {
		out, err := c.op.Init(c.in)
		switch {
		case c.want == nil && err == nil:
			t.Errorf("%s: Init gave %v, want an error", c.name, out)
		case c.want != nil && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != nil && !out.Equal(c.want):
			t.Errorf("%s: shape %v, want %v", c.name, out, c.want)
		case err != nil:
			t.Logf("%s: %v", c.name, err)
		}
	}
}

// TestPadModeError checks that the error names the unsupported mode.
func TestPadModeError(t *testing.T) {
	_, err := Pad("reflect", []int{1, 1}, 0).Init([]graph.Shape{{3}})
	if err == nil || !strings.Contains(err.Error(), `"reflect"`) {
		t.Errorf("error %v, want one naming \"reflect\"", err)
	}
}
