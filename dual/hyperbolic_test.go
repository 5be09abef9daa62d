package dual

import (
	"math"
	"testing"
)

// TestHyperbolicSpecialCases includes property 6 for Tanh and the
// cancellation-free derivatives of Acosh and Atanh near ±1.
func TestHyperbolicSpecialCases(t *testing.T) {
	// 1 + 2⁻³⁰, 1 − 2⁻³⁰ and their sums and differences with 1 are exact.
	near1, below1 := 1+0x1p-30, 1-0x1p-30
	a := 709.7
	e97 := math.Exp(a - 700)
	checkSpecial(t, []special{
		{"Tanh(800+2ε)", Tanh(Number{800, 2}), Number{1, 0}, 0},
		{"Tanh(-800+2ε)", Tanh(Number{-800, 2}), Number{-1, 0}, 0},
		// sech²(a) = 4e^(−2a)/(1+e^(−2a))²; 1 − tanh² would give exactly 0.
		{"Tanh(20+2ε)", Tanh(Number{20, 2}), Number{1, 8 * math.Exp(-40) / ((1 + math.Exp(-40)) * (1 + math.Exp(-40)))}, 1e-14},
		{"Tanh(300+1ε)", Tanh(Number{300, 1}), Number{1, 4 * math.Exp(-600)}, 1e-13},
		{"Tanh(-0+2ε)", Tanh(Number{negZero, 2}), Number{negZero, 2}, 0},
		{"Tanh(+Inf+2ε)", Tanh(Number{inf, 2}), Number{1, 0}, 0},
		{"Sinh(-0+2ε)", Sinh(Number{negZero, 2}), Number{negZero, 2}, 0},
		{"Sinh(-800+1ε)", Sinh(Number{-800, 1}), Number{-inf, inf}, 0},
		// cosh′(±0) = sinh(±0) = ±0.
		{"Cosh(-0+2ε)", Cosh(Number{negZero, 2}), Number{1, negZero}, 0},
		{"Cosh(800+1ε)", Cosh(Number{800, 1}), Number{inf, inf}, 0},
		{"Cosh(-Inf+0ε)", Cosh(Const(-inf)), Number{inf, 0}, 0},
		// cosh and sinh overflow, cosh(a)·b does not: e^a/2·b, with e^a
		// split as e^(a−700)·e^700 (a − 700 is exact in float64, see
		// TestExpLogSpecialCases).
		{"Sinh(709.7+1e-10ε)", Sinh(Number{a, 1e-10}), Number{inf, e97 * 1e-10 / 2 * math.Exp(700)}, 1e-14},
		{"Cosh(-709.7+1e-10ε)", Cosh(Number{-a, 1e-10}), Number{inf, -e97 * 1e-10 / 2 * math.Exp(700)}, 1e-14},
		{"Sinh(-720+1e-10ε)", Sinh(Number{-720, 1e-10}), Number{-inf, math.Exp(20) * 1e-10 / 2 * math.Exp(700)}, 1e-14},
		{"Cosh(720-1e-10ε)", Cosh(Number{720, -1e-10}), Number{inf, -math.Exp(20) * 1e-10 / 2 * math.Exp(700)}, 1e-14},
		{"Sinh(800+0ε)", Sinh(Const(800)), Number{inf, 0}, 0},
		{"Asinh(-0+2ε)", Asinh(Number{negZero, 2}), Number{negZero, 2}, 0},
		// 1/√(1+a²) would give 0: a² overflows.
		{"Asinh(1e200+1ε)", Asinh(Number{1e200, 1}), Number{math.Asinh(1e200), 1e-200}, 1e-15},
		{"Asinh(-Inf+1ε)", Asinh(Number{-inf, 1}), Number{-inf, 0}, 0},
		{"Acosh(1e200+1ε)", Acosh(Number{1e200, 1}), Number{math.Acosh(1e200), 1e-200}, 1e-15},
		// a² − 1 cancels: 1/√((a−1)(a+1)) with exact factors is the oracle.
		{"Acosh(1+2⁻³⁰+1ε)", Acosh(Number{near1, 1}), Number{math.Acosh(near1), 1 / math.Sqrt(0x1p-30*(2+0x1p-30))}, 1e-15},
		{"Acosh(+Inf+1ε)", Acosh(Number{inf, 1}), Number{inf, 0}, 0},
		{"Atanh(-0+2ε)", Atanh(Number{negZero, 2}), Number{negZero, 2}, 0},
		{"Atanh(1−2⁻³⁰+1ε)", Atanh(Number{below1, 1}), Number{math.Atanh(below1), 1 / (0x1p-30 * (2 - 0x1p-30))}, 1e-15},
		{"Atanh(1+0ε)", Atanh(Const(1)), Number{inf, 0}, 0},
	})
}
