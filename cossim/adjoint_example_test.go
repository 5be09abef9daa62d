package cossim_test

import (
	"fmt"

	"github.com/dualgrad/dualgrad/cossim"
)

func ExampleAdjoint() {
	p, z := postProblem()
	a, err := cossim.NewAdjoint(p, cossim.Options{Wrt: cossim.WrtD})
	if err != nil {
		panic(err)
	}
	res := cossim.NewResult(p, cossim.WrtD)
	if err := a.Eval(res, z); err != nil {
		panic(err)
	}
	fmt.Printf("s = %.4f\n", res.S)
	// Row 1 of ∂s/∂θ holds ∂s₁/∂W row-major, then ∂s₁/∂b: column 1 of
	// ∂s₁/∂W is every other entry.
	row := res.GradD.RawRowView(0)
	fmt.Printf("∂s₁/∂W[:,1] = %.4f\n", []float64{row[0], row[2], row[4], row[6]})
	// Output:
	// s = [0.7111 0.1333]
	// ∂s₁/∂W[:,1] = [-0.2963 0.3556 0.0593 0.2370]
}

func ExampleAdjoint_SumGrad() {
	p, z := postProblem()
	a, err := cossim.NewAdjoint(p, cossim.Options{})
	if err != nil {
		panic(err)
	}
	// The gradient of s₁ + s₂ with respect to D's parameters, as a training
	// loop would use it: one cotangent, not the whole Jacobian. The values
	// are docs/math.md's ∂s₁/∂W[:,1] and ∂s₂/∂W[:,2], interleaved.
	grad := make([]float64, p.D.NumParams())
	sum, err := a.SumGrad(grad, nil, z, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Σs = %.4f\n", sum)
	fmt.Printf("∂Σs/∂W = %.4f\n", grad[:8])
	// Output:
	// Σs = 0.8444
	// ∂Σs/∂W = [-0.2963 0.0267 0.3556 0.0000 0.0593 0.0800 0.2370 0.1067]
}
