package dual

import (
	"math"
	"testing"
)

// TestExpLogSpecialCases includes property 6 for Exp: near and past the
// overflow limit the ε part is right wherever it is finite.
func TestExpLogSpecialCases(t *testing.T) {
	// The oracle splits e^a as e^(a−700)·e^700. a − 700 is exact in float64;
	// a constant expression would be evaluated exactly as 9.7 instead.
	a := 709.7
	e97 := math.Exp(a - 700)
	checkSpecial(t, []special{
		{"Exp(709+0.5ε)", Exp(Number{709, 0.5}), Number{math.Exp(709), math.Exp(709) / 2}, 0},
		// e^709.7 = 1.65e308 is finite, but math.Exp's amd64 assembly
		// returns +Inf above about 709.44, and the real part follows
		// math.Exp. The ε part is right either way.
		{"Exp(709.7+0.5ε)", Exp(Number{709.7, 0.5}), Number{math.Exp(709.7), e97 * 0.5 * math.Exp(700)}, 1e-14},
		{"Expm1(709.7+0.5ε)", Expm1(Number{709.7, 0.5}), Number{math.Expm1(709.7), e97 * 0.5 * math.Exp(700)}, 1e-14},
		// eᵃ overflows, eᵃ·1e-10 does not; the oracle splits eᵃ as e¹⁰·e⁷⁰⁰.
		{"Exp(710+1e-10ε)", Exp(Number{710, 1e-10}), Number{inf, math.Exp(10) * 1e-10 * math.Exp(700)}, 1e-14},
		{"Expm1(710+1e-10ε)", Expm1(Number{710, 1e-10}), Number{inf, math.Exp(10) * 1e-10 * math.Exp(700)}, 1e-14},
		// eᵃ underflows to 0, eᵃ·1e300 does not.
		{"Exp(-746+1e300ε)", Exp(Number{-746, 1e300}), Number{0, math.Exp(-400) * 1e300 * math.Exp(-346)}, 1e-14},
		// ln2·2^1024.5·1e-10, scaled exactly by Ldexp.
		{"Exp2(1024.5+1e-10ε)", Exp2(Number{1024.5, 1e-10}), Number{inf, math.Ldexp(math.Ln2*math.Sqrt2*1e-10, 1024)}, 1e-14},
		{"Exp2(-1075+1e300ε)", Exp2(Number{-1075, 1e300}), Number{0, math.Ldexp(math.Ln2*1e300, -1075)}, 1e-14},
		{"Exp2(3+1ε)", Exp2(Number{3, 1}), Number{8, 8 * math.Ln2}, 0},
		{"Exp(+Inf+1ε)", Exp(Number{inf, 1}), Number{inf, inf}, 0},
		{"Exp(+Inf+0ε)", Exp(Const(inf)), Number{inf, 0}, 0},
		{"Exp(-Inf+1ε)", Exp(Number{-inf, 1}), Number{0, 0}, 0},
		{"Exp(-0+2ε)", Exp(Number{negZero, 2}), Number{1, 2}, 0},
		{"Expm1(-0+2ε)", Expm1(Number{negZero, 2}), Number{negZero, 2}, 0},
		{"Expm1(-Inf+1ε)", Expm1(Number{-inf, 1}), Number{-1, 0}, 0},
		{"Log(2+3ε)", Log(Number{2, 3}), Number{math.Ln2, 1.5}, 0},
		{"Log(1e300+1e290ε)", Log(Number{1e300, 1e290}), Number{math.Log(1e300), 1e-10}, 1e-15},
		{"Log10(100+2ε)", Log10(Number{100, 2}), Number{2, 2 / (100 * math.Ln10)}, 1e-15},
		{"Log2(8+1ε)", Log2(Number{8, 1}), Number{3, 1 / (8 * math.Ln2)}, 1e-15},
		{"Log1p(-0+3ε)", Log1p(Number{negZero, 3}), Number{negZero, 3}, 0},
		{"Log1p(+Inf+3ε)", Log1p(Number{inf, 3}), Number{inf, 0}, 0},
	})
}
