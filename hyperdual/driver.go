package hyperdual

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Derivative2 returns f(x), f′(x) and f″(x), exactly up to rounding, from a
// single evaluation of f at Var(x).
func Derivative2(f func(Number) Number, x float64) (v, d1, d2 float64) {
	y := f(Var(x))
	return y.Real, y.E1, y.E12
}

// Gradient stores the gradient of f at x in dst and returns it. If dst is nil
// a new slice is allocated; otherwise its length must equal len(x). Each
// evaluation of f seeds two coordinates, one with ε₁ and the next with ε₂,
// so f is evaluated ⌈n/2⌉ times. f must not retain its argument, which is
// allocated once per call and refilled from x before every evaluation.
func Gradient(dst []float64, f func([]Number) Number, x []float64) []float64 {
	n := len(x)
	if dst == nil {
		dst = make([]float64, n)
	} else if len(dst) != n {
		panic(fmt.Sprintf("hyperdual: Gradient: len(dst) = %d, want len(x) = %d", len(dst), n))
	}
	xs := make([]Number, n)
	for i := 0; i < n; i += 2 {
		seed(xs, x)
		xs[i].E1 = 1
		if i+1 < n {
			xs[i+1].E2 = 1
		}
		y := f(xs)
		dst[i] = y.E1
		if i+1 < n {
			dst[i+1] = y.E2
		}
	}
	return dst
}

// Hessian stores the Hessian matrix of f at x in dst and returns it. If dst
// is nil or empty it is allocated or resized to n×n; otherwise its dimension
// must equal len(x), and len(x) must not be 0. Each of the n(n+1)/2
// evaluations of f seeds x_i with ε₁ and x_j with ε₂ for one pair i ≤ j and
// reads ∂²f/∂x_i∂x_j from the E12 part, exactly up to rounding. f must not
// retain its argument, which is allocated once per call and refilled from x
// before every evaluation.
func Hessian(dst *mat.SymDense, f func([]Number) Number, x []float64) *mat.SymDense {
	n := len(x)
	switch {
	case n == 0:
		panic("hyperdual: Hessian: len(x) = 0")
	case dst == nil:
		dst = mat.NewSymDense(n, nil)
	case dst.IsEmpty():
		dst.ReuseAsSym(n)
	case dst.SymmetricDim() != n:
		panic(fmt.Sprintf("hyperdual: Hessian: dst is %d×%[1]d, want len(x) = %d", dst.SymmetricDim(), n))
	}
	xs := make([]Number, n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			seed(xs, x)
			xs[i].E1 = 1
			xs[j].E2 = 1
			dst.SetSym(i, j, f(xs).E12)
		}
	}
	return dst
}

// seed sets xs to the constants x, undoing any change f made to them.
func seed(xs []Number, x []float64) {
	for k, v := range x {
		xs[k] = Const(v)
	}
}
