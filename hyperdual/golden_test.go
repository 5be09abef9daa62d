package hyperdual

import (
	"math"
	"testing"
)

// fike is the test function of Fike & Alonso, "The Development of
// Hyper-Dual Numbers for Exact Second-Derivative Calculations", AIAA
// 2011-886 (49th AIAA Aerospace Sciences Meeting): f(x) = eˣ/√(sin³x + cos³x).
func fike(x Number) Number {
	s, c := Sin(x), Cos(x)
	return Div(Exp(x), Sqrt(Add(PowReal(s, 3), PowReal(c, 3))))
}

// fikeFloat is fike in float64 arithmetic, for finite differences.
func fikeFloat(x float64) float64 {
	s, c := math.Sin(x), math.Cos(x)
	return math.Exp(x) / math.Sqrt(s*s*s+c*c*c)
}

// TestFikeGolden checks property 8 against the values Fike & Alonso
// (AIAA 2011-886) report for their function at x = 1.5.
func TestFikeGolden(t *testing.T) {
	const (
		wantF  = 4.497780053946162
		wantD1 = 4.053427893898621
		wantD2 = 9.463073681596601
	)
	v, d1, d2 := Derivative2(fike, 1.5)
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"f", v, wantF}, {"f′", d1, wantD1}, {"f″", d2, wantD2}} {
		// The paper prints 16 significant digits.
		if math.Abs(c.got-c.want) > 2e-15*math.Abs(c.want) {
			t.Errorf("Fike %s(1.5) = %.16g, want %.16g", c.name, c.got, c.want)
		}
	}
	// Asymmetric seeds: E1 = f′b, E2 = f′c, E12 = f′d + f″bc.
	b, c, d := 0.7, -1.3, 0.45
	got := fike(Number{1.5, b, c, d})
	want, scale := expand(wantF, wantD1, wantD2, b, c, d)
	checkClose(t, "fike", got, want, scale, 4e-15)
}
