package realfn_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/dual"
	"github.com/dualgrad/dualgrad/hyperdual"
	"github.com/dualgrad/dualgrad/internal/realfn"
)

// The twin tests check what the shared kernels are for: package dual and
// package hyperdual compute every first derivative with the same formula, so
// the ε part of a dual number is, bit for bit, the E1 part of the hyper-dual
// number with the same real part and ε₁ tangent. The dual number a + bε is
// embedded twice, as a + bε₁ (ε₂ absent) and as a + bε₁ + bε₂ (seeded like
// Var); real parts must agree too. All NaNs count as the same value, and the
// sign of zero counts.

type unaryTwin struct {
	name string
	d    func(dual.Number) dual.Number
	h    func(hyperdual.Number) hyperdual.Number
}

type binaryTwin struct {
	name string
	d    func(x, y dual.Number) dual.Number
	h    func(x, y hyperdual.Number) hyperdual.Number
}

var unaryTwins = []unaryTwin{
	{"Neg", dual.Neg, hyperdual.Neg},
	{"Inv", dual.Inv, hyperdual.Inv},
	{"Sqrt", dual.Sqrt, hyperdual.Sqrt},
	{"Cbrt", dual.Cbrt, hyperdual.Cbrt},
	{"Exp", dual.Exp, hyperdual.Exp},
	{"Exp2", dual.Exp2, hyperdual.Exp2},
	{"Expm1", dual.Expm1, hyperdual.Expm1},
	{"Log", dual.Log, hyperdual.Log},
	{"Log2", dual.Log2, hyperdual.Log2},
	{"Log10", dual.Log10, hyperdual.Log10},
	{"Log1p", dual.Log1p, hyperdual.Log1p},
	{"Sin", dual.Sin, hyperdual.Sin},
	{"Cos", dual.Cos, hyperdual.Cos},
	{"Tan", dual.Tan, hyperdual.Tan},
	{"Asin", dual.Asin, hyperdual.Asin},
	{"Acos", dual.Acos, hyperdual.Acos},
	{"Atan", dual.Atan, hyperdual.Atan},
	{"Sinh", dual.Sinh, hyperdual.Sinh},
	{"Cosh", dual.Cosh, hyperdual.Cosh},
	{"Tanh", dual.Tanh, hyperdual.Tanh},
	{"Asinh", dual.Asinh, hyperdual.Asinh},
	{"Acosh", dual.Acosh, hyperdual.Acosh},
	{"Atanh", dual.Atanh, hyperdual.Atanh},
	{"Erf", dual.Erf, hyperdual.Erf},
	{"Erfc", dual.Erfc, hyperdual.Erfc},
	{"Abs", dual.Abs, hyperdual.Abs},
	{"Sigmoid", dual.Sigmoid, hyperdual.Sigmoid},
	{"Softplus", dual.Softplus, hyperdual.Softplus},
}

var binaryTwins = []binaryTwin{
	{"Add", dual.Add, hyperdual.Add},
	{"Sub", dual.Sub, hyperdual.Sub},
	{"Mul", dual.Mul, hyperdual.Mul},
	{"Div", dual.Div, hyperdual.Div},
	{"Pow", dual.Pow, hyperdual.Pow},
	{"Hypot", dual.Hypot, hyperdual.Hypot},
	{"Atan2", dual.Atan2, hyperdual.Atan2},
	{"Max", dual.Max, hyperdual.Max},
	{"Min", dual.Min, hyperdual.Min},
}

// twinExponents and twinFactors are the constants PowReal(x, p) and
// Scale(f, x) are checked with: the special exponents PowReal treats apart
// (±0, 1, ±Inf, NaN), integers for negative bases, and fractions.
var (
	twinExponents = []float64{0, math.Copysign(0, -1), 1, 2, 3, -1, -2, 0.5, -0.5, 1.0 / 3, 2.5, -1.5, 0.3, 1.05, 1e-300, 1e300, math.Inf(1), math.Inf(-1), math.NaN()}
	twinFactors   = []float64{-3.5, 0, math.Copysign(0, -1), 1e-300, 1e300, math.Inf(1), math.NaN()}
)

