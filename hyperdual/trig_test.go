package hyperdual

import (
	"math"
	"testing"
)

// TestTrigSpecialCases pins the trigonometric functions at signed zeros,
// domain edges, infinities and extreme scales in all four parts.
func TestTrigSpecialCases(t *testing.T) {
	tq := math.Tan(math.Pi / 4)
	w := math.Sqrt(0.75) // √(1 − 0.5²)
	checkSpecial(t, []special{
		{"Sin(−0+2ε₁+3ε₂)", Sin(Number{negZero, 2, 3, 0}), Number{negZero, 2, 3, 0}, 0},
		// cos′(0) = −0 and cos″(0) = −1: −6 in ε₁ε₂.
		{"Cos(0+2ε₁+3ε₂+ε₁ε₂)", Cos(Number{0, 2, 3, 1}), Number{1, negZero, negZero, -6}, 0},
		{"Tan(−0+2ε₁+3ε₂)", Tan(Number{negZero, 2, 3, 0}), Number{negZero, 2, 3, 0}, 0},
		{"Tan(π/4+ε₁+ε₂)", Tan(Var(math.Pi / 4)), Number{tq, 1 + tq*tq, 1 + tq*tq, 2 * tq * (1 + tq*tq)}, 1e-15},
		{"Asin(−0+2ε₁+3ε₂)", Asin(Number{negZero, 2, 3, 0}), Number{negZero, 2, 3, 0}, 0},
		// asin″ = a/(1−a²)^(3/2).
		{"Asin(0.5+ε₁+ε₂)", Asin(Var(0.5)), Number{math.Asin(0.5), 1 / w, 1 / w, 0.5 / (w * w * w)}, 1e-15},
		{"Acos(0+2ε₁+3ε₂)", Acos(Number{0, 2, 3, 0}), Number{math.Pi / 2, -2, -3, 0}, 0},
		{"Acos(1)", Acos(Const(1)), Number{0, 0, 0, 0}, 0},
		{"Atan(−0+2ε₁+3ε₂)", Atan(Number{negZero, 2, 3, 0}), Number{negZero, 2, 3, 0}, 0},
		{"Atan(+Inf+2ε₁+2ε₂)", Atan(Number{inf, 2, 2, 0}), Number{math.Pi / 2, 0, 0, 0}, 0},
		// ∂/∂y = x/r² = ½, ∂/∂x = −y/r² = −½, ∂²/∂y∂x = (y²−x²)/r⁴ = 0.
		{"Atan2(1+2ε₁, 1+3ε₂)", Atan2(Number{1, 2, 0, 0}, Number{1, 0, 3, 0}), Number{math.Pi / 4, 1, -1.5, 0}, 1e-15},
		// x/r² = 1e200/2e400 overflows in r², not in (x/r)·(b/r); ∂²/∂y² =
		// −2xy/r⁴ = −5e-401 underflows to 0 in the ε₁ε₂ part.
		{"Atan2(1e200+ε₁+ε₂, 1e200)", Atan2(Number{1e200, 1, 1, 0}, Const(1e200)), Number{math.Pi / 4, 5e-201, 5e-201, 0}, 1e-15},
		// r overflows: both arguments are scaled down by 4 first.
		{"Atan2(1.5e308+1e300ε₁, 1.5e308)", Atan2(Number{1.5e308, 1e300, 0, 0}, Const(1.5e308)), Number{math.Pi / 4, 1e300 / 3e308, 0, 0}, 1e-15},
		{"Atan2(0+ε₁, 0+ε₂)", Atan2(Number{0, 1, 0, 0}, Number{0, 0, 1, 0}), Number{0, nan, nan, nan}, 0},
		{"Atan2(−0, −0)", Atan2(Const(negZero), Const(negZero)), Number{-math.Pi, 0, 0, 0}, 0},
		{"Atan2(1+2ε₁, +Inf+3ε₂)", Atan2(Number{1, 2, 0, 0}, Number{inf, 0, 3, 0}), Number{0, 0, 0, 0}, 0},
		{"Atan2(NaN+ε₁, +Inf+ε₁)", Atan2(Number{nan, 1, 0, 0}, Number{inf, 1, 0, 0}), Number{nan, nan, 0, 0}, 0},
		// y = 0 and a tangent of x beyond r·MaxFloat64: the partial −y/r²
		// is 0, and so is its term, though the prescaled tangent overflows.
		{"Atan2(0, 1e-300+1e300ε₁)", Atan2(Const(0), Number{1e-300, 1e300, 0, 0}), Number{0, 0, 0, 0}, 0},
	})
}
