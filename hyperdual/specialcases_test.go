package hyperdual

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// specialValue parses a value as the "Special cases are:" blocks write it:
// "0" is a zero of either sign, while "+0", "−0" and every other value must
// match bit for bit (NaN matching any NaN).
func specialValue(t *testing.T, s string) (v float64, anySign bool) {
	t.Helper()
	named := map[string]float64{
		"π/2": math.Pi / 2, "−π/2": -math.Pi / 2, "π": math.Pi, "ln2": math.Ln2,
		"2/√π": 2 / math.SqrtPi, "−2/√π": -2 / math.SqrtPi,
	}
	if v, ok := named[s]; ok {
		return v, false
	}
	if s == "0" {
		return 0, true
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "−", "-"), 64)
	if err != nil {
		t.Fatalf("bad table value %q", s)
	}
	return v, false
}

// TestSpecialCases checks the unary functions' "Special cases are:" blocks
// line by line: at each special real part a it checks f(a), f′(a) and f″(a),
// including the sign of zero where the doc comment gives one. f′ is the E1
// part of f(a + 1ε₁), exactly tangent(f′, 1). f″ is the E12 part of
// f(a + ε₁ + ε₂ + zε₁ε₂) with z the zero of sign opposite to f′, so that the
// f′·z term is −0 and E12 = −0 + f″ is f″ bit for bit, whatever its sign.
func TestSpecialCases(t *testing.T) {
	pow := func(p float64) func(Number) Number { return func(x Number) Number { return PowReal(x, p) } }
	tests := []struct {
		name         string
		f            func(Number) Number
		a, v, d1, d2 string
	}{
		{"Inv", Inv, "+0", "+Inf", "−Inf", "+Inf"},
		{"Inv", Inv, "−0", "−Inf", "−Inf", "−Inf"},
		{"Inv", Inv, "+Inf", "+0", "−0", "0"},
		{"Inv", Inv, "−Inf", "−0", "−0", "0"},
		{"Inv", Inv, "NaN", "NaN", "NaN", "NaN"},
		{"Exp", Exp, "+Inf", "+Inf", "+Inf", "+Inf"},
		{"Exp", Exp, "−Inf", "+0", "0", "0"},
		{"Exp", Exp, "NaN", "NaN", "NaN", "NaN"},
		{"Exp2", Exp2, "+Inf", "+Inf", "+Inf", "+Inf"},
		{"Exp2", Exp2, "−Inf", "+0", "0", "0"},
		{"Exp2", Exp2, "NaN", "NaN", "NaN", "NaN"},
		{"Expm1", Expm1, "+Inf", "+Inf", "+Inf", "+Inf"},
		{"Expm1", Expm1, "−Inf", "−1", "0", "0"},
		{"Expm1", Expm1, "NaN", "NaN", "NaN", "NaN"},
		{"Sinh", Sinh, "+0", "+0", "1", "+0"},
		{"Sinh", Sinh, "−0", "−0", "1", "−0"},
		{"Sinh", Sinh, "+Inf", "+Inf", "+Inf", "+Inf"},
		{"Sinh", Sinh, "−Inf", "−Inf", "+Inf", "−Inf"},
		{"Sinh", Sinh, "NaN", "NaN", "NaN", "NaN"},
		{"Cosh", Cosh, "+0", "1", "+0", "1"},
		{"Cosh", Cosh, "−0", "1", "−0", "1"},
		{"Cosh", Cosh, "+Inf", "+Inf", "+Inf", "+Inf"},
		{"Cosh", Cosh, "−Inf", "+Inf", "−Inf", "+Inf"},
		{"Cosh", Cosh, "NaN", "NaN", "NaN", "NaN"},
		{"Tanh", Tanh, "+0", "+0", "1", "−0"},
		{"Tanh", Tanh, "−0", "−0", "1", "+0"},
		{"Tanh", Tanh, "+Inf", "1", "0", "−0"},
		{"Tanh", Tanh, "−Inf", "−1", "0", "+0"},
		{"Tanh", Tanh, "NaN", "NaN", "NaN", "NaN"},
		{"Asinh", Asinh, "+0", "+0", "1", "−0"},
		{"Asinh", Asinh, "−0", "−0", "1", "+0"},
		{"Asinh", Asinh, "+Inf", "+Inf", "0", "0"},
		{"Asinh", Asinh, "−Inf", "−Inf", "0", "0"},
		{"Asinh", Asinh, "NaN", "NaN", "NaN", "NaN"},
		{"Acosh", Acosh, "1", "+0", "+Inf", "−Inf"},
		{"Acosh", Acosh, "+Inf", "+Inf", "0", "0"},
		{"Acosh", Acosh, "0.5", "NaN", "NaN", "NaN"},
		{"Acosh", Acosh, "NaN", "NaN", "NaN", "NaN"},
		{"Atanh", Atanh, "+0", "+0", "1", "+0"},
		{"Atanh", Atanh, "−0", "−0", "1", "−0"},
		{"Atanh", Atanh, "1", "+Inf", "+Inf", "+Inf"},
		{"Atanh", Atanh, "−1", "−Inf", "+Inf", "−Inf"},
		{"Atanh", Atanh, "2", "NaN", "NaN", "NaN"},
		{"Atanh", Atanh, "NaN", "NaN", "NaN", "NaN"},
		{"Abs", Abs, "+0", "+0", "0", "0"},
		{"Abs", Abs, "−0", "+0", "0", "0"},
		{"Abs", Abs, "+Inf", "+Inf", "1", "0"},
		{"Abs", Abs, "−Inf", "+Inf", "−1", "0"},
		{"Abs", Abs, "NaN", "NaN", "NaN", "NaN"},
		{"Log", Log, "+Inf", "+Inf", "0", "−0"},
		{"Log", Log, "+0", "−Inf", "+Inf", "−Inf"},
		{"Log", Log, "−0", "−Inf", "+Inf", "−Inf"},
		{"Log", Log, "−1", "NaN", "NaN", "NaN"},
		{"Log", Log, "NaN", "NaN", "NaN", "NaN"},
		{"Log2", Log2, "+Inf", "+Inf", "0", "−0"},
		{"Log2", Log2, "−0", "−Inf", "+Inf", "−Inf"},
		{"Log2", Log2, "−1", "NaN", "NaN", "NaN"},
		{"Log10", Log10, "+Inf", "+Inf", "0", "−0"},
		{"Log10", Log10, "+0", "−Inf", "+Inf", "−Inf"},
		{"Log10", Log10, "−1", "NaN", "NaN", "NaN"},
		{"Log1p", Log1p, "+Inf", "+Inf", "0", "−0"},
		{"Log1p", Log1p, "−1", "−Inf", "+Inf", "−Inf"},
		{"Log1p", Log1p, "−2", "NaN", "NaN", "NaN"},
		{"Log1p", Log1p, "NaN", "NaN", "NaN", "NaN"},
		{"Sigmoid", Sigmoid, "+0", "0.5", "0.25", "−0"},
		{"Sigmoid", Sigmoid, "−0", "0.5", "0.25", "+0"},
		{"Sigmoid", Sigmoid, "+Inf", "1", "0", "−0"},
		{"Sigmoid", Sigmoid, "−Inf", "0", "0", "0"},
		{"Sigmoid", Sigmoid, "NaN", "NaN", "NaN", "NaN"},
		{"Softplus", Softplus, "+0", "ln2", "0.5", "0.25"},
		{"Softplus", Softplus, "−0", "ln2", "0.5", "0.25"},
		{"Softplus", Softplus, "+Inf", "+Inf", "1", "0"},
		{"Softplus", Softplus, "−Inf", "0", "0", "0"},
		{"Softplus", Softplus, "NaN", "NaN", "NaN", "NaN"},
		{"Sqrt", Sqrt, "+Inf", "+Inf", "0", "−0"},
		{"Sqrt", Sqrt, "+0", "+0", "+Inf", "−Inf"},
		{"Sqrt", Sqrt, "−0", "−0", "+Inf", "−Inf"},
		{"Sqrt", Sqrt, "−1", "NaN", "NaN", "NaN"},
		{"Sqrt", Sqrt, "NaN", "NaN", "NaN", "NaN"},
		{"Cbrt", Cbrt, "+0", "+0", "+Inf", "−Inf"},
		{"Cbrt", Cbrt, "−0", "−0", "+Inf", "+Inf"},
		{"Cbrt", Cbrt, "+Inf", "+Inf", "0", "−0"},
		{"Cbrt", Cbrt, "−Inf", "−Inf", "0", "+0"},
		{"Cbrt", Cbrt, "NaN", "NaN", "NaN", "NaN"},
		{"PowReal(·, 0)", pow(0), "NaN", "1", "0", "0"},
		{"PowReal(·, 0)", pow(0), "+0", "1", "0", "0"},
		{"PowReal(·, 1)", pow(1), "NaN", "NaN", "1", "0"},
		{"PowReal(·, 0.5)", pow(0.5), "+0", "+0", "+Inf", "−Inf"},
		{"PowReal(·, 3)", pow(3), "−0", "−0", "0", "0"},
		{"PowReal(·, 2)", pow(2), "+0", "+0", "0", "2"},
		{"PowReal(·, −1)", pow(-1), "+0", "+Inf", "−Inf", "+Inf"},
		{"PowReal(·, +Inf)", pow(math.Inf(1)), "0.5", "+0", "0", "0"},
		{"PowReal(·, −Inf)", pow(math.Inf(-1)), "2", "+0", "0", "0"},
		{"PowReal(·, 0.5)", pow(0.5), "−2", "NaN", "NaN", "NaN"},
		{"Erf", Erf, "+0", "+0", "2/√π", "−0"},
		{"Erf", Erf, "−0", "−0", "2/√π", "+0"},
		{"Erf", Erf, "+Inf", "1", "0", "−0"},
		{"Erf", Erf, "−Inf", "−1", "0", "+0"},
		{"Erf", Erf, "NaN", "NaN", "NaN", "NaN"},
		{"Erfc", Erfc, "+0", "1", "−2/√π", "+0"},
		{"Erfc", Erfc, "−0", "1", "−2/√π", "−0"},
		{"Erfc", Erfc, "+Inf", "+0", "−0", "+0"},
		{"Erfc", Erfc, "−Inf", "2", "−0", "−0"},
		{"Erfc", Erfc, "NaN", "NaN", "NaN", "NaN"},
		{"Sin", Sin, "+0", "+0", "1", "−0"},
		{"Sin", Sin, "−0", "−0", "1", "+0"},
		{"Sin", Sin, "+Inf", "NaN", "NaN", "NaN"},
		{"Sin", Sin, "−Inf", "NaN", "NaN", "NaN"},
		{"Sin", Sin, "NaN", "NaN", "NaN", "NaN"},
		{"Cos", Cos, "+0", "1", "−0", "−1"},
		{"Cos", Cos, "−0", "1", "+0", "−1"},
		{"Cos", Cos, "+Inf", "NaN", "NaN", "NaN"},
		{"Cos", Cos, "NaN", "NaN", "NaN", "NaN"},
		{"Tan", Tan, "+0", "+0", "1", "+0"},
		{"Tan", Tan, "−0", "−0", "1", "−0"},
		{"Tan", Tan, "−Inf", "NaN", "NaN", "NaN"},
		{"Tan", Tan, "NaN", "NaN", "NaN", "NaN"},
		{"Asin", Asin, "+0", "+0", "1", "+0"},
		{"Asin", Asin, "−0", "−0", "1", "−0"},
		{"Asin", Asin, "1", "π/2", "+Inf", "+Inf"},
		{"Asin", Asin, "−1", "−π/2", "+Inf", "−Inf"},
		{"Asin", Asin, "2", "NaN", "NaN", "NaN"},
		{"Asin", Asin, "NaN", "NaN", "NaN", "NaN"},
		{"Acos", Acos, "1", "+0", "−Inf", "−Inf"},
		{"Acos", Acos, "−1", "π", "−Inf", "+Inf"},
		{"Acos", Acos, "−2", "NaN", "NaN", "NaN"},
		{"Acos", Acos, "NaN", "NaN", "NaN", "NaN"},
		{"Atan", Atan, "+0", "+0", "1", "−0"},
		{"Atan", Atan, "−0", "−0", "1", "+0"},
		{"Atan", Atan, "+Inf", "π/2", "0", "0"},
		{"Atan", Atan, "−Inf", "−π/2", "0", "0"},
		{"Atan", Atan, "NaN", "NaN", "NaN", "NaN"},
	}
	for _, tc := range tests {
		a, _ := specialValue(t, tc.a)
		d1 := tc.f(Number{a, 1, 0, 0}).E1
		got := tc.f(Number{a, 1, 1, math.Copysign(0, -d1)})
		for _, p := range []struct {
			what, want string
			got        float64
		}{{"value", tc.v, got.Real}, {"f′", tc.d1, d1}, {"f″", tc.d2, got.E12}} {
			want, anySign := specialValue(t, p.want)
			if !same(p.got, want) && !(anySign && p.got == 0) {
				t.Errorf("%s(%s): %s = %v, want %s", tc.name, tc.a, p.what, p.got, p.want)
			}
		}
	}
}