// twinSpecials are the real parts where functions change regime: signed
// zeros, ±1 and the edges of domains, points where 1 ulp differences were
// seen before the kernels were shared (Tanh at 0.3, 1.7, −7.5), the overflow
// and underflow thresholds of exp, cosh and 2ˣ, subnormals, huge values and
// the non-finite ones.
var twinSpecials = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, -2, 3, 0.3, 1.7, -7.5, 10, -10, 20, -20, 26, -25.5, 40, -40, 300,
	1 + 0x1p-30, 1 - 0x1p-30, -1 + 0x1p-30, -1 - 0x1p-30, 1 + 0x1p-52, 1 - 0x1p-53,
	math.Pi / 2, math.Pi, -math.Pi / 2,
	709.4, 709.44, 709.7, 709.78, 709.79, 710, 710.48, 710.5, 720, -720, -708.4, -745, -745.2, -746, 800, -800,
	1023.9, 1024, 1024.5, 1030, -1022, -1074, -1075, -1076,
	1e-8, -1e-8, 1e-154, 1e-300, -1e-300, 1e-310, -1e-310, 5e-324, -5e-324, 0x1p-1022, -0x1p-1022,
	1e100, -1e100, 1e154, 1e200, -1e200, 1e300, -1e300, 1.5e308, math.MaxFloat64, -math.MaxFloat64,
	math.Inf(1), math.Inf(-1), math.NaN(),
}

// twinTangents are the ε parts: unit and non-unit of both signs, tiny and
// huge, signed zeros, infinities and NaN.
var twinTangents = []float64{
	1, -1, -2.75, 0.3, 1e-7, -4096.5, 1e-300, 1e300, -1e300, 5e-324,
	0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
}

// twinPoints returns the special reals and n random ones of each kind:
// uniform in [−10, 10], log-uniform in magnitude over [1e-300, 1e300] with
// either sign, and arbitrary bit patterns, from a fixed stream.
func twinPoints(n int) []float64 {
	rnd := rand.New(rand.NewPCG(14, 14))
	pts := slices.Clone(twinSpecials)
	for range n {
		pts = append(pts,
			20*rnd.Float64()-10,
			math.Copysign(math.Pow(10, 600*rnd.Float64()-300), rnd.Float64()-0.5),
			math.Float64frombits(rnd.Uint64()))
	}
	return pts
}

