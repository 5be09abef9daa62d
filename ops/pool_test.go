package ops

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
)

// distinctValues fills x with values in (−1, 1) at least 1/len(x) apart, so
// that no pooling window has a tie and central differences never straddle
// a switch of the argmax.
func distinctValues(rng *rand.Rand, _, _ int, x []float64) {
	n := len(x)
	for e, p := range rng.Perm(n) {
		x[e] = (float64(p)+0.5*rng.Float64())*2/float64(n) - 1
	}
}

// tiedValues fills x with the integers 0, 1 and 2: many ties.
func tiedValues(rng *rand.Rand, _, _ int, x []float64) {
	for e := range x {
		x[e] = float64(rng.IntN(3))
	}
}

func init() {
	mp := func(a PoolAttrs) func() graph.Op { return func() graph.Op { return MaxPool(a) } }
	ap := func(a PoolAttrs) func() graph.Op { return func() graph.Op { return AveragePool(a) } }
	rs := func(a ResizeAttrs) func() graph.Op { return func() graph.Op { return Resize(a) } }
	shared := []bool{true}
	for _, c := range []opCase{
		{name: "MaxPool/1d", op: mp(PoolAttrs{Kernel: []int{3}, Strides: []int{2}, Pads: []int{1, 1}}), in: []graph.Shape{{2, 3, 9}}},
		{name: "MaxPool/1d-dilation-ceil", op: mp(PoolAttrs{Kernel: []int{3}, Strides: []int{2}, Pads: []int{1, 0}, Dilations: []int{2}, CeilMode: true}), in: []graph.Shape{{1, 2, 10}}},
		{name: "MaxPool/2d", op: mp(PoolAttrs{Kernel: []int{3, 2}, Strides: []int{2, 1}, Pads: []int{1, 0, 1, 1}}), in: []graph.Shape{{2, 2, 6, 7}}},
		{name: "MaxPool/2d-dilation", op: mp(PoolAttrs{Kernel: []int{2, 2}, Strides: []int{1, 2}, Dilations: []int{2, 3}}), in: []graph.Shape{{1, 3, 5, 8}}},
		{name: "MaxPool/2d-ceil", op: mp(PoolAttrs{Kernel: []int{2, 2}, Strides: []int{2, 2}, Pads: []int{1, 1, 1, 1}, CeilMode: true}), in: []graph.Shape{{1, 2, 5, 6}}},
		{name: "MaxPool/2d-shared", op: mp(PoolAttrs{Kernel: []int{2, 2}, Strides: []int{2, 2}}), in: []graph.Shape{{1, 2, 4, 4}}, shared: shared},
		{name: "MaxPool/3d", op: mp(PoolAttrs{Kernel: []int{2, 2, 2}, Pads: []int{1, 0, 0, 0, 1, 1}}), in: []graph.Shape{{1, 2, 3, 3, 4}}},
		{name: "MaxPool/2d-ties", op: mp(PoolAttrs{Kernel: []int{3, 3}, Pads: []int{1, 1, 1, 1}}), in: []graph.Shape{{2, 1, 4, 5}}, gen: tiedValues, fdTol: -1},
		{name: "MaxPool/1d-ties-shared", op: mp(PoolAttrs{Kernel: []int{2}}), in: []graph.Shape{{1, 2, 7}}, shared: shared, gen: tiedValues, fdTol: -1},
		{name: "AveragePool/1d-cip", op: ap(PoolAttrs{Kernel: []int{3}, Strides: []int{2}, Pads: []int{1, 1}, CeilMode: true, CountIncludePad: true}), in: []graph.Shape{{2, 3, 6}}},
		{name: "AveragePool/1d", op: ap(PoolAttrs{Kernel: []int{3}, Strides: []int{2}, Pads: []int{1, 1}, CeilMode: true}), in: []graph.Shape{{2, 3, 6}}},
		{name: "AveragePool/2d-cip", op: ap(PoolAttrs{Kernel: []int{3, 2}, Strides: []int{2, 1}, Pads: []int{1, 0, 1, 1}, CountIncludePad: true}), in: []graph.Shape{{2, 2, 5, 6}}},
		{name: "AveragePool/2d-ceil", op: ap(PoolAttrs{Kernel: []int{3, 3}, Strides: []int{2, 2}, Pads: []int{1, 1, 1, 1}, CeilMode: true}), in: []graph.Shape{{1, 2, 6, 7}}},
		{name: "AveragePool/2d-shared", op: ap(PoolAttrs{Kernel: []int{2, 2}, CountIncludePad: true}), in: []graph.Shape{{1, 1, 3, 4}}, shared: shared},
		{name: "GlobalMaxPool/1d", op: GlobalMaxPool, in: []graph.Shape{{2, 3, 5}}},
		{name: "GlobalMaxPool/2d", op: GlobalMaxPool, in: []graph.Shape{{2, 2, 3, 4}}},
		{name: "GlobalMaxPool/2d-ties", op: GlobalMaxPool, in: []graph.Shape{{1, 3, 2, 2}}, gen: tiedValues, fdTol: -1},
		{name: "GlobalMaxPool/2d-shared", op: GlobalMaxPool, in: []graph.Shape{{1, 2, 3, 3}}, shared: shared},
		{name: "GlobalAveragePool/1d", op: GlobalAveragePool, in: []graph.Shape{{2, 3, 5}}},
		{name: "GlobalAveragePool/2d", op: GlobalAveragePool, in: []graph.Shape{{2, 2, 3, 4}}},
		{name: "GlobalAveragePool/2d-shared", op: GlobalAveragePool, in: []graph.Shape{{1, 2, 3, 3}}, shared: shared},
		{name: "Resize/nearest-1d", op: rs(ResizeAttrs{Mode: "nearest", CoordinateTransformationMode: "asymmetric", NearestMode: "floor", Scales: []float64{2.5}}), in: []graph.Shape{{2, 3, 4}}},
		{name: "Resize/nearest-2d", op: rs(ResizeAttrs{Mode: "nearest", CoordinateTransformationMode: "asymmetric", NearestMode: "floor", Scales: []float64{1, 1, 2, 3}}), in: []graph.Shape{{2, 2, 3, 3}}},
		{name: "Resize/nearest-2d-size-C1", op: rs(ResizeAttrs{Mode: "nearest", CoordinateTransformationMode: "asymmetric", NearestMode: "floor", Sizes: []int{5, 7}}), in: []graph.Shape{{2, 1, 3, 4}}},
		{name: "Resize/nearest-half-pixel", op: rs(ResizeAttrs{Scales: []float64{1.5, 0.5}}), in: []graph.Shape{{1, 2, 3, 6}}},
		{name: "Resize/bilinear", op: rs(ResizeAttrs{Mode: "linear", Scales: []float64{2, 2}}), in: []graph.Shape{{2, 2, 3, 4}}},
		{name: "Resize/bilinear-align", op: rs(ResizeAttrs{Mode: "linear", CoordinateTransformationMode: "align_corners", Sizes: []int{5, 3}}), in: []graph.Shape{{1, 2, 3, 4}}},
		{name: "Resize/bilinear-shared", op: rs(ResizeAttrs{Mode: "linear", CoordinateTransformationMode: "pytorch_half_pixel", Sizes: []int{1, 1, 1, 7}}), in: []graph.Shape{{1, 1, 4, 5}}, shared: shared},
		{name: "Resize/linear-1d", op: rs(ResizeAttrs{Mode: "linear", Scales: []float64{1.7}}), in: []graph.Shape{{2, 2, 5}}},
		{name: "Resize/trilinear", op: rs(ResizeAttrs{Mode: "linear", Sizes: []int{3, 4, 2}}), in: []graph.Shape{{1, 2, 2, 3, 3}}},
	} {
		if strings.HasPrefix(c.name, "MaxPool") || strings.HasPrefix(c.name, "GlobalMaxPool") {
			if c.gen == nil {
				c.gen = distinctValues
			}
		}
		opCases = append(opCases, c)
	}

	fixtureBuilders["MaxPool"] = func(c *fixtureCase) (graph.Op, error) {
		a, err := poolFixtureAttrs(c)
		return MaxPool(a), err
	}
	fixtureBuilders["AveragePool"] = func(c *fixtureCase) (graph.Op, error) {
		a, err := poolFixtureAttrs(c)
		return AveragePool(a), err
	}
	fixtureBuilders["GlobalMaxPool"] = func(*fixtureCase) (graph.Op, error) { return GlobalMaxPool(), nil }
	fixtureBuilders["GlobalAveragePool"] = func(*fixtureCase) (graph.Op, error) { return GlobalAveragePool(), nil }
	fixtureBuilders["Resize"] = func(c *fixtureCase) (graph.Op, error) {
		var a ResizeAttrs
		for name, v := range map[string]any{
			"mode": &a.Mode, "coordinate_transformation_mode": &a.CoordinateTransformationMode,
			"nearest_mode": &a.NearestMode, "sizes": &a.Sizes, "scales": &a.Scales,
		} {
			if _, err := c.attr(name, v); err != nil {
				return nil, err
			}
		}
		return Resize(a), nil
	}
}

