package dual_test

import (
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/dual"
)

// Differentiate a function written against the package. fike is Fike and
// Alonso's test function eˣ/√(sin³x + cos³x); its exact derivative at 1.5 is
// 4.053427893898621.
func Example() {
	fike := func(x dual.Number) dual.Number {
		s, c := dual.Sin(x), dual.Cos(x)
		return dual.Div(dual.Exp(x), dual.Sqrt(dual.Add(dual.PowReal(s, 3), dual.PowReal(c, 3))))
	}
	fmt.Printf("f′(1.5) = %.12f\n", dual.Derivative(fike, 1.5))

	// The same evaluation by hand: seed x = 1.5 + 1ε and read both parts.
	y := fike(dual.Var(1.5))
	fmt.Printf("f(1.5)  = %.12f\n", y.Real)
	// Output:
	// f′(1.5) = 4.053427893899
	// f(1.5)  = 4.497780053946
}

// The gradient of f(x, y) = x²·y + sin(y) is (2xy, x² + cos y).
func ExampleGradient() {
	f := func(v []dual.Number) dual.Number {
		x, y := v[0], v[1]
		return dual.Add(dual.Mul(dual.Mul(x, x), y), dual.Sin(y))
	}
	g := dual.Gradient(nil, f, []float64{1, 2})
	fmt.Printf("∇f(1, 2) = [%.6f %.6f]\n", g[0], g[1])
	fmt.Printf("closed form [%.6f %.6f]\n", 2*1*2.0, 1+math.Cos(2))
	// Output:
	// ∇f(1, 2) = [4.000000 0.583853]
	// closed form [4.000000 0.583853]
}

func ExampleNumber_String() {
	x := dual.Number{Real: 1, Eps: 2}
	fmt.Println(x, dual.Neg(x))
	fmt.Printf("%.3f\n", dual.Sqrt(dual.Var(2)))
	// Output:
	// (1+2ε) (-1-2ε)
	// (1.414+0.354ε)
}

// A zero tangent contributes nothing even where the derivative is infinite.
func ExampleSqrt() {
	fmt.Println(dual.Sqrt(dual.Const(0)))
	fmt.Println(dual.Sqrt(dual.Var(0)))
	// Output:
	// (0+0ε)
	// (0+Infε)
}

// At a tie, Max splits the derivative evenly between its arguments.
func ExampleMax() {
	x := dual.Number{Real: 1, Eps: 2}
	y := dual.Number{Real: 1, Eps: 6}
	fmt.Println(dual.Max(x, y))
	// Output:
	// (1+4ε)
}
