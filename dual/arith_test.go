package dual

import "testing"

func TestArithSpecialCases(t *testing.T) {
	checkSpecial(t, []special{
		{"Add(-0-0ε, -0-0ε)", Add(Number{negZero, negZero}, Number{negZero, negZero}), Number{negZero, negZero}, 0},
		{"Add(0-0ε, -0+0ε)", Add(Number{0, negZero}, Number{negZero, 0}), Number{0, 0}, 0},
		{"Sub(-0+0ε, 0+0ε)", Sub(Number{negZero, 0}, Number{0, 0}), Number{negZero, 0}, 0},
		{"Sub(2+3ε, 5+7ε)", Sub(Number{2, 3}, Number{5, 7}), Number{-3, -4}, 0},
		{"Neg(0+0ε)", Neg(Number{0, 0}), Number{negZero, negZero}, 0},
		{"Mul(2+3ε, 5+7ε)", Mul(Number{2, 3}, Number{5, 7}), Number{10, 29}, 0},
		{"Mul(-0+1ε, 3+2ε)", Mul(Number{negZero, 1}, Number{3, 2}), Number{negZero, 3}, 0},
		{"Mul(Inf+0ε, 2+3ε)", Mul(Const(inf), Number{2, 3}), Number{inf, inf}, 0},
		{"Mul(Inf+0ε, 2+0ε)", Mul(Const(inf), Const(2)), Number{inf, 0}, 0},
		{"Mul(NaN+0ε, 2+0ε)", Mul(Const(nan), Const(2)), Number{nan, 0}, 0},
		{"Scale(-0.5, 4-2ε)", Scale(-0.5, Number{4, -2}), Number{-2, 1}, 0},
		{"Scale(Inf, 2+0ε)", Scale(inf, Const(2)), Number{inf, 0}, 0},
		{"Scale(Inf, 2-1ε)", Scale(inf, Number{2, -1}), Number{inf, -inf}, 0},
		{"Scale(0, Inf+1ε)", Scale(0, Number{inf, 1}), Number{nan, 0}, 0},
		// (b·c − a·d)/c² = (1·2 − 3·0.5)/4.
		{"Div(3+1ε, 2+0.5ε)", Div(Number{3, 1}, Number{2, 0.5}), Number{1.5, 0.125}, 0},
		{"Div(1+2ε, 4+8ε)", Div(Number{1, 2}, Number{4, 8}), Number{0.25, 0}, 0},
		{"Div(1+0ε, 0+0ε)", Div(Const(1), Const(0)), Number{inf, 0}, 0},
		{"Div(-1+0ε, -0+0ε)", Div(Const(-1), Const(negZero)), Number{inf, 0}, 0},
		{"Div(0+0ε, 0+0ε)", Div(Const(0), Const(0)), Number{nan, 0}, 0},
		{"Div(1+3ε, 0+0ε)", Div(Number{1, 3}, Const(0)), Number{inf, inf}, 0},
		{"Div(1+0ε, 0+3ε)", Div(Const(1), Number{0, 3}), Number{inf, -inf}, 0},
		// −d/c² = −1e-250/1e-400: c² underflows, the quotient form does not.
		{"Div(1, 1e-200+1e-250ε)", Div(Const(1), Number{1e-200, 1e-250}), Number{1e200, -1e150}, 1e-15},
		{"Inv(2+3ε)", Inv(Number{2, 3}), Number{0.5, -0.75}, 0},
		{"Inv(0+0ε)", Inv(Const(0)), Number{inf, 0}, 0},
		{"Inv(-0+0ε)", Inv(Const(negZero)), Number{-inf, 0}, 0},
		{"Inv(Inf+1ε)", Inv(Number{inf, 1}), Number{0, negZero}, 0},
		{"Inv(1e-200+1e-250ε)", Inv(Number{1e-200, 1e-250}), Number{1e200, -1e150}, 1e-15},
	})
}

// TestInvIsDiv checks that Inv(x) and Div(1, x) agree, and that x/y agrees
// with x·(1/y), at random points.
func TestInvIsDiv(t *testing.T) {
	rnd := newRand()
	for range 500 {
		a := (rnd.Float64() - 0.5) * 20
		c := (rnd.Float64() - 0.5) * 20
		x := Number{a, seeds[rnd.IntN(len(seeds))]}
		y := Number{c, seeds[rnd.IntN(len(seeds))]}
		if got, want := Inv(y), Div(Const(1), y); got != want {
			t.Errorf("Inv(%v) = %v, Div(1, ·) = %v", y, got, want)
		}
		got, want := Div(x, y), Mul(x, Inv(y))
		if !closeRel(got.Real, want.Real, 1e-15) || !closeRel(got.Eps, want.Eps, 1e-12) {
			t.Errorf("Div(%v, %v) = %v, Mul(x, Inv(y)) = %v", x, y, got, want)
		}
	}
}
