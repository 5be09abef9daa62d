package hyperdual

import (
	"math"
	"testing"
)

// TestHyperbolicSpecialCases pins the hyperbolic functions where sech² would
// cancel or underflow, where cosh overflows, near ±1 and at signed zeros and
// infinities, in all four parts.
func TestHyperbolicSpecialCases(t *testing.T) {
	// 1 + 2⁻³⁰, 1 − 2⁻³⁰ and their sums and differences with 1 are exact.
	near1, below1 := 1+0x1p-30, 1-0x1p-30
	e40, e20, e700 := math.Exp(-40), math.Exp(20), math.Exp(700)
	s20 := 4 * e40 / ((1 + e40) * (1 + e40)) // sech²20
	dc := 1 / math.Sqrt(0x1p-30*(2+0x1p-30)) // acosh′(1+2⁻³⁰)
	dt := 1 / (0x1p-30 * (2 - 0x1p-30))      // atanh′(1−2⁻³⁰)
	checkSpecial(t, []special{
		{"Tanh(800+2ε₁+2ε₂)", Tanh(Number{800, 2, 2, 0}), Number{1, 0, 0, 0}, 0},
		{"Tanh(−800+2ε₁+2ε₂)", Tanh(Number{-800, 2, 2, 0}), Number{-1, 0, 0, 0}, 0},
		// tanh″ = −2·tanh·sech²; 1 − tanh² would give 0 for all three.
		{"Tanh(20+ε₁+ε₂)", Tanh(Var(20)), Number{1, s20, s20, -2 * s20}, 1e-14},
		{"Tanh(300+ε₁+ε₂)", Tanh(Var(300)), Number{1, 4 * math.Exp(-600), 4 * math.Exp(-600), -8 * math.Exp(-600)}, 1e-13},
		{"Tanh(−0+2ε₁+3ε₂)", Tanh(Number{negZero, 2, 3, 0}), Number{negZero, 2, 3, 0}, 0},
		{"Sinh(−0+2ε₁+3ε₂+ε₁ε₂)", Sinh(Number{negZero, 2, 3, 1}), Number{negZero, 2, 3, 1}, 0},
		{"Cosh(−0+2ε₁+3ε₂)", Cosh(Number{negZero, 2, 3, 0}), Number{1, negZero, negZero, 6}, 0},
		// Past the overflow of cosh: cosh = |sinh| = e^|a|/2, split as
		// e^(|a|−700)·e^700.
		{"Sinh(720+1e-10ε₁+1e-10ε₂)", Sinh(Number{720, 1e-10, 1e-10, 0}), Number{inf, e20 * 1e-10 / 2 * e700, e20 * 1e-10 / 2 * e700, e20 * 1e-20 / 2 * e700}, 1e-14},
		{"Sinh(−720+1e-10ε₁+1e-10ε₂)", Sinh(Number{-720, 1e-10, 1e-10, 0}), Number{-inf, e20 * 1e-10 / 2 * e700, e20 * 1e-10 / 2 * e700, -e20 * 1e-20 / 2 * e700}, 1e-14},
		{"Cosh(−720+1e-10ε₁+1e-10ε₂)", Cosh(Number{-720, 1e-10, 1e-10, 0}), Number{inf, -e20 * 1e-10 / 2 * e700, -e20 * 1e-10 / 2 * e700, e20 * 1e-20 / 2 * e700}, 1e-14},
		{"Sinh(800)", Sinh(Const(800)), Number{inf, 0, 0, 0}, 0},
		{"Asinh(−0+2ε₁+3ε₂)", Asinh(Number{negZero, 2, 3, 0}), Number{negZero, 2, 3, 0}, 0},
		// 1/√(1+a²) would give 0: a² overflows; asinh″ = −1e-400 underflows.
		{"Asinh(1e200+ε₁+ε₂)", Asinh(Var(1e200)), Number{math.Asinh(1e200), 1e-200, 1e-200, 0}, 1e-15},
		// acosh″ = −a/(a²−1)^(3/2) = −a·acosh′³, without cancellation.
		{"Acosh(1+2⁻³⁰+ε₁+ε₂)", Acosh(Var(near1)), Number{math.Acosh(near1), dc, dc, -near1 * dc * dc * dc}, 1e-14},
		{"Acosh(+Inf+ε₁+ε₂)", Acosh(Var(inf)), Number{inf, 0, 0, 0}, 0},
		// atanh″ = 2a/(1−a²)² = 2a·atanh′².
		{"Atanh(1−2⁻³⁰+ε₁+ε₂)", Atanh(Var(below1)), Number{math.Atanh(below1), dt, dt, 2 * below1 * dt * dt}, 1e-14},
		{"Atanh(1)", Atanh(Const(1)), Number{inf, 0, 0, 0}, 0},
	})
}
