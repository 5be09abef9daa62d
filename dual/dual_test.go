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

func TestVarConst(t *testing.T) {
	for _, tc := range []struct {
		got, want Number
	}{
		{Var(2.5), Number{2.5, 1}},
		{Const(2.5), Number{2.5, 0}},
		{Var(math.Copysign(0, -1)), Number{math.Copysign(0, -1), 1}},
	} {
		if !sameFloat(tc.got.Real, tc.want.Real) || !sameFloat(tc.got.Eps, tc.want.Eps) {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
}

// TestRealPartBitExact checks property 1: the real part is package math's
// function of the real part, bit for bit, at random and special points.
func TestRealPartBitExact(t *testing.T) {
	rnd := newRand()
	for _, c := range unaryCases {
		if c.ref == nil {
			continue
		}
		pts := append([]float64(nil), specialReals...)
		for range 200 {
			pts = append(pts, c.point(rnd))
		}
		for _, a := range pts {
			for _, b := range []float64{0, 1.5} {
				got := c.f(Number{a, b}).Real
				if want := c.ref(a); !sameFloat(got, want) {
					t.Errorf("%s(%v).Real = %v, math gives %v", c.name, Number{a, b}, got, want)
				}
			}
		}
	}
	for _, c := range binaryCases {
		var pts [][2]float64
		for _, a := range specialReals {
			for _, b := range specialReals {
				pts = append(pts, [2]float64{a, b})
			}
		}
		for range 200 {
			a, b := c.point(rnd)
			pts = append(pts, [2]float64{a, b})
		}
		for _, p := range pts {
			got := c.f(Number{p[0], 0.5}, Number{p[1], -1.5}).Real
			if want := c.ref(p[0], p[1]); !sameFloat(got, want) {
				t.Errorf("%s(%v, %v).Real = %v, want %v", c.name, p[0], p[1], got, want)
			}
		}
	}
}

// TestRealPartReference checks the real parts of the functions package math
// lacks against direct formulas, where those are accurate.
func TestRealPartReference(t *testing.T) {
	rnd := newRand()
	for _, tc := range []struct {
		name   string
		f      func(Number) Number
		ref    func(float64) float64
		lo, hi float64
	}{
		{"Neg", Neg, func(a float64) float64 { return -a }, -10, 10},
		{"Scale", func(x Number) Number { return Scale(-3.5, x) }, func(a float64) float64 { return -3.5 * a }, -10, 10},
		{"Inv", Inv, func(a float64) float64 { return 1 / a }, -10, 10},
		{"Sigmoid", Sigmoid, func(a float64) float64 { return 1 / (1 + math.Exp(-a)) }, -30, 30},
		// log(1+eᵃ) loses relative precision only below the interval.
		{"Softplus", Softplus, func(a float64) float64 { return math.Log(1 + math.Exp(a)) }, -5, 30},
	} {
		for range 200 {
			a := tc.lo + (tc.hi-tc.lo)*rnd.Float64()
			if got, want := tc.f(Number{a, 2}).Real, tc.ref(a); !closeRel(got, want, 1e-13) {
				t.Errorf("%s(%v).Real = %v, want %v", tc.name, a, got, want)
			}
		}
	}
}

// TestDerivativeClosedForm checks property 2: the ε part is f′(a)·b to
// 1e-13 relative for non-unit seeds b of both signs.
func TestDerivativeClosedForm(t *testing.T) {
	rnd := newRand()
	for _, c := range unaryCases {
		for range 200 {
			a := c.point(rnd)
			for _, b := range seeds {
				got := c.f(Number{a, b}).Eps
				if want := c.d1(a) * b; !closeRel(got, want, 1e-13) {
					t.Errorf("%s(%v).Eps = %v, want %v", c.name, Number{a, b}, got, want)
				}
			}
		}
	}
	for _, c := range binaryCases {
		for range 200 {
			a, cr := c.point(rnd)
			if c.name == "Max" || c.name == "Min" {
				// Ties are tested as kinks.
				for a == cr {
					a, cr = c.point(rnd)
				}
			}
			px, py := c.partials(a, cr)
			for i, b := range seeds {
				d := seeds[(i+1)%len(seeds)]
				got := c.f(Number{a, b}, Number{cr, d}).Eps
				if want := px*b + py*d; !closeRel(got, want, 1e-13) {
					t.Errorf("%s(%v, %v).Eps = %v, want %v", c.name, Number{a, b}, Number{cr, d}, got, want)
				}
			}
		}
	}
}

// TestZeroTangents checks property 3: a term whose tangent factor is exactly
// zero contributes exactly zero, for every function at every special point.
func TestZeroTangents(t *testing.T) {
	for _, c := range unaryCases {
		for _, a := range specialReals {
			for _, z := range []float64{0, math.Copysign(0, -1)} {
				if got := c.f(Number{a, z}).Eps; got != 0 {
					t.Errorf("%s(%v).Eps = %v, want 0", c.name, Number{a, z}, got)
				}
			}
		}
	}
	for _, c := range binaryCases {
		for _, a := range specialReals {
			for _, b := range specialReals {
				if got := c.f(Const(a), Const(b)).Eps; got != 0 {
					t.Errorf("%s(%v, %v).Eps = %v, want 0", c.name, a, b, got)
				}
			}
		}
	}
	// The cases issue 2 names: infinite f′, zero tangent, zero ε part.
	for _, tc := range []struct {
		name string
		got  Number
	}{
		{"Sqrt(0)", Sqrt(Const(0))},
		{"Log(0)", Log(Const(0))},
		{"Inv(0)", Inv(Const(0))},
		{"Acos(1)", Acos(Const(1))},
		{"PowReal(0, 0.5)", PowReal(Const(0), 0.5)},
	} {
		if tc.got.Eps != 0 {
			t.Errorf("%s = %v, want a zero ε part", tc.name, tc.got)
		}
	}
	// A zero tangent on one side must not poison the other side's term.
	for _, tc := range []struct {
		name string
		got  Number
		want float64
	}{
		{"Mul(Inf, 2+3ε)", Mul(Const(math.Inf(1)), Number{2, 3}), math.Inf(1)},
		{"Mul(2+3ε, NaN)", Mul(Number{2, 3}, Const(math.NaN())), math.NaN()},
		{"Mul(0+3ε, Inf)", Mul(Number{0, 3}, Const(math.Inf(1))), math.Inf(1)},
		{"Mul(1+3ε, Inf)", Mul(Number{1, 3}, Const(math.Inf(-1))), math.Inf(-1)},
		{"Div(1+3ε, 0)", Div(Number{1, 3}, Const(0)), math.Inf(1)},
		{"Div(1, 0+3ε)", Div(Const(1), Number{0, 3}), math.Inf(-1)},
		{"Pow(0+3ε, 2)", Pow(Number{0, 3}, Const(2)), 0},
		{"Pow(2, 3+0.5ε) via log", Pow(Const(2), Number{3, 0.5}), 8 * math.Ln2 * 0.5},
		{"Hypot(Inf, 3+2ε)", Hypot(Const(math.Inf(1)), Number{3, 2}), 0},
		{"Atan2(1+2ε, Inf)", Atan2(Number{1, 2}, Const(math.Inf(1))), 0},
	} {
		if !sameFloat(tc.got.Eps, tc.want) && !(tc.want == 0 && tc.got.Eps == 0) {
			t.Errorf("%s.Eps = %v, want %v", tc.name, tc.got.Eps, tc.want)
		}
	}
}

// TestSignedZeroTangent checks that a signed-zero tangent keeps its sign
// through a finite nonzero derivative: the ε part is the IEEE product.
func TestSignedZeroTangent(t *testing.T) {
	rnd := newRand()
	for _, c := range unaryCases {
		for range 20 {
			a := c.point(rnd)
			d := c.d1(a)
			if d == 0 || math.IsInf(d, 0) {
				continue
			}
			for _, z := range []float64{0, math.Copysign(0, -1)} {
				got := c.f(Number{a, z}).Eps
				if want := d * z; !sameFloat(got, want) {
					t.Errorf("%s(%v).Eps = %v, want %v", c.name, Number{a, z}, got, want)
				}
			}
		}
	}
}

// TestDomainEdges checks the infinite one-sided derivatives at the edges of
// the domains, and NaN derivatives outside them, with a nonzero tangent.
func TestDomainEdges(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  Number
		want Number
	}{
		{"Sqrt(0+1ε)", Sqrt(Number{0, 1}), Number{0, inf}},
		{"Sqrt(-0+1ε)", Sqrt(Number{negZero, 1}), Number{negZero, inf}},
		{"Sqrt(0-2ε)", Sqrt(Number{0, -2}), Number{0, -inf}},
		{"Sqrt(-1+1ε)", Sqrt(Number{-1, 1}), Number{nan, nan}},
		{"Sqrt(+Inf+1ε)", Sqrt(Number{inf, 1}), Number{inf, 0}},
		{"Cbrt(0+1ε)", Cbrt(Number{0, 1}), Number{0, inf}},
		{"Cbrt(-0+1ε)", Cbrt(Number{negZero, 1}), Number{negZero, inf}},
		{"Cbrt(-Inf+1ε)", Cbrt(Number{-inf, 1}), Number{-inf, 0}},
		{"Log(0+1ε)", Log(Number{0, 1}), Number{-inf, inf}},
		{"Log(-0+1ε)", Log(Number{negZero, 1}), Number{-inf, inf}},
		{"Log(-1+1ε)", Log(Number{-1, 1}), Number{nan, nan}},
		{"Log(+Inf+1ε)", Log(Number{inf, 1}), Number{inf, 0}},
		{"Log2(0+1ε)", Log2(Number{0, 1}), Number{-inf, inf}},
		{"Log10(-2+1ε)", Log10(Number{-2, 1}), Number{nan, nan}},
		{"Log1p(-1+1ε)", Log1p(Number{-1, 1}), Number{-inf, inf}},
		{"Log1p(-2+1ε)", Log1p(Number{-2, 1}), Number{nan, nan}},
		{"Inv(0+1ε)", Inv(Number{0, 1}), Number{inf, -inf}},
		{"Inv(-0+1ε)", Inv(Number{negZero, 1}), Number{-inf, -inf}},
		{"Asin(1+1ε)", Asin(Number{1, 1}), Number{math.Pi / 2, inf}},
		{"Asin(-1+1ε)", Asin(Number{-1, 1}), Number{-math.Pi / 2, inf}},
		{"Asin(2+1ε)", Asin(Number{2, 1}), Number{nan, nan}},
		{"Acos(1+1ε)", Acos(Number{1, 1}), Number{0, -inf}},
		{"Acos(-1+1ε)", Acos(Number{-1, 1}), Number{math.Pi, -inf}},
		{"Acosh(1+1ε)", Acosh(Number{1, 1}), Number{0, inf}},
		{"Acosh(0.5+1ε)", Acosh(Number{0.5, 1}), Number{nan, nan}},
		{"Atanh(1+1ε)", Atanh(Number{1, 1}), Number{inf, inf}},
		{"Atanh(-1+1ε)", Atanh(Number{-1, 1}), Number{-inf, inf}},
		{"Atanh(2+1ε)", Atanh(Number{2, 1}), Number{nan, nan}},
		{"PowReal(0+1ε, 0.5)", PowReal(Number{0, 1}, 0.5), Number{0, inf}},
		{"PowReal(-2+1ε, 0.5)", PowReal(Number{-2, 1}, 0.5), Number{nan, nan}},
		{"Sin(Inf+1ε)", Sin(Number{inf, 1}), Number{nan, nan}},
		{"Tan(-Inf+1ε)", Tan(Number{-inf, 1}), Number{nan, nan}},
		{"Exp(NaN+1ε)", Exp(Number{nan, 1}), Number{nan, nan}},
	} {
		if !sameFloat(tc.got.Real, tc.want.Real) || !sameFloat(tc.got.Eps, tc.want.Eps) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

// TestGoldenFike checks property 8's ε part: Fike and Alonso's test function
// f(x) = eˣ/√(sin³x + cos³x) at x = 1.5. The values are the golden ones quoted
// in issue 2 from Fike & Alonso (2011).
func TestGoldenFike(t *testing.T) {
	x := Var(1.5)
	s, c := Sin(x), Cos(x)
	f := Div(Exp(x), Sqrt(Add(PowReal(s, 3), PowReal(c, 3))))
	if !closeRel(f.Real, 4.497780053946162, 1e-15) {
		t.Errorf("f(1.5) = %v, want 4.497780053946162", f.Real)
	}
	if !closeRel(f.Eps, 4.053427893898621, 1e-15) {
		t.Errorf("f′(1.5) = %v, want 4.053427893898621", f.Eps)
	}
}

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

// FuzzZeroTangent checks property 3 for every function over the fuzzed reals:
// zero tangents in give an ε part of exactly zero, never NaN. It also checks
// property 1 there: real parts equal package math's, bit for bit.
func FuzzZeroTangent(f *testing.F) {
	for _, a := range specialReals {
		f.Add(a, 1.5)
		f.Add(a, a)
	}
	f.Add(0.0, math.NaN())
	f.Add(-2.0, 0.5)
	f.Fuzz(func(t *testing.T, a, b float64) {
		for _, c := range unaryCases {
			for _, z := range []float64{0, negZero} {
				got := c.f(Number{a, z})
				if got.Eps != 0 {
					t.Errorf("%s(%v).Eps = %v, want 0", c.name, Number{a, z}, got.Eps)
				}
				if c.ref != nil && !sameFloat(got.Real, c.ref(a)) {
					t.Errorf("%s(%v).Real = %v, math gives %v", c.name, a, got.Real, c.ref(a))
				}
			}
		}
		for _, c := range binaryCases {
			got := c.f(Const(a), Const(b))
			if got.Eps != 0 {
				t.Errorf("%s(%v, %v).Eps = %v, want 0", c.name, a, b, got.Eps)
			}
			if !sameFloat(got.Real, c.ref(a, b)) {
				t.Errorf("%s(%v, %v).Real = %v, want %v", c.name, a, b, got.Real, c.ref(a, b))
			}
		}
		if got := PowReal(Const(a), b); got.Eps != 0 || !sameFloat(got.Real, math.Pow(a, b)) {
			t.Errorf("PowReal(%v, %v) = %v", a, b, got)
		}
		if got := Scale(a, Const(b)); got.Eps != 0 {
			t.Errorf("Scale(%v, %v) = %v", a, b, got)
		}
	})
}
