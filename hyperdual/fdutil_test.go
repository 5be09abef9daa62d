package hyperdual

import (
	"fmt"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

var sprintf = fmt.Sprintf

// fdHessian returns gonum's central-difference Hessian of f at x, with step
// 1e-4 rather than the default √6e-6 ≈ 2.4e-3, which balances truncation
// and round-off for second differences.
func fdHessian(f func([]float64) float64, x []float64) *mat.SymDense {
	var h mat.SymDense
	fd.Hessian(&h, f, x, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	return &h
}
