package dual

import (
	"math"
	"testing"
)

// TestPowers checks property 4: no clamping of small bases, constant
// integer exponents on negative bases, and exp(y·log x) only where defined.
func TestPowers(t *testing.T) {
	checkSpecial(t, []special{
		// d/dx x³ = 3x² at 1e-16; a clamped base would give a wrong value.
		{"PowReal(1e-16+1ε, 3)", PowReal(Number{1e-16, 1}, 3), Number{1e-16 * 1e-16 * 1e-16, 3 * 1e-16 * 1e-16}, 1e-15},
		// aᵖ overflows or is subnormal, aᵖ⁻¹ is fine: p·aᵖ⁻¹ must not be
		// derived from aᵖ. The oracles' constant exponents differ from p−1
		// by an ulp, hence the tolerance.
		{"PowReal(1e300+1ε, 1.05)", PowReal(Number{1e300, 1}, 1.05), Number{inf, 1.05 * math.Pow(1e300, 0.05)}, 1e-13},
		{"PowReal(1e-200+1ε, 1.6)", PowReal(Number{1e-200, 1}, 1.6), Number{math.Pow(1e-200, 1.6), 1.6 * math.Pow(1e-200, 0.6)}, 1e-13},
		{"PowReal(0+1ε, 2)", PowReal(Number{0, 1}, 2), Number{0, 0}, 0},
		{"PowReal(-2+1ε, 2)", PowReal(Number{-2, 1}, 2), Number{4, -4}, 0},
		{"PowReal(-2+0.5ε, 3)", PowReal(Number{-2, 0.5}, 3), Number{-8, 6}, 0},
		{"PowReal(-2+1ε, -1)", PowReal(Number{-2, 1}, -1), Number{-0.5, -0.25}, 0},
		{"PowReal(-0+1ε, 3)", PowReal(Number{negZero, 1}, 3), Number{negZero, 0}, 0},
		{"PowReal(0+1ε, 1)", PowReal(Number{0, 1}, 1), Number{0, 1}, 0},
		{"PowReal(0+1ε, 0)", PowReal(Number{0, 1}, 0), Number{1, 0}, 0},
		{"PowReal(NaN+1ε, 0)", PowReal(Number{nan, 1}, 0), Number{1, 0}, 0},
		{"PowReal(NaN+1ε, 1)", PowReal(Number{nan, 1}, 1), Number{nan, 1}, 0},
		{"PowReal(0+1ε, 0.5)", PowReal(Number{0, 1}, 0.5), Number{0, inf}, 0},
		{"PowReal(0+0ε, 0.5)", PowReal(Const(0), 0.5), Number{0, 0}, 0},
		{"PowReal(0+1ε, -1)", PowReal(Number{0, 1}, -1), Number{inf, -inf}, 0},
		{"PowReal(0.5+1ε, +Inf)", PowReal(Number{0.5, 1}, inf), Number{0, 0}, 0},
		{"PowReal(2+1ε, -Inf)", PowReal(Number{2, 1}, inf*-1), Number{0, 0}, 0},
		{"PowReal(-2+1ε, 0.5)", PowReal(Number{-2, 1}, 0.5), Number{nan, nan}, 0},
		{"Pow(-2+1ε, 2)", Pow(Number{-2, 1}, Const(2)), Number{4, -4}, 0},
		{"Pow(-2+0.5ε, 3)", Pow(Number{-2, 0.5}, Const(3)), Number{-8, 6}, 0},
		// The exponent's tangent needs log(−2): undefined.
		{"Pow(-2, 2+1ε)", Pow(Const(-2), Number{2, 1}), Number{4, nan}, 0},
		// ∂/∂x = 3·2²·0.5, ∂/∂y = 2³·ln2·0.25.
		{"Pow(2+0.5ε, 3+0.25ε)", Pow(Number{2, 0.5}, Number{3, 0.25}), Number{8, 6 + 2*math.Ln2}, 1e-15},
		// PyTorch: the exponent's gradient is 0 where the base is 0 and the
		// exponent is ≥ 0.
		{"Pow(0+1ε, 2+1ε)", Pow(Number{0, 1}, Number{2, 1}), Number{0, 0}, 0},
		{"Pow(0, 0+1ε)", Pow(Const(0), Number{0, 1}), Number{1, 0}, 0},
		{"Pow(+Inf, -1+1ε)", Pow(Const(inf), Number{-1, 1}), Number{0, 0}, 0},
		{"Pow(0.5, +Inf+1ε)", Pow(Const(0.5), Number{inf, 1}), Number{0, 0}, 0},
		{"Pow(1, NaN+1ε)", Pow(Const(1), Number{nan, 1}), Number{1, 0}, 0},
		{"Sqrt(4-0ε)", Sqrt(Number{4, negZero}), Number{2, negZero}, 0},
		{"Cbrt(-8+1ε)", Cbrt(Number{-8, 1}), Number{-2, 1.0 / 12}, 1e-15},
		// Hypot: partials a/h and c/h.
		{"Hypot(3+1ε, 4+2ε)", Hypot(Number{3, 1}, Number{4, 2}), Number{5, 2.2}, 1e-15},
		{"Hypot(0+2ε, -0+3ε)", Hypot(Number{0, 2}, Number{negZero, 3}), Number{0, 0}, 0},
		{"Hypot(1e200+1ε, 1e200+2ε)", Hypot(Number{1e200, 1}, Number{1e200, 2}), Number{math.Sqrt2 * 1e200, 3 / math.Sqrt2}, 1e-15},
		{"Hypot(3e-200+1ε, 4e-200+1ε)", Hypot(Number{3e-200, 1}, Number{4e-200, 1}), Number{5e-200, 1.4}, 1e-15},
		// The hypotenuse overflows but its partials do not.
		{"Hypot(1.5e308+1ε, 1.5e308+2ε)", Hypot(Number{1.5e308, 1}, Number{1.5e308, 2}), Number{inf, 3 / math.Sqrt2}, 1e-15},
		{"Hypot(Inf+2ε, 3+5ε)", Hypot(Number{inf, 2}, Number{3, 5}), Number{inf, 2}, 0},
		{"Hypot(-Inf+2ε, NaN+5ε)", Hypot(Number{-inf, 2}, Number{nan, 5}), Number{inf, -2}, 0},
		{"Hypot(Inf+1ε, Inf+1ε)", Hypot(Number{inf, 1}, Number{inf, 1}), Number{inf, nan}, 0},
		{"Hypot(NaN+1ε, 1)", Hypot(Number{nan, 1}, Const(1)), Number{nan, nan}, 0},
	})
}

// TestPowConstantExponent checks that Pow with a constant exponent is PowReal,
// bit for bit, for negative bases too.
func TestPowConstantExponent(t *testing.T) {
	rnd := newRand()
	for range 500 {
		x := Number{(rnd.Float64() - 0.5) * 8, seeds[rnd.IntN(len(seeds))]}
		p := float64(rnd.IntN(11) - 5)
		if rnd.IntN(2) == 0 {
			p += rnd.Float64()
		}
		got, want := Pow(x, Const(p)), PowReal(x, p)
		if !sameFloat(got.Real, want.Real) || !sameFloat(got.Eps, want.Eps) {
			t.Errorf("Pow(%v, %v) = %v, PowReal gives %v", x, p, got, want)
		}
		if p == math.Trunc(p) && x.Real < 0 && p != 0 {
			// Closed form p·aᵖ⁻¹·b for an integer p on a negative base.
			if w := p * math.Pow(x.Real, p-1) * x.Eps; !closeRel(got.Eps, w, 1e-14) {
				t.Errorf("Pow(%v, %v).Eps = %v, want %v", x, p, got.Eps, w)
			}
		}
	}
}
