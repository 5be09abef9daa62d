package dual

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
// line by line: f(a) and f′(a), the ε part of f(a + 1ε), including the sign
// of zero where the doc comment gives one.
func TestSpecialCases(t *testing.T) {
	pow := func(p float64) func(Number) Number { return func(x Number) Number { return PowReal(x, p) } }
	tests := []struct {
		name     string
		f        func(Number) Number
		a, v, d1 string
	}{
		{"Inv", Inv, "+0", "+Inf", "−Inf"},
		{"Inv", Inv, "−0", "−Inf", "−Inf"},
		{"Inv", Inv, "+Inf", "+0", "−0"},
		{"Inv", Inv, "−Inf", "−0", "−0"},
		{"Inv", Inv, "NaN", "NaN", "NaN"},
		{"Exp", Exp, "+Inf", "+Inf", "+Inf"},
		{"Exp", Exp, "−Inf", "+0", "0"},
		{"Exp", Exp, "NaN", "NaN", "NaN"},
		{"Exp2", Exp2, "+Inf", "+Inf", "+Inf"},
		{"Exp2", Exp2, "−Inf", "+0", "0"},
		{"Exp2", Exp2, "NaN", "NaN", "NaN"},
		{"Expm1", Expm1, "+Inf", "+Inf", "+Inf"},
		{"Expm1", Expm1, "−Inf", "−1", "0"},
		{"Expm1", Expm1, "NaN", "NaN", "NaN"},
		{"Log", Log, "+Inf", "+Inf", "0"},
		{"Log", Log, "+0", "−Inf", "+Inf"},
		{"Log", Log, "−0", "−Inf", "+Inf"},
		{"Log", Log, "−1", "NaN", "NaN"},
		{"Log", Log, "NaN", "NaN", "NaN"},
		{"Log2", Log2, "+Inf", "+Inf", "0"},
		{"Log2", Log2, "−0", "−Inf", "+Inf"},
		{"Log2", Log2, "−1", "NaN", "NaN"},
		{"Log10", Log10, "+0", "−Inf", "+Inf"},
		{"Log10", Log10, "−1", "NaN", "NaN"},
		{"Log1p", Log1p, "+Inf", "+Inf", "0"},
		{"Log1p", Log1p, "−1", "−Inf", "+Inf"},
		{"Log1p", Log1p, "−2", "NaN", "NaN"},
		{"Log1p", Log1p, "NaN", "NaN", "NaN"},
		{"Sinh", Sinh, "+0", "+0", "1"},
		{"Sinh", Sinh, "−0", "−0", "1"},
		{"Sinh", Sinh, "+Inf", "+Inf", "+Inf"},
		{"Sinh", Sinh, "−Inf", "−Inf", "+Inf"},
		{"Sinh", Sinh, "NaN", "NaN", "NaN"},
		{"Cosh", Cosh, "+0", "1", "+0"},
		{"Cosh", Cosh, "−0", "1", "−0"},
		{"Cosh", Cosh, "+Inf", "+Inf", "+Inf"},
		{"Cosh", Cosh, "−Inf", "+Inf", "−Inf"},
		{"Cosh", Cosh, "NaN", "NaN", "NaN"},
		{"Tanh", Tanh, "+0", "+0", "1"},
		{"Tanh", Tanh, "−0", "−0", "1"},
		{"Tanh", Tanh, "+Inf", "1", "0"},
		{"Tanh", Tanh, "−Inf", "−1", "0"},
		{"Tanh", Tanh, "NaN", "NaN", "NaN"},
		{"Asinh", Asinh, "+0", "+0", "1"},
		{"Asinh", Asinh, "−0", "−0", "1"},
		{"Asinh", Asinh, "+Inf", "+Inf", "0"},
		{"Asinh", Asinh, "−Inf", "−Inf", "0"},
		{"Asinh", Asinh, "NaN", "NaN", "NaN"},
		{"Acosh", Acosh, "+Inf", "+Inf", "0"},
		{"Acosh", Acosh, "1", "+0", "+Inf"},
		{"Acosh", Acosh, "0.5", "NaN", "NaN"},
		{"Acosh", Acosh, "NaN", "NaN", "NaN"},
		{"Atanh", Atanh, "+0", "+0", "1"},
		{"Atanh", Atanh, "−0", "−0", "1"},
		{"Atanh", Atanh, "1", "+Inf", "+Inf"},
		{"Atanh", Atanh, "−1", "−Inf", "+Inf"},
		{"Atanh", Atanh, "−2", "NaN", "NaN"},
		{"Atanh", Atanh, "NaN", "NaN", "NaN"},
		{"Abs", Abs, "+0", "+0", "0"},
		{"Abs", Abs, "−0", "+0", "0"},
		{"Abs", Abs, "+Inf", "+Inf", "1"},
		{"Abs", Abs, "−Inf", "+Inf", "−1"},
		{"Abs", Abs, "NaN", "NaN", "NaN"},
		{"Sigmoid", Sigmoid, "+0", "0.5", "0.25"},
		{"Sigmoid", Sigmoid, "−0", "0.5", "0.25"},
		{"Sigmoid", Sigmoid, "+Inf", "1", "0"},
		{"Sigmoid", Sigmoid, "−Inf", "0", "0"},
		{"Sigmoid", Sigmoid, "NaN", "NaN", "NaN"},
		{"Softplus", Softplus, "+0", "ln2", "0.5"},
		{"Softplus", Softplus, "−0", "ln2", "0.5"},
		{"Softplus", Softplus, "+Inf", "+Inf", "1"},
		{"Softplus", Softplus, "−Inf", "0", "0"},
		{"Softplus", Softplus, "NaN", "NaN", "NaN"},
		{"Sqrt", Sqrt, "+Inf", "+Inf", "0"},
		{"Sqrt", Sqrt, "+0", "+0", "+Inf"},
		{"Sqrt", Sqrt, "−0", "−0", "+Inf"},
		{"Sqrt", Sqrt, "−1", "NaN", "NaN"},
		{"Sqrt", Sqrt, "NaN", "NaN", "NaN"},
		{"Cbrt", Cbrt, "+0", "+0", "+Inf"},
		{"Cbrt", Cbrt, "−0", "−0", "+Inf"},
		{"Cbrt", Cbrt, "+Inf", "+Inf", "0"},
		{"Cbrt", Cbrt, "−Inf", "−Inf", "0"},
		{"Cbrt", Cbrt, "NaN", "NaN", "NaN"},
		{"PowReal(·, 0)", pow(0), "NaN", "1", "0"},
		{"PowReal(·, −0)", pow(math.Copysign(0, -1)), "+0", "1", "0"},
		{"PowReal(·, 1)", pow(1), "NaN", "NaN", "1"},
		{"PowReal(·, 3)", pow(3), "−0", "−0", "0"},
		{"PowReal(·, 0.5)", pow(0.5), "+0", "+0", "+Inf"},
		{"PowReal(·, −1)", pow(-1), "−0", "−Inf", "−Inf"},
		{"PowReal(·, +Inf)", pow(math.Inf(1)), "0.5", "+0", "0"},
		{"PowReal(·, −Inf)", pow(math.Inf(-1)), "2", "+0", "0"},
		{"PowReal(·, 0.5)", pow(0.5), "−2", "NaN", "NaN"},
		{"Erf", Erf, "+0", "+0", "2/√π"},
		{"Erf", Erf, "−0", "−0", "2/√π"},
		{"Erf", Erf, "+Inf", "1", "0"},
		{"Erf", Erf, "−Inf", "−1", "0"},
		{"Erf", Erf, "NaN", "NaN", "NaN"},
		{"Erfc", Erfc, "+0", "1", "−2/√π"},
		{"Erfc", Erfc, "−0", "1", "−2/√π"},
		{"Erfc", Erfc, "+Inf", "+0", "−0"},
		{"Erfc", Erfc, "−Inf", "2", "−0"},
		{"Erfc", Erfc, "NaN", "NaN", "NaN"},
		{"Sin", Sin, "+0", "+0", "1"},
		{"Sin", Sin, "−0", "−0", "1"},
		{"Sin", Sin, "+Inf", "NaN", "NaN"},
		{"Sin", Sin, "NaN", "NaN", "NaN"},
		{"Cos", Cos, "+0", "1", "−0"},
		{"Cos", Cos, "−0", "1", "+0"},
		{"Cos", Cos, "−Inf", "NaN", "NaN"},
		{"Cos", Cos, "NaN", "NaN", "NaN"},
		{"Tan", Tan, "+0", "+0", "1"},
		{"Tan", Tan, "−0", "−0", "1"},
		{"Tan", Tan, "+Inf", "NaN", "NaN"},
		{"Tan", Tan, "NaN", "NaN", "NaN"},
		{"Asin", Asin, "+0", "+0", "1"},
		{"Asin", Asin, "−0", "−0", "1"},
		{"Asin", Asin, "1", "π/2", "+Inf"},
		{"Asin", Asin, "−1", "−π/2", "+Inf"},
		{"Asin", Asin, "2", "NaN", "NaN"},
		{"Asin", Asin, "NaN", "NaN", "NaN"},
		{"Acos", Acos, "1", "+0", "−Inf"},
		{"Acos", Acos, "−1", "π", "−Inf"},
		{"Acos", Acos, "−2", "NaN", "NaN"},
		{"Acos", Acos, "NaN", "NaN", "NaN"},
		{"Atan", Atan, "+0", "+0", "1"},
		{"Atan", Atan, "−0", "−0", "1"},
		{"Atan", Atan, "+Inf", "π/2", "0"},
		{"Atan", Atan, "−Inf", "−π/2", "0"},
		{"Atan", Atan, "NaN", "NaN", "NaN"},
	}
	for _, tc := range tests {
		a, _ := specialValue(t, tc.a)
		got := tc.f(Number{a, 1})
		for _, p := range []struct {
			what, want string
			got        float64
		}{{"value", tc.v, got.Real}, {"f′", tc.d1, got.Eps}} {
			want, anySign := specialValue(t, p.want)
			if !sameFloat(p.got, want) && !(anySign && p.got == 0) {
				t.Errorf("%s(%s): %s = %v, want %s", tc.name, tc.a, p.what, p.got, p.want)
			}
		}
	}
}
