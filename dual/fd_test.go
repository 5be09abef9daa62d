package dual

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// central is gonum's central difference with its default step 6e-6: the
// truncation error is about step²/6·|f‴| and the rounding error about
// 1e-16·|f|/step, so agreement is to roughly 1e-9 relative on the intervals
// of unaryCases and binaryCases.
var central = &fd.Settings{Formula: fd.Central}

func fdTol(d, f float64) float64 { return 1e-7 * (1 + math.Abs(d) + math.Abs(f)) }

// TestFiniteDifferences checks every unary function's derivative against a
// central difference of its real part at random points of its domain.
func TestFiniteDifferences(t *testing.T) {
	rnd := newRand()
	for _, c := range unaryCases {
		re := func(a float64) float64 { return c.f(Const(a)).Real }
		for range 50 {
			a := c.point(rnd)
			got := Derivative(c.f, a)
			want := fd.Derivative(re, a, central)
			if math.Abs(got-want) > fdTol(want, re(a)) {
				t.Errorf("%s′(%v) = %v, central difference %v", c.name, a, got, want)
			}
		}
	}
}

// TestFiniteDifferencesBinary checks every binary function's two partials,
// through Gradient, against gonum's central-difference gradient.
func TestFiniteDifferencesBinary(t *testing.T) {
	rnd := newRand()
	for _, c := range binaryCases {
		f := func(v []Number) Number { return c.f(v[0], v[1]) }
		re := func(v []float64) float64 { return c.ref(v[0], v[1]) }
		for range 50 {
			a, b := c.point(rnd)
			x := []float64{a, b}
			got := Gradient(nil, f, x)
			want := fd.Gradient(nil, re, x, central)
			for i := range want {
				if math.Abs(got[i]-want[i]) > fdTol(want[i], re(x)) {
					t.Errorf("∂%s/∂x%d at %v = %v, central difference %v", c.name, i, x, got[i], want[i])
				}
			}
		}
	}
}