// poolFixtureAttrs decodes the ONNX pooling attributes of a fixture case.
func poolFixtureAttrs(c *fixtureCase) (PoolAttrs, error) {
	var a PoolAttrs
	var ceil, cip int
	for name, v := range map[string]any{
		"kernel_shape": &a.Kernel, "strides": &a.Strides, "pads": &a.Pads, "dilations": &a.Dilations,
		"ceil_mode": &ceil, "count_include_pad": &cip,
	} {
		if _, err := c.attr(name, v); err != nil {
			return a, err
		}
	}
	a.CeilMode, a.CountIncludePad = ceil != 0, cip != 0
	return a, nil
}

// jsonFloat decodes a number or one of the strings "NaN", "Inf", "-Inf".
type jsonFloat float64

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "NaN":
			*f = jsonFloat(math.NaN())
		case "Inf":
			*f = jsonFloat(math.Inf(1))
		case "-Inf":
			*f = jsonFloat(math.Inf(-1))
		default:
			return fmt.Errorf("bad number %q", s)
		}
		return nil
	}
	var v float64
	err := json.Unmarshal(b, &v)
	*f = jsonFloat(v)
	return err
}

func jsonFloats(v []jsonFloat) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestPoolNonFinite checks max pooling on NaN and −∞ inputs against
// PyTorch (the nan_cases of testdata/pool.json): NaN propagates, the last
// NaN of a window is selected, and a window of −∞ selects its first
// element.
func TestPoolNonFinite(t *testing.T) {
	var file struct {
		NaNCases []struct {
			Name      string                     `json:"name"`
			Op        string                     `json:"op"`
			Attrs     map[string]json.RawMessage `json:"attrs"`
			Shape     []int                      `json:"shape"`
			Value     []jsonFloat                `json:"value"`
			Tangent   []float64                  `json:"tangent"`
			OutShape  []int                      `json:"out_shape"`
			Out       []jsonFloat                `json:"out"`
			JVP       []float64                  `json:"jvp"`
			Cotangent []float64                  `json:"cotangent"`
			VJP       []float64                  `json:"vjp"`
		} `json:"nan_cases"`
	}
	readFixture(t, "testdata/pool.json", &file)
	if len(file.NaNCases) == 0 {
		t.Fatal("no nan_cases")
	}
	for _, c := range file.NaNCases {
		t.Run(c.Name, func(t *testing.T) {
			op, err := fixtureBuilders[c.Op](&fixtureCase{Attrs: c.Attrs})
			if err != nil {
				t.Fatal(err)
			}
			out, err := op.Init([]graph.Shape{c.Shape})
			if err != nil {
				t.Fatal(err)
			}
			if !out.Equal(c.OutShape) {
				t.Fatalf("output shape %v, PyTorch %v", out, c.OutShape)
			}
			var tmp []float64
			st := graph.NewState(&tmp)
			st.Samples = 1
			n, m := graph.Shape(c.Shape).Size(), out.Size()
			x := []graph.Block{graph.MakeBlock(jsonFloats(c.Value), 1, n)}
			y := graph.MakeBlock(make([]float64, m), 1, m)
			op.Forward(st, y, x)
			for e, want := range jsonFloats(c.Out) {
				if got := y.Data[e]; got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Errorf("value element %d: %v, PyTorch %v", e, got, want)
				}
			}
			jv := graph.MakeBlock(make([]float64, m), 1, m)
			op.JVP(st, jv, x, []graph.Block{graph.MakeBlock(c.Tangent, 1, n)})
			compare(t, "JVP", jv.Data, c.JVP)
			inC := []graph.Block{graph.MakeBlock(make([]float64, n), 1, n)}
			op.VJP(st, inC, x, graph.MakeBlock(c.Cotangent, 1, m))
			compare(t, "VJP", inC[0].Data, c.VJP)
		})
	}
}

