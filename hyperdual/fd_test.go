package hyperdual

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// Finite-difference tolerances, relative to max(1, |f|, |f′|, |f″|). The
// central first difference with gonum's step 6e-6 errs by about
// h²|f‴|/6 + ε|f|/h ≈ 1e-11 scaled, the central second difference with step
// 1e-4 by about h²|f⁗|/12 + 4ε|f|/h² ≈ 1e-8 scaled; the margins cover higher
// derivatives up to a hundred (first) and a thousand (second) times larger,
// as for Atanh near its poles. A wrong derivative formula errs by O(1).
const (
	fdTol1 = 1e-9
	fdTol2 = 1e-5
)

// TestFiniteDifferences cross-checks f′ and f″ of every unary function at
// random points against gonum's central differences of the float64
// function, an oracle independent of both the package and the closed forms.
func TestFiniteDifferences(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 11))
	for _, uc := range unaryCases {
		real := func(a float64) float64 { return uc.f(Const(a)).Real }
		for range 6 {
			// Stay 1e-3 inside the range so the stencil stays in the domain.
			a := uc.lo + 1e-3 + (uc.hi-uc.lo-2e-3)*rnd.Float64()
			y := uc.f(Var(a))
			scale := math.Max(1, math.Max(math.Abs(y.Real), math.Max(math.Abs(y.E1), math.Abs(y.E12))))
			d1 := fd.Derivative(real, a, &fd.Settings{Formula: fd.Central})
			d2 := fd.Derivative(real, a, &fd.Settings{Formula: fd.Central2nd})
			if math.Abs(y.E1-d1) > fdTol1*scale {
				t.Errorf("%s′(%v) = %v, central difference %v", uc.name, a, y.E1, d1)
			}
			if math.Abs(y.E12-d2) > fdTol2*scale {
				t.Errorf("%s″(%v) = %v, central second difference %v", uc.name, a, y.E12, d2)
			}
		}
	}
}

// TestFiniteDifferencesBinary cross-checks the mixed partials of the binary
// functions against gonum's central-difference Hessian.
func TestFiniteDifferencesBinary(t *testing.T) {
	for _, bc := range binaryCases {
		// The first two points of each case are well conditioned: the
		// stencil stays far from poles relative to its step.
		for _, p := range bc.pts[:min(2, len(bc.pts))] {
			f := func(v []Number) Number { return bc.f(v[0], v[1]) }
			got := Hessian(nil, f, p[:])
			want := fdHessian(func(v []float64) float64 { return bc.f(Const(v[0]), Const(v[1])).Real }, p[:])
			for i := range 2 {
				for j := i; j < 2; j++ {
					g, w := got.At(i, j), want.At(i, j)
					if math.Abs(g-w) > fdTol2*math.Max(1, math.Abs(g)) {
						t.Errorf("∂²%s/∂x%d∂x%d at %v = %v, central differences %v", bc.name, i, j, p, g, w)
					}
				}
			}
		}
	}
}

// TestFDStepErrorTable measures what exactness buys: the error of the central
// second difference (f(x+h) − 2f(x) + f(x−h))/h² of Fike's function at 1.5
// against the exact hyper-dual f″, for h = 1e-1 … 1e-8. Truncation error
// falls as h² until round-off, growing as ε/h², takes over. For contrast,
// the last column seeds the hyper-dual number with the "step" as its
// tangents, x + hε₁ + hε₂, and reads f″ = E12/h²: the error stays at
// rounding level whatever h is. Run with -v to see the table reproduced in
// docs/hyperdual.md.
func TestFDStepErrorTable(t *testing.T) {
	const x = 1.5
	_, _, exact := Derivative2(fike, x)
	var b strings.Builder
	b.WriteString("\n     h    central difference f″    |error|   rel. error   hyper-dual E12/h² rel. error\n")
	errs := make([]float64, 8)
	for k := range errs {
		h := math.Pow(10, -float64(k+1))
		fd2 := (fikeFloat(x+h) - 2*fikeFloat(x) + fikeFloat(x-h)) / (h * h)
		errs[k] = math.Abs(fd2 - exact)
		hd := fike(Number{x, h, h, 0}).E12 / (h * h)
		hdErr := math.Abs(hd-exact) / exact
		b.WriteString(sprintf("  1e-%d  %.16f  %9.2e  %9.2e    %9.2e\n", k+1, fd2, errs[k], errs[k]/exact, hdErr))
		if hdErr > 1e-14 {
			t.Errorf("hyper-dual f″ with seeds h = 1e-%d has relative error %.2g, want rounding level", k+1, hdErr)
		}
	}
	t.Logf("exact hyper-dual f″(1.5) = %.16f%s", exact, b.String())
	// Truncation regime: each tenfold smaller step cuts the error about a
	// hundredfold (h²), within a factor of 2.
	for k := 0; k < 2; k++ {
		if r := errs[k] / errs[k+1]; r < 50 || r > 200 {
			t.Errorf("error ratio between h = 1e-%d and 1e-%d is %.3g, want about 100 (h²)", k+1, k+2, r)
		}
	}
	// The best step is near ε^¼ ≈ 1e-4, and round-off ruins the smallest.
	best := 0
	for k := range errs {
		if errs[k] < errs[best] {
			best = k
		}
	}
	if best < 2 || best > 4 {
		t.Errorf("smallest error at h = 1e-%d, want 1e-3 … 1e-5", best+1)
	}
	if errs[7] < 100*errs[best] {
		t.Errorf("error at h = 1e-8 is %.3g, want round-off to dominate (> 100 × %.3g)", errs[7], errs[best])
	}
}

var sprintf = fmt.Sprintf

// fdHessian returns gonum's central-difference Hessian of f at x, with step
// 1e-4 rather than the default √6e-6 ≈ 2.4e-3, which balances truncation
// and round-off for second differences.
func fdHessian(f func([]float64) float64, x []float64) *mat.SymDense {
	var h mat.SymDense
	fd.Hessian(&h, f, x, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	return &h
}
