package nn_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/nn"
	"github.com/dualgrad/dualgrad/passes"
	"gonum.org/v1/gonum/mat"
)

func newBuilder(seed uint64) *nn.Builder { return nn.NewBuilder(rand.New(rand.NewPCG(seed, 99))) }

func mustBuild(t testing.TB, b *nn.Builder, out graph.Node) *graph.Graph {
	t.Helper()
	g, err := b.Build(out)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestParams checks the names, shapes, offsets and order of the
// parameters, and the buffers, of a network using every layer with
// parameters, against PyTorch's state_dict for the same module tree.
func TestParams(t *testing.T) {
	b := newBuilder(1)
	x := b.Input("x", 1, 3, 8, 8)
	h := b.Conv2d("conv1", x, 6, 3, nn.Padding(1), nn.Bias(false))
	h = b.BatchNorm2d("bn1", h)
	blk := b.Scope("layer1").Scope("0")
	h = blk.Conv2d("conv1", h, 4, 3, nn.Groups(2), nn.Stride(2)) // 3×3
	h = blk.ConvTranspose2d("up", h, 2, 2, nn.Groups(2))         // 4×4
	h = b.LayerNorm("ln", h, []int{4, 4})
	h = b.Flatten(h, 1)
	h = b.Linear("fc", h, 5)
	h = b.Linear("head.proj", h, 2, nn.Bias(false))
	s := b.Parameter("scale", []int{2}, []float64{1, 2})
	h = b.Mul(h, s)
	v := b.View(h, 1, 2, 1)
	v = b.BatchNorm1d("bn2", v, nn.Affine(false))
	g := mustBuild(t, b, v)

	want := []struct {
		name  string
		shape graph.Shape
	}{
		{"conv1.weight", graph.Shape{6, 3, 3, 3}},
		{"bn1.weight", graph.Shape{6}},
		{"bn1.bias", graph.Shape{6}},
		{"layer1.0.conv1.weight", graph.Shape{4, 3, 3, 3}},
		{"layer1.0.conv1.bias", graph.Shape{4}},
		{"layer1.0.up.weight", graph.Shape{4, 1, 2, 2}},
		{"layer1.0.up.bias", graph.Shape{2}},
		{"ln.weight", graph.Shape{4, 4}},
		{"ln.bias", graph.Shape{4, 4}},
		{"fc.weight", graph.Shape{5, 32}},
		{"fc.bias", graph.Shape{5}},
		{"head.proj.weight", graph.Shape{2, 5}},
		{"scale", graph.Shape{2}},
	}
	ps := g.Params()
	if len(ps) != len(want) {
		t.Fatalf("%d parameters, want %d: %v", len(ps), len(want), ps)
	}
	off := 0
	for k, w := range want {
		if ps[k].Name != w.name || !ps[k].Shape.Equal(w.shape) || ps[k].Offset != off {
			t.Errorf("parameter %d: %s %v at %d, want %s %v at %d", k, ps[k].Name, ps[k].Shape, ps[k].Offset, w.name, w.shape, off)
		}
		off += w.shape.Size()
	}
	if g.NumParams() != off {
		t.Errorf("NumParams %d, want %d", g.NumParams(), off)
	}
	if !g.OutputShape().Equal(graph.Shape{1, 2, 1}) {
		t.Errorf("output shape %v", g.OutputShape())
	}
	for _, c := range []struct {
		name string
		want []float64
	}{
		{"bn1.running_mean", make([]float64, 6)},
		{"bn1.running_var", []float64{1, 1, 1, 1, 1, 1}},
		{"bn2.running_mean", []float64{0, 0}},
		{"bn2.running_var", []float64{1, 1}},
	} {
		got := b.Buffer(c.name)
		if !equal(got, c.want) {
			t.Errorf("Buffer(%s) = %v, want %v", c.name, got, c.want)
		}
	}
	if b.Buffer("bn1.weight") != nil || b.Buffer("nope") != nil {
		t.Error("Buffer of a parameter or of nothing is not nil")
	}
	// Buffer is live and scoped.
	b2 := newBuilder(2)
	y := b2.Scope("enc").BatchNorm2d("bn", b2.Input("x", 1, 2, 2, 2))
	g2 := mustBuild(t, b2, y)
	b2.Scope("enc").Buffer("bn.running_mean")[1] = 3
	for i := 0; i < g2.Len(); i++ {
		if g2.Name(i) == "enc.bn.running_mean" && g2.Data(i)[1] != 3 {
			t.Error("Buffer is not the graph's storage")
		}
	}
	if got := g.ParamData("scale"); !equal(got, []float64{1, 2}) {
		t.Errorf("scale = %v", got)
	}
	if d := g.ParamData("bn1.weight"); !equal(d, []float64{1, 1, 1, 1, 1, 1}) {
		t.Errorf("bn1.weight = %v, want ones", d)
	}
	if d := g.ParamData("ln.bias"); !equal(d, make([]float64, 16)) {
		t.Errorf("ln.bias = %v, want zeros", d)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestInit checks that the weights and biases are uniform in ±1/√fan_in
// with PyTorch's fan_in, by their range and moments, and that the seed
// determines them.
func TestInit(t *testing.T) {
	b := newBuilder(3)
	x := b.Input("x", 1, 8, 6, 6)
	b.Conv2d("conv", x, 64, 3, nn.Groups(2))        // fan_in 4·9 = 36
	b.ConvTranspose2d("up", x, 48, 5, nn.Groups(4)) // fan_in (48/4)·25 = 300
	f := b.Flatten(x, 1)
	out := b.Linear("fc", f, 100) // fan_in 288
	b.Conv1d("c1", b.View(x, 1, 8, 36), 30, 7)
	g := mustBuild(t, b, out)
	for _, c := range []struct {
		name  string
		fanIn int
	}{
		{"conv.weight", 36}, {"conv.bias", 36}, {"up.weight", 300}, {"up.bias", 300},
		{"fc.weight", 288}, {"fc.bias", 288}, {"c1.weight", 56}, {"c1.bias", 56},
	} {
		v := g.ParamData(c.name)
		bound := 1 / math.Sqrt(float64(c.fanIn))
		lo, hi, sum, sq := math.Inf(1), math.Inf(-1), 0.0, 0.0
		for _, w := range v {
			lo, hi = math.Min(lo, w), math.Max(hi, w)
			sum += w
			sq += w * w
		}
		n := float64(len(v))
		if lo < -bound || hi >= bound {
			t.Errorf("%s: range [%v, %v], want within ±%v", c.name, lo, hi, bound)
		}
		// The extremes of n uniform draws miss the bounds by about bound/n.
		if len(v) >= 48 && (hi < bound*(1-20/n) || lo > -bound*(1-20/n)) {
			t.Errorf("%s: range [%v, %v] does not reach ±%v", c.name, lo, hi, bound)
		}
		if len(v) >= 1000 {
			mean, meanSq := sum/n, sq/n
			if math.Abs(mean) > 5*bound/math.Sqrt(3*n) || math.Abs(meanSq/(bound*bound/3)-1) > 0.1 {
				t.Errorf("%s: mean %v, mean square %v, want 0 and %v", c.name, mean, meanSq, bound*bound/3)
			}
		}
	}
	// The same seed gives the same parameters, another seed others.
	build := func(seed uint64) []float64 {
		b := newBuilder(seed)
		g := mustBuild(t, b, b.Linear("fc", b.Input("x", 3), 2))
		return g.ParamVector(nil)
	}
	if a, c := build(5), build(5); !equal(a, c) {
		t.Error("same seed, different parameters")
	}
	if a, c := build(5), build(6); equal(a, c) {
		t.Error("different seeds, same parameters")
	}
	// Random running statistics stay in their ranges; RunningStats sets them.
	b = newBuilder(4)
	x = b.Input("x", 1, 200, 1)
	y := b.BatchNorm1d("bn", x, nn.RandomRunningStats())
	y = b.BatchNorm1d("bn2", y, nn.RunningStats(fillN(200, 0.5), fillN(200, 2)), nn.Eps(1e-3))
	mustBuild(t, b, y)
	for i, m := range b.Buffer("bn.running_mean") {
		if v := b.Buffer("bn.running_var")[i]; m < -0.5 || m >= 0.5 || v < 0.5 || v >= 1.5 {
			t.Fatalf("random running stats %d: mean %v var %v", i, m, v)
		}
	}
	if m, v := b.Buffer("bn2.running_mean"), b.Buffer("bn2.running_var"); m[7] != 0.5 || v[7] != 2 {
		t.Errorf("RunningStats: %v %v", m[7], v[7])
	}
}

func fillN(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// TestShapes checks output shapes against PyTorch's formulas.
func TestShapes(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []int
		f    func(b *nn.Builder, x graph.Node) graph.Node
		want graph.Shape
	}{
		{"conv", []int{1, 3, 28, 28}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.Conv2d("c", x, 5, 3, nn.Stride(2), nn.Padding(1), nn.Dilation(2))
		}, graph.Shape{1, 5, 13, 13}},
		{"conv rect", []int{2, 3, 10, 12}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.Conv2d("c", x, 4, 0, nn.Kernel(3, 5), nn.Stride(1, 2), nn.Padding(1, 0))
		}, graph.Shape{2, 4, 10, 4}},
		{"convT", []int{1, 4, 7, 7}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.ConvTranspose2d("c", x, 2, 3, nn.Stride(2), nn.Padding(1), nn.OutputPadding(1))
		}, graph.Shape{1, 2, 14, 14}},
		{"convT1d", []int{1, 4, 6}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.ConvTranspose1d("c", x, 4, 3, nn.Stride(2), nn.Padding(1), nn.OutputPadding(1), nn.Groups(2), nn.Dilation(2))
		}, graph.Shape{1, 4, 14}},
		{"conv1d", []int{1, 4, 14}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.Conv1d("c", x, 2, 3, nn.Stride(2), nn.Padding(1))
		}, graph.Shape{1, 2, 7}},
		{"maxpool", []int{1, 2, 7, 7}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.MaxPool2d(x, 2)
		}, graph.Shape{1, 2, 3, 3}},
		{"maxpool ceil", []int{1, 2, 7, 7}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.MaxPool2d(x, 2, nn.CeilMode(true))
		}, graph.Shape{1, 2, 4, 4}},
		{"maxpool1d", []int{1, 2, 9}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.MaxPool1d(x, 3, nn.Stride(2), nn.Padding(1))
		}, graph.Shape{1, 2, 5}},
		{"avgpool", []int{1, 2, 8, 8}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.AvgPool2d(x, 3, nn.Stride(2), nn.Padding(1))
		}, graph.Shape{1, 2, 4, 4}},
		{"avgpool1d", []int{1, 2, 8}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.AvgPool1d(x, 2)
		}, graph.Shape{1, 2, 4}},
		{"adaptive avg 1", []int{1, 3, 5, 7}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.AdaptiveAvgPool2d(x, 1)
		}, graph.Shape{1, 3, 1, 1}},
		{"adaptive avg 2", []int{1, 3, 4, 6}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.AdaptiveAvgPool2d(x, 2)
		}, graph.Shape{1, 3, 2, 2}},
		{"adaptive max 1", []int{1, 3, 5, 7}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.AdaptiveMaxPool2d(x, 1)
		}, graph.Shape{1, 3, 1, 1}},
		{"flatten 1", []int{2, 3, 4, 5}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Flatten(x, 1) }, graph.Shape{2, 60}},
		{"flatten 2", []int{2, 3, 4, 5}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Flatten(x, 2) }, graph.Shape{2, 3, 20}},
		{"flatten 0", []int{2, 3, 4, 5}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Flatten(x, 0) }, graph.Shape{120}},
		{"flatten -2", []int{2, 3, 4, 5}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Flatten(x, -2) }, graph.Shape{2, 3, 20}},
		{"reshape", []int{2, 3, 4}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Reshape(x, 4, -1) }, graph.Shape{4, 6}},
		{"linear batched", []int{2, 3, 4}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Linear("l", x, 7) }, graph.Shape{2, 3, 7}},
		{"concat", []int{1, 2, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Concat(1, x, b.Tanh(x), x) }, graph.Shape{1, 6, 3}},
		{"concat -1", []int{1, 2, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Concat(-1, x, x) }, graph.Shape{1, 2, 6}},
		{"dropout", []int{1, 2, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Dropout(x, 0.5) }, graph.Shape{1, 2, 3}},
		{"seq", []int{1, 4}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.Seq(x, b.Relu, func(h graph.Node) graph.Node { return b.Linear("l", h, 3) }, b.Tanh)
		}, graph.Shape{1, 3}},
	} {
		b := newBuilder(1)
		g, err := b.Build(c.f(b, b.Input("x", c.in...)))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !g.OutputShape().Equal(c.want) {
			t.Errorf("%s: shape %v, want %v", c.name, g.OutputShape(), c.want)
		}
	}
}

