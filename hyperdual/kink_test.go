package hyperdual

import (
	"math"
	"testing"
)

// TestKinks checks property 5: kinks follow PyTorch's conventions, from its
// tools/autograd/derivatives.yaml: abs has gradient grad·sgn(x), so 0 at 0;
// maximum and minimum give grad/2 to each argument where they are equal;
// comparisons look at values only. The expected parts are worked by hand.
func TestKinks(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	negZero := math.Copysign(0, -1)
	x := Number{1, 2, 3, 4}
	tests := []struct {
		name      string
		got, want Number
	}{
		{"Abs(0+…)", Abs(Number{0, 0.7, -1.3, 0.45}), Number{0, 0, 0, 0}},
		{"Abs(−0+…)", Abs(Number{negZero, 0.7, -1.3, 0.45}), Number{0, 0, 0, 0}},
		{"Abs(−2+…)", Abs(Number{-2, 0.7, -1.3, 0.45}), Number{2, -0.7, 1.3, -0.45}},
		{"Abs(3+…)", Abs(Number{3, 0.7, -1.3, 0.45}), Number{3, 0.7, -1.3, 0.45}},
		{"Abs(−Inf+…)", Abs(Number{-inf, 0.7, -1.3, 0.45}), Number{inf, -0.7, 1.3, -0.45}},
		{"Abs(NaN+ε₁)", Abs(Number{nan, 1, 0, 0}), Number{nan, nan, 0, 0}},
		// Tie: mean of the parts, (2+6)/2, (3−1)/2, (4+0)/2.
		{"Max tie", Max(x, Number{1, 6, -1, 0}), Number{1, 4, 1, 2}},
		{"Min tie", Min(x, Number{1, 6, -1, 0}), Number{1, 4, 1, 2}},
		{"Max(+0, −0)", Max(Number{0, 2, 0, 0}, Number{negZero, 0, 2, 0}), Number{0, 1, 1, 0}},
		{"Min(+0, −0)", Min(Number{0, 2, 0, 0}, Number{negZero, 0, 2, 0}), Number{negZero, 1, 1, 0}},
		{"Max(Inf, Inf) tie", Max(Number{inf, 2, 0, 0}, Number{inf, 0, 2, 0}), Number{inf, 1, 1, 0}},
		{"Max(x, 0) at 0", Max(Var(0), Const(0)), Number{0, 0.5, 0.5, 0}},
		// Only real parts are compared: large tangents do not win.
		{"Max by real part", Max(Number{1, 100, 100, 100}, Number{1.5, 0, 0, 0}), Number{1.5, 0, 0, 0}},
		{"Min by real part", Min(Number{1, 100, 100, 100}, Number{1.5, 0, 0, 0}), Number{1, 100, 100, 100}},
		{"Max(Inf, NaN)", Max(Number{inf, 2, 3, 4}, Number{nan, 5, 6, 7}), Number{inf, 2, 3, 4}},
		{"Max(NaN, Inf)", Max(Number{nan, 5, 6, 7}, Number{inf, 2, 3, 4}), Number{inf, 2, 3, 4}},
		{"Min(−Inf, NaN)", Min(Number{-inf, 2, 3, 4}, Number{nan, 5, 6, 7}), Number{-inf, 2, 3, 4}},
		{"Max(NaN, 1)", Max(Number{nan, 1, 0, 0}, Number{1, 0, 0, 0}), Number{nan, nan, 0, 0}},
		{"Min(1, NaN)", Min(Const(1), Const(nan)), Number{nan, 0, 0, 0}},
		// Hypot at the origin is a kink of the same kind as Abs at 0.
		{"Hypot(0, 0)", Hypot(Number{0, 1, 2, 3}, Number{0, 4, 5, 6}), Number{0, 0, 0, 0}},
	}
	for _, tt := range tests {
		if !sameParts(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if v, d1, d2 := Derivative2(Abs, 0); v != 0 || d1 != 0 || d2 != 0 {
		t.Errorf("Derivative2(Abs, 0) = %v, %v, %v; want 0, 0, 0", v, d1, d2)
	}
	// Hypot(x, 0) is Abs(x) away from 0.
	for _, a := range []float64{-2, 3} {
		x := Number{a, 0.7, -1.3, 0.45}
		if got, want := Hypot(x, Const(0)), Abs(x); !sameParts(got, want) {
			t.Errorf("Hypot(%v, 0) = %v, want Abs = %v", x, got, want)
		}
	}
}
