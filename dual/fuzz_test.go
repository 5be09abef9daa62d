package dual

import (
	"math"
	"testing"
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

// FuzzExpLog checks Exp(Log x) = x in both parts for x = a+bε, a > 0. Log's
// absolute error of about |log a|·2⁻⁵³ becomes a relative error of the same
// size after Exp, and each part adds a few roundings of its own.
func FuzzExpLog(f *testing.F) {
	for _, s := range [][2]float64{{1, 1}, {2.5, -2.75}, {1e-300, 1e-290}, {1e300, 3e295}, {0.1, 0}, {7, 4096.5}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b float64) {
		// Keep 1/a, b/a and the result normal so no part loses bits to
		// gradual underflow or overflow.
		if !(a >= 0x1p-1000 && a <= 0x1p1000) || math.IsNaN(b) || math.IsInf(b, 0) {
			return
		}
		if q := math.Abs(b / a); b != 0 && !(q >= 0x1p-1000 && q <= 0x1p1000) {
			return
		}
		x := Number{a, b}
		y := Exp(Log(x))
		tol := (math.Abs(math.Log(a)) + 4) * 0x1p-52
		if !closeRel(y.Real, a, tol) {
			t.Errorf("Exp(Log(%v)).Real = %v", x, y.Real)
		}
		if !closeRel(y.Eps, b, tol) || b == 0 && y.Eps != 0 {
			t.Errorf("Exp(Log(%v)).Eps = %v", x, y.Eps)
		}
	})
}

// FuzzSinCos checks sin²x + cos²x = 1 in both parts: the real part to a few
// ulps and the ε part, 2·sin·cos·b − 2·cos·sin·b, to a few ulps of |b|.
func FuzzSinCos(f *testing.F) {
	for _, s := range [][2]float64{{0, 1}, {1.5, -2.75}, {-1e6, 0.3}, {1e300, 1e-7}, {math.Pi / 2, 4096.5}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b float64) {
		if math.IsInf(a, 0) || math.IsNaN(a) || !(math.Abs(b) <= 1e300) {
			return
		}
		x := Number{a, b}
		s, c := Sin(x), Cos(x)
		q := Add(Mul(s, s), Mul(c, c))
		if math.Abs(q.Real-1) > 0x1p-50 {
			t.Errorf("sin²+cos² at %v: real %v", x, q.Real)
		}
		if math.Abs(q.Eps) > 0x1p-50*math.Abs(b) {
			t.Errorf("sin²+cos² at %v: ε %v", x, q.Eps)
		}
	})
}
