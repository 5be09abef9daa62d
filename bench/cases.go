// Package bench holds the benchmark cases shared by the Go benchmarks, the
// PyTorch comparison (bench/torch_bench.py builds the same shapes) and the
// report generator (bench/cmd/benchreport), which writes docs/benchmarks.md.
package bench

import (
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/internal/examples"
	"github.com/dualgrad/dualgrad/layers"
	"github.com/dualgrad/dualgrad/nn"
)

// Case is one benchmark shape.
type Case struct {
	Name string
	M    int   // latent dimension
	D    []int // D's widths, from m to n (for a case with its own build, its dense part or a summary)
	Phi  []int // Φ's widths, from n to 1
	// Act is the hidden and output activation of every layer.
	Act layers.Activation
	// Desc describes the networks of a case with its own build.
	Desc string
	// build, if set, makes the problem instead of the dense widths.
	build func() (cossim.Problem, []float64)
}

// Cases are the benchmark shapes, smallest first. The dense ones use tanh
// except the toy, which is the forum post's linear example; mnist is the
// PyTorch examples' VAE decoder with the MNIST example's CNN as Φ.
var Cases = []Case{
	{Name: "toy", M: 2, Desc: "the forum post's linear D 2→4 and Φ 4→1", build: toy},
	{Name: "small", M: 4, D: []int{4, 32, 16}, Phi: []int{16, 32, 1}, Act: layers.Tanh},
	{Name: "medium", M: 8, D: []int{8, 64, 64, 64}, Phi: []int{64, 64, 1}, Act: layers.Tanh},
	{Name: "large", M: 16, D: []int{16, 256, 256, 784}, Phi: []int{784, 256, 1}, Act: layers.Tanh},
	{Name: "mnist", M: 20, Desc: "D the VAE decoder 20→400→784 (ReLU, sigmoid), Φ the MNIST CNN on 1×28×28 (conv 32, conv 64, max pool, 9216→128→10, log-softmax), Φ = class 3", build: mnist},
}

func toy() (cossim.Problem, []float64) {
	phi, d, z := examples.Post()
	return cossim.Problem{Phi: phi.Graph(), D: d.Graph()}, z
}

// mnist returns the mnist case, built with package nn from one seeded
// source as in PyTorch (torch.nn's default initialization): D is the
// decoder of the PyTorch examples' VAE, fc3 20 → 400, ReLU, fc4 400 → 784,
// sigmoid; Φ is the PyTorch MNIST example's Net in evaluation mode (its
// dropouts the identity) on D's 784 outputs read row-major as a 1×28×28
// image: conv1 1 → 32 3×3, ReLU, conv2 32 → 64 3×3, ReLU, 2×2 max pooling,
// flatten, fc1 9216 → 128, ReLU, fc2 128 → 10, log-softmax over the
// classes, of which Φ is the log-probability of class 3. The latent is
// standard normal.
func mnist() (cossim.Problem, []float64) {
	const m = 20
	rng := rand.New(rand.NewPCG(1, m))
	b := nn.NewBuilder(rng)
	h := b.Relu(b.Linear("fc3", b.Input("z", m), 400))
	D, err := b.Build(b.Sigmoid(b.Linear("fc4", h, 784)))
	if err != nil {
		panic(err)
	}

	b = nn.NewBuilder(rng)
	x := b.Input("x", 1, 1, 28, 28)
	h = b.Relu(b.Conv2d("conv1", x, 32, 3)) // 26×26
	h = b.Relu(b.Conv2d("conv2", h, 64, 3)) // 24×24
	h = b.Flatten(b.MaxPool2d(h, 2), 1)     // 64·12·12 = 9216
	h = b.Relu(b.Linear("fc1", h, 128))
	Phi, err := b.Build(b.LogSoftmax(b.Linear("fc2", h, 10), 1))
	if err != nil {
		panic(err)
	}
	return cossim.Problem{D: D, Phi: Phi, PhiOutput: 3}, Latent(rng, m)
}

// Problem returns the case's networks and a latent. The dense cases have
// deterministic random weights, uniform in ±1/√fan_in like
// torch.nn.Linear's default, from a fixed seed.
func (c Case) Problem() (cossim.Problem, []float64) {
	if c.build != nil {
		return c.build()
	}
	rng := rand.New(rand.NewPCG(1, uint64(c.M)))
	d := examples.RandUniform(rng, c.D, c.Act)
	phi := examples.RandUniform(rng, c.Phi, c.Act)
	return cossim.Problem{D: d.Graph(), Phi: phi.Graph()}, Latent(rng, c.M)
}

// Latent returns a latent with independent standard normal entries.
func Latent(rng *rand.Rand, m int) []float64 {
	z := make([]float64, m)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	return z
}
