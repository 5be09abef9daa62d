package cossim

import (
	"errors"
	"math"
	"testing"
)

// TestFiniteSum checks the scan of a weighted sum's gradients: each
// non-finite entry, wherever it is, is reported with its gradient and
// value, and finite entries however large pass.
func TestFiniteSum(t *testing.T) {
	huge := math.MaxFloat64
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		for _, n := range []int{1, 5, 17} {
			for at := 0; at < n; at++ {
				for wrt, q := range []string{"∇_θ Σ wᵢsᵢ", "∇_φ Σ wᵢsᵢ"} {
					g := [2][]float64{make([]float64, n), make([]float64, n)}
					for k := range g[0] {
						g[0][k], g[1][k] = huge, -huge
					}
					g[wrt][at] = bad
					err := finiteSum(1, g[0], g[1])
					var re *RangeError
					if !errors.As(err, &re) || re.Quantity != q || !(re.Value == bad || math.IsNaN(bad) && math.IsNaN(re.Value)) {
						t.Errorf("%v at %d of %d in %s: %v", bad, at, n, q, err)
					}
				}
			}
		}
	}
	if err := finiteSum(1, []float64{huge, -huge, 0}, []float64{math.SmallestNonzeroFloat64}); err != nil {
		t.Errorf("finite gradients: %v", err)
	}
}
