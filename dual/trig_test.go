package dual

import (
	"math"
	"testing"
)

func TestTrigSpecialCases(t *testing.T) {
	checkSpecial(t, []special{
		{"Sin(-0+2ε)", Sin(Number{negZero, 2}), Number{negZero, 2}, 0},
		{"Sin(0-0ε)", Sin(Number{0, negZero}), Number{0, negZero}, 0},
		// cos′(±0) = −sin(±0) = ∓0.
		{"Cos(0+2ε)", Cos(Number{0, 2}), Number{1, negZero}, 0},
		{"Cos(-0+2ε)", Cos(Number{negZero, 2}), Number{1, 0}, 0},
		{"Tan(-0+2ε)", Tan(Number{negZero, 2}), Number{negZero, 2}, 0},
		{"Asin(-0+2ε)", Asin(Number{negZero, 2}), Number{negZero, 2}, 0},
		{"Acos(0+2ε)", Acos(Number{0, 2}), Number{math.Pi / 2, -2}, 0},
		{"Acos(1+0ε)", Acos(Const(1)), Number{0, 0}, 0},
		{"Atan(-0+2ε)", Atan(Number{negZero, 2}), Number{negZero, 2}, 0},
		{"Atan(+Inf+2ε)", Atan(Number{inf, 2}), Number{math.Pi / 2, 0}, 0},
		{"Atan(-Inf+2ε)", Atan(Number{-inf, 2}), Number{-math.Pi / 2, 0}, 0},
		// ∂/∂y = x/r², ∂/∂x = −y/r² with r² = 2: 0.5·2 − 0.5·3.
		{"Atan2(1+2ε, 1+3ε)", Atan2(Number{1, 2}, Number{1, 3}), Number{math.Pi / 4, -0.5}, 1e-15},
		// x/r² = 1e200/2e400 overflows in r², not in (x/h)/h.
		{"Atan2(1e200+1ε, 1e200)", Atan2(Number{1e200, 1}, Const(1e200)), Number{math.Pi / 4, 5e-201}, 1e-15},
		// a/h² = 1/(4·1.5e308) is subnormal; times the tangent 1e300 it is not.
		{"Atan2(1.5e308+1e300ε, 1.5e308)", Atan2(Number{1.5e308, 1e300}, Const(1.5e308)), Number{math.Pi / 4, 1e300 / 3e308}, 1e-15},
		{"Atan2(1.5e308, -1.5e308+1e300ε)", Atan2(Const(1.5e308), Number{-1.5e308, 1e300}), Number{3 * math.Pi / 4, -1e300 / 3e308}, 1e-15},
		{"Atan2(0+1ε, 0+1ε)", Atan2(Number{0, 1}, Number{0, 1}), Number{0, nan}, 0},
		{"Atan2(-0, -0)", Atan2(Const(negZero), Const(negZero)), Number{-math.Pi, 0}, 0},
		{"Atan2(1+2ε, +Inf+3ε)", Atan2(Number{1, 2}, Number{inf, 3}), Number{0, 0}, 0},
		{"Atan2(-1+2ε, -Inf+3ε)", Atan2(Number{-1, 2}, Number{-inf, 3}), Number{-math.Pi, 0}, 0},
		{"Atan2(+Inf+1ε, 1+1ε)", Atan2(Number{inf, 1}, Number{1, 1}), Number{math.Pi / 2, 0}, 0},
		{"Atan2(NaN+1ε, +Inf+1ε)", Atan2(Number{nan, 1}, Number{inf, 1}), Number{nan, nan}, 0},
	})
}
