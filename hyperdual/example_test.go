package hyperdual_test

import (
	"fmt"

	"github.com/dualgrad/dualgrad/hyperdual"
	"gonum.org/v1/gonum/mat"
)

// Fike & Alonso's test function f(x) = eˣ/√(sin³x + cos³x) (AIAA 2011-886),
// differentiated twice exactly in one evaluation. The paper reports
// f = 4.497780053946162, f′ = 4.053427893898621, f″ = 9.463073681596601.
func Example() {
	fike := func(x hyperdual.Number) hyperdual.Number {
		s, c := hyperdual.Sin(x), hyperdual.Cos(x)
		den := hyperdual.Sqrt(hyperdual.Add(hyperdual.PowReal(s, 3), hyperdual.PowReal(c, 3)))
		return hyperdual.Div(hyperdual.Exp(x), den)
	}
	v, d1, d2 := hyperdual.Derivative2(fike, 1.5)
	fmt.Printf("f   = %.13f\nf′  = %.13f\nf″  = %.13f\n", v, d1, d2)
	// Output:
	// f   = 4.4977800539462
	// f′  = 4.0534278938986
	// f″  = 9.4630736815966
}

// Differentiating a Go function the user writes: g(x) = x·tanh(x) + log1p(x²).
func ExampleDerivative2() {
	g := func(x hyperdual.Number) hyperdual.Number {
		return hyperdual.Add(hyperdual.Mul(x, hyperdual.Tanh(x)), hyperdual.Log1p(hyperdual.Mul(x, x)))
	}
	v, d1, d2 := hyperdual.Derivative2(g, 0)
	fmt.Println(v, d1, d2) // g″(0) = 2·tanh′(0) + 2 = 4
	// Output: 0 0 4
}

// The Hessian of f(x, y, z) = x²y + y·sin z + eˣz, one evaluation per pair.
func ExampleHessian() {
	f := func(v []hyperdual.Number) hyperdual.Number {
		x, y, z := v[0], v[1], v[2]
		xxy := hyperdual.Mul(hyperdual.Mul(x, x), y)
		return hyperdual.Add(hyperdual.Add(xxy, hyperdual.Mul(y, hyperdual.Sin(z))), hyperdual.Mul(hyperdual.Exp(x), z))
	}
	h := hyperdual.Hessian(nil, f, []float64{0, 2, 0})
	fmt.Printf("%v\n", mat.Formatted(h))
	// Output:
	// ⎡4  0  1⎤
	// ⎢0  0  1⎥
	// ⎣1  1  0⎦
}

// The gradient of the same function takes ⌈3/2⌉ = 2 evaluations.
func ExampleGradient() {
	f := func(v []hyperdual.Number) hyperdual.Number {
		x, y, z := v[0], v[1], v[2]
		xxy := hyperdual.Mul(hyperdual.Mul(x, x), y)
		return hyperdual.Add(hyperdual.Add(xxy, hyperdual.Mul(y, hyperdual.Sin(z))), hyperdual.Mul(hyperdual.Exp(x), z))
	}
	fmt.Println(hyperdual.Gradient(nil, f, []float64{1, 2, 0}))
	// Output: [4 1 4.718281828459045]
}

// Seeding by hand: x on ε₁ and y on ε₂ put ∂f/∂x, ∂f/∂y and ∂²f/∂x∂y of
// f(x, y) = x·y³ in the three derivative parts: y³, 3xy², 3y².
func ExampleNumber() {
	x := hyperdual.Number{Real: 2, E1: 1}
	y := hyperdual.Number{Real: 3, E2: 1}
	fmt.Println(hyperdual.Mul(x, hyperdual.PowReal(y, 3)))
	// Output: (54+27ε₁+54ε₂+27ε₁ε₂)
}

func ExampleNumber_Format() {
	x := hyperdual.Number{Real: 1, E1: 2, E2: -3, E12: 4}
	fmt.Println(x)
	fmt.Printf("%.2f\n", x)
	fmt.Printf("%#v\n", hyperdual.Var(0.5))
	// Output:
	// (1+2ε₁-3ε₂+4ε₁ε₂)
	// (1.00+2.00ε₁-3.00ε₂+4.00ε₁ε₂)
	// hyperdual.Number{Real:0.5, E1:1, E2:1, E12:0}
}
