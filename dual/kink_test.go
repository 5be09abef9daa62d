package dual

import "testing"

// TestKinks checks property 5: PyTorch's conventions at non-differentiable
// points, with comparisons on real parts only.
func TestKinks(t *testing.T) {
	checkSpecial(t, []special{
		// torch.abs: sgn(0)·grad = 0.
		{"Abs(0+2ε)", Abs(Number{0, 2}), Number{0, 0}, 0},
		{"Abs(-0+2ε)", Abs(Number{negZero, 2}), Number{0, 0}, 0},
		{"Abs(-3+2ε)", Abs(Number{-3, 2}), Number{3, -2}, 0},
		{"Abs(2-0ε)", Abs(Number{2, negZero}), Number{2, negZero}, 0},
		{"Abs(-Inf+2ε)", Abs(Number{-inf, 2}), Number{inf, -2}, 0},
		{"Abs(NaN+1ε)", Abs(Number{nan, 1}), Number{nan, nan}, 0},
		// torch.maximum/minimum: grad/2 to each side at a tie.
		{"Max(1+2ε, 1+6ε)", Max(Number{1, 2}, Number{1, 6}), Number{1, 4}, 0},
		{"Min(1+2ε, 1+6ε)", Min(Number{1, 2}, Number{1, 6}), Number{1, 4}, 0},
		{"Max(0+2ε, -0+6ε)", Max(Number{0, 2}, Number{negZero, 6}), Number{0, 4}, 0},
		{"Max(-0+2ε, 0+6ε)", Max(Number{negZero, 2}, Number{0, 6}), Number{0, 4}, 0},
		{"Min(0+2ε, -0+6ε)", Min(Number{0, 2}, Number{negZero, 6}), Number{negZero, 4}, 0},
		{"Max(+Inf+2ε, +Inf+4ε)", Max(Number{inf, 2}, Number{inf, 4}), Number{inf, 3}, 0},
		{"Max(1+100ε, 1-100ε)", Max(Number{1, 100}, Number{1, -100}), Number{1, 0}, 0},
		// The ε parts never break or cause a tie.
		{"Max(2+0ε, 1+1000ε)", Max(Const(2), Number{1, 1000}), Number{2, 0}, 0},
		{"Min(2+0ε, 1+1000ε)", Min(Const(2), Number{1, 1000}), Number{1, 1000}, 0},
		{"Max(-1+5ε, 3-7ε)", Max(Number{-1, 5}, Number{3, -7}), Number{3, -7}, 0},
		{"Min(-1+5ε, 3-7ε)", Min(Number{-1, 5}, Number{3, -7}), Number{-1, 5}, 0},
		// A half of each tangent, not half their sum: no overflow.
		{"Max(1+MaxFloat64ε, 1+MaxFloat64ε)", Max(Number{1, 1.7976931348623157e308}, Number{1, 1.7976931348623157e308}), Number{1, 1.7976931348623157e308}, 0},
		// math.Max(±Inf, NaN) = +Inf: the infinite side decides.
		{"Max(+Inf+2ε, NaN+3ε)", Max(Number{inf, 2}, Number{nan, 3}), Number{inf, 2}, 0},
		{"Max(NaN+3ε, +Inf+2ε)", Max(Number{nan, 3}, Number{inf, 2}), Number{inf, 2}, 0},
		{"Min(-Inf+2ε, NaN+3ε)", Min(Number{-inf, 2}, Number{nan, 3}), Number{-inf, 2}, 0},
		{"Max(NaN+2ε, 1+3ε)", Max(Number{nan, 2}, Number{1, 3}), Number{nan, nan}, 0},
		{"Max(-Inf+2ε, NaN+3ε)", Max(Number{-inf, 2}, Number{nan, 3}), Number{nan, nan}, 0},
		{"Min(1+3ε, NaN+0ε)", Min(Number{1, 3}, Const(nan)), Number{nan, nan}, 0},
		{"Min(1+0ε, NaN+0ε)", Min(Const(1), Const(nan)), Number{nan, 0}, 0},
		// torch.linalg.vector_norm's subgradient at 0, consistent with Abs.
		{"Hypot(0+2ε, 0+3ε)", Hypot(Number{0, 2}, Number{0, 3}), Number{0, 0}, 0},
	})
}
