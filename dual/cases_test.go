package dual

import (
	"math"
	"math/rand/v2"
	"testing"
)

// unaryCase describes one unary function for the table-driven property tests.
type unaryCase struct {
	name string
	f    func(Number) Number
	// ref is package math's function, nil where math has none.
	ref func(float64) float64
	// d1 is the closed-form derivative, written independently of the
	// implementation where a different accurate formula exists.
	d1 func(float64) float64
	// Random points are drawn uniformly from [lo, hi], negated at random
	// when sym is set. The interval keeps both the closed form and central
	// differences accurate.
	lo, hi float64
	sym    bool
}

func (c unaryCase) point(rnd *rand.Rand) float64 {
	a := c.lo + (c.hi-c.lo)*rnd.Float64()
	if c.sym && rnd.IntN(2) == 0 {
		a = -a
	}
	return a
}

var unaryCases = []unaryCase{
	{"Neg", Neg, nil, func(float64) float64 { return -1 }, -10, 10, false},
	{"Scale", func(x Number) Number { return Scale(-3.5, x) }, nil, func(float64) float64 { return -3.5 }, -10, 10, false},
	{"Inv", Inv, nil, func(a float64) float64 { return -1 / (a * a) }, 0.25, 8, true},
	{"Sqrt", Sqrt, math.Sqrt, func(a float64) float64 { return 0.5 / math.Sqrt(a) }, 0.1, 100, false},
	{"Cbrt", Cbrt, math.Cbrt, func(a float64) float64 { return math.Pow(math.Abs(a), -2.0/3) / 3 }, 0.1, 100, true},
	{"PowReal(2.5)", func(x Number) Number { return PowReal(x, 2.5) }, func(a float64) float64 { return math.Pow(a, 2.5) },
		func(a float64) float64 { return 2.5 * a * math.Sqrt(a) }, 0.1, 10, false},
	{"PowReal(-3)", func(x Number) Number { return PowReal(x, -3) }, func(a float64) float64 { return math.Pow(a, -3) },
		func(a float64) float64 { return -3 / (a * a * a * a) }, 0.25, 5, true},
	{"PowReal(0.3)", func(x Number) Number { return PowReal(x, 0.3) }, func(a float64) float64 { return math.Pow(a, 0.3) },
		func(a float64) float64 { return 0.3 * math.Pow(a, 0.3) / a }, 0.1, 10, false},
	{"Exp", Exp, math.Exp, math.Exp, -30, 30, false},
	{"Exp2", Exp2, math.Exp2, func(a float64) float64 { return math.Ln2 * math.Exp(a*math.Ln2) }, -30, 30, false},
	{"Expm1", Expm1, math.Expm1, math.Exp, -30, 30, false},
	{"Log", Log, math.Log, func(a float64) float64 { return 1 / a }, 0.1, 100, false},
	{"Log2", Log2, math.Log2, func(a float64) float64 { return math.Log2E / a }, 0.1, 100, false},
	{"Log10", Log10, math.Log10, func(a float64) float64 { return math.Log10E / a }, 0.1, 100, false},
	{"Log1p", Log1p, math.Log1p, func(a float64) float64 { return 1 / (1 + a) }, -0.9, 100, false},
	{"Sin", Sin, math.Sin, math.Cos, -10, 10, false},
	{"Cos", Cos, math.Cos, func(a float64) float64 { return -math.Sin(a) }, -10, 10, false},
	{"Tan", Tan, math.Tan, func(a float64) float64 { c := math.Cos(a); return 1 / (c * c) }, -1.5, 1.5, false},
	{"Asin", Asin, math.Asin, func(a float64) float64 { return 1 / math.Sqrt(1-a*a) }, -0.99, 0.99, false},
	{"Acos", Acos, math.Acos, func(a float64) float64 { return -1 / math.Sqrt(1-a*a) }, -0.99, 0.99, false},
	{"Atan", Atan, math.Atan, func(a float64) float64 { return 1 / (1 + a*a) }, -10, 10, false},
	{"Sinh", Sinh, math.Sinh, math.Cosh, -20, 20, false},
	{"Cosh", Cosh, math.Cosh, math.Sinh, -20, 20, false},
	{"Tanh", Tanh, math.Tanh, func(a float64) float64 {
		e := math.Exp(-2 * math.Abs(a))
		return 4 * e / ((1 + e) * (1 + e))
	}, -20, 20, false},
	{"Asinh", Asinh, math.Asinh, func(a float64) float64 { return 1 / math.Sqrt(1+a*a) }, -100, 100, false},
	{"Acosh", Acosh, math.Acosh, func(a float64) float64 { return 1 / math.Sqrt(a*a-1) }, 1.1, 100, false},
	{"Atanh", Atanh, math.Atanh, func(a float64) float64 { return 1 / (1 - a*a) }, -0.99, 0.99, false},
	{"Erf", Erf, math.Erf, func(a float64) float64 { return 2 / math.SqrtPi * math.Exp(-a*a) }, -5, 5, false},
	{"Erfc", Erfc, math.Erfc, func(a float64) float64 { return -2 / math.SqrtPi * math.Exp(-a*a) }, -5, 5, false},
	{"Abs", Abs, math.Abs, func(a float64) float64 { return math.Copysign(1, a) }, 0.1, 10, true},
	{"Sigmoid", Sigmoid, nil, func(a float64) float64 {
		e := math.Exp(-a)
		return e / ((1 + e) * (1 + e))
	}, -30, 30, false},
	{"Softplus", Softplus, nil, func(a float64) float64 { return 1 / (1 + math.Exp(-a)) }, -30, 30, false},
}

