package dual

import "testing"

// TestFikeGolden checks property 8's ε part: Fike and Alonso's test function
// f(x) = eˣ/√(sin³x + cos³x) at x = 1.5. The values are the golden ones quoted
// in issue 2 from Fike & Alonso (2011).
func TestFikeGolden(t *testing.T) {
	x := Var(1.5)
	s, c := Sin(x), Cos(x)
	f := Div(Exp(x), Sqrt(Add(PowReal(s, 3), PowReal(c, 3))))
	if !closeRel(f.Real, 4.497780053946162, 1e-15) {
		t.Errorf("f(1.5) = %v, want 4.497780053946162", f.Real)
	}
	if !closeRel(f.Eps, 4.053427893898621, 1e-15) {
		t.Errorf("f′(1.5) = %v, want 4.053427893898621", f.Eps)
	}
}
