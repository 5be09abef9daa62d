package hyperdual

import (
	"math"
	"testing"
)

// TestExpLogSpecialCases pins the exponentials and logarithms near and past
// overflow and underflow, at signed zeros, domain edges and infinities, in
// all four parts: eᵃ's parts are eᵃ·(b, c, d + bc), log's b/a, c/a and
// d/a − bc/a².
func TestExpLogSpecialCases(t *testing.T) {
	// e^709.7 and e^720 are split as e^(a−700)·e^700; a − 700 is exact.
	a := 709.7
	e97, e700, e10 := math.Exp(a-700), math.Exp(700), math.Exp(10)
	e709 := math.Exp(709)
	checkSpecial(t, []special{
		{"Exp(709+0.5ε₁+0.5ε₂)", Exp(Number{709, 0.5, 0.5, 0}), Number{e709, e709 / 2, e709 / 2, e709 / 4}, 0},
		// math.Exp(709.7) is +Inf on amd64 (the real part follows it); the
		// derivative parts are right either way.
		{"Exp(709.7+0.5ε₁+0.5ε₂)", Exp(Number{a, 0.5, 0.5, 0}), Number{math.Exp(a), e97 * 0.5 * e700, e97 * 0.5 * e700, e97 * 0.25 * e700}, 1e-14},
		{"Expm1(710+1e-10ε₁+1e-10ε₂)", Expm1(Number{710, 1e-10, 1e-10, 0}), Number{inf, e10 * 1e-10 * e700, e10 * 1e-10 * e700, e10 * 1e-20 * e700}, 1e-14},
		// eᵃ underflows to 0, eᵃ·1e300 and eᵃ·1e600 (the ε₁ε₂ part) do not.
		{"Exp(−746+1e300ε₁+1e300ε₂)", Exp(Number{-746, 1e300, 1e300, 0}),
			Number{0, math.Exp(-746 + 300*math.Ln10), math.Exp(-746 + 300*math.Ln10), math.Exp(-746 + 600*math.Ln10)}, 1e-12},
		{"Exp2(3+ε₁+ε₂+ε₁ε₂)", Exp2(Number{3, 1, 1, 1}), Number{8, 8 * math.Ln2, 8 * math.Ln2, 8*math.Ln2 + 8*math.Ln2*math.Ln2}, 1e-15},
		{"Exp(+Inf+ε₁+ε₂)", Exp(Var(inf)), Number{inf, inf, inf, inf}, 0},
		{"Exp(−Inf+ε₁+ε₂)", Exp(Var(-inf)), Number{0, 0, 0, 0}, 0},
		{"Exp(−0+2ε₁+3ε₂+ε₁ε₂)", Exp(Number{negZero, 2, 3, 1}), Number{1, 2, 3, 7}, 0},
		{"Expm1(−0+2ε₁+3ε₂)", Expm1(Number{negZero, 2, 3, 0}), Number{negZero, 2, 3, 6}, 0},
		{"Expm1(−Inf+ε₁+ε₂)", Expm1(Var(-inf)), Number{-1, 0, 0, 0}, 0},
		// 3/2, 1/2 and 1/2 − (3/2)(1/2).
		{"Log(2+3ε₁+ε₂+ε₁ε₂)", Log(Number{2, 3, 1, 1}), Number{math.Ln2, 1.5, 0.5, -0.25}, 0},
		{"Log(1e300+1e290ε₁+1e290ε₂)", Log(Number{1e300, 1e290, 1e290, 0}), Number{math.Log(1e300), 1e-10, 1e-10, -1e-20}, 1e-15},
		// A subnormal a: 1/a overflows, b/a does not.
		{"Log(1e-310+1e-310ε₁+1e-310ε₂)", Log(Number{1e-310, 1e-310, 1e-310, 0}), Number{math.Log(1e-310), 1, 1, -1}, 0},
		{"Log10(100+2ε₁+2ε₂)", Log10(Number{100, 2, 2, 0}), Number{2, 0.02 * math.Log10E, 0.02 * math.Log10E, -0.0004 * math.Log10E}, 1e-15},
		{"Log2(8+ε₁+ε₂)", Log2(Var(8)), Number{3, math.Log2E / 8, math.Log2E / 8, -math.Log2E / 64}, 1e-15},
		{"Log1p(−0+3ε₁+3ε₂)", Log1p(Number{negZero, 3, 3, 0}), Number{negZero, 3, 3, -9}, 0},
		{"Log1p(+Inf+3ε₁+3ε₂)", Log1p(Number{inf, 3, 3, 0}), Number{inf, 0, 0, 0}, 0},
		{"Log(0+ε₁+ε₂)", Log(Var(0)), Number{-inf, inf, inf, -inf}, 0},
	})
}
