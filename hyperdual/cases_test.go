package hyperdual

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// unaryCase describes a unary function with an independent closed-form
// oracle for its value and first two derivatives. The oracles are written
// from textbook formulas, deliberately not the expressions the package
// evaluates, so that a wrong rearrangement in the package cannot agree with
// them by construction.
type unaryCase struct {
	name string
	f    func(Number) Number
	// math is the package math function the real part must equal bit for
	// bit, or nil if math has none.
	math func(float64) float64
	// ref returns f(a), f′(a) and f″(a).
	ref func(a float64) (f, d1, d2 float64)
	// lo and hi bound the interior points drawn for exactness and
	// finite-difference checks; pts are further fixed interior points.
	lo, hi float64
	pts    []float64
}

func powRef(p float64) func(float64) (float64, float64, float64) {
	return func(a float64) (float64, float64, float64) {
		return math.Pow(a, p), p * math.Pow(a, p-1), p * (p - 1) * math.Pow(a, p-2)
	}
}

func powRealCase(p float64, lo, hi float64, pts ...float64) unaryCase {
	return unaryCase{
		name: "PowReal(·," + strconv.FormatFloat(p, 'g', -1, 64) + ")",
		f:    func(x Number) Number { return PowReal(x, p) },
		math: func(a float64) float64 { return math.Pow(a, p) },
		ref:  powRef(p),
		lo:   lo, hi: hi, pts: pts,
	}
}

