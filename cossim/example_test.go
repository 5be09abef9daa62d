package cossim_test

import (
	"fmt"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/internal/examples"
)

// postProblem is the forum post's example (docs/math.md): Φ(x) = [1 2 3 4]·x
// and D(z) = W·z with W = [[1,0],[0,5],[1,0],[1,0]], both without bias.
func postProblem() (cossim.Problem, []float64) {
	phi, d, z := examples.Post()
	return cossim.Problem{Phi: phi.Graph(), D: d.Graph()}, z
}

func ExampleNew() {
	p, z := postProblem()
	opt := cossim.Options{Wrt: cossim.WrtD}
	eng, err := cossim.New(p, opt, cossim.KindAuto)
	if err != nil {
		panic(err)
	}
	res := cossim.NewResult(p, opt.Wrt)
	if err := eng.Eval(res, z); err != nil {
		panic(err)
	}
	fmt.Printf("s = %.4f\n", res.S)
	// The columns of ∂s/∂θ follow D's parameters.
	for _, q := range p.D.Params() {
		fmt.Println(q.Name, q.Shape, "at column", q.Offset)
	}
	// Output:
	// s = [0.7111 0.1333]
	// layers.0.weight [4, 2] at column 0
	// layers.0.bias [4] at column 8
}

func ExampleChooseKind() {
	p, _ := postProblem()
	fmt.Println(cossim.ChooseKind(p, cossim.Options{Wrt: cossim.WrtD}))
	// Output:
	// adjoint
}