// TestErrors checks that a layer's error names the layer, is sticky, and
// comes back from Build and Err.
func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name        string
		in          []int
		f           func(b *nn.Builder, x graph.Node) graph.Node
		layer, kind string
		msg         string
	}{
		{"conv rank", []int{1, 28, 28}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Conv2d("conv1", x, 4, 3) },
			"conv1", "Conv2d", "want [N, C, H, W]"},
		{"conv groups", []int{1, 3, 8, 8}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.Conv2d("c", x, 4, 3, nn.Groups(2))
		}, "c", "Conv2d", "groups 2 must divide"},
		{"conv too small", []int{1, 3, 2, 2}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Conv2d("c", x, 4, 3) },
			"c", "Conv2d", "graph:"},
		{"option", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Linear("fc", x, 4, nn.Stride(2)) },
			"fc", "Linear", "does not take option Stride(2)"},
		{"spatial count", []int{1, 3, 8, 8}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.Conv2d("c", x, 4, 3, nn.Stride(1, 2, 3))
		}, "c", "Conv2d", "Stride(1, 2, 3): want 1 or 2 values"},
		{"negative padding", []int{1, 3, 8, 8}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.Conv2d("c", x, 4, 3, nn.Padding(-1))
		}, "c", "Conv2d", "at least 0"},
		{"output padding", []int{1, 3, 8, 8}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.ConvTranspose2d("up", x, 4, 3, nn.Stride(2), nn.OutputPadding(2))
		}, "up", "ConvTranspose2d", "output_padding"},
		{"no name", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Linear("", x, 4) },
			"", "Linear", "needs a name"},
		{"scoped duplicate", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node {
			s := b.Scope("enc")
			return s.Linear("fc", s.Linear("fc", x, 3), 3)
		}, "enc.fc", "Linear", `"enc.fc.weight": name used twice`},
		{"batchnorm rank", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.BatchNorm2d("bn", x) },
			"bn", "BatchNorm2d", "want [N, C, H, W]"},
		{"batchnorm1d rank", []int{3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.BatchNorm1d("bn", x) },
			"bn", "BatchNorm1d", "want [N, C] or [N, C, L]"},
		{"running stats", []int{1, 3, 2, 2}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.BatchNorm2d("bn", x, nn.RunningStats([]float64{0, 0}, []float64{1, 1}))
		}, "bn", "BatchNorm2d", "want 3 of each"},
		{"negative var", []int{1, 2, 2, 2}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.BatchNorm2d("bn", x, nn.RunningStats([]float64{0, 0}, []float64{1, -1}))
		}, "bn", "BatchNorm2d", "running_var[1] = -1"},
		{"layernorm shape", []int{1, 3, 4}, func(b *nn.Builder, x graph.Node) graph.Node {
			return b.LayerNorm("ln", x, []int{3})
		}, "ln", "LayerNorm", "not the trailing dimensions"},
		{"reshape", []int{2, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Reshape(x, 4, -1) },
			"", "reshape", "invalid for input of size 6"},
		{"view two -1", []int{2, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.View(x, -1, -1) },
			"", "view", "more than one −1"},
		{"flatten", []int{2, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Flatten(x, 2) },
			"", "Flatten", "start_dim 2 out of range"},
		{"adaptive", []int{1, 2, 5, 5}, func(b *nn.Builder, x graph.Node) graph.Node { return b.AdaptiveAvgPool2d(x, 2) },
			"", "AdaptiveAvgPool2d", "must divide"},
		{"pool padding", []int{1, 2, 5, 5}, func(b *nn.Builder, x graph.Node) graph.Node { return b.MaxPool2d(x, 2, nn.Padding(2)) },
			"", "MaxPool2d", "at most half the kernel size"},
		{"avgpool dilation", []int{1, 2, 5, 5}, func(b *nn.Builder, x graph.Node) graph.Node { return b.AvgPool2d(x, 2, nn.Dilation(2)) },
			"", "AvgPool2d", "does not take option Dilation(2)"},
		{"add", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Add(x, b.Linear("fc", x, 4)) },
			"", "Add", "graph:"},
		{"dropout", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Dropout(x, 1.5) },
			"", "Dropout", "p = 1.5"},
		{"foreign node", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node {
			other := newBuilder(1)
			return b.Relu(other.Input("y", 3))
		}, "", "ReLU", "not a node of this builder's graph"},
		{"zero node", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Tanh(graph.Node{}) },
			"", "Tanh", "not a node of this builder's graph"},
		{"zero option", []int{1, 3}, func(b *nn.Builder, x graph.Node) graph.Node { return b.Linear("fc", x, 3, nn.Option{}) },
			"fc", "Linear", "invalid option"},
	} {
		b := newBuilder(1)
		x := b.Input("x", c.in...)
		y := c.f(b, x)
		if y.ID() >= 0 {
			t.Errorf("%s: valid node after an error", c.name)
		}
		// Sticky: later layers are no-ops and the first error stays.
		z := b.Linear("later", b.Relu(y), 2)
		g, err := b.Build(z)
		var e *nn.Error
		if g != nil || !errors.As(err, &e) {
			t.Errorf("%s: Build gave %v, %v; want an *nn.Error", c.name, g, err)
			continue
		}
		if e.Layer != c.layer || e.Kind != c.kind || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %q (layer %q, kind %q), want layer %q, kind %q, containing %q", c.name, err, e.Layer, e.Kind, c.layer, c.kind, c.msg)
		}
		if b.Err() != err {
			t.Errorf("%s: Err %v, Build %v", c.name, b.Err(), err)
		}
		if b.Graph().Err() == nil {
			t.Errorf("%s: the graph has no error", c.name)
		}
		if g := b.Graph(); g.Len() > 12 {
			t.Errorf("%s: %d nodes after the error", c.name, g.Len())
		}
	}
	// A message names the layer.
	b := newBuilder(1)
	b.Conv2d("layer1.0.conv1", b.Input("x", 3, 8, 8), 4, 3)
	if msg := b.Err().Error(); msg != `nn: Conv2d "layer1.0.conv1": input shape [3, 8, 8], want [N, C, H, W] (with the batch dimension)` {
		t.Errorf("message %q", msg)
	}
	// Build of a node of another graph.
	b = newBuilder(1)
	b.Input("x", 2)
	if _, err := b.Build(newBuilder(2).Input("y", 2)); err == nil {
		t.Error("Build of a foreign node: no error")
	}
}

