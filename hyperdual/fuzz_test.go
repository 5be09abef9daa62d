package hyperdual

import (
	"math"
	"testing"
)

// The fuzz targets' seed corpora run as ordinary tests; run
// go test -fuzz=FuzzExpLog ./hyperdual/ (or FuzzSwap, FuzzZeroTangent) to
// search further.

// finiteIn reports whether every v is finite with |v| ≤ m.
func finiteIn(m float64, vs ...float64) bool {
	for _, v := range vs {
		if !(math.Abs(v) <= m) {
			return false
		}
	}
	return true
}

// FuzzExpLog checks the identity Exp(Log(x)) = x in all four parts, for
// a in [1e-3, 1e3] and tangents up to 1e3 in magnitude.
func FuzzExpLog(f *testing.F) {
	f.Add(1.5, 0.7, -1.3, 0.45)
	f.Add(1e-3, 1e3, -1e3, 1e3)
	f.Add(1e3, 1.0, 1.0, 0.0)
	f.Add(1.0, 0.0, 0.0, 0.0)
	f.Add(0.25, -2.0, 0.0, 5.0)
	f.Fuzz(func(t *testing.T, a, b, c, d float64) {
		if !(a >= 1e-3 && a <= 1e3) || !finiteIn(1e3, b, c, d) {
			return
		}
		x := Number{a, b, c, d}
		got := Exp(Log(x))
		// log a carries an absolute error of ε|log a| ≤ 7ε, which exp turns
		// into a relative error of the same size; the ε₁ε₂ part adds and
		// subtracts bc/a.
		const tol = 1e-14
		scale := Number{a, math.Abs(b), math.Abs(c), math.Abs(d) + 2*math.Abs(b*c)/a}
		checkClose(t, "Exp(Log("+x.String()+"))", got, x, scale, tol)
	})
}

// FuzzSwap checks property 7 for every unary and binary function at
// arbitrary real parts and tangents.
func FuzzSwap(f *testing.F) {
	for _, a := range specials {
		f.Add(a, 0.7, -1.3, 0.45, 2.0)
	}
	f.Add(0.3, 1e200, 1e-200, 1e300, -0.3)
	f.Add(1.0, math.Inf(1), 0.0, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, a, b, c, d, e float64) {
		x := Number{a, b, c, d}
		for _, uc := range unaryCases {
			if got, want := uc.f(swap(x)), swap(uc.f(x)); !sameNumber(got, want) {
				t.Errorf("%s(swap(%v)) = %v, want %v", uc.name, x, got, want)
			}
		}
		y := Number{e, d, b, c}
		for _, bc := range binaryCases {
			if got, want := bc.f(swap(x), swap(y)), swap(bc.f(x, y)); !sameNumber(got, want) {
				t.Errorf("%s(swap(%v), swap(%v)) = %v, want %v", bc.name, x, y, got, want)
			}
		}
	})
}

// FuzzZeroTangent checks property 3 for every function at arbitrary real
// parts: constants have exactly zero (never NaN) derivative parts, and a
// tangent in ε₁ alone leaves E2 and E12 exactly zero.
func FuzzZeroTangent(f *testing.F) {
	for _, a := range specials {
		f.Add(a, 1.5, 0.5)
		f.Add(a, math.Inf(-1), 2.0)
	}
	f.Add(0.0, 1.0, -1.0)
	f.Add(-8.0, 1e308, 1.0/3)
	f.Add(2.0, 1.0, math.Inf(1))
	f.Fuzz(func(t *testing.T, a, b, p float64) {
		if b == 0 {
			b = 1
		}
		check := func(name string, x, got Number) {
			t.Helper()
			if (x.E1 == 0 && got.E1 != 0) || (x.E2 == 0 && got.E2 != 0) || got.E12 != 0 {
				t.Errorf("%s(%v) = %v, want zero parts where the tangents are zero", name, x, got)
			}
		}
		for _, x := range []Number{Const(a), {a, b, 0, 0}, {a, 0, b, 0}} {
			for _, uc := range unaryCases {
				check(uc.name, x, uc.f(x))
			}
			check("PowReal(·, p)", x, PowReal(x, p))
			check("Pow(·, Const(p))", x, Pow(x, Const(p)))
			check("Pow(Const(p), ·)", x, Pow(Const(p), x))
			check("Scale(p, ·)", x, Scale(p, x))
			for _, bc := range binaryCases {
				check(bc.name+"(·, Const(p))", x, bc.f(x, Const(p)))
				check(bc.name+"(Const(p), ·)", x, bc.f(Const(p), x))
			}
		}
	})
}