// TestPoolShapes checks output shapes, including the ceil_mode window that
// PyTorch drops, and that bad attributes are errors.
func TestPoolShapes(t *testing.T) {
	for _, c := range []struct {
		op   graph.Op
		in   graph.Shape
		want graph.Shape // nil: Init fails
	}{
		// (5 + 2 − 2 + 1)/2 + 1 = 4, but the fourth window starts at 5, in the end padding.
		{MaxPool(PoolAttrs{Kernel: []int{2}, Strides: []int{2}, Pads: []int{1, 1}, CeilMode: true}), graph.Shape{1, 1, 5}, graph.Shape{1, 1, 3}},
		{MaxPool(PoolAttrs{Kernel: []int{2}, Strides: []int{2}, Pads: []int{1, 1}}), graph.Shape{1, 1, 5}, graph.Shape{1, 1, 3}},
		{MaxPool(PoolAttrs{Kernel: []int{2, 2}, Strides: []int{2, 2}, CeilMode: true}), graph.Shape{3, 2, 5, 4}, graph.Shape{3, 2, 3, 2}},
		{AveragePool(PoolAttrs{Kernel: []int{3}, Strides: []int{2}, Pads: []int{1, 1}, CeilMode: true}), graph.Shape{2, 1, 6}, graph.Shape{2, 1, 4}},
		{GlobalMaxPool(), graph.Shape{2, 3, 4, 5}, graph.Shape{2, 3, 1, 1}},
		{GlobalAveragePool(), graph.Shape{2, 3, 4}, graph.Shape{2, 3, 1}},
		{Resize(ResizeAttrs{Scales: []float64{2.2, 1.3}}), graph.Shape{1, 2, 4, 3}, graph.Shape{1, 2, 8, 3}},
		{Resize(ResizeAttrs{Mode: "linear", Sizes: []int{2, 3, 7}}), graph.Shape{2, 3, 4}, graph.Shape{2, 3, 7}},
		{MaxPool(PoolAttrs{Kernel: []int{2}, Pads: []int{0, 3}}), graph.Shape{1, 1, 2}, nil}, // a window wholly in padding
		{MaxPool(PoolAttrs{Kernel: []int{2, 2}}), graph.Shape{1, 1, 4}, nil},
		{MaxPool(PoolAttrs{Kernel: []int{5}}), graph.Shape{1, 1, 4}, nil},
		{MaxPool(PoolAttrs{}), graph.Shape{1, 1, 4}, nil},
		{MaxPool(PoolAttrs{Kernel: []int{2}}), graph.Shape{1, 4}, nil},
		{AveragePool(PoolAttrs{Kernel: []int{2}, Dilations: []int{2}}), graph.Shape{1, 1, 6}, nil},
		{Resize(ResizeAttrs{Mode: "cubic", Scales: []float64{2}}), graph.Shape{1, 1, 4}, nil},
		{Resize(ResizeAttrs{Scales: []float64{2}, Sizes: []int{8}}), graph.Shape{1, 1, 4}, nil},
		{Resize(ResizeAttrs{Scales: []float64{2, 2, 2}}), graph.Shape{1, 1, 4}, nil},
		{Resize(ResizeAttrs{Sizes: []int{0}}), graph.Shape{1, 1, 4}, nil},
	} {
		got, err := c.op.Init([]graph.Shape{c.in})
		switch {
		case c.want == nil && err == nil:
			t.Errorf("%s on %v: shape %v, want an error", c.op.Type(), c.in, got)
		case c.want != nil && err != nil:
			t.Errorf("%s on %v: %v", c.op.Type(), c.in, err)
		case c.want != nil && !got.Equal(c.want):
			t.Errorf("%s on %v: shape %v, want %v", c.op.Type(), c.in, got, c.want)
		}
	}
}