// build is Build for the architectures below, which are known to be
// valid.
func build(b *nn.Builder, out graph.Node) *graph.Graph {
	g, err := b.Build(out)
	if err != nil {
		panic(err)
	}
	return g
}

func dcganArch() (cossim.Problem, int) {
	const m = 3
	b := newBuilder(10)
	z := b.Input("z", 1, m, 1, 1)
	h := b.ConvTranspose2d("main.0", z, 6, 4, nn.Bias(false)) // 4×4
	h = b.Relu(b.BatchNorm2d("main.1", h, nn.RandomRunningStats()))
	h = b.ConvTranspose2d("main.3", h, 1, 4, nn.Stride(2), nn.Padding(1)) // 8×8
	D := build(b, b.Tanh(h))
	randomizeNorm(D, 11, "main.1")

	b = newBuilder(12)
	x := b.Input("x", 1, 1, 8, 8)
	h = b.LeakyRelu(b.Conv2d("main.0", x, 2, 4, nn.Stride(2), nn.Padding(1)), 0.2) // 4×4
	h = b.Conv2d("main.2", h, 3, 4, nn.Stride(2), nn.Padding(1), nn.Bias(false))   // 2×2
	h = b.LeakyRelu(b.BatchNorm2d("main.3", h, nn.RandomRunningStats()), 0.2)
	h = b.Conv2d("main.5", h, 1, 2) // 1×1
	Phi := build(b, b.Flatten(h, 1))
	randomizeNorm(Phi, 13, "main.3")
	return cossim.Problem{D: D, Phi: Phi}, m
}

