package nn_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/nn"
	"gonum.org/v1/gonum/mat"
)

// mnist returns a problem whose Φ is the PyTorch MNIST example's
// classifier, smaller, on 12×12 images: two 3×3 convolutions with ReLU,
// 2×2 max pooling, dropout (the identity in evaluation mode), two linear
// layers and log-softmax over the ten classes, written as nn.Sequential
// would hold them. Φ is the log-probability of class 3 (PhiOutput = 3). D
// is a dense VAE-style decoder ending in a sigmoid; Φ reads its 144 outputs
// as the image, row-major.
func mnist() (cossim.Problem, []float64) {
	const m = 4
	b := nn.NewBuilder(rand.New(rand.NewPCG(9, 10)))
	z := b.Input("z", m)
	h := b.Relu(b.Linear("fc3", z, 64))
	D, err := b.Build(b.Sigmoid(b.Linear("fc4", h, 144)))
	if err != nil {
		log.Fatal(err)
	}

	b = nn.NewBuilder(rand.New(rand.NewPCG(11, 12)))
	x := b.Input("x", 1, 1, 12, 12)
	h = b.Seq(x,
		func(h graph.Node) graph.Node { return b.Conv2d("conv1", h, 4, 3) }, // 10×10
		b.Relu,
		func(h graph.Node) graph.Node { return b.Conv2d("conv2", h, 8, 3) }, // 8×8
		b.Relu,
		func(h graph.Node) graph.Node { return b.MaxPool2d(h, 2) }, // 4×4
		func(h graph.Node) graph.Node { return b.Dropout(h, 0.25) },
		func(h graph.Node) graph.Node { return b.Flatten(h, 1) },
		func(h graph.Node) graph.Node { return b.Linear("fc1", h, 16) },
		b.Relu,
		func(h graph.Node) graph.Node { return b.Linear("fc2", h, 10) },
		func(h graph.Node) graph.Node { return b.LogSoftmax(h, 1) },
	)
	Phi, err := b.Build(h)
	if err != nil {
		log.Fatal(err)
	}
	return cossim.Problem{D: D, Phi: Phi, PhiOutput: 3}, []float64{0.3, -1.2, 0.8, 0.5}
}

// Build an MNIST-style classifier as Φ, with the log-probability of class
// 3 as the scalar, and compute s and ∂s/∂θ_D.
// PyTorch's autograd on the same modules with the same parameters gives
// the same numbers (TestTorchReference).
func ExampleBuilder_mnist() {
	p, z := mnist()
	fmt.Println("Φ:", p.Phi.InputShape(), "→", p.Phi.OutputShape(), "P_Φ =", p.Phi.NumParams())

	eng, err := cossim.NewAdjoint(p, cossim.Options{Wrt: cossim.WrtD})
	if err != nil {
		log.Fatal(err)
	}
	res := cossim.NewResult(p, cossim.WrtD)
	if err := eng.Eval(res, z); err != nil {
		log.Fatal(err)
	}
	fmt.Print("s =")
	for _, s := range res.S {
		fmt.Printf(" %.4g", s)
	}
	fmt.Println()
	fmt.Printf("|g|² = %.4g\n", res.GradNormSq)
	r, c := res.GradD.Dims()
	fmt.Printf("∂s/∂θ_D: %d×%d, Frobenius norm %.4g\n", r, c, mat.Norm(res.GradD, 2))
	// Output:
	// Φ: [1, 1, 12, 12] → [1, 10] P_Φ = 2570
	// s = 2.488e-05 0.005254 0.003953 0.0005847
	// |g|² = 0.001938
	// ∂s/∂θ_D: 4×9680, Frobenius norm 0.2305
}
