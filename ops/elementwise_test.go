package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
)

// ewUniform returns a generator of values uniform in [lo, hi).
func ewUniform(lo, hi float64) func(*rand.Rand, int, int, []float64) {
	return func(rng *rand.Rand, _, _ int, x []float64) {
		for e := range x {
			x[e] = lo + (hi-lo)*rng.Float64()
		}
	}
}

// ewKinks returns a generator that puts the points kinks first in every
// row, then values uniform in (−4, 4).
func ewKinks(kinks ...float64) func(*rand.Rand, int, int, []float64) {
	return func(rng *rand.Rand, _, s int, x []float64) {
		for e := range x {
			if e < len(kinks) {
				x[e] = kinks[(e+s)%len(kinks)]
			} else {
				x[e] = 8*rng.Float64() - 4
			}
		}
	}
}

func init() {
	wide := ewUniform(-4, 4)
	pos := ewUniform(0.3, 2)
	for _, c := range []struct {
		name string
		op   func() graph.Op
		gen  func(*rand.Rand, int, int, []float64)
	}{
		{"Tanh", Tanh, nil}, {"Sigmoid", Sigmoid, nil}, {"Sin", Sin, nil}, {"Softplus", Softplus, nil}, {"Relu", Relu, wide},
		{"Elu", func() graph.Op { return Elu(1) }, wide}, {"Silu", Silu, nil}, {"Gelu", Gelu, wide}, {"Identity", Identity, nil},
		{"LeakyRelu", func() graph.Op { return LeakyRelu(0.1) }, wide},
		{"Selu", Selu, wide},
		{"Celu/1", func() graph.Op { return Celu(1) }, wide},
		{"Celu/0.5", func() graph.Op { return Celu(0.5) }, wide},
		{"HardSigmoid/onnx", func() graph.Op { return HardSigmoid(0.2, 0.5) }, wide},
		{"HardSigmoid/torch", func() graph.Op { return HardSigmoid(1.0/6, 0.5) }, wide},
		{"HardSwish", HardSwish, wide},
		{"Softsign", Softsign, wide},
		{"Exp", Exp, wide},
		{"Log", Log, pos},
		{"Sqrt", Sqrt, pos},
		{"Pow/2", func() graph.Op { return Pow(2) }, wide},
		{"Pow/3", func() graph.Op { return Pow(3) }, wide},
		{"Pow/0.5", func() graph.Op { return Pow(0.5) }, pos},
		{"Pow/-1.5", func() graph.Op { return Pow(-1.5) }, pos},
		{"Pow/0", func() graph.Op { return Pow(0) }, wide},
		{"Erf", Erf, wide},
		{"Abs", Abs, wide},
		{"Cos", Cos, wide},
		{"Neg", Neg, wide},
		{"Reciprocal", Reciprocal, pos},
		{"Clip", func() graph.Op { return Clip(-1, 2) }, wide},
		{"Clip/unbounded-above", func() graph.Op { return Clip(-0.5, math.Inf(1)) }, wide},
		{"GeluTanh", GeluTanh, wide},
	} {
		opCases = append(opCases,
			opCase{name: c.name, op: c.op, in: []graph.Shape{{2, 3}}, gen: c.gen},
			opCase{name: c.name + "/shared", op: c.op, in: []graph.Shape{{4}}, shared: []bool{true}, gen: c.gen})
	}
	// At the kinks, where the derivatives are PyTorch's conventions.
	for _, c := range []struct {
		name  string
		op    func() graph.Op
		kinks []float64
	}{
		{"Relu", Relu, []float64{0}},
		{"LeakyRelu", func() graph.Op { return LeakyRelu(0.1) }, []float64{0}},
		{"Elu", func() graph.Op { return Elu(0.7) }, []float64{0}},
		{"Selu", Selu, []float64{0}},
		{"Celu", func() graph.Op { return Celu(0.5) }, []float64{0}},
		{"HardSigmoid/onnx", func() graph.Op { return HardSigmoid(0.2, 0.5) }, []float64{-2.5, 2.5}},
		{"HardSigmoid/torch", func() graph.Op { return HardSigmoid(1.0/6, 0.5) }, []float64{-3, 3}},
		{"HardSwish", HardSwish, []float64{-3, 3}},
		{"Softsign", Softsign, []float64{0}},
		{"Abs", Abs, []float64{0}},
		{"Clip", func() graph.Op { return Clip(-1, 2) }, []float64{-1, 2}},
		{"Pow/2", func() graph.Op { return Pow(2) }, []float64{0}},
		{"Pow/3", func() graph.Op { return Pow(3) }, []float64{0}},
	} {
		opCases = append(opCases, opCase{name: c.name + "/kinks", op: c.op, in: []graph.Shape{{2, 3}}, gen: ewKinks(c.kinks...), fdTol: -1})
	}
	powGen := func(rng *rand.Rand, j, _ int, x []float64) {
		for e := range x {
			if j == 0 {
				x[e] = 0.3 + 1.7*rng.Float64() // bases: x > 0
			} else {
				x[e] = 4*rng.Float64() - 2
			}
		}
	}
	for _, c := range []struct {
		name   string
		in     []graph.Shape
		shared []bool
	}{
		{"PowTensor/same", []graph.Shape{{2, 3}, {2, 3}}, nil},
		{"PowTensor/broadcast", []graph.Shape{{2, 1, 3}, {4, 1}}, nil},
		{"PowTensor/shared-exponent", []graph.Shape{{2, 3}, {3}}, []bool{false, true}},
		{"PowTensor/shared-base", []graph.Shape{{3}, {2, 3}}, []bool{true, false}},
	} {
		opCases = append(opCases, opCase{name: c.name, op: PowTensor, in: c.in, shared: c.shared, gen: powGen})
	}

	attr := func(c *fixtureCase, name string, def float64) (float64, error) {
		v := def
		_, err := c.attr(name, &v)
		return v, err
	}
	unary := map[string]func() graph.Op{
		"Tanh": Tanh, "Sigmoid": Sigmoid, "Sin": Sin, "Softplus": Softplus, "Relu": Relu, "Silu": Silu,
		"Identity": Identity, "Selu": Selu, "HardSwish": HardSwish, "Softsign": Softsign, "Exp": Exp,
		"Log": Log, "Sqrt": Sqrt, "Erf": Erf, "Abs": Abs, "Cos": Cos, "Neg": Neg, "Reciprocal": Reciprocal,
		"PowTensor": PowTensor,
	}
	for name, op := range unary {
		fixtureBuilders[name] = func(*fixtureCase) (graph.Op, error) { return op(), nil }
	}
	for name, op := range map[string]func(float64) graph.Op{"LeakyRelu": LeakyRelu, "Elu": Elu, "Celu": Celu} {
		fixtureBuilders[name] = func(c *fixtureCase) (graph.Op, error) {
			a, err := attr(c, "alpha", math.NaN())
			return op(a), err
		}
	}
	fixtureBuilders["HardSigmoid"] = func(c *fixtureCase) (graph.Op, error) {
		a, err := attr(c, "alpha", 0.2)
		if err != nil {
			return nil, err
		}
		b, err := attr(c, "beta", 0.5)
		return HardSigmoid(a, b), err
	}
	fixtureBuilders["Pow"] = func(c *fixtureCase) (graph.Op, error) {
		p, err := attr(c, "p", math.NaN())
		return Pow(p), err
	}
	fixtureBuilders["Clip"] = func(c *fixtureCase) (graph.Op, error) {
		lo, err := attr(c, "min", math.Inf(-1))
		if err != nil {
			return nil, err
		}
		hi, err := attr(c, "max", math.Inf(1))
		return Clip(lo, hi), err
	}
	fixtureBuilders["Gelu"] = func(c *fixtureCase) (graph.Op, error) {
		approx := "none"
		if _, err := c.attr("approximate", &approx); err != nil {
			return nil, err
		}
		switch approx {
		case "none":
			return Gelu(), nil
		case "tanh":
			return GeluTanh(), nil
		}
		return nil, fmt.Errorf("approximate %q", approx)
	}
}