func resnetArch() (cossim.Problem, int) {
	const m, c = 3, 2
	b := newBuilder(20)
	h := b.Tanh(b.Linear("fc", b.Input("z", m), c*4*4))
	D := build(b, b.View(h, 1, c, 4, 4))

	b = newBuilder(21)
	x := b.Input("x", 1, c, 4, 4)
	blk := b.Scope("layer1").Scope("0")
	y := blk.Conv2d("conv1", x, c, 3, nn.Padding(1), nn.Bias(false))
	y = b.Relu(blk.BatchNorm2d("bn1", y, nn.RandomRunningStats()))
	y = blk.Conv2d("conv2", y, c, 3, nn.Padding(1), nn.Bias(false))
	y = blk.BatchNorm2d("bn2", y, nn.RandomRunningStats())
	y = b.Relu(b.Add(y, x))
	y = b.Flatten(b.AdaptiveAvgPool2d(y, 1), 1)
	Phi := build(b, b.Linear("fc", y, 1))
	randomizeNorm(Phi, 22, "layer1.0.bn1", "layer1.0.bn2")
	return cossim.Problem{D: D, Phi: Phi}, m
}

func mnistArch() (cossim.Problem, int) {
	const m = 2
	b := newBuilder(30)
	h := b.Relu(b.Linear("fc3", b.Input("z", m), 6))
	D := build(b, b.Sigmoid(b.Linear("fc4", h, 64)))

	b = newBuilder(31)
	x := b.Input("x", 1, 1, 8, 8)
	h = b.Relu(b.Conv2d("conv1", x, 2, 3)) // 6×6
	h = b.Relu(b.Conv2d("conv2", h, 3, 3)) // 4×4
	h = b.Flatten(b.Dropout(b.MaxPool2d(h, 2), 0.25), 1)
	h = b.Relu(b.Linear("fc1", h, 5))
	Phi := build(b, b.LogSoftmax(b.Linear("fc2", h, 10), 1))
	return cossim.Problem{D: D, Phi: Phi, PhiOutput: 3}, m
}

