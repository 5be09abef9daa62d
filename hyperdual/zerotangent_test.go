package hyperdual

import (
	"math"
	"testing"
)

// TestZeroTangentsStayZero checks property 3 for every unary function at
// every special real part, including poles, domain edges, ±Inf and NaN: a
// constant has exactly zero derivative parts, and a tangent in only one of
// ε₁ and ε₂ leaves the other part and the ε₁ε₂ part exactly zero.
func TestZeroTangentsStayZero(t *testing.T) {
	for _, uc := range unaryCases {
		for _, a := range append(append([]float64(nil), specials...), uc.points(2)...) {
			for _, x := range []Number{{a, 0, 0, 0}, {a, 1.5, 0, 0}, {a, 0, -2, 0}, {a, math.Inf(1), 0, 0}} {
				got := uc.f(x)
				if (x.E1 == 0 && got.E1 != 0) || (x.E2 == 0 && got.E2 != 0) || got.E12 != 0 {
					t.Errorf("%s(%v) = %v, want zero parts where the tangents are zero", uc.name, x, got)
				}
			}
		}
	}
	for _, bc := range binaryCases {
		for _, a := range specials {
			for _, c := range specials {
				x, y := Const(a), Const(c)
				if got := bc.f(x, y); got.E1 != 0 || got.E2 != 0 || got.E12 != 0 {
					t.Errorf("%s(%v, %v) = %v, want zero derivative parts", bc.name, x, y, got)
				}
				// ε₁ on x only: E2 and E12 stay zero.
				x.E1 = 1.5
				if got := bc.f(x, y); got.E2 != 0 || got.E12 != 0 {
					t.Errorf("%s(%v, %v) = %v, want E2 = E12 = 0", bc.name, x, y, got)
				}
			}
		}
	}
}