// TestElementwiseSpecial checks the scalar cases of testdata/elementwise.json
// that JSON numbers cannot hold (infinite or NaN values and derivatives,
// such as sqrt′(0) = +Inf), written by PyTorch as strings: the value, the
// first derivative (backward) and the second (double backward) at x.
func TestElementwiseSpecial(t *testing.T) {
	var file struct {
		Special []struct {
			fixtureCase
			X     string `json:"x"`
			Value string `json:"value"`
			D1    string `json:"d1"`
			D2    string `json:"d2"`
		} `json:"special"`
	}
	readFixture(t, "testdata/elementwise.json", &file)
	if len(file.Special) == 0 {
		t.Fatal("no special cases")
	}
	num := func(s string) float64 { return reprs(t, s)[0] }
	for i := range file.Special {
		c := &file.Special[i]
		t.Run(c.Name, func(t *testing.T) {
			op, err := fixtureBuilders[c.Op](&c.fixtureCase)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := op.Init([]graph.Shape{{1}}); err != nil {
				t.Fatal(err)
			}
			var tmp []float64
			st := graph.NewState(&tmp)
			st.Samples = 1
			one := func(v float64) graph.Block { return graph.MakeBlock([]float64{v}, 1, 1) }
			x, y, d1, d2 := one(num(c.X)), one(0), one(0), one(0)
			op.Forward(st, y, []graph.Block{x})
			op.JVP(st, d1, []graph.Block{x}, []graph.Block{one(1)})
			op.Reverse2(st, []graph.Block{{}}, []graph.Block{d2}, []graph.Block{x}, []graph.Block{one(1)}, one(1), graph.Block{})
			for _, q := range []struct {
				what      string
				got, want float64
			}{{"value", y.Data[0], num(c.Value)}, {"f′", d1.Data[0], num(c.D1)}, {"f″", d2.Data[0], num(c.D2)}} {
				if !ewSameSpecial(q.got, q.want) {
					t.Errorf("%s at x = %s: %v, PyTorch %v", q.what, c.X, q.got, q.want)
				}
			}
		})
	}
}