func misc1dArch() (cossim.Problem, int) {
	const m = 3
	b := newBuilder(40)
	h := b.Gelu(b.LayerNorm("ln", b.Linear("fc", b.Input("z", m), 12), []int{12}))
	h = b.ConvTranspose1d("up", b.View(h, 1, 2, 6), 4, 3, nn.Stride(2), nn.Padding(1), nn.OutputPadding(1), nn.Groups(2)) // 12
	h = b.AvgPool1d(h, 3, nn.Stride(1), nn.Padding(1))
	h = b.Silu(b.BatchNorm1d("bn", h, nn.RandomRunningStats()))
	D := build(b, b.Concat(1, h, b.Softmax(h, -1))) // [1, 8, 12]
	randomizeNorm(D, 41, "ln", "bn")

	b = newBuilder(42)
	x := b.Input("x", 1, 8, 12)
	h = b.Elu(b.Conv1d("conv", x, 4, 3, nn.Dilation(2), nn.Groups(2)), 1) // 8
	h = b.Softplus(b.MaxPool1d(h, 2))                                     // 4
	h = b.GeluTanh(b.Linear("fc1", b.Flatten(h, 1), 6))
	h = b.Mul(h, b.Parameter("scale", []int{6}, []float64{1, -0.5, 2, 0.7, -1.3, 0.9}))
	h = b.Sub(h, b.Sigmoid(h))
	h = b.LayerNorm("ln", h, []int{6}, nn.Affine(false))
	Phi := build(b, b.Tanh(b.Linear("fc2", h, 1)))
	return cossim.Problem{D: D, Phi: Phi}, m
}

