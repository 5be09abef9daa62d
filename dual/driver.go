package dual

// Derivative returns f′(x), evaluating f once at x + 1ε. The result is exact
// up to the rounding of f's own operations; there is no step size.
func Derivative(f func(Number) Number, x float64) float64 {
	return f(Var(x)).Eps
}

// Gradient returns the gradient of f at x, evaluating f once per coordinate
// with that coordinate seeded: pass i calls f(x + eᵢε) and stores the ε part
// of its result in dst[i]. If dst is nil a new slice is allocated; otherwise
// the result is stored in dst and returned. dst must not overlap x.
//
// The slice passed to f is allocated once and refilled from x before every
// pass, so f may modify it but must not retain it.
//
// Gradient panics if dst is not nil and len(dst) != len(x).
func Gradient(dst []float64, f func([]Number) Number, x []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic("dual: slice length mismatch")
	}
	xs := make([]Number, len(x))
	for i := range x {
		for j, v := range x {
			xs[j] = Number{Real: v}
		}
		xs[i].Eps = 1
		dst[i] = f(xs).Eps
	}
	return dst
}