var unaryCases = []unaryCase{
	{"Sqrt", Sqrt, math.Sqrt, func(a float64) (float64, float64, float64) {
		return math.Sqrt(a), 1 / (2 * math.Sqrt(a)), -0.25 * math.Pow(a, -1.5)
	}, 0.05, 20, []float64{1e-8, 2, 1e8}},
	{"Cbrt", Cbrt, math.Cbrt, func(a float64) (float64, float64, float64) {
		s := math.Copysign(1, a)
		m := math.Abs(a)
		return math.Cbrt(a), math.Pow(m, -2.0/3) / 3, -2.0 / 9 * s * math.Pow(m, -5.0/3)
	}, -8, 8, []float64{-27, 1e-9, 0.125}},
	powRealCase(2, -5, 5, -2, 1e-3),
	powRealCase(3, -5, 5, -1.5, 7),
	powRealCase(-1.5, 0.1, 10, 0.5, 3),
	powRealCase(0.5, 0.1, 10, 0.25, 9),
	powRealCase(-2, 0.2, 5, -0.5, -3),
	powRealCase(2.5, 0.1, 5, 1.5),
	{"Inv", Inv, func(a float64) float64 { return 1 / a }, func(a float64) (float64, float64, float64) {
		return 1 / a, -1 / (a * a), 2 / (a * a * a)
	}, 0.2, 5, []float64{-0.5, -3, 1e-3}},
	{"Neg", Neg, func(a float64) float64 { return -a }, func(a float64) (float64, float64, float64) {
		return -a, -1, 0
	}, -5, 5, nil},
	{"Exp", Exp, math.Exp, func(a float64) (float64, float64, float64) {
		e := math.Exp(a)
		return e, e, e
	}, -5, 5, []float64{-700, 700}},
	{"Exp2", Exp2, math.Exp2, func(a float64) (float64, float64, float64) {
		e := math.Pow(2, a)
		return e, e * math.Ln2, e * math.Ln2 * math.Ln2
	}, -5, 5, []float64{-20.25, 30.5}},
	{"Expm1", Expm1, math.Expm1, func(a float64) (float64, float64, float64) {
		e := math.Exp(a)
		return math.Expm1(a), e, e
	}, -5, 5, []float64{1e-10}},
	{"Log", Log, math.Log, func(a float64) (float64, float64, float64) {
		return math.Log(a), 1 / a, -1 / (a * a)
	}, 0.05, 20, []float64{1e-5, 1e5}},
	{"Log2", Log2, math.Log2, func(a float64) (float64, float64, float64) {
		return math.Log2(a), 1 / (a * math.Ln2), -1 / (a * a * math.Ln2)
	}, 0.05, 20, []float64{8}},
	{"Log10", Log10, math.Log10, func(a float64) (float64, float64, float64) {
		return math.Log10(a), 1 / (a * math.Ln10), -1 / (a * a * math.Ln10)
	}, 0.05, 20, []float64{1000}},
	{"Log1p", Log1p, math.Log1p, func(a float64) (float64, float64, float64) {
		return math.Log1p(a), 1 / (1 + a), -1 / ((1 + a) * (1 + a))
	}, -0.9, 10, []float64{1e-10, -0.999}},
	{"Sin", Sin, math.Sin, func(a float64) (float64, float64, float64) {
		return math.Sin(a), math.Cos(a), -math.Sin(a)
	}, -6, 6, []float64{100.5}},
	{"Cos", Cos, math.Cos, func(a float64) (float64, float64, float64) {
		return math.Cos(a), -math.Sin(a), -math.Cos(a)
	}, -6, 6, []float64{100.5}},
	{"Tan", Tan, math.Tan, func(a float64) (float64, float64, float64) {
		c := math.Cos(a)
		return math.Tan(a), 1 / (c * c), 2 * math.Sin(a) / (c * c * c)
	}, -1.4, 1.4, []float64{1.55, -1.55}},
	{"Asin", Asin, math.Asin, func(a float64) (float64, float64, float64) {
		w := math.FMA(-a, a, 1) // 1 − a², rounded once
		return math.Asin(a), 1 / math.Sqrt(w), a * math.Pow(w, -1.5)
	}, -0.95, 0.95, []float64{0.999}},
	{"Acos", Acos, math.Acos, func(a float64) (float64, float64, float64) {
		w := math.FMA(-a, a, 1)
		return math.Acos(a), -1 / math.Sqrt(w), -a * math.Pow(w, -1.5)
	}, -0.95, 0.95, []float64{-0.999}},
	{"Atan", Atan, math.Atan, func(a float64) (float64, float64, float64) {
		return math.Atan(a), 1 / (1 + a*a), -2 * a / ((1 + a*a) * (1 + a*a))
	}, -10, 10, []float64{1e3}},
	{"Sinh", Sinh, math.Sinh, func(a float64) (float64, float64, float64) {
		return math.Sinh(a), math.Cosh(a), math.Sinh(a)
	}, -5, 5, []float64{30}},
	{"Cosh", Cosh, math.Cosh, func(a float64) (float64, float64, float64) {
		return math.Cosh(a), math.Sinh(a), math.Cosh(a)
	}, -5, 5, []float64{-30}},
	{"Tanh", Tanh, math.Tanh, func(a float64) (float64, float64, float64) {
		c := math.Cosh(a)
		return math.Tanh(a), 1 / (c * c), -2 * math.Sinh(a) / (c * c * c)
	}, -5, 5, []float64{12, -15}},
	{"Asinh", Asinh, math.Asinh, func(a float64) (float64, float64, float64) {
		return math.Asinh(a), 1 / math.Sqrt(1+a*a), -a * math.Pow(1+a*a, -1.5)
	}, -10, 10, []float64{1e5}},
	{"Acosh", Acosh, math.Acosh, func(a float64) (float64, float64, float64) {
		w := math.FMA(a, a, -1)
		return math.Acosh(a), 1 / math.Sqrt(w), -a * math.Pow(w, -1.5)
	}, 1.1, 10, []float64{1.001, 1e5}},
	{"Atanh", Atanh, math.Atanh, func(a float64) (float64, float64, float64) {
		w := math.FMA(-a, a, 1)
		return math.Atanh(a), 1 / w, 2 * a / (w * w)
	}, -0.95, 0.95, []float64{0.999}},
	{"Erf", Erf, math.Erf, func(a float64) (float64, float64, float64) {
		g := 2 / math.Sqrt(math.Pi) * math.Exp(-a*a)
		return math.Erf(a), g, -2 * a * g
	}, -3, 3, []float64{5.5}},
	{"Erfc", Erfc, math.Erfc, func(a float64) (float64, float64, float64) {
		g := 2 / math.Sqrt(math.Pi) * math.Exp(-a*a)
		return math.Erfc(a), -g, 2 * a * g
	}, -3, 3, []float64{5.5}},
	{"Abs", Abs, math.Abs, func(a float64) (float64, float64, float64) {
		return math.Abs(a), math.Copysign(1, a), 0
	}, 0.1, 5, []float64{-0.1, -4}},
	// σ′ = ¼sech²(a/2) and σ″ = −¼tanh(a/2)sech²(a/2): the hyperbolic
	// forms, not the σ(1−σ) forms the package uses.
	{"Sigmoid", Sigmoid, nil, func(a float64) (float64, float64, float64) {
		c := math.Cosh(a / 2)
		d1 := 0.25 / (c * c)
		return 0.5 + 0.5*math.Tanh(a/2), d1, -math.Tanh(a/2) * d1
	}, -4, 4, []float64{1e-9, -0.3}},
	{"Softplus", Softplus, nil, func(a float64) (float64, float64, float64) {
		c := math.Cosh(a / 2)
		return math.Log(1 + math.Exp(a)), 0.5 + 0.5*math.Tanh(a/2), 0.25 / (c * c)
	}, -4, 4, []float64{1e-9, 15}},
}