// TestResizeONNXModes checks the coordinate modes that PyTorch does not
// export against ONNX's formulas on small inputs.
func TestResizeONNXModes(t *testing.T) {
	x := []float64{10, 20, 30, 40}
	for _, c := range []struct {
		a    ResizeAttrs
		want []float64
	}{
		// pytorch_half_pixel to one element: the first; half_pixel: the centre.
		{ResizeAttrs{Mode: "linear", CoordinateTransformationMode: "pytorch_half_pixel", Sizes: []int{1}}, []float64{10}},
		{ResizeAttrs{Mode: "linear", CoordinateTransformationMode: "half_pixel", Sizes: []int{1}}, []float64{25}},
		// half_pixel, round_prefer_floor, ×2: x_orig = (o + ½)/2 − ½ = −¼, ¼, ¾, …
		{ResizeAttrs{Scales: []float64{2}}, []float64{10, 10, 20, 20, 30, 30, 40, 40}},
		// asymmetric, ×1.5: x_orig = 0, ⅔, 1⅓, 2, 2⅔, 3⅓ rounded.
		{ResizeAttrs{CoordinateTransformationMode: "asymmetric", NearestMode: "round_prefer_ceil", Scales: []float64{1.5}}, []float64{10, 20, 20, 30, 40, 40}},
		{ResizeAttrs{CoordinateTransformationMode: "asymmetric", NearestMode: "ceil", Sizes: []int{6}}, []float64{10, 20, 30, 30, 40, 40}},
		// align_corners, to 7: x_orig = o/2, halves rounded down.
		{ResizeAttrs{CoordinateTransformationMode: "align_corners", Sizes: []int{7}}, []float64{10, 10, 20, 20, 30, 30, 40}},
		{ResizeAttrs{Mode: "linear", CoordinateTransformationMode: "asymmetric", Sizes: []int{8}}, []float64{10, 15, 20, 25, 30, 35, 40, 40}},
	} {
		op := Resize(c.a)
		out, err := op.Init([]graph.Shape{{1, 1, 4}})
		if err != nil {
			t.Fatalf("%+v: %v", c.a, err)
		}
		var tmp []float64
		st := graph.NewState(&tmp)
		st.Samples = 1
		y := graph.MakeBlock(make([]float64, out.Size()), 1, out.Size())
		op.Forward(st, y, []graph.Block{graph.MakeBlock(x, 1, 4)})
		compare(t, fmt.Sprintf("%+v", c.a), y.Data, c.want)
	}
}

