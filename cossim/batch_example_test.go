package cossim_test

import (
	"fmt"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/internal/examples"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

func ExampleBatch() {
	phi, d, _ := examples.Post()
	// With a tanh and a bias, s depends on z.
	d.Layers[0].Act = layers.Tanh
	d.Layers[0].B = []float64{0, 0, 0.5, -1}
	p := cossim.Problem{Phi: phi.Graph(), D: d.Graph()}
	// Three latents, one per row, stacked into one adjoint sweep.
	Z := mat.NewDense(3, 2, []float64{
		1, 0.5,
		0, 1,
		2, 0,
	})
	b, err := cossim.NewBatch(p, cossim.Options{Wrt: cossim.WrtD}, cossim.KindAdjoint, 1)
	if err != nil {
		panic(err)
	}
	// Stream hands each latent's result over as soon as it is computed.
	err = b.Stream(Z, func(s int, r *cossim.Result) error {
		fmt.Printf("sample %d: s = %.4f\n", s, r.S)
		return nil
	})
	if err != nil {
		panic(err)
	}
	// s₂ stays 100/750: u₂ = tanh′(5z₂)·[0 5 0 0] only changes length. s₁
	// is (w·u₁)²/(|w|²|u₁|²) with u₁ = tanh′(Wz + b) ⊙ [1 0 1 1], which a
	// few lines of plain Python reproduce to the digits printed.

	// Output:
	// sample 0: s = [0.6788 0.1333]
	// sample 1: s = [0.4716 0.1333]
	// sample 2: s = [0.6133 0.1333]
}
