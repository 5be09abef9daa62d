// Package bench holds the benchmark cases shared by the Go benchmarks, the
// PyTorch comparison (bench/torch_bench.py builds the same shapes) and the
// report generator (bench/cmd/benchreport), which writes docs/benchmarks.md.
package bench

import (
	"math"
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// Case is one benchmark shape.
type Case struct {
	Name string
	M    int   // latent dimension
	D    []int // D's widths, from m to n
	Phi  []int // Φ's widths, from n to 1
	// Act is the hidden and output activation of every layer.
	Act layers.Activation
}

// Cases are the shapes of issue 6, smallest first. All use tanh except the
// toy, which is the forum post's linear example.
var Cases = []Case{
	{Name: "toy", M: 2, D: []int{2, 4}, Phi: []int{4, 1}, Act: layers.Identity},
	{Name: "small", M: 4, D: []int{4, 32, 16}, Phi: []int{16, 32, 1}, Act: layers.Tanh},
	{Name: "medium", M: 8, D: []int{8, 64, 64, 64}, Phi: []int{64, 64, 1}, Act: layers.Tanh},
	{Name: "large", M: 16, D: []int{16, 256, 256, 784}, Phi: []int{784, 256, 1}, Act: layers.Tanh},
}

// Problem returns the case's networks and a latent. The toy is the post's
// example; the others have deterministic random weights, uniform in
// ±1/√fan_in like torch.nn.Linear's default, from a fixed seed.
func (c Case) Problem() (cossim.Problem, []float64) {
	if c.Name == "toy" {
		phi := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}), B: []float64{0}}}}
		d := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}), B: make([]float64, 4)}}}
		return cossim.Problem{Phi: phi, D: d}, []float64{1, 0.5}
	}
	rng := rand.New(rand.NewPCG(1, uint64(c.M)))
	p := cossim.Problem{D: c.net(rng, c.D), Phi: c.net(rng, c.Phi)}
	return p, Latent(rng, c.M)
}

// Latent returns a latent with independent standard normal entries.
func Latent(rng *rand.Rand, m int) []float64 {
	z := make([]float64, m)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	return z
}

func (c Case) net(rng *rand.Rand, widths []int) *layers.Network {
	n := &layers.Network{}
	for l := 1; l < len(widths); l++ {
		in, out := widths[l-1], widths[l]
		bound := 1 / math.Sqrt(float64(in))
		w := make([]float64, out*in)
		for k := range w {
			w[k] = bound * (2*rng.Float64() - 1)
		}
		b := make([]float64, out)
		for k := range b {
			b[k] = bound * (2*rng.Float64() - 1)
		}
		n.Layers = append(n.Layers, layers.Layer{W: mat.NewDense(out, in, w), B: b, Act: c.Act})
	}
	return n
}
