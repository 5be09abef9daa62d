package nn_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/nn"
	"gonum.org/v1/gonum/mat"
)

// resnet returns a problem whose Φ holds a ResNet basic block: conv3×3 →
// batch norm → ReLU → conv3×3 → batch norm, plus the identity, ReLU, then
// global average pooling and a linear head to a scalar, with
// torchvision's names (layer1.0.conv1, …, fc). Its batch norms have
// random running statistics, as a trained network's. D is a dense decoder
// whose output is viewed as Φ's 4×8×8 input.
func resnet() (cossim.Problem, []float64) {
	const m, c = 4, 4
	b := nn.NewBuilder(rand.New(rand.NewPCG(5, 6)))
	z := b.Input("z", m)
	h := b.Tanh(b.Linear("fc1", z, 64))
	h = b.Tanh(b.Linear("fc2", h, c*8*8))
	D, err := b.Build(b.View(h, 1, c, 8, 8))
	if err != nil {
		log.Fatal(err)
	}

	b = nn.NewBuilder(rand.New(rand.NewPCG(7, 8)))
	x := b.Input("x", 1, c, 8, 8)
	blk := b.Scope("layer1").Scope("0") // torchvision's resnet.layer1[0]
	y := blk.Conv2d("conv1", x, c, 3, nn.Padding(1), nn.Bias(false))
	y = b.Relu(blk.BatchNorm2d("bn1", y, nn.RandomRunningStats()))
	y = blk.Conv2d("conv2", y, c, 3, nn.Padding(1), nn.Bias(false))
	y = blk.BatchNorm2d("bn2", y, nn.RandomRunningStats())
	y = b.Relu(b.Add(y, x)) // out += identity
	y = b.Flatten(b.AdaptiveAvgPool2d(y, 1), 1)
	Phi, err := b.Build(b.Linear("fc", y, 1))
	if err != nil {
		log.Fatal(err)
	}
	return cossim.Problem{D: D, Phi: Phi}, []float64{1, -0.5, 0.25, 2}
}

// Build a ResNet basic block into Φ and compute s and ∂s/∂φ.
// PyTorch's autograd on the same modules with the same parameters gives
// the same numbers (TestTorchReference).
func ExampleBuilder_resnet() {
	p, z := resnet()
	fmt.Println("Φ's parameters:")
	for _, q := range p.Phi.Params() {
		fmt.Println(" ", q.Name, q.Shape)
	}
	fmt.Println("P_Φ =", p.Phi.NumParams())

	eng, err := cossim.NewAdjoint(p, cossim.Options{Wrt: cossim.WrtPhi})
	if err != nil {
		log.Fatal(err)
	}
	res := cossim.NewResult(p, cossim.WrtPhi)
	if err := eng.Eval(res, z); err != nil {
		log.Fatal(err)
	}
	fmt.Print("s =")
	for _, s := range res.S {
		fmt.Printf(" %.4g", s)
	}
	fmt.Println()
	r, c := res.GradPhi.Dims()
	fmt.Printf("∂s/∂φ: %d×%d, Frobenius norm %.4g\n", r, c, mat.Norm(res.GradPhi, 2))
	// Output:
	// Φ's parameters:
	//   layer1.0.conv1.weight [4, 4, 3, 3]
	//   layer1.0.bn1.weight [4]
	//   layer1.0.bn1.bias [4]
	//   layer1.0.conv2.weight [4, 4, 3, 3]
	//   layer1.0.bn2.weight [4]
	//   layer1.0.bn2.bias [4]
	//   fc.weight [1, 4]
	//   fc.bias [1]
	// P_Φ = 309
	// s = 0.0003059 0.01188 0.006693 0.009757
	// ∂s/∂φ: 4×309, Frobenius norm 0.1086
}
