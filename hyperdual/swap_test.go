package hyperdual

import (
	"math/rand/v2"
	"testing"
)

// TestSwapSymmetry checks property 7: exchanging the ε₁ and ε₂ seeds
// exchanges E1 and E2 and leaves E12 unchanged, bit for bit, because every
// function forms the symmetric products b·c and the cross terms in an order
// that does not depend on which seed is which.
func TestSwapSymmetry(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	tangent := func() float64 { return 4*rnd.Float64() - 2 }
	for _, uc := range unaryCases {
		for _, a := range append(append([]float64(nil), specials...), uc.points(4)...) {
			x := Number{a, tangent(), tangent(), tangent()}
			if got, want := uc.f(swap(x)), swap(uc.f(x)); !sameNumber(got, want) {
				t.Errorf("%s(swap(%v)) = %v, want swap(%s(x)) = %v", uc.name, x, got, uc.name, want)
			}
		}
	}
	for _, bc := range binaryCases {
		for _, a := range specials {
			for _, c := range append(append([]float64(nil), specials...), a) {
				x := Number{a, tangent(), tangent(), tangent()}
				y := Number{c, tangent(), tangent(), tangent()}
				if got, want := bc.f(swap(x), swap(y)), swap(bc.f(x, y)); !sameNumber(got, want) {
					t.Errorf("%s(swap(%v), swap(%v)) = %v, want %v", bc.name, x, y, got, want)
				}
			}
		}
	}
}
