package nn_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/nn"
	"gonum.org/v1/gonum/mat"
)

// dcgan returns a DCGAN-style problem, as in the PyTorch DCGAN example with
// fewer channels: D, the generator, maps a latent [1, m, 1, 1] to a 1×16×16
// image through transposed convolutions, batch norms and ReLUs, ending in
// tanh; Φ is a discriminator-style CNN with a scalar output. The module
// names are nn.Sequential's indices in an attribute named main.
func dcgan() (cossim.Problem, []float64) {
	const m = 8
	b := nn.NewBuilder(rand.New(rand.NewPCG(1, 2)))
	z := b.Input("z", 1, m, 1, 1)
	h := b.ConvTranspose2d("main.0", z, 16, 4, nn.Bias(false)) // 4×4
	h = b.Relu(b.BatchNorm2d("main.1", h))
	h = b.ConvTranspose2d("main.3", h, 8, 4, nn.Stride(2), nn.Padding(1), nn.Bias(false)) // 8×8
	h = b.Relu(b.BatchNorm2d("main.4", h))
	h = b.ConvTranspose2d("main.6", h, 1, 4, nn.Stride(2), nn.Padding(1), nn.Bias(false)) // 16×16
	D, err := b.Build(b.Tanh(h))
	if err != nil {
		log.Fatal(err)
	}

	b = nn.NewBuilder(rand.New(rand.NewPCG(3, 4)))
	x := b.Input("x", 1, 1, 16, 16)
	h = b.LeakyRelu(b.Conv2d("main.0", x, 8, 4, nn.Stride(2), nn.Padding(1)), 0.2) // 8×8
	h = b.Conv2d("main.2", h, 16, 4, nn.Stride(2), nn.Padding(1), nn.Bias(false))  // 4×4
	h = b.LeakyRelu(b.BatchNorm2d("main.3", h), 0.2)
	h = b.Conv2d("main.5", h, 1, 4) // 1×1
	Phi, err := b.Build(b.Flatten(h, 1))
	if err != nil {
		log.Fatal(err)
	}
	return cossim.Problem{D: D, Phi: Phi}, []float64{0.5, -1, 0.25, 1.5, -0.75, 0.1, -0.3, 1}
}

// Build a DCGAN-style generator and discriminator and compute s and both
// parameter Jacobians with the adjoint engine.
// PyTorch's autograd on the same modules with the same parameters gives
// the same numbers (TestTorchReference).
func ExampleBuilder_dcgan() {
	p, z := dcgan()
	fmt.Println("D:", p.D.InputShape(), "→", p.D.OutputShape(), "P_D =", p.D.NumParams())
	fmt.Println("Φ:", p.Phi.InputShape(), "→", p.Phi.OutputShape(), "P_Φ =", p.Phi.NumParams())
	fmt.Println("D's parameters:")
	for _, q := range p.D.Params() {
		fmt.Println(" ", q.Name, q.Shape)
	}

	eng, err := cossim.NewAdjoint(p, cossim.Options{Wrt: cossim.WrtBoth})
	if err != nil {
		log.Fatal(err)
	}
	res := cossim.NewResult(p, cossim.WrtBoth)
	if err := eng.Eval(res, z); err != nil {
		log.Fatal(err)
	}
	fmt.Print("s =")
	for _, s := range res.S {
		fmt.Printf(" %.4g", s)
	}
	fmt.Println()
	r, c := res.GradD.Dims()
	fmt.Printf("∂s/∂θ_D: %d×%d, Frobenius norm %.4g\n", r, c, mat.Norm(res.GradD, 2))
	r, c = res.GradPhi.Dims()
	fmt.Printf("∂s/∂φ:   %d×%d, Frobenius norm %.4g\n", r, c, mat.Norm(res.GradPhi, 2))
	// Output:
	// D: [1, 8, 1, 1] → [1, 1, 16, 16] P_D = 4272
	// Φ: [1, 1, 16, 16] → [1, 1] P_Φ = 2473
	// D's parameters:
	//   main.0.weight [8, 16, 4, 4]
	//   main.1.weight [16]
	//   main.1.bias [16]
	//   main.3.weight [16, 8, 4, 4]
	//   main.4.weight [8]
	//   main.4.bias [8]
	//   main.6.weight [8, 1, 4, 4]
	// s = 1.311e-05 0.0004048 0.015 0.02669 0.008992 0.0003616 0.002094 0.000485
	// ∂s/∂θ_D: 8×4272, Frobenius norm 1.125
	// ∂s/∂φ:   8×2473, Frobenius norm 1.32
}
