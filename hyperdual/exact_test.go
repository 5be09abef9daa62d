package hyperdual

import (
	"math"
	"testing"
)

// exactTol is the relative tolerance of the exactness checks: hyper-dual
// parts carry only rounding error, a few ulps.
const exactTol = 1e-13

// TestExactUnary checks property 2: with asymmetric, non-unit seeds and a
// nonzero incoming ε₁ε₂ part, every part of f(x) matches the closed forms
// f(a), f′(a)b, f′(a)c and f′(a)d + f″(a)bc.
func TestExactUnary(t *testing.T) {
	for _, uc := range unaryCases {
		for _, a := range uc.points(8) {
			f, d1, d2 := uc.ref(a)
			for _, s := range seeds {
				x := Number{a, s.b, s.c, s.d}
				want, scale := expand(f, d1, d2, s.b, s.c, s.d)
				checkClose(t, uc.name+"("+x.String()+")", uc.f(x), want, scale, exactTol)
			}
		}
	}
}

// TestExactBinary checks property 2 for the binary functions, with both
// arguments carrying asymmetric tangents, each one alone, and neither.
func TestExactBinary(t *testing.T) {
	for _, bc := range binaryCases {
		for _, p := range bc.pts {
			f, fx, fy, fxx, fxy, fyy := bc.ref(p[0], p[1])
			for _, s := range binarySeeds {
				x, y := s.x, s.y
				x.Real, y.Real = p[0], p[1]
				want, scale := expand2(f, fx, fy, fxx, fxy, fyy, x, y)
				checkClose(t, bc.name+"("+x.String()+", "+y.String()+")", bc.f(x, y), want, scale, exactTol)
			}
		}
	}
}

// TestExactScale checks Scale, whose constant factor is not a Number.
func TestExactScale(t *testing.T) {
	x := Number{1.5, 0.7, -1.3, 0.45}
	for _, k := range []float64{-2.5, 0, 3} {
		got := Scale(k, x)
		want := Number{k * 1.5, k * 0.7, k * -1.3, k * 0.45}
		if !sameNumber(got, want) {
			t.Errorf("Scale(%v, %v) = %v, want %v", k, x, got, want)
		}
	}
}

// TestGonumRegressions pins the two bugs of gonum's num/hyperdual v0.17.0
// that its (x, 1, 1, 0)-only tests never exposed.
func TestGonumRegressions(t *testing.T) {
	// gonum's Sinh at 0 returns E2 = E1, copying the ε₁ tangent into ε₂.
	t.Run("SinhSeeds", func(t *testing.T) {
		for _, a := range []float64{0, 0.5} {
			x := Number{a, 2, 3, 0}
			got := Sinh(x)
			if want := 3 * math.Cosh(a); got.E2 != want {
				t.Errorf("Sinh(%v).E2 = %v, want %v", x, got.E2, want)
			}
			if want := 2 * math.Cosh(a); got.E1 != want {
				t.Errorf("Sinh(%v).E1 = %v, want %v", x, got.E1, want)
			}
		}
	})
	// gonum special-cases these functions at 0 by returning the ε₁ and ε₂
	// parts unchanged and ±0 for ε₁ε₂, dropping the incoming ε₁ε₂ part. For
	// g(x) = f(x²) with f(0) = 0 and f′(0) = 1, g″(0) = 2f′(0) = 2 comes only
	// through that part, since x² at 0 has E1 = E2 = 0 and E12 = 2bc.
	funcs := []struct {
		name string
		f    func(Number) Number
	}{
		{"Sin", Sin}, {"Tan", Tan}, {"Asin", Asin}, {"Atan", Atan},
		{"Sinh", Sinh}, {"Tanh", Tanh}, {"Asinh", Asinh}, {"Atanh", Atanh},
	}
	for _, fc := range funcs {
		t.Run(fc.name+"OfSquareAtZero", func(t *testing.T) {
			v := Var(0)
			if got := fc.f(Mul(v, v)); got != (Number{0, 0, 0, 2}) {
				t.Errorf("%s(x·x) at x = Var(0) = %v, want (0+0ε₁+0ε₂+2ε₁ε₂)", fc.name, got)
			}
			_, _, d2 := Derivative2(func(x Number) Number { return fc.f(Mul(x, x)) }, 0)
			if d2 != 2 {
				t.Errorf("d²/dx² %s(x²) at 0 = %v, want 2", fc.name, d2)
			}
			// Asymmetric seeds: x² = 2bc·ε₁ε₂, so f(x²) = 2bc·ε₁ε₂, with
			// bc rounded once at run time.
			b, c := 0.7, -1.3
			x := Number{0, b, c, 0.45}
			if got, want := fc.f(Mul(x, x)).E12, 2*(b*c); got != want {
				t.Errorf("%s(x·x).E12 at x = %v = %v, want %v", fc.name, x, got, want)
			}
		})
	}
}

// TestGaussianTail checks Erf′ and Erfc′ far in the tail, where the
// rounding error of a² alone would cost a relative a²·2⁻⁵³ ≈ 1e-13. The
// reference splits a = p + q with p = a rounded to 2⁻¹⁰, so that p² is exact
// and e^(−a²) = e^(−p²)·e^(−2pq)·e^(−q²) loses only a few ulps.
func TestGaussianTail(t *testing.T) {
	for _, a := range []float64{-25.3, 17.77, 20.000001, 26.1} {
		p := math.Round(a*1024) / 1024
		q := a - p
		g := math.Exp(-p*p) * math.Exp(-2*p*q) * math.Exp(-q*q)
		d1 := 2 / math.Sqrt(math.Pi) * g
		x := Number{a, 1, 0, 0}
		if got := Erf(x).E1; math.Abs(got-d1) > 1e-15*d1 {
			t.Errorf("Erf′(%v) = %v, want %v (rel err %.2g)", a, got, d1, math.Abs(got-d1)/d1)
		}
		if got := Erfc(x).E1; math.Abs(got+d1) > 1e-15*d1 {
			t.Errorf("Erfc′(%v) = %v, want %v (rel err %.2g)", a, got, -d1, math.Abs(got+d1)/d1)
		}
	}
}