// TestElementwiseSelects checks the flat ops against PyTorch where a
// tangent or cotangent is infinite or NaN (the "selects" list of
// testdata/elementwise.json): relu, clip and hardsigmoid select, giving 0
// where they are flat whatever the cotangent, and abs and leaky relu
// multiply, giving NaN for 0·∞, in the JVP, the VJP and Reverse2's
// σ′ ⊙ v, each on a block of one row and on a stacked block of two samples
// with two tangent rows each (the row kernels' repeated-σ′ path).
func TestElementwiseSelects(t *testing.T) {
	var file struct {
		Selects []struct {
			fixtureCase
			X     []string `json:"x"`
			W     []string `json:"w"`
			VJP   []string `json:"vjp"` // the tags shadow fixtureCase's numbers
			JVP   []string `json:"jvp"`
			VTerm []string `json:"vterm"`
		} `json:"selects"`
	}
	readFixture(t, "testdata/elementwise.json", &file)
	if len(file.Selects) != 5 { // relu, clip, hardsigmoid, abs, leaky relu
		t.Fatalf("%d select cases, want 5", len(file.Selects))
	}
	nums := func(ss []string) []float64 { return reprs(t, ss...) }
	for i := range file.Selects {
		c := &file.Selects[i]
		t.Run(c.Name, func(t *testing.T) {
			x, w := nums(c.X), nums(c.W)
			n := len(x)
			for _, samples := range []int{1, 2} {
				op, err := fixtureBuilders[c.Op](&c.fixtureCase)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := op.Init([]graph.Shape{{n}}); err != nil {
					t.Fatal(err)
				}
				var tmp []float64
				st := graph.NewState(&tmp)
				st.Samples = samples
				// Every sample has the fixture's x; with two samples each
				// has two tangent rows, w and w again.
				rows := 2 * samples
				if samples == 1 {
					rows = 1
				}
				xs, ws := make([]float64, samples*n), make([]float64, rows*n)
				for r := 0; r < samples; r++ {
					copy(xs[r*n:], x)
				}
				for r := 0; r < rows; r++ {
					copy(ws[r*n:], w)
				}
				in := []graph.Block{graph.MakeBlock(xs, samples, n)}
				op.Forward(st, graph.MakeBlock(make([]float64, samples*n), samples, n), in)
				wb := graph.MakeBlock(ws, rows, n)
				jvp, vjp, vx := make([]float64, rows*n), make([]float64, rows*n), make([]float64, rows*n)
				op.JVP(st, graph.MakeBlock(jvp, rows, n), in, []graph.Block{wb})
				op.VJP(st, []graph.Block{graph.MakeBlock(vjp, rows, n)}, in, wb)
				op.Reverse2(st, []graph.Block{{}}, []graph.Block{graph.MakeBlock(vx, rows, n)}, in, []graph.Block{wb}, graph.Block{}, wb)
				for _, q := range []struct {
					what      string
					got, want []float64
				}{{"JVP", jvp, nums(c.JVP)}, {"VJP", vjp, nums(c.VJP)}, {"σ′ ⊙ v", vx, nums(c.VTerm)}} {
					for e, g := range q.got {
						if !ewSameSpecial(g, q.want[e%n]) {
							t.Errorf("%d samples: %s at x = %v, w = %v: %v, PyTorch %v", samples, q.what, x[e%n], w[e%n], g, q.want[e%n])
						}
					}
				}
			}
		})
	}
}