// seeds are asymmetric (b ≠ c), non-unit tangents with a nonzero incoming
// ε₁ε₂ part, except for the last, which checks d = 0.
var seeds = []struct{ b, c, d float64 }{
	{0.7, -1.3, 0.45},
	{2.5, 0.3, -1.1},
	{-0.6, 0.9, 0},
}

// points returns the fixed interior points of uc and n random ones from its
// range, drawn from a fixed stream so that failures reproduce.
func (uc unaryCase) points(n int) []float64 {
	rnd := rand.New(rand.NewPCG(1, uint64(len(uc.name))))
	pts := append([]float64(nil), uc.pts...)
	for range n {
		pts = append(pts, uc.lo+(uc.hi-uc.lo)*rnd.Float64())
	}
	return pts
}

// expand returns the expected value of f(a+bε₁+cε₂+dε₁ε₂) from f, f′ and f″
// and, for each part, the scale against which its error is measured: the sum
// of the magnitudes of its terms, so that cancellation between the f′·d and
// f″·b·c terms does not demand more than rounding allows.
func expand(f, d1, d2, b, c, d float64) (want, scale Number) {
	want = Number{f, d1 * b, d1 * c, d1*d + d2*b*c}
	scale = Number{math.Abs(f), math.Abs(d1 * b), math.Abs(d1 * c), math.Abs(d1*d) + math.Abs(d2*b*c)}
	return want, scale
}

// checkClose reports the parts of got that differ from want by more than
// tol relative to scale.
func checkClose(t *testing.T, what string, got, want, scale Number, tol float64) {
	t.Helper()
	g := [4]float64{got.Real, got.E1, got.E2, got.E12}
	w := [4]float64{want.Real, want.E1, want.E2, want.E12}
	s := [4]float64{scale.Real, scale.E1, scale.E2, scale.E12}
	for k, name := range partNames {
		if !(math.Abs(g[k]-w[k]) <= tol*s[k]) {
			t.Errorf("%s: %s = %v, want %v (rel err %.2g, tol %g)", what, name, g[k], w[k], math.Abs(g[k]-w[k])/s[k], tol)
		}
	}
}

var partNames = [4]string{"Real", "E1", "E2", "E12"}

// same reports whether a and b are the same float64, distinguishing signed
// zeros and treating all NaNs as equal.
func same(a, b float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// sameNumber reports whether every part of x and y is the same float64.
func sameNumber(x, y Number) bool {
	return same(x.Real, y.Real) && same(x.E1, y.E1) && same(x.E2, y.E2) && same(x.E12, y.E12)
}

// sameParts is sameNumber with the sign of zero ignored in derivative parts:
// the zero-tangent rule promises 0, not a particular sign.
func sameParts(x, y Number) bool {
	eq := func(a, b float64) bool { return (a == 0 && b == 0) || same(a, b) }
	return same(x.Real, y.Real) && eq(x.E1, y.E1) && eq(x.E2, y.E2) && eq(x.E12, y.E12)
}

func (x Number) withReal(a float64) Number { x.Real = a; return x }

// closeOrSame reports whether each part of got equals want's (ignoring the
// sign of zero) or, for tol > 0, is finite and within tol relative of it.
func closeOrSame(got, want Number, tol float64) bool {
	g := [4]float64{got.Real, got.E1, got.E2, got.E12}
	w := [4]float64{want.Real, want.E1, want.E2, want.E12}
	for k := range g {
		switch {
		case g[k] == w[k], same(g[k], w[k]):
		case tol > 0 && math.Abs(g[k]-w[k]) <= tol*math.Abs(w[k]):
		default:
			return false
		}
	}
	return true
}

// swap exchanges the ε₁ and ε₂ parts.
func swap(x Number) Number { return Number{x.Real, x.E2, x.E1, x.E12} }

// binaryCase describes a binary function with closed-form partials.
type binaryCase struct {
	name string
	f    func(x, y Number) Number
	math func(a, c float64) float64
	// ref returns f and the partials fx, fy, fxx, fxy, fyy at (a, c).
	ref func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64)
	// pts are interior points (a, c).
	pts [][2]float64
}