// TestZeroTangentCases pins the cases that issue 2 lists, and their
// neighbours, to exact values.
func TestZeroTangentCases(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	negZero := math.Copysign(0, -1)
	tests := []struct {
		name      string
		got, want Number
	}{
		{"Sqrt(0)", Sqrt(Const(0)), Number{0, 0, 0, 0}},
		{"Sqrt(-0)", Sqrt(Const(negZero)), Number{negZero, 0, 0, 0}},
		{"Log(0)", Log(Const(0)), Number{-inf, 0, 0, 0}},
		{"Inv(0)", Inv(Const(0)), Number{inf, 0, 0, 0}},
		{"Inv(-0)", Inv(Const(negZero)), Number{-inf, 0, 0, 0}},
		{"Acos(1)", Acos(Const(1)), Number{0, 0, 0, 0}},
		{"Asin(-1)", Asin(Const(-1)), Number{-math.Pi / 2, 0, 0, 0}},
		{"Atanh(1)", Atanh(Const(1)), Number{inf, 0, 0, 0}},
		{"Acosh(1)", Acosh(Const(1)), Number{0, 0, 0, 0}},
		{"Cbrt(0)", Cbrt(Const(0)), Number{0, 0, 0, 0}},
		{"PowReal(0, 0.5)", PowReal(Const(0), 0.5), Number{0, 0, 0, 0}},
		{"PowReal(0, -1)", PowReal(Const(0), -1), Number{inf, 0, 0, 0}},
		{"Sqrt(-1)", Sqrt(Const(-1)), Number{nan, 0, 0, 0}},
		{"Log(-1)", Log(Const(-1)), Number{nan, 0, 0, 0}},
		// One tangent: the infinite derivative reaches only its own part.
		{"Sqrt(0+ε₁)", Sqrt(Number{0, 1, 0, 0}), Number{0, inf, 0, 0}},
		// The one-sided derivative from the right, also at −0.
		{"Sqrt(−0+ε₁)", Sqrt(Number{negZero, 1, 0, 0}), Number{negZero, inf, 0, 0}},
		{"Sqrt(0+ε₂)", Sqrt(Number{0, 0, 1, 0}), Number{0, 0, inf, 0}},
		{"Sqrt(0+ε₁ε₂)", Sqrt(Number{0, 0, 0, 1}), Number{0, 0, 0, inf}},
		{"Log(0+ε₁)", Log(Number{0, 1, 0, 0}), Number{-inf, inf, 0, 0}},
		{"Inv(0+ε₁)", Inv(Number{0, 1, 0, 0}), Number{inf, -inf, 0, 0}},
		{"Acos(1+ε₁)", Acos(Number{1, 1, 0, 0}), Number{0, -inf, 0, 0}},
		{"PowReal(0+ε₁, 0.5)", PowReal(Number{0, 1, 0, 0}, 0.5), Number{0, inf, 0, 0}},
		// Both first-order tangents: f″ = −Inf reaches E12.
		{"Sqrt(0+ε₁+ε₂)", Sqrt(Var(0)), Number{0, inf, inf, -inf}},
		{"Sqrt(−0+ε₁+ε₂)", Sqrt(Var(negZero)), Number{negZero, inf, inf, -inf}},
		// 1/x at +0: −1/x² = −Inf, 2/x³ = +Inf, by both routes.
		{"Inv(0+ε₁+ε₂)", Inv(Var(0)), Number{inf, -inf, -inf, inf}},
		{"Div(1, 0+ε₁+ε₂)", Div(Const(1), Var(0)), Number{inf, -inf, -inf, inf}},
		// Binary functions of constants.
		{"Mul(Inf, 2)", Mul(Const(inf), Const(2)), Number{inf, 0, 0, 0}},
		{"Mul(Inf, 0)", Mul(Const(inf), Const(0)), Number{nan, 0, 0, 0}},
		{"Mul(Sqrt(0+ε₁), 2)", Mul(Sqrt(Number{0, 1, 0, 0}), Const(2)), Number{0, inf, 0, 0}},
		{"Div(1, 0)", Div(Const(1), Const(0)), Number{inf, 0, 0, 0}},
		{"Div(0, 0)", Div(Const(0), Const(0)), Number{nan, 0, 0, 0}},
		{"Div(Sqrt(0+ε₁+ε₂), 2)", Div(Sqrt(Var(0)), Const(2)), Number{0, inf, inf, -inf}},
		{"Div(1, 0+ε₁)", Div(Const(1), Number{0, 1, 0, 0}), Number{inf, -inf, 0, 0}},
		{"Pow(0, 0.5)", Pow(Const(0), Const(0.5)), Number{0, 0, 0, 0}},
		{"Pow(-2, 0.5)", Pow(Const(-2), Const(0.5)), Number{nan, 0, 0, 0}},
		{"Hypot(0, 0)", Hypot(Const(0), Const(0)), Number{0, 0, 0, 0}},
		{"Atan2(0, 0)", Atan2(Const(0), Const(0)), Number{0, 0, 0, 0}},
		{"Atan2(0+ε₁, 0)", Atan2(Number{0, 1, 0, 0}, Const(0)), Number{0, nan, 0, 0}},
	}
	for _, tt := range tests {
		if !sameParts(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// sameParts is sameNumber with the sign of zero ignored in derivative parts:
// the zero-tangent rule promises 0, not a particular sign.
func sameParts(x, y Number) bool {
	eq := func(a, b float64) bool { return (a == 0 && b == 0) || same(a, b) }
	return same(x.Real, y.Real) && eq(x.E1, y.E1) && eq(x.E2, y.E2) && eq(x.E12, y.E12)
}

// TestOutsideDomain checks that outside a function's domain, where the real
// part is NaN, nonzero tangents give NaN derivative parts rather than finite
// values of a formula that no longer applies, and zero tangents give 0.
func TestOutsideDomain(t *testing.T) {
	tests := []struct {
		name string
		f    func(Number) Number
		a    float64
	}{
		{"Sqrt", Sqrt, -1},
		{"Log", Log, -1},
		{"Log2", Log2, -1},
		{"Log10", Log10, -1},
		{"Log1p", Log1p, -2},
		{"Asin", Asin, 2},
		{"Acos", Acos, -2},
		{"Acosh", Acosh, 0.5},
		{"Atanh", Atanh, 2},
		{"Atanh", Atanh, -1.5},
		{"PowReal(·, 0.5)", func(x Number) Number { return PowReal(x, 0.5) }, -2},
		{"Pow(·, 0.5)", func(x Number) Number { return Pow(x, Const(0.5)) }, -2},
		{"Pow(-2, ·)", func(y Number) Number { return Pow(Const(-2), y) }, 0.5},
	}
	for _, tt := range tests {
		got := tt.f(Number{tt.a, 1, 0, 0})
		if !math.IsNaN(got.Real) || !math.IsNaN(got.E1) || got.E2 != 0 || got.E12 != 0 {
			t.Errorf("%s(%v+ε₁) = %v, want (NaN+NaNε₁+0ε₂+0ε₁ε₂)", tt.name, tt.a, got)
		}
	}
}
