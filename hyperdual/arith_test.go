package hyperdual

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExactScale checks Scale, whose constant factor is not a Number.
func TestExactScale(t *testing.T) {
	x := Number{1.5, 0.7, -1.3, 0.45}
	for _, k := range []float64{-2.5, 0, 3} {
		got := Scale(k, x)
		want := Number{k * 1.5, k * 0.7, k * -1.3, k * 0.45}
		if !sameNumber(got, want) {
			t.Errorf("Scale(%v, %v) = %v, want %v", k, x, got, want)
		}
	}
}

// TestArithSpecialCases pins the arithmetic at signed zeros, infinities and
// extreme scales in all four parts; the ε₁ε₂ parts are worked by hand from
// f(x) = f + f′·(bε₁ + cε₂ + dε₁ε₂) + f″·b·c·ε₁ε₂ and its two-variable form.
func TestArithSpecialCases(t *testing.T) {
	checkSpecial(t, []special{
		{"Add(−0…, −0…)", Add(Number{negZero, negZero, negZero, negZero}, Number{negZero, negZero, negZero, negZero}), Number{negZero, negZero, negZero, negZero}, 0},
		{"Sub(2+3ε₁+4ε₂+5ε₁ε₂, 5+7ε₁+1ε₂+1ε₁ε₂)", Sub(Number{2, 3, 4, 5}, Number{5, 7, 1, 1}), Number{-3, -4, 3, 4}, 0},
		{"Neg(0)", Neg(Number{}), Number{negZero, negZero, negZero, negZero}, 0},
		// 2·7 + 3·5, 2·2 − 1·5, 2·(−1) + (3·2 − 1·7) + 0.5·5.
		{"Mul(2+3ε₁−ε₂+0.5ε₁ε₂, 5+7ε₁+2ε₂−ε₁ε₂)", Mul(Number{2, 3, -1, 0.5}, Number{5, 7, 2, -1}), Number{10, 29, -1, -0.5}, 0},
		{"Mul(Inf, 2+3ε₁)", Mul(Const(inf), Number{2, 3, 0, 0}), Number{inf, inf, 0, 0}, 0},
		{"Mul(NaN, 2)", Mul(Const(nan), Const(2)), Number{nan, 0, 0, 0}, 0},
		{"Scale(−0.5, 4−2ε₁+ε₂+8ε₁ε₂)", Scale(-0.5, Number{4, -2, 1, 8}), Number{-2, 1, -0.5, -4}, 0},
		{"Scale(Inf, 2−ε₁)", Scale(inf, Number{2, -1, 0, 0}), Number{inf, -inf, 0, 0}, 0},
		// (3+t)/(2+t/2) has f′ = 0.5/(2+t/2)² = 1/8 and f″ = −1/16 at 0.
		{"Div(3+ε₁+ε₂, 2+0.5ε₁+0.5ε₂)", Div(Number{3, 1, 1, 0}, Number{2, 0.5, 0.5, 0}), Number{1.5, 0.125, 0.125, -0.0625}, 0},
		{"Div(1+2ε₁, 4+8ε₁)", Div(Number{1, 2, 0, 0}, Number{4, 8, 0, 0}), Number{0.25, 0, 0, 0}, 0},
		{"Div(1, 0)", Div(Const(1), Const(0)), Number{inf, 0, 0, 0}, 0},
		{"Div(−1, −0)", Div(Const(-1), Const(negZero)), Number{inf, 0, 0, 0}, 0},
		// 1/(a + st): f′ = −s/a², f″ = 2s²/a³; a² and a³ underflow, the
		// recurrence does not.
		{"Div(1, 1e-200+1e-250ε₁+1e-250ε₂)", Div(Const(1), Number{1e-200, 1e-250, 1e-250, 0}), Number{1e200, -1e150, -1e150, 2e100}, 1e-15},
		// q·y′ = 1e46·1e300 overflows, the part −1e192 does not.
		{"Div(1e200, 1e154+1e300ε₁)", Div(Const(1e200), Number{1e154, 1e300, 0, 0}), Number{1e46, -1e192, 0, 0}, 1e-15},
		// 1/x at 2: −1/4, 2/8; with b = 3, c = 1: −0.75, −0.25, 0.25·3.
		{"Inv(2+3ε₁+ε₂)", Inv(Number{2, 3, 1, 0}), Number{0.5, -0.75, -0.25, 0.75}, 0},
		{"Inv(−0)", Inv(Const(negZero)), Number{-inf, 0, 0, 0}, 0},
		{"Inv(+Inf+ε₁+ε₂)", Inv(Var(inf)), Number{0, 0, 0, 0}, 0},
		{"Inv(1e-200·(1+ε₁+2ε₂+3ε₁ε₂))", Inv(Number{1e-200, 1e-200, 2e-200, 3e-200}), Number{1e200, -1e200, -2e200, 1e200}, 1e-15},
	})
}

// TestInvIsDiv checks that Inv(x) and Div(1, x) agree, and that x/y agrees
// with x·(1/y), at random points.
func TestInvIsDiv(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 7))
	part := func() float64 { return 4*rnd.Float64() - 2 }
	for range 500 {
		x := Number{(rnd.Float64() - 0.5) * 20, part(), part(), part()}
		y := Number{(0.5 + 9.5*rnd.Float64()) * math.Copysign(1, rnd.Float64()-0.5), part(), part(), part()}
		if got, want := Inv(y), Div(Const(1), y); got != want {
			t.Errorf("Inv(%v) = %v, Div(1, ·) = %v", y, got, want)
		}
		got, want := Div(x, y), Mul(x, Inv(y))
		scale := Number{1 + math.Abs(want.Real), 1 + math.Abs(want.E1), 1 + math.Abs(want.E2), 1 + math.Abs(want.E12)}
		checkClose(t, "Div("+x.String()+", "+y.String()+")", got, want, scale, 1e-13)
	}
}