// same reports whether a and b are the same float64, all NaNs alike.
func same(a, b float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// embeddings returns the hyper-dual numbers the dual number a + bε is
// compared with.
func embeddings(a, b float64) [2]hyperdual.Number {
	return [2]hyperdual.Number{{Real: a, E1: b}, {Real: a, E1: b, E2: b}}
}

// twins reports whether d and h have the same real part and d.Eps = h.E1.
func twins(d dual.Number, h hyperdual.Number) bool {
	return same(d.Real, h.Real) && same(d.Eps, h.E1)
}

func reportTwin(t *testing.T, name string, d dual.Number, h hyperdual.Number, args ...any) {
	t.Helper()
	t.Errorf("%s%v: dual gives %v, hyperdual %v (Eps %x, E1 %x)", name, args, d, h, math.Float64bits(d.Eps), math.Float64bits(h.E1))
}

// TestTwinsUnary checks every unary function, PowReal at each of
// twinExponents and Scale at each of twinFactors, at every point and tangent.
func TestTwinsUnary(t *testing.T) {
	funcs := slices.Clone(unaryTwins)
	for _, p := range twinExponents {
		funcs = append(funcs, unaryTwin{"PowReal(·, " + strconv.FormatFloat(p, 'g', -1, 64) + ")",
			func(x dual.Number) dual.Number { return dual.PowReal(x, p) },
			func(x hyperdual.Number) hyperdual.Number { return hyperdual.PowReal(x, p) }})
	}
	for _, f := range twinFactors {
		funcs = append(funcs, unaryTwin{"Scale(" + strconv.FormatFloat(f, 'g', -1, 64) + ", ·)",
			func(x dual.Number) dual.Number { return dual.Scale(f, x) },
			func(x hyperdual.Number) hyperdual.Number { return hyperdual.Scale(f, x) }})
	}
	pts := twinPoints(400)
	var n int
	for _, u := range funcs {
		bad := 0
		for _, a := range pts {
			for _, b := range twinTangents {
				d := u.d(dual.Number{Real: a, Eps: b})
				for _, x := range embeddings(a, b) {
					n++
					if y := u.h(x); !twins(d, y) {
						reportTwin(t, u.name, d, y, x)
						bad++
					}
				}
			}
			if bad > 5 {
				t.Fatalf("%s: too many differences", u.name)
			}
		}
	}
	t.Logf("%d unary functions (with PowReal and Scale constants) at %d points × %d tangents × 2 embeddings: %d comparisons",
		len(funcs), len(pts), len(twinTangents), n)
}

// TestTwinsBinary checks every binary function at every pair of special
// points and at random pairs, each with pairs of tangents.
func TestTwinsBinary(t *testing.T) {
	var pairs [][2]float64
	for _, a := range twinSpecials {
		for _, c := range twinSpecials {
			pairs = append(pairs, [2]float64{a, c})
		}
	}
	pts := twinPoints(700)[len(twinSpecials):]
	for i := 0; i+1 < len(pts); i += 2 {
		pairs = append(pairs, [2]float64{pts[i], pts[i+1]}, [2]float64{pts[i], -pts[i]}, [2]float64{pts[i], pts[i]})
	}
	k := len(twinTangents)
	var n int
	for _, f := range binaryTwins {
		bad := 0
		for _, p := range pairs {
			for i, b := range twinTangents {
				// Every tangent for x, each with three for y.
				for _, s := range []int{0, 4, 11} {
					dd := twinTangents[(i+s)%k]
					d := f.d(dual.Number{Real: p[0], Eps: b}, dual.Number{Real: p[1], Eps: dd})
					xs, ys := embeddings(p[0], b), embeddings(p[1], dd)
					for e := range xs {
						n++
						if z := f.h(xs[e], ys[e]); !twins(d, z) {
							reportTwin(t, f.name, d, z, xs[e], ys[e])
							bad++
						}
					}
				}
			}
			if bad > 5 {
				t.Fatalf("%s: too many differences", f.name)
			}
		}
	}
	t.Logf("%d binary functions at %d pairs × %d tangent pairs × 2 embeddings: %d comparisons",
		len(binaryTwins), len(pairs), 3*k, n)
}

// TestTwinsDrivers checks that composed code gives the same bits too:
// dual.Derivative against the first derivative of hyperdual.Derivative2,
// and the two packages' Gradient, on functions that use most of the set.
func TestTwinsDrivers(t *testing.T) {
	type fn struct {
		name string
		d    func(dual.Number) dual.Number
		h    func(hyperdual.Number) hyperdual.Number
	}
	for _, f := range []fn{
		{"fike", func(x dual.Number) dual.Number {
			s, c := dual.Sin(x), dual.Cos(x)
			return dual.Div(dual.Exp(x), dual.Sqrt(dual.Add(dual.PowReal(s, 3), dual.PowReal(c, 3))))
		}, func(x hyperdual.Number) hyperdual.Number {
			s, c := hyperdual.Sin(x), hyperdual.Cos(x)
			return hyperdual.Div(hyperdual.Exp(x), hyperdual.Sqrt(hyperdual.Add(hyperdual.PowReal(s, 3), hyperdual.PowReal(c, 3))))
		}},
		{"mixed", func(x dual.Number) dual.Number {
			y := dual.Mul(dual.Tanh(x), dual.Log1p(dual.Mul(x, x)))
			y = dual.Add(y, dual.Div(dual.Sigmoid(x), dual.Hypot(x, dual.Const(2))))
			y = dual.Sub(y, dual.Mul(dual.Erf(x), dual.Atan2(x, dual.Const(-1.5))))
			return dual.Add(y, dual.Max(dual.Softplus(x), dual.Pow(dual.Abs(x), dual.Scale(0.5, x))))
		}, func(x hyperdual.Number) hyperdual.Number {
			y := hyperdual.Mul(hyperdual.Tanh(x), hyperdual.Log1p(hyperdual.Mul(x, x)))
			y = hyperdual.Add(y, hyperdual.Div(hyperdual.Sigmoid(x), hyperdual.Hypot(x, hyperdual.Const(2))))
			y = hyperdual.Sub(y, hyperdual.Mul(hyperdual.Erf(x), hyperdual.Atan2(x, hyperdual.Const(-1.5))))
			return hyperdual.Add(y, hyperdual.Max(hyperdual.Softplus(x), hyperdual.Pow(hyperdual.Abs(x), hyperdual.Scale(0.5, x))))
		}},
	} {
		for _, a := range []float64{-2.5, -0.3, 0.3, 1.5, 1.7, 4} {
			_, d1, _ := hyperdual.Derivative2(f.h, a)
			if got := dual.Derivative(f.d, a); !same(got, d1) {
				t.Errorf("%s′(%v): dual %v, hyperdual %v", f.name, a, got, d1)
			}
		}
	}
	sumD := func(v []dual.Number) dual.Number {
		s := dual.Const(0)
		for i, x := range v {
			s = dual.Add(s, dual.Mul(dual.Sin(dual.Scale(float64(i+1), x)), dual.Exp(dual.Neg(dual.Mul(x, x)))))
		}
		return dual.Log(dual.Add(dual.Const(2), dual.Tanh(s)))
	}
	sumH := func(v []hyperdual.Number) hyperdual.Number {
		s := hyperdual.Const(0)
		for i, x := range v {
			s = hyperdual.Add(s, hyperdual.Mul(hyperdual.Sin(hyperdual.Scale(float64(i+1), x)), hyperdual.Exp(hyperdual.Neg(hyperdual.Mul(x, x)))))
		}
		return hyperdual.Log(hyperdual.Add(hyperdual.Const(2), hyperdual.Tanh(s)))
	}
	x := []float64{0.3, -1.2, 0.7, 2.1, -0.4}
	gd, gh := dual.Gradient(nil, sumD, x), hyperdual.Gradient(nil, sumH, x)
	for i := range x {
		// hyperdual.Gradient reads odd coordinates from E2, the twin of E1.
		if !same(gd[i], gh[i]) {
			t.Errorf("∂/∂x%d: dual %v, hyperdual %v", i, gd[i], gh[i])
		}
	}
}

// TestTwinsCoverage checks that the twin tables hold every function of one
// or two Numbers that both packages export, and that the packages export the
// same functions: a function added to one package, or to both but not here,
// fails the test.
func TestTwinsCoverage(t *testing.T) {
	d, h := numberFuncs(t, "dual"), numberFuncs(t, "hyperdual")
	// The drivers differ by design: dual has Derivative, hyperdual
	// Derivative2 and Hessian.
	for _, drv := range []string{"Derivative", "Derivative2", "Gradient", "Hessian", "Var", "Const"} {
		delete(d, drv)
		delete(h, drv)
	}
	if !slices.Equal(sortedKeys(d), sortedKeys(h)) {
		t.Errorf("the packages export different number functions:\ndual      %v\nhyperdual %v", sortedKeys(d), sortedKeys(h))
	}
	covered := map[string]bool{"PowReal": true, "Scale": true}
	for _, u := range unaryTwins {
		covered[u.name] = true
	}
	for _, b := range binaryTwins {
		covered[b.name] = true
	}
	for name := range d {
		if !covered[name] {
			t.Errorf("%s is in both packages but not in the twin tables", name)
		}
	}
	t.Logf("%d functions: %s", len(d), strings.Join(sortedKeys(d), ", "))
}

// numberFuncs returns the exported top-level functions of package pkg
// (../../pkg) that take or return a Number.
func numberFuncs(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	dir := filepath.Join("..", "..", pkg)
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !fd.Name.IsExported() {
				continue
			}
			uses := false
			ast.Inspect(fd.Type, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.Name == "Number" {
					uses = true
				}
				return true
			})
			if uses {
				out[fd.Name.Name] = true
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no functions found in %s", dir)
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestUnit: realfn.Unit reads off a kernel's jet, bit for bit, the parts of
// the hyper-dual number at unit seeds (a + ε₁ + ε₂) that package hyperdual
// computes, wherever it reports ok, for every kernel whose hyper-dual
// function is that kernel's chain rule, at the special and random points.
// It must report ok for the plain kernels at ordinary points, so that the
// element-wise ops' fast route is used at all.
func TestUnit(t *testing.T) {
	for _, c := range []struct {
		name string
		k    func(float64) (realfn.Jet, realfn.Mode)
		h    func(hyperdual.Number) hyperdual.Number
	}{
		{"Exp", realfn.Exp, hyperdual.Exp}, {"Exp2", realfn.Exp2, hyperdual.Exp2}, {"Expm1", realfn.Expm1, hyperdual.Expm1},
		{"Log", realfn.Log, hyperdual.Log}, {"Log1p", realfn.Log1p, hyperdual.Log1p},
		{"Sinh", realfn.Sinh, hyperdual.Sinh}, {"Cosh", realfn.Cosh, hyperdual.Cosh}, {"Tanh", realfn.Tanh, hyperdual.Tanh},
		{"Asinh", realfn.Asinh, hyperdual.Asinh}, {"Acosh", realfn.Acosh, hyperdual.Acosh}, {"Atanh", realfn.Atanh, hyperdual.Atanh},
		{"Abs", realfn.Abs, hyperdual.Abs}, {"Sigmoid", realfn.Sigmoid, hyperdual.Sigmoid}, {"Softplus", realfn.Softplus, hyperdual.Softplus},
		{"Sqrt", realfn.Sqrt, hyperdual.Sqrt}, {"Cbrt", realfn.Cbrt, hyperdual.Cbrt}, {"Erf", realfn.Erf, hyperdual.Erf},
		{"Erfc", realfn.Erfc, hyperdual.Erfc}, {"Sin", realfn.Sin, hyperdual.Sin}, {"Cos", realfn.Cos, hyperdual.Cos},
		{"Tan", realfn.Tan, hyperdual.Tan}, {"Asin", realfn.Asin, hyperdual.Asin}, {"Atan", realfn.Atan, hyperdual.Atan},
	} {
		fast := 0
		for _, a := range twinPoints(200) {
			f, d1, d2, ok := realfn.Unit(c.k(a))
			if !ok {
				continue
			}
			fast++
			z := c.h(hyperdual.Number{Real: a, E1: 1, E2: 1})
			if !same(f, z.Real) || !same(d1, z.E1) || !same(d2, z.E12) {
				t.Errorf("%s(%g): Unit gives %v, %v, %v; hyperdual %v, %v, %v", c.name, a, f, d1, d2, z.Real, z.E1, z.E12)
			}
		}
		if j, m := c.k(0.5); m.Pre.None() && m.Form != realfn.Relative {
			if _, _, _, ok := realfn.Unit(j, m); !ok {
				t.Errorf("%s(0.5): Unit not ok for a plain jet", c.name)
			}
		}
		if fast == 0 {
			t.Errorf("%s: Unit never ok", c.name)
		}
	}
}
