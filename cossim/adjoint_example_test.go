package cossim_test

import (
	"fmt"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// postProblem is the forum post's example: Φ(x) = [1 2 3 4]·x and
// D(z) = W·z with W = [[1,0],[0,5],[1,0],[1,0]], both without bias.
func postProblem() cossim.Problem {
	return cossim.Problem{
		Phi: &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}), B: []float64{0}}}},
		D:   &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}), B: make([]float64, 4)}}},
	}
}

func ExampleAdjoint() {
	p := postProblem()
	a, err := cossim.NewAdjoint(p, cossim.Options{Wrt: cossim.WrtD})
	if err != nil {
		panic(err)
	}
	res := cossim.NewResult(p, cossim.WrtD)
	if err := a.Eval(res, []float64{1, 0.5}); err != nil {
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
	p := postProblem()
	a, err := cossim.NewAdjoint(p, cossim.Options{})
	if err != nil {
		panic(err)
	}
	// The gradient of s₁ + s₂ with respect to D's parameters, as a training
	// loop would use it: one cotangent, not the whole Jacobian.
	grad := make([]float64, p.D.NumParams())
	sum, err := a.SumGrad(grad, nil, []float64{1, 0.5}, nil)
	if err != nil {
		panic(err)
	}
	// ∂Σs/∂W[1][1] is 2/75·2 − 4/375·5 = 0 in exact arithmetic; the
	// floating-point result is −1.4e-17, printed as −0.0000.
	fmt.Printf("Σs = %.4f\n", sum)
	fmt.Printf("∂Σs/∂W = %.4f\n", grad[:8])

	// Output:
	// Σs = 0.8444
	// ∂Σs/∂W = [-0.2963 0.0267 0.3556 -0.0000 0.0593 0.0800 0.2370 0.1067]
}

func ExampleBatch() {
	p := postProblem()
	// With a tanh and a bias, s depends on z.
	p.D.Layers[0].Act = layers.Tanh
	p.D.Layers[0].B = []float64{0, 0, 0.5, -1}
	// Three latents, one per row, shared among two workers.
	Z := mat.NewDense(3, 2, []float64{
		1, 0.5,
		0, 1,
		2, 0,
	})
	b, err := cossim.NewBatch(p, cossim.Options{Wrt: cossim.WrtD}, cossim.EngineAdjoint, 2)
	if err != nil {
		panic(err)
	}
	res := make([]*cossim.Result, 3)
	for i := range res {
		res[i] = cossim.NewResult(p, cossim.WrtD)
	}
	if err := b.Eval(Z, res); err != nil {
		panic(err)
	}
	// s₂ stays 100/750: u₂ = σ′(5z₂)·[0 5 0 0] only changes length. s₁
	// is (w·u₁)²/(|w|²|u₁|²) with u₁ = tanh′(Wz + b) ⊙ [1 0 1 1], which a
	// few lines of plain Python reproduce to the digits printed.
	for i, r := range res {
		fmt.Printf("sample %d: s = %.4f\n", i, r.S)
	}

	// Output:
	// sample 0: s = [0.6788 0.1333]
	// sample 1: s = [0.4716 0.1333]
	// sample 2: s = [0.6133 0.1333]
}

func ExampleChooseKind() {
	p := postProblem()
	k := cossim.ChooseKind(p, cossim.Options{Wrt: cossim.WrtD})
	fmt.Println(k)
	// Output:
	// adjoint
}
