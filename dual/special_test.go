package dual

import (
	"math"
	"testing"
)

func TestErfSpecialCases(t *testing.T) {
	c := 2 / math.SqrtPi
	checkSpecial(t, []special{
		{"Erf(-0+2ε)", Erf(Number{negZero, 2}), Number{negZero, 2 * c}, 0},
		{"Erfc(0+2ε)", Erfc(Number{0, 2}), Number{1, -2 * c}, 0},
		{"Erf(+Inf+1ε)", Erf(Number{inf, 1}), Number{1, 0}, 0},
		{"Erf(-Inf+1ε)", Erf(Number{-inf, 1}), Number{-1, 0}, 0},
		{"Erfc(+Inf+1ε)", Erfc(Number{inf, 1}), Number{0, negZero}, 0},
		{"Erfc(-Inf+1ε)", Erfc(Number{-inf, 1}), Number{2, negZero}, 0},
		// 26² and 25.5² are exact, so exp(−a²) is a correctly rounded oracle.
		{"Erf(26+1ε)", Erf(Number{26, 1}), Number{1, c * math.Exp(-676)}, 1e-15},
		{"Erfc(-25.5+3ε)", Erfc(Number{-25.5, 3}), Number{2, -3 * c * math.Exp(-650.25)}, 1e-15},
		{"Erf(30+1ε)", Erf(Number{30, 1}), Number{1, 0}, 0},
		{"Erf(1e200+1ε)", Erf(Number{1e200, 1}), Number{1, 0}, 0},
	})
}

// TestGaussSplit checks that Erf′ keeps full precision where a² is inexact
// and exp magnifies its rounding error. With a = n + k·2⁻²⁴ for integer n and
// odd k, 2nk·2⁻²⁴ and k²·2⁻⁴⁸ are exact, and the oracle
// exp(−n²)·exp(−2nk·2⁻²⁴)·exp(−k²·2⁻⁴⁸) is accurate to a few ulps, while a²
// itself rounds by up to half an ulp of n², which exp(−a²) would turn into a
// relative error of about 1e-14.
func TestGaussSplit(t *testing.T) {
	for _, n := range []float64{20, 26} {
		for _, k := range []float64{3, 5, 7, -3} {
			d := k * 0x1p-24
			a := n + d
			want := 2 / math.SqrtPi * math.Exp(-n*n) * math.Exp(-2*n*d) * math.Exp(-d*d)
			if got := Erf(Number{a, 1}).Eps; !closeRel(got, want, 2e-15) {
				t.Errorf("Erf(%v+1ε).Eps = %v, want %v", a, got, want)
			}
		}
	}
}