var binaryCases = []binaryCase{
	{"Add", Add, func(a, c float64) float64 { return a + c },
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) { return a + c, 1, 1, 0, 0, 0 },
		[][2]float64{{1.5, -2.25}}},
	{"Sub", Sub, func(a, c float64) float64 { return a - c },
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) { return a - c, 1, -1, 0, 0, 0 },
		[][2]float64{{1.5, -2.25}}},
	{"Mul", Mul, func(a, c float64) float64 { return a * c },
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) { return a * c, c, a, 0, 1, 0 },
		[][2]float64{{1.5, -2.25}, {-3, 0.1}, {0, 2}}},
	{"Div", Div, func(a, c float64) float64 { return a / c },
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) {
			return a / c, 1 / c, -a / (c * c), 0, -1 / (c * c), 2 * a / (c * c * c)
		},
		[][2]float64{{1.5, -2.25}, {-3, 0.1}, {0, 2}, {7, 1e-3}}},
	{"Pow", Pow, math.Pow,
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) {
			l := math.Log(a)
			f = math.Pow(a, c)
			return f, c * math.Pow(a, c-1), f * l, c * (c - 1) * math.Pow(a, c-2),
				math.Pow(a, c-1) * (1 + c*l), f * l * l
		},
		[][2]float64{{1.5, -2.25}, {0.3, 2.5}, {4, 0.5}, {2, 3}}},
	{"Hypot", Hypot, math.Hypot,
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) {
			h := math.Sqrt(a*a + c*c)
			h3 := h * h * h
			return h, a / h, c / h, c * c / h3, -a * c / h3, a * a / h3
		},
		[][2]float64{{1.5, -2.25}, {-3, 0.1}, {0, 2}}},
	// Atan2's arguments are (y, x): here a is y and c is x.
	{"Atan2", Atan2, math.Atan2,
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) {
			r2 := a*a + c*c
			return math.Atan2(a, c), c / r2, -a / r2, -2 * a * c / (r2 * r2), (a*a - c*c) / (r2 * r2), 2 * a * c / (r2 * r2)
		},
		[][2]float64{{1.5, -2.25}, {-3, 0.1}, {0, 2}, {-1, -1e-3}}},
	{"Max", Max, math.Max,
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) {
			if a > c {
				return a, 1, 0, 0, 0, 0
			}
			return c, 0, 1, 0, 0, 0
		},
		[][2]float64{{1.5, -2.25}, {-3, 0.1}}},
	{"Min", Min, math.Min,
		func(a, c float64) (f, fx, fy, fxx, fxy, fyy float64) {
			if a < c {
				return a, 1, 0, 0, 0, 0
			}
			return c, 0, 1, 0, 0, 0
		},
		[][2]float64{{1.5, -2.25}, {-3, 0.1}}},
}

// binarySeeds are asymmetric tangents for the two arguments.
var binarySeeds = []struct{ x, y Number }{
	{Number{0, 0.7, -1.3, 0.45}, Number{0, 0.2, 1.9, -0.8}},
	{Number{0, 1, 0, 0}, Number{0, 0, 1, 0}},
	{Number{0, -0.4, 0.6, 0}, Number{0, 0, 0, 0}},
	{Number{0, 0, 0, 0}, Number{0, 1.7, -0.3, 0.9}},
}

// expand2 is expand for a binary function.
func expand2(f, fx, fy, fxx, fxy, fyy float64, x, y Number) (want, scale Number) {
	terms12 := []float64{fx * x.E12, fy * y.E12, fxx * x.E1 * x.E2, fxy * x.E1 * y.E2, fxy * x.E2 * y.E1, fyy * y.E1 * y.E2}
	var w12, s12 float64
	for _, v := range terms12 {
		w12 += v
		s12 += math.Abs(v)
	}
	want = Number{f, fx*x.E1 + fy*y.E1, fx*x.E2 + fy*y.E2, w12}
	scale = Number{math.Abs(f), math.Abs(fx*x.E1) + math.Abs(fy*y.E1), math.Abs(fx*x.E2) + math.Abs(fy*y.E2), s12}
	return want, scale
}

// specials are real parts at which functions have special cases, domain
// edges, overflow thresholds or signed zeros.
var specials = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, -2, 3,
	1e-300, -1e-300, 5e-324, 1e300, -1e300, math.MaxFloat64,
	709.9, 710.5, -745.5, -800, 800, 1025, -1075,
	math.Pi / 2, math.Pi,
	math.Inf(1), math.Inf(-1), math.NaN(),
}

// special is one row of a family's special-case table: every part of got
// must equal want's (for tol 0; a zero of either sign matches a zero in the
// derivative parts, as sameParts says) or be within tol relative to it.
type special struct {
	name      string
	got, want Number
	tol       float64
}

func checkSpecial(t *testing.T, cases []special) {
	t.Helper()
	for _, tc := range cases {
		ok := sameParts(tc.got, tc.want)
		if tc.tol != 0 {
			ok = closeOrSame(tc.got, tc.want, tc.tol)
		}
		if !ok {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

var (
	inf     = math.Inf(1)
	nan     = math.NaN()
	negZero = math.Copysign(0, -1)
)