// TestBinarySpecialCases pins special-case lines of the binary functions not
// covered by TestKinks and TestPowers, with nonzero tangents on both sides.
func TestBinarySpecialCases(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	x := func(a float64) Number { return Number{a, 0.7, -1.3, 0.45} }
	y := func(c float64) Number { return Number{c, 0.2, 1.9, -0.8} }
	tests := []struct {
		name      string
		got, want Number
	}{
		// ∂/∂x = ±1 carries x's tangents; the other partials are 0.
		{"Hypot(+Inf, 3)", Hypot(x(inf), y(3)), Number{inf, 0.7, -1.3, 0.45}},
		{"Hypot(−Inf, NaN)", Hypot(x(-inf), y(nan)), Number{inf, -0.7, 1.3, -0.45}},
		{"Hypot(3, −Inf)", Hypot(x(3), y(-inf)), Number{inf, -0.2, -1.9, 0.8}},
		{"Hypot(+Inf, +Inf)", Hypot(x(inf), y(inf)), Number{inf, nan, nan, nan}},
		{"Hypot(NaN, 1)", Hypot(x(nan), y(1)), Number{nan, nan, nan, nan}},
		{"Atan2(1, +Inf)", Atan2(y(1), x(inf)), Number{0, 0, 0, 0}},
		{"Atan2(+Inf, −Inf)", Atan2(y(inf), x(-inf)), Number{3 * math.Pi / 4, 0, 0, 0}},
		{"Atan2(NaN, +Inf)", Atan2(y(nan), x(inf)), Number{nan, nan, nan, nan}},
		{"Atan2(+Inf, NaN)", Atan2(y(inf), x(nan)), Number{nan, nan, nan, nan}},
		{"Atan2(NaN, 1)", Atan2(y(nan), x(1)), Number{nan, nan, nan, nan}},
		{"Atan2(NaN+0, +Inf+0)", Atan2(Const(nan), Const(inf)), Number{nan, 0, 0, 0}},
		{"Atan2(+0, +0)", Atan2(y(0), x(0)), Number{0, nan, nan, nan}},
		{"Scale(+Inf, 2)", Scale(inf, Const(2)), Number{inf, 0, 0, 0}},
		{"Scale(−Inf, 2+ε₁)", Scale(-inf, Number{2, 1, 0, 0}), Number{-inf, -inf, 0, 0}},
		{"Scale(0, +Inf+ε₁)", Scale(0, Number{inf, 1, 0, 0}), Number{nan, 0, 0, 0}},
	}
	for _, tc := range tests {
		if !sameParts(tc.got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