func misc2dArch() (cossim.Problem, int) {
	const m = 2
	b := newBuilder(50)
	h := b.Selu(b.Linear("fc", b.Input("z", m), 18))
	h = b.ConvTranspose2d("up", b.View(h, 1, 2, 3, 3), 2, 3, nn.Stride(2), nn.Padding(1), nn.OutputPadding(1)) // 6×6
	h = b.AvgPool2d(h, 3, nn.Stride(1), nn.Padding(1), nn.CountIncludePad(false))
	D := build(b, b.Celu(b.Softsign(h), 0.5))

	b = newBuilder(51)
	x := b.Input("x", 1, 2, 6, 6)
	h = b.Conv2d("conv1", x, 4, 3, nn.Padding(1, 0), nn.Groups(2), nn.Kernel(3, 1)) // 6×6
	h = b.AdaptiveAvgPool2d(b.Hardswish(b.Mul(h, b.Parameter("gain", []int{1}, []float64{4}))), 3)
	h = b.Conv2d("conv2", h, 4, 1, nn.Stride(1))
	h = b.Hardsigmoid(b.BatchNorm2d("bn", h, nn.Affine(false), nn.RandomRunningStats(), nn.Eps(1e-3)))
	h = b.Flatten(b.AdaptiveMaxPool2d(b.Mul(h, h), 1), 1)
	Phi := build(b, b.Softmax(b.Linear("fc", h, 3), 1))
	return cossim.Problem{D: D, Phi: Phi, PhiOutput: 1}, m
}

