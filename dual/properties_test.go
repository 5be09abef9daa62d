package dual

import (
	"math"
	"testing"
)

// TestRealPartMatchesMath checks property 1: the real part is package math's
// function of the real part, bit for bit, at random and special points.
func TestRealPartMatchesMath(t *testing.T) {
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

// TestExactUnary checks property 2: the ε part is f′(a)·b to 1e-13
// relative for non-unit seeds b of both signs.
func TestExactUnary(t *testing.T) {
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
}

// TestExactBinary checks property 2 for the binary functions: the ε part is
// f_x·b + f_y·d to 1e-13 relative, with different seeds on the two sides.
func TestExactBinary(t *testing.T) {
	rnd := newRand()
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

// TestZeroTangentsStayZero checks property 3: a term whose tangent factor
// is exactly zero contributes exactly zero, for every function at every
// special point.
func TestZeroTangentsStayZero(t *testing.T) {
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
}

// TestZeroTangentCases pins the cases that issue 2 lists, and their
// neighbours, to exact values.
func TestZeroTangentCases(t *testing.T) {
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
