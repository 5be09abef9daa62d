package hyperdual

import (
	"math"
	"testing"
)

// specials are real parts at which functions have special cases, domain
// edges, overflow thresholds or signed zeros.
var specials = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, -2, 3,
	1e-300, -1e-300, 5e-324, 1e300, -1e300, math.MaxFloat64,
	709.9, 710.5, -745.5, -800, 800, 1025, -1075,
	math.Pi / 2, math.Pi,
	math.Inf(1), math.Inf(-1), math.NaN(),
}

// TestRealPartMatchesMath checks property 1: the real part of each result is
// package math's function of the real part, bit for bit, whatever the
// tangents are.
func TestRealPartMatchesMath(t *testing.T) {
	tangents := []Number{{}, {0, 0.7, -1.3, 0.45}, {0, math.Inf(1), 1, 0}}
	for _, uc := range unaryCases {
		if uc.math == nil {
			continue
		}
		for _, a := range append(append([]float64(nil), specials...), uc.points(4)...) {
			want := uc.math(a)
			for _, tg := range tangents {
				tg.Real = a
				if got := uc.f(tg).Real; !same(got, want) {
					t.Errorf("%s(%v).Real = %v, want %v", uc.name, tg, got, want)
				}
			}
		}
	}
	for _, bc := range binaryCases {
		for _, a := range specials {
			for _, c := range specials {
				want := bc.math(a, c)
				for _, s := range binarySeeds {
					x, y := s.x, s.y
					x.Real, y.Real = a, c
					if got := bc.f(x, y).Real; !same(got, want) {
						t.Errorf("%s(%v, %v).Real = %v, want %v", bc.name, x, y, got, want)
					}
				}
			}
		}
	}
}