// randomizeNorm sets the named norm layers' weights in [0.5, 1.5) and
// biases in [−0.5, 0.5), so that they are not the identity.
func randomizeNorm(g *graph.Graph, seed uint64, layers ...string) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, l := range layers {
		w, bias := g.ParamData(l+".weight"), g.ParamData(l+".bias")
		for i := range w {
			w[i] = 0.5 + rng.Float64()
		}
		for i := range bias {
			bias[i] = rng.Float64() - 0.5
		}
	}
}

// archs are small network pairs for the derivative tests, each returning
// the problem and m, sized so that the looped engine takes well under a
// second.
var archs = []struct {
	name  string
	build func() (cossim.Problem, int)
}{
	{"dcgan", dcganArch}, {"resnet", resnetArch}, {"mnist", mnistArch}, {"misc1d", misc1dArch}, {"misc2d", misc2dArch},
}

// kinks returns the points where an element-wise op's first or second
// derivative jumps, for the ops these tests use.
func kinks(op string) []float64 {
	switch op {
	case "Relu", "LeakyRelu", "Elu", "Celu", "Selu", "Softsign":
		return []float64{0}
	case "HardSigmoid", "HardSwish":
		return []float64{-3, 3}
	}
	return nil
}

// kinkMargin returns the smallest distance, at the latent z, of any input
// of a kinked element-wise op to its kinks, and of any max pooling
// window's maximum to its runner-up, over both networks. Max pooling
// windows are taken to be the non-overlapping blocks that the input and
// output shapes imply, as in these tests.
func kinkMargin(p cossim.Problem, z []float64) float64 {
	margin := math.Inf(1)
	x := z
	for _, g := range []*graph.Graph{p.D, p.Phi} {
		t := passes.NewTape(g)
		t.Forward(graph.MakeBlock(x, 1, len(x)))
		for i := 0; i < g.Len(); i++ {
			if g.Kind(i) != graph.KindOp {
				continue
			}
			in := t.Value(g.Inputs(i)[0]).Row(0)
			switch typ := g.Op(i).Type(); typ {
			case "MaxPool", "GlobalMaxPool":
				margin = math.Min(margin, poolGap(in, g.Shape(g.Inputs(i)[0]), g.Shape(i)))
			default:
				for _, k := range kinks(typ) {
					for _, v := range in {
						margin = math.Min(margin, math.Abs(v-k))
					}
				}
			}
		}
		x = append([]float64(nil), t.Output().Row(0)...)
	}
	return margin
}

// poolGap returns the smallest gap between the largest and second largest
// element of the non-overlapping windows mapping shape in to shape out,
// ignoring windows whose maximum is a tie of zeros: the outputs of dead
// ReLUs, which stay zero under small steps (kinkMargin checks the ReLUs'
// inputs).
func poolGap(v []float64, in, out graph.Shape) float64 {
	sp := in[2:]
	k := make([]int, len(sp))
	for d := range sp {
		k[d] = sp[d] / out[2+d]
	}
	gap := math.Inf(1)
	planes, inSp := in[0]*in[1], graph.Shape(sp).Size()
	best := map[int][2]float64{}
	for pl := 0; pl < planes; pl++ {
		clear(best)
		for e := 0; e < inSp; e++ {
			w, rem, stride := 0, e, 1
			for d := len(sp) - 1; d >= 0; d-- {
				w += (rem % sp[d] / k[d]) * stride
				stride *= out[2+d]
				rem /= sp[d]
			}
			b, ok := best[w]
			if !ok {
				b = [2]float64{math.Inf(-1), math.Inf(-1)}
			}
			x := v[pl*inSp+e]
			if x > b[0] {
				b = [2]float64{x, b[0]}
			} else if x > b[1] {
				b[1] = x
			}
			best[w] = b
		}
		for _, b := range best {
			if b[0] == 0 && b[1] == 0 {
				continue // ReLU's zeros: a tie that no small step breaks
			}
			gap = math.Min(gap, b[0]-b[1])
		}
	}
	return gap
}

