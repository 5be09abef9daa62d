// Package bench holds the benchmark cases shared by the Go benchmarks, the
// PyTorch comparison (bench/torch_bench.py builds the same shapes) and the
// report generator (bench/cmd/benchreport), which writes docs/benchmarks.md.
package bench

import (
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/internal/examples"
	"github.com/dualgrad/dualgrad/layers"
)

// Case is one benchmark shape.
type Case struct {
	Name string
	M    int   // latent dimension
	D    []int // D's widths, from m to n (for a case with its own build, its dense part or a summary)
	Phi  []int // Φ's widths, from n to 1
	// Act is the hidden and output activation of every layer.
	Act layers.Activation
	// build, if set, makes the problem instead of the dense widths.
	build func() (cossim.Problem, []float64)
}

// Cases are the benchmark shapes, smallest first. The dense ones use tanh
// except the toy, which is the forum post's linear example; mnist is the
// PyTorch examples' VAE decoder with the MNIST example's CNN as Φ.
var Cases = []Case{
	{Name: "toy", M: 2, D: []int{2, 4}, Phi: []int{4, 1}, Act: layers.Identity, build: toy},
	{Name: "small", M: 4, D: []int{4, 32, 16}, Phi: []int{16, 32, 1}, Act: layers.Tanh},
	{Name: "medium", M: 8, D: []int{8, 64, 64, 64}, Phi: []int{64, 64, 1}, Act: layers.Tanh},
	{Name: "large", M: 16, D: []int{16, 256, 256, 784}, Phi: []int{784, 256, 1}, Act: layers.Tanh},
}

func toy() (cossim.Problem, []float64) {
	phi, d, z := examples.Post()
	return cossim.Problem{Phi: phi.Graph(), D: d.Graph()}, z
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