// BenchmarkMaxPool times max pooling's Forward (the argmax and the maxima)
// and its VJP on the mnist CNN's shape: 32 samples of 64 × 24 × 24, 2 × 2
// windows of stride 2.
func BenchmarkMaxPool(b *testing.B) {
	const ns = 32
	op := MaxPool(PoolAttrs{Kernel: []int{2, 2}, Strides: []int{2, 2}})
	sh, err := op.Init([]graph.Shape{{1, 64, 24, 24}})
	if err != nil {
		b.Fatal(err)
	}
	var tmp []float64
	st := graph.NewState(&tmp)
	st.Samples = ns
	rng := rand.New(rand.NewPCG(1, 2))
	n := 64 * 24 * 24
	x, cx := make([]float64, ns*n), make([]float64, ns*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y, w := make([]float64, ns*sh.Size()), make([]float64, ns*sh.Size())
	in := []graph.Block{graph.MakeBlock(x, ns, n)}
	out := graph.MakeBlock(y, ns, sh.Size())
	b.Run("Forward", func(b *testing.B) {
		for range b.N {
			op.Forward(st, out, in)
		}
	})
	b.Run("VJP", func(b *testing.B) {
		op.Forward(st, out, in)
		for range b.N {
			clear(cx)
			op.VJP(st, []graph.Block{graph.MakeBlock(cx, ns, n)}, in, graph.MakeBlock(w, ns, sh.Size()))
		}
	})
}