// latentAwayFromKinks draws latents until the kink margin is at least
// 1e−4, so that no finite-difference step crosses a kink, and |g|² and
// every |uᵢ|² are at least 1e−8.
func latentAwayFromKinks(t *testing.T, p cossim.Problem, m int, seed uint64) []float64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	eng, err := cossim.NewAdjoint(p, cossim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := cossim.NewResult(p, cossim.WrtNone)
	for range 200 {
		z := make([]float64, m)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		if kinkMargin(p, z) >= 1e-4 && eng.Eval(res, z) == nil && res.GradNormSq >= 1e-8 && minOf(res.ColNormSq) >= 1e-8 {
			return z
		}
	}
	t.Fatal("no latent away from the kinks")
	return nil
}

// TestEngines checks, on every architecture, that the forward, adjoint and
// looped engines agree to 1e−12 (normwise relative) on s, its pieces and
// both Jacobians, and that the Jacobians agree with central differences
// (cossim.FiniteDifference) to 1e−6 of max(their largest entry, 1e−2).
func TestEngines(t *testing.T) {
	for _, a := range archs {
		t.Run(a.name, func(t *testing.T) {
			p, m := a.build()
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			z := latentAwayFromKinks(t, p, m, 1)
			opt := cossim.Options{Wrt: cossim.WrtBoth}
			results := map[cossim.Kind]*cossim.Result{}
			for _, k := range []cossim.Kind{cossim.KindAdjoint, cossim.KindForward, cossim.KindLooped} {
				eng, err := cossim.New(p, opt, k)
				if err != nil {
					t.Fatalf("%v: %v", k, err)
				}
				res := cossim.NewResult(p, opt.Wrt)
				if err := eng.Eval(res, z); err != nil {
					t.Fatalf("%v: %v", k, err)
				}
				results[k] = res
			}
			ref := results[cossim.KindAdjoint]
			worst := 0.0
			for _, k := range []cossim.Kind{cossim.KindForward, cossim.KindLooped} {
				res := results[k]
				for _, q := range []struct {
					what      string
					got, want []float64
				}{
					{"s", res.S, ref.S}, {"dot", res.Dot, ref.Dot}, {"|g|²", []float64{res.GradNormSq}, []float64{ref.GradNormSq}},
					{"|u|²", res.ColNormSq, ref.ColNormSq}, {"∂s/∂θ_D", flat(res.GradD), flat(ref.GradD)},
					{"∂s/∂φ", flat(res.GradPhi), flat(ref.GradPhi)},
				} {
					e := relErr(q.got, q.want)
					worst = math.Max(worst, e)
					if e > 1e-12 {
						t.Errorf("%v vs adjoint: %s differs by %.3g (relative)", k, q.what, e)
					}
				}
			}
			fd := cossim.NewResult(p, opt.Wrt)
			if err := cossim.FiniteDifference(fd, p, opt, z); err != nil {
				t.Fatal(err)
			}
			worstFD := 0.0
			for _, q := range []struct {
				what      string
				got, want []float64
			}{{"∂s/∂θ_D", flat(ref.GradD), flat(fd.GradD)}, {"∂s/∂φ", flat(ref.GradPhi), flat(fd.GradPhi)}} {
				e := absErr(q.got, q.want) / math.Max(maxAbs(q.want), 1e-2)
				worstFD = math.Max(worstFD, e)
				if e > 1e-6 {
					t.Errorf("%s differs from central differences by %.3g of its scale", q.what, e)
				}
			}
			t.Logf("m=%d n=%d P_D=%d P_Φ=%d: engines within %.2g, finite differences within %.2g; s = %.4g",
				m, p.N(), p.D.NumParams(), p.Phi.NumParams(), worst, worstFD, ref.S)
		})
	}
}

func flat(m *mat.Dense) []float64 {
	if m == nil {
		return nil
	}
	return m.RawMatrix().Data
}

func minOf(v []float64) float64 {
	x := math.Inf(1)
	for _, e := range v {
		x = math.Min(x, e)
	}
	return x
}

func maxAbs(v []float64) float64 {
	x := 0.0
	for _, e := range v {
		x = math.Max(x, math.Abs(e))
	}
	return x
}

// absErr returns max|a−b|, +Inf if the lengths differ or a difference is
// NaN.
func absErr(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for k := range a {
		e := math.Abs(a[k] - b[k])
		if math.IsNaN(e) {
			return math.Inf(1)
		}
		d = math.Max(d, e)
	}
	return d
}
