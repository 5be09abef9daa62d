package hyperdual

import (
	"math"
	"testing"
)

// TestPowers checks property 4: powers are exact, with no clamping of small
// bases, negative bases with constant integer exponents, and the partials
// with respect to the exponent used only where exp(y·log x) is defined.
// Expected values are the closed forms p·a^(p−1) and p(p−1)·a^(p−2) worked
// by hand.
func TestPowers(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name      string
		got, want Number
		tol       float64 // 0: exact
	}{
		// d/dx x² = 2x = 0 and d²/dx² x² = 2 at x = 0, with no clamp of the base.
		{"PowReal(0+ε₁+ε₂, 2)", PowReal(Var(0), 2), Number{0, 0, 0, 2}, 0},
		{"PowReal(0+ε₁+ε₂, 3)", PowReal(Var(0), 3), Number{0, 0, 0, 0}, 0},
		{"PowReal(0+ε₁+ε₂, 1.5)", PowReal(Var(0), 1.5), Number{0, 0, 0, inf}, 0},
		{"PowReal(0+ε₁+ε₂, 0.5)", PowReal(Var(0), 0.5), Number{0, inf, inf, -inf}, 0},
		// 3·(1e-16)² = 3e-32 and 6·1e-16 = 6e-16.
		{"PowReal(1e-16+ε₁+ε₂, 3)", PowReal(Var(1e-16), 3), Number{1e-48, 3e-32, 3e-32, 6e-16}, 1e-15},
		{"PowReal(1e-200+ε₁+ε₂, 2)", PowReal(Var(1e-200), 2), Number{0, 2e-200, 2e-200, 2}, 1e-15},
		// x² at −2: 4, 2·(−2) = −4, 2.
		{"Pow(−2+ε₁+ε₂, 2)", Pow(Var(-2), Const(2)), Number{4, -4, -4, 2}, 0},
		{"PowReal(−2+ε₁+ε₂, 2)", PowReal(Var(-2), 2), Number{4, -4, -4, 2}, 0},
		// x³ at −2: −8, 3·4 = 12, 6·(−2) = −12.
		{"Pow(−2+ε₁+ε₂, 3)", Pow(Var(-2), Const(3)), Number{-8, 12, 12, -12}, 0},
		// x⁻¹ at −2: −0.5, −1/4, 2/(−8).
		{"Pow(−2+ε₁+ε₂, −1)", Pow(Var(-2), Const(-1)), Number{-0.5, -0.25, -0.25, -0.25}, 0},
		{"PowReal(NaN+ε₁+ε₂, 0)", PowReal(Var(nan), 0), Number{1, 0, 0, 0}, 0},
		{"PowReal(0+Infε₁, 0)", PowReal(Number{0, inf, 0, 0}, 0), Number{1, 0, 0, 0}, 0},
		{"PowReal(x, 1)", PowReal(Number{nan, inf, -2, 3}, 1), Number{nan, inf, -2, 3}, 0},
		// y ↦ (−2)^y is not real-valued near 2: the ∂/∂y term is NaN.
		{"Pow(−2, 2+ε₁)", Pow(Const(-2), Number{2, 1, 0, 0}), Number{4, nan, 0, 0}, 0},
		// ∂/∂y 0^y = 0 for y ≥ 0 (PyTorch), and ∂²/∂x∂y = 0^(y−1)(1 + y·log 0) → 0 for y > 1.
		{"Pow(0+ε₁, 2+ε₂)", Pow(Number{0, 1, 0, 0}, Number{2, 0, 1, 0}), Number{0, 0, 0, 0}, 0},
		{"Pow(0, 0.5+ε₁)", Pow(Const(0), Number{0.5, 1, 0, 0}), Number{0, 0, 0, 0}, 0},
		// 0^0 = 1, and PyTorch's mask gives ∂/∂y = 0 rather than 1·log 0 = −Inf.
		{"Pow(0, 0+ε₁)", Pow(Const(0), Number{0, 1, 0, 0}), Number{1, 0, 0, 0}, 0},
		// 2^y at y = 0: 1, log 2·y₁; ∂²/∂x∂y = 1/x = ½ times x₁·y₂ = 0.5·1.
		{"Pow(2+0.5ε₁, 0+ε₂)", Pow(Number{2, 0.5, 0, 0}, Number{0, 0, 1, 0}), Number{1, 0, math.Ln2, 0.25}, 1e-15},
		// x^y at (3, 1): ∂/∂x = 1, ∂/∂y = 3 log 3, ∂²/∂x∂y = 1 + log 3.
		{"Pow(3+ε₁, 1+ε₂)", Pow(Number{3, 1, 0, 0}, Number{1, 0, 1, 0}), Number{3, 1, 3 * math.Log(3), 1 + math.Log(3)}, 1e-15},
	}
	for _, tt := range tests {
		ok := sameParts(tt.got, tt.want)
		if tt.tol != 0 {
			ok = true
			g := [4]float64{tt.got.Real, tt.got.E1, tt.got.E2, tt.got.E12}
			w := [4]float64{tt.want.Real, tt.want.E1, tt.want.E2, tt.want.E12}
			for k := range g {
				if !(math.Abs(g[k]-w[k]) <= tt.tol*math.Abs(w[k])) {
					ok = false
				}
			}
		}
		if !ok {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestPowConstantExponent checks that Pow with a constant exponent is
// PowReal, bit for bit, including negative bases and special exponents.
func TestPowConstantExponent(t *testing.T) {
	for _, a := range []float64{-2, -0.5, 0, 0.3, 1, 4, math.Inf(1), math.NaN()} {
		for _, p := range []float64{-2, -1.5, -1, 0, 0.5, 1, 2, 3, 2.5, math.Inf(1)} {
			x := Number{a, 0.7, -1.3, 0.45}
			if got, want := Pow(x, Const(p)), PowReal(x, p); !sameNumber(got, want) {
				t.Errorf("Pow(%v, %v) = %v, want PowReal = %v", x, p, got, want)
			}
		}
	}
}

// TestPowMatchesExpLog checks Pow against exp(y·log x), its definition for
// a positive base, with both arguments carrying tangents.
func TestPowMatchesExpLog(t *testing.T) {
	for _, p := range [][2]float64{{1.5, -2.25}, {0.3, 2.5}, {4, 0.5}, {2, 3}, {0.7, 0}, {5, 1}} {
		x := Number{p[0], 0.7, -1.3, 0.45}
		y := Number{p[1], 0.2, 1.9, -0.8}
		got, want := Pow(x, y), Exp(Mul(y, Log(x)))
		scale := Number{1 + math.Abs(want.Real), 1 + math.Abs(want.E1), 1 + math.Abs(want.E2), 1 + math.Abs(want.E12)}
		checkClose(t, "Pow("+x.String()+", "+y.String()+")", got, want, scale, 1e-13)
	}
}

// TestSqrtIsPowHalf cross-checks Sqrt and Cbrt against PowReal.
func TestSqrtIsPowHalf(t *testing.T) {
	for _, a := range []float64{1e-10, 0.3, 2, 1e10} {
		x := Number{a, 0.7, -1.3, 0.45}
		want := PowReal(x, 0.5)
		scale := Number{want.Real, math.Abs(want.E1), math.Abs(want.E2), math.Abs(want.E12) + math.Abs(0.25*math.Pow(a, -1.5)*0.7*1.3)}
		checkClose(t, "Sqrt("+x.String()+")", Sqrt(x), want, scale, 1e-14)
		want = PowReal(x, 1.0/3)
		got := Cbrt(x)
		scale = Number{want.Real, math.Abs(want.E1), math.Abs(want.E2), math.Abs(want.E12) + math.Abs(2.0/9*math.Pow(a, -5.0/3)*0.7*1.3)}
		// 1.0/3 is not exactly ⅓, so PowReal(x, 1.0/3) differs from the
		// cube root by a relative 2⁻⁵⁴·|log a| in each part.
		checkClose(t, "Cbrt("+x.String()+")", got, want, scale, 1e-14)
	}
}