// reprs parses the fixtures' Python reprs of numbers ("inf", "nan", "-0.0").
func reprs(t *testing.T, ss ...string) []float64 {
	t.Helper()
	v := make([]float64, len(ss))
	for i, s := range ss {
		var err error
		if v[i], err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	}
	return v
}

// ewSameSpecial reports whether got equals want: both NaN, the same
// infinity, or within 1e-12 relative.
func ewSameSpecial(got, want float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	}
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

// TestElementwiseInitErrors checks the attribute errors.
func TestElementwiseInitErrors(t *testing.T) {
	for name, op := range map[string]graph.Op{
		"Celu(0)": Celu(0), "Celu(NaN)": Celu(math.NaN()), "Pow(NaN)": Pow(math.NaN()), "Pow(Inf)": Pow(math.Inf(1)),
		"Clip(NaN, 1)": Clip(math.NaN(), 1),
	} {
		if _, err := op.Init([]graph.Shape{{2}}); err == nil {
			t.Errorf("%s: Init succeeded", name)
		}
	}
	if _, err := Clip(math.Inf(-1), math.Inf(1)).Init([]graph.Shape{{2}}); err != nil {
		t.Errorf("Clip(−Inf, +Inf): %v", err)
	}
}

// TestUnaryUnits checks, for every element-wise op with a units function,
// that function bit for bit against the op's own hyper-dual evaluation at
// unit seeds: at kinks, signed zeros, the branch points of Tanh, both
// tails, infinities and NaN, and at random points (runs of every length to
// 40, so that vectorized groups and tails both run).
//
// An op marked flat (σ″ ≡ 0, whose passes drop the σ″ terms) must have
// σ″ = 0 at every point by its own hyper-dual evaluation.
func TestUnaryUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	points := []float64{0, math.Copysign(0, -1), 1, -1, 0.625, -0.625, math.Nextafter(0.625, 0), 44.014845965556525,
		-44.014845965556525, 45, -45, 1e-310, -1e-310, 710, -710, math.Inf(1), math.Inf(-1), math.NaN(), 1e-8, -3.5}
	for len(points) < 4000 {
		points = append(points, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(5)-2)))
	}
	for _, op := range []graph.Op{Tanh(), Relu()} {
		u := op.(*unaryOp)
		if u.units == nil {
			t.Fatalf("%s has no units function", u.name)
		}
		for n, off := 1, 0; off < len(points); off, n = off+n, n%40+1 {
			x := points[off:min(off+n, len(points))]
			y, d1, d2 := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
			u.units(y, d1, d2, x)
			if u.flat { // a flat op's units leaves d2 alone and takes none
				y2, d12 := make([]float64, len(x)), make([]float64, len(x))
				u.units(y2, d12, nil, x)
				for e := range x {
					if math.Float64bits(y2[e]) != math.Float64bits(y[e]) && y[e] == y[e] || d12[e] != d1[e] {
						t.Fatalf("%s(%v): units without d2 give %v %v, with it %v %v", u.name, x[e], y2[e], d12[e], y[e], d1[e])
					}
				}
			}
			for e, v := range x {
				f, g1, g2 := u.eval(v)
				if u.flat && g2 != 0 {
					t.Fatalf("%s is marked flat, but its hyper-dual σ″(%v) = %v", u.name, v, g2)
				}
				for _, p := range [3][2]float64{{y[e], f}, {d1[e], g1}, {d2[e], g2}} {
					if math.Float64bits(p[0]) != math.Float64bits(p[1]) && !(p[0] != p[0] && p[1] != p[1]) {
						t.Fatalf("%s(%v): units give %v %v %v, the hyper-dual evaluation %v %v %v", u.name, v, y[e], d1[e], d2[e], f, g1, g2)
					}
				}
			}
		}
	}
}

