package hyperdual

import (
	"math"
	"testing"
)

// TestNoOverflow checks property 6: derivative formulas do not overflow or
// underflow in intermediate steps, so parts that are representable come out
// right and finite even where the real part, its square or its inverse is
// not. Expected values are closed forms, or exact scaling identities of
// homogeneous functions checked at unscaled arguments.
func TestNoOverflow(t *testing.T) {
	x := Number{0, 0.7, -1.3, 0.45}
	at := func(a float64) Number { y := x; y.Real = a; return y }
	scaled := func(s float64, y Number) Number { return Number{y.Real, s * y.E1, s * y.E2, s * y.E12} }
	big := func(a float64) Number { return Number{a, 1e200, 2e200, 3e200} }
	e710 := func(t float64) float64 { return math.Exp(710 + math.Log(t)) } // e^710·t without overflow
	tests := []struct {
		name      string
		got, want Number
		tol       float64
	}{
		// sech² underflows to 0 without 1 − tanh² cancelling or cosh² overflowing.
		{"Tanh(800)", Tanh(at(800)), Number{1, 0, 0, 0}, 0},
		{"Tanh(−800)", Tanh(at(-800)), Number{-1, 0, 0, 0}, 0},
		{"Tanh(800) huge tangents", Tanh(Number{800, 1e300, 1e300, 1e300}), Number{1, 0, 0, 0}, 0},
		{"Sigmoid(800)", Sigmoid(at(800)), Number{1, 0, 0, 0}, 0},
		{"Sigmoid(−800)", Sigmoid(at(-800)), Number{0, 0, 0, 0}, 0},
		{"Softplus(800)", Softplus(at(800)), Number{800, 0.7, -1.3, 0.45}, 0},
		{"Softplus(−800)", Softplus(at(-800)), Number{0, 0, 0, 0}, 0},
		// Hypot is homogeneous of degree 1 in every part.
		{"Hypot(1e200, 1e200)", Hypot(Number{1e200, 1e200, 0, 3e200}, Number{1e200, 0, 1e200, 0}),
			Scale(1e200, Hypot(Number{1, 1, 0, 3}, Number{1, 0, 1, 0})), 1e-15},
		{"Hypot(1e-200, 1e-200)", Hypot(Number{1e-200, 1e-200, 0, 3e-200}, Number{1e-200, 0, 1e-200, 0}),
			Scale(1e-200, Hypot(Number{1, 1, 0, 3}, Number{1, 0, 1, 0})), 1e-15},
		{"Hypot(1.5e308, 1.5e308)", Hypot(Number{1.5e308, 1, 0, 0}, Number{1.5e308, 0, 1, 0}),
			Number{math.Inf(1), 1 / math.Sqrt2, 1 / math.Sqrt2, 0}, 1e-15},
		// eᵃ near and past its overflow threshold 709.78.
		{"Exp(709.7)", Exp(at(709.7)), scaled(math.Exp(709.7), Number{1, 0.7, -1.3, 0.45 + 0.7*-1.3}).withReal(math.Exp(709.7)), 1e-14},
		{"Exp(710)", Exp(Number{710, 1e-10, 2e-10, 3e-10}), Number{math.Inf(1), e710(1e-10), e710(2e-10), e710(3e-10 + 2e-20)}, 1e-12},
		{"Expm1(710)", Expm1(Number{710, 1e-10, 2e-10, 3e-10}), Number{math.Inf(1), e710(1e-10), e710(2e-10), e710(3e-10 + 2e-20)}, 1e-12},
		{"Exp(−800)", Exp(Number{-800, 1e300, 2e300, 0}), Number{0, math.Exp(-800 + math.Log(1e300)), math.Exp(-800 + math.Log(2e300)), math.Exp(-800 + math.Log(2e600/1e300) + math.Log(1e300))}, 1e-12},
		{"Exp2(1030)", Exp2(Number{1030, 1e-10, 0, 0}), Number{math.Inf(1), math.Ln2 * math.Exp2(1030+math.Log2(1e-10)), 0, 0}, 1e-12},
		// cosh a = sinh a = e^|a|/2 past the overflow of cosh at 710.48.
		{"Sinh(720)", Sinh(Number{720, 1e-10, 2e-10, 0}), Number{math.Inf(1), math.Exp(720+math.Log(1e-10)) / 2, math.Exp(720+math.Log(2e-10)) / 2, math.Exp(720+math.Log(2e-20)) / 2}, 1e-12},
		{"Cosh(−720)", Cosh(Number{-720, 1e-10, 0, 3e-10}), Number{math.Inf(1), -math.Exp(720+math.Log(1e-10)) / 2, 0, -math.Exp(720+math.Log(3e-10)) / 2}, 1e-12},
		// Log, Inv and Div never form a² or 1/a²: homogeneity in the scale.
		{"Log(1e-200·x)", Log(Number{1e-200, 1e-200, 2e-200, 3e-200}), Number{math.Log(1e-200), 1, 2, 1}, 1e-15},
		{"Inv(1e200·x)", Inv(Number{1e200, 1e200, 2e200, 3e200}), Scale(1e-200, Inv(Number{1, 1, 2, 3})), 1e-15},
		{"Inv(1e-200·x)", Inv(Number{1e-200, 1e-200, 2e-200, 3e-200}), Scale(1e200, Inv(Number{1, 1, 2, 3})), 1e-15},
		{"Div(1e200·x, 1e200·y)", Div(Number{3e200, 1e200, 2e200, 3e200}, Number{2e200, -1e200, 5e200, 1e200}),
			Div(Number{3, 1, 2, 3}, Number{2, -1, 5, 1}), 1e-15},
		{"Div(1e-200·x, 1e-200·y)", Div(Number{3e-200, 1e-200, 2e-200, 3e-200}, Number{2e-200, -1e-200, 5e-200, 1e-200}),
			Div(Number{3, 1, 2, 3}, Number{2, -1, 5, 1}), 1e-15},
		{"Atan2(1e300·y, 1e300·x)", Atan2(Number{3e300, 1e300, 2e300, 3e300}, Number{-2e300, -1e300, 5e300, 1e300}),
			Atan2(Number{3, 1, 2, 3}, Number{-2, -1, 5, 1}), 1e-14},
		{"Atan2(1e-300·y, 1e-300·x)", Atan2(Number{3e-300, 1e-300, 2e-300, 3e-300}, Number{-2e-300, -1e-300, 5e-300, 1e-300}),
			Atan2(Number{3, 1, 2, 3}, Number{-2, -1, 5, 1}), 1e-14},
		// For a = 1e200: asinh′ = 1/a, asinh″ = −1/a², so with tangents
		// (1, 2, 3)·1e200 the parts are 1, 2 and 3 − 2 = 1; likewise acosh.
		{"Asinh(1e200)", Asinh(big(1e200)), Number{math.Asinh(1e200), 1, 2, 1}, 1e-15},
		{"Acosh(1e200)", Acosh(big(1e200)), Number{math.Acosh(1e200), 1, 2, 1}, 1e-15},
		// atan′ = 1/a² and atan″ = −2/a³ at a = 1e100, tangents (1, 2, 3)·1e100:
		// 1e-100, 2e-100, 3e-100 − 4e-100.
		{"Atan(1e100)", Atan(Number{1e100, 1e100, 2e100, 3e100}), Number{math.Atan(1e100), 1e-100, 2e-100, -1e-100}, 1e-15},
		// Products b·c outside the normal range are rescaled in the ε₁ε₂ term.
		{"Sin(0) b·c overflow", Sin(Number{1, 1e200, 1e200, 0}), Number{math.Sin(1), math.Cos(1) * 1e200, math.Cos(1) * 1e200, -math.Sin(1) * 1e200 * 1e200}, 1e-15},
		{"Exp(−700) b·c underflow", Exp(Number{700, 1e-200, 1e-200, 0}), Number{math.Exp(700), math.Exp(700) * 1e-200, math.Exp(700) * 1e-200, math.Exp(700 - 2*200*math.Ln10)}, 1e-12},
	}
	for _, tt := range tests {
		if !closeOrSame(tt.got, tt.want, tt.tol) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func (x Number) withReal(a float64) Number { x.Real = a; return x }

// closeOrSame reports whether each part of got equals want's (ignoring the
// sign of zero) or, for tol > 0, is finite and within tol relative of it.
func closeOrSame(got, want Number, tol float64) bool {
	g := [4]float64{got.Real, got.E1, got.E2, got.E12}
	w := [4]float64{want.Real, want.E1, want.E2, want.E12}
	for k := range g {
		switch {
		case g[k] == w[k], same(g[k], w[k]):
		case tol > 0 && math.Abs(g[k]-w[k]) <= tol*math.Abs(w[k]):
		default:
			return false
		}
	}
	return true
}