// binaryCase describes one binary function for the property tests.
type binaryCase struct {
	name string
	f    func(x, y Number) Number
	ref  func(a, c float64) float64
	// partials returns the closed-form ∂f/∂x and ∂f/∂y at (a, c).
	partials func(a, c float64) (float64, float64)
	// Points are drawn uniformly from [lo, hi]², each coordinate negated at
	// random when sym is set.
	lo, hi float64
	sym    bool
}

func (c binaryCase) point(rnd *rand.Rand) (float64, float64) {
	u := unaryCase{lo: c.lo, hi: c.hi, sym: c.sym}
	return u.point(rnd), u.point(rnd)
}

var binaryCases = []binaryCase{
	{"Add", Add, func(a, c float64) float64 { return a + c },
		func(a, c float64) (float64, float64) { return 1, 1 }, -10, 10, false},
	{"Sub", Sub, func(a, c float64) float64 { return a - c },
		func(a, c float64) (float64, float64) { return 1, -1 }, -10, 10, false},
	{"Mul", Mul, func(a, c float64) float64 { return a * c },
		func(a, c float64) (float64, float64) { return c, a }, -10, 10, false},
	{"Div", Div, func(a, c float64) float64 { return a / c },
		func(a, c float64) (float64, float64) { return 1 / c, -a / (c * c) }, 0.25, 8, true},
	{"Pow", Pow, math.Pow,
		func(a, c float64) (float64, float64) { return c * math.Pow(a, c) / a, math.Pow(a, c) * math.Log(a) }, 0.25, 4, false},
	{"Hypot", Hypot, math.Hypot,
		func(a, c float64) (float64, float64) { h := math.Sqrt(a*a + c*c); return a / h, c / h }, 0.1, 10, true},
	{"Atan2", Atan2, math.Atan2,
		func(y, x float64) (float64, float64) { r := x*x + y*y; return x / r, -y / r }, 0.1, 10, true},
	{"Max", Max, math.Max, func(a, c float64) (float64, float64) {
		if a > c {
			return 1, 0
		}
		return 0, 1
	}, -10, 10, false},
	{"Min", Min, math.Min, func(a, c float64) (float64, float64) {
		if a < c {
			return 1, 0
		}
		return 0, 1
	}, -10, 10, false},
}

// specialReals are the arguments at which every function's edges are probed.
var specialReals = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, -2, math.Pi / 2, 10, -10,
	709.78, 710, -745, -746, 800, -800, 1024.5, 1e-300, -1e-300, 5e-324, 1e154, 1e300, -1e300,
	math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(),
}

// seeds are non-unit tangents of both signs and several magnitudes.
var seeds = []float64{-2.75, 0.3, 1e-7, -4096.5}

// sameFloat reports whether a and b are the same float64, treating all NaNs
// as equal and distinguishing +0 from −0.
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b && math.Signbit(a) == math.Signbit(b)
}

// closeRel reports whether got is within tol relative to want. Equal values,
// including equal infinities, and two NaNs are close.
func closeRel(got, want, tol float64) bool {
	if got == want {
		return true
	}
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	return math.Abs(got-want) <= tol*math.Abs(want)
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(2, 7)) }

// special is one row of a special-case table. With tol 0 both parts must be
// the same float64, including the sign of zero; otherwise each part must be
// within tol relative.
type special struct {
	name      string
	got, want Number
	tol       float64
}

func checkSpecial(t *testing.T, cases []special) {
	t.Helper()
	for _, tc := range cases {
		var ok bool
		if tc.tol == 0 {
			ok = sameFloat(tc.got.Real, tc.want.Real) && sameFloat(tc.got.Eps, tc.want.Eps)
		} else {
			ok = closeRel(tc.got.Real, tc.want.Real, tc.tol) && closeRel(tc.got.Eps, tc.want.Eps, tc.tol)
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