// TestFlat checks the piecewise-linear element-wise ops, which drop the σ″
// terms, against the others: each flat op has σ″ = 0 by its own
// hyper-dual evaluation at every point tried (kinks included), and an
// infinite or NaN tangent leaves its second cotangent at σ′ ⊙ v and JVP2's
// output alone, as PyTorch's double backward of such an op (zeros) does,
// where 0·ẋ·w would have made NaN. The ops that are not flat have σ″ ≠ 0
// somewhere among the points.
func TestFlat(t *testing.T) {
	points := []float64{0, math.Copysign(0, -1), 1, -1, 0.3, -0.3, 2, -2, 3, -3, 0.5, -0.5, 1e-300, -7, 7, 2.5}
	for _, c := range []struct {
		op   graph.Op
		flat bool
	}{
		{Relu(), true}, {LeakyRelu(0.1), true}, {HardSigmoid(0.2, 0.5), true}, {Abs(), true}, {Clip(-1, 2), true},
		{Tanh(), false}, {Sigmoid(), false}, {Elu(1), false}, {Selu(), false}, {Softplus(), false}, {HardSwish(), false},
		{Gelu(), false}, {Silu(), false}, {Exp(), false},
	} {
		u := c.op.(*unaryOp)
		if u.flat != c.flat {
			t.Errorf("%s: flat %v, want %v", u.name, u.flat, c.flat)
			continue
		}
		curved := false
		for _, v := range points {
			if _, _, g2 := u.eval(v); g2 != 0 {
				curved = true
				if c.flat {
					t.Errorf("%s is flat, but its hyper-dual σ″(%v) = %v", u.name, v, g2)
				}
			}
		}
		if !c.flat && !curved {
			t.Errorf("%s: σ″ = 0 at every point tried; the table should mark it flat", u.name)
		}
		if !c.flat {
			continue
		}
		n := len(points)
		if _, err := c.op.Init([]graph.Shape{{n}}); err != nil {
			t.Fatal(err)
		}
		var tmp []float64
		st := graph.NewState(&tmp)
		st.Samples = 1
		y := make([]float64, n)
		in := []graph.Block{graph.MakeBlock(points, 1, n)}
		c.op.Forward(st, graph.MakeBlock(y, 1, n), in)
		ww, vv, w, v, ts := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for e := range ts {
			ts[e] = []float64{math.Inf(1), math.Inf(-1), math.NaN()}[e%3]
			w[e], v[e] = 1+float64(e), 2-float64(e)
		}
		inT := []graph.Block{graph.MakeBlock(ts, 1, n)}
		c.op.Reverse2(st, []graph.Block{graph.MakeBlock(ww, 1, n)}, []graph.Block{graph.MakeBlock(vv, 1, n)}, in, inT,
			graph.MakeBlock(w, 1, n), graph.MakeBlock(v, 1, n))
		for e, x := range points {
			_, d1, _ := u.eval(x)
			if ww[e] != d1*w[e] || vv[e] != d1*v[e] {
				t.Errorf("%s at %v: Reverse2 gives w_x %v and v_x %v, want σ′·w = %v and σ′·v = %v", u.name, x, ww[e], vv[e], d1*w[e], d1*v[e])
			}
		}
		out := append([]float64(nil), w...)
		c.op.JVP2(st, graph.MakeBlock(out, 1, n), nil, inT, inT)
		if fmt.Sprint(out) != fmt.Sprint(w) {
			t.Errorf("%s: JVP2 changed its output to %v", u.name, out)
		}
	}
}
